"""Run a build over many schools: check them all, build the good ones, report.

DOCX are rendered in this process; PDFs come from a pool of warm LibreOffice
workers (``--jobs``, one thread each). The workers start first, while the
library and schools are read; then this thread renders DOCX ahead into a
short queue, so a worker that finishes a PDF finds the next DOCX waiting
instead of idling while Python renders it. A school that fails, for any
reason, does not stop the others; the summary lists every failure with its
reason. A signal (:class:`Interrupted`) kills the workers at once, keeps the
documents already finished, and leaves the count in the exception for the
CLI's one-line message.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import click

from generator.build import Job, Outcome, build_job, jobs_for, render_job, write_job
from generator.check import Resolver, split_repeated_ids
from generator.review.as_built import approved_policy, resolve_as_built
from generator.errors import Findings, Interrupted, PolicygenError, Problem
from generator.incremental import Incremental
from generator.library import Library, load_library
from generator.plan import BuildPlan, start_workers
from generator.render.docx import DEFAULT_TEMPLATE, open_template
from generator.render.office import INSTALL_HINT
from generator.render.pool import WorkerPool
from generator.targets import check_policy_id

Echo = Callable[..., None]


@dataclass
class BuildReport:
    """What a batch did: counts, failures and time taken (no document is kept once it is written)."""

    built: int = 0
    planned: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    restarts: int = 0  # after LibreOffice crashed or hung; routine recycling is not counted
    skipped: int = 0
    good_schools: int = 0
    bad_schools: int = 0  # refused by the checks: none of their documents was planned
    drafts: list[tuple[str, str]] = field(default_factory=list)  # built documents not yet approved
    noted: Callable[[Outcome], None] | None = None

    def note(self, outcome: Outcome) -> None:
        """Count a finished document (and hand it to ``noted``: the manifest)."""
        if outcome.ok:
            self.built += 1
            policy = outcome.job.policy
            if policy is not None and policy.status.draft:
                self.drafts.append((outcome.job.name, policy.status.label))
        else:
            self.failures.append((outcome.job.name, outcome.error or "failed"))
        if self.noted is not None:
            self.noted(outcome)

    @property
    def ok(self) -> bool:
        return not self.failures


def run_build(paths: list[Path], plan: BuildPlan, *, echo: Echo, pool: WorkerPool | None = None) -> bool:
    """Build every policy of the schools at ``paths`` as ``plan`` says; return True when all succeeded.

    ``pool`` is what :func:`start_workers` returned, when the caller started
    the workers early; without it they are started here. Either way the build
    stops them when it ends. Documents whose inputs are unchanged since they
    were written into the plan's folder are skipped (:mod:`generator.incremental`),
    unless ``plan.force``. Each policy is resolved as it prints today (marked
    draft or approved), or, with ``plan.approved``, as last approved. With
    ``plan.cluster`` (a Dask scheduler's address) the documents are built on
    its workers instead.

    Raises:
        Interrupted: a signal stopped the build; its ``summary`` says how far it got.
    """
    begun = time.monotonic()
    client = None
    if plan.cluster:
        from generator.cluster.client import cluster_office, connect

        client = connect(plan.cluster)
    elif pool is None:
        pool = start_workers(plan, len(paths))
    out_dir, policy_id = plan.out_dir, plan.policy_id
    resolver: Resolver = approved_policy if plan.approved else resolve_as_built
    report = BuildReport()
    incremental: Incremental | None = None
    try:
        library = load_library(plan.library_dir)
        if policy_id is not None:
            check_policy_id(library, policy_id)  # a typo is a usage error with a "did you mean", not "no school"
        template = plan.template or DEFAULT_TEMPLATE
        open_template(template)  # a broken template is one clear error, before any school
        if plan.office_missing:
            echo(INSTALL_HINT, err=True)
        # what was last approved (build --approved) is another kind of build: its own build context
        kinds = set(plan.formats) | ({"approved"} if plan.approved else set())
        incremental = Incremental(out_dir, plan.library_dir, template, kinds,
                                  plan.office.soffice if plan.office else None, force=plan.force, policy_id=policy_id,
                                  office_digest=cluster_office(client) if client and plan.pdf else None)
        report.noted = incremental.note
        paths, repeated = split_repeated_ids(paths)  # two schools with one id would overwrite each other
        _report_problems(repeated, report.failures, echo)
        todo = _plan(library, paths, policy_id, incremental, report, echo, resolver)
        if client:
            _build_on_cluster(client, todo, out_dir, template, plan.pdf, echo, report)
        elif pool:
            _build_with_pdf(library, todo, out_dir, template, pool, echo, report)
        else:
            _build_docx_only(library, todo, out_dir, template, echo, report)
    except Interrupted as stop:
        if pool:
            pool.abort()
        stop.summary = f"{report.built} policies were built"  # streamed: the total is not known yet
        raise
    finally:
        if pool:
            pool.stop()
            report.restarts = pool.restarts
        if client:
            client.close()
        if incremental is not None:  # also when interrupted: what was finished is kept
            warning = incremental.finish()
            if warning:
                echo(warning, err=True)
            report.skipped = incremental.skipped
    report.seconds = time.monotonic() - begun
    if policy_id and report.good_schools and not report.planned and not report.skipped:
        echo(f"no school given has the {policy_id!r} policy", err=True)
        return False
    _summarise(report, out_dir, echo)
    _report_drafts(report, echo)
    return report.ok and not plan.failed_without_pdf


def _plan(library: Library, paths: list[Path], policy_id: str | None, incremental: Incremental,
          report: BuildReport, echo: Echo, resolver: Resolver) -> Iterator[Job]:
    """Yield the documents to build, one school at a time: skip, check, resolve, report problems as found.

    The builders draw from this as they go, so the first document is written
    while later schools are still unread, and memory does not grow with the batch.
    """
    for path in paths:
        if incremental.unchanged(path):
            continue
        good, problems = incremental.check(library, [path], resolver)
        _report_problems(problems, report.failures, echo)
        report.good_schools += len(good)
        report.bad_schools += 1 - len(good)
        for job in jobs_for(good, policy_id):
            if not incremental.current(library, job):
                report.planned += 1
                yield job



def _report_drafts(report: BuildReport, echo: Echo) -> None:
    """Say which documents print wording the governors have not approved."""
    if report.drafts:
        echo(f"{len(report.drafts)} of {report.built} document(s) built are drafts, marked as such "
             "(not yet approved):")
        for name, label in report.drafts:
            echo(f"  {name}: {label}")


def _report_problems(problems: Iterable[Problem], failures: list[tuple[str, str]], echo: Echo) -> None:
    findings = Findings(problems)
    for line in findings.lines():
        echo(line, err=True)
    for path, found in Findings(findings.errors).by_file().items():
        failures.append((path.stem, f"{len(found)} input error(s), listed above"))


def _failed(job: Job, exc: Exception) -> Outcome:
    """Return the outcome of a job that raised ``exc``: policygen's own message, or what went wrong."""
    if isinstance(exc, PolicygenError):
        return Outcome(job, error=str(exc))
    if isinstance(exc, OSError) and exc.strerror:
        return Outcome(job, error=f"could not write {exc.filename or 'its files'}: {exc.strerror}")
    return Outcome(job, error=f"unexpected {type(exc).__name__}: {exc} (please report it; run with --debug)")


def _line(outcome: Outcome) -> str:
    if outcome.ok:
        names = ", ".join(p.suffix.lstrip(".") for p in outcome.files)
        return f"ok      {outcome.job.name} ({names})"
    return f"FAILED  {outcome.job.name}: {(outcome.error or '').splitlines()[0]}"


def _build_docx_only(library: Library, todo: Iterable[Job], out_dir: Path, template: Path, echo: Echo,
                     report: BuildReport) -> None:
    with _Progress(echo, report) as progress:
        for job in todo:
            try:
                outcome = build_job(library, job, out_dir, template)
            except Exception as exc:  # one school's failure never stops the batch
                outcome = _failed(job, exc)
            report.note(outcome)
            progress.done(_line(outcome))


def _build_on_cluster(client: object, todo: Iterable[Job], out_dir: Path, template: Path, pdf: bool, echo: Echo,
                      report: BuildReport) -> None:
    from generator.cluster.client import build_on_cluster

    with _Progress(echo, report) as progress:
        def record(outcome: Outcome) -> None:
            report.note(outcome)
            progress.done(_line(outcome))

        build_on_cluster(client, todo, out_dir, template, pdf, record)


def _build_with_pdf(library: Library, todo: Iterable[Job], out_dir: Path, template: Path, pool: WorkerPool,
                    echo: Echo, report: BuildReport) -> None:
    rendered: queue.Queue[tuple[Job, bytes] | None] = queue.Queue(maxsize=2 * len(pool.workers))
    lock = threading.Lock()

    def record(outcome: Outcome) -> None:
        with lock:
            report.note(outcome)
            progress.done(_line(outcome))

    def serve() -> None:
        while (item := rendered.get()) is not None:
            job, data = item
            try:
                outcome = write_job(out_dir, job, data, pool)
            except Exception as exc:  # one school's failure never stops the batch
                outcome = _failed(job, exc)
            if not outcome.ok and pool.aborted:
                continue  # the build was interrupted; this document is discarded, not failed
            record(outcome)

    with _Progress(echo, report) as progress:
        pool.ready()
        threads = [threading.Thread(target=serve, daemon=True) for _ in range(pool.size)]
        for thread in threads:
            thread.start()
        interrupted = True
        try:
            for job in todo:
                try:
                    data = render_job(library, job, template)
                except Exception as exc:  # one school's failure never stops the batch
                    record(_failed(job, exc))
                    continue
                if not _put(rendered, (job, data), threads):
                    record(Outcome(job, error="no LibreOffice worker was left to convert it"))
            interrupted = False
        finally:
            if interrupted:  # a signal: drop what is queued, and stop what the workers hold
                _drain(rendered)
                pool.abort()
            for _ in threads:
                _put(rendered, None, threads)
            for thread in threads:
                thread.join(timeout=120)


def _put(rendered: queue.Queue, item: object, threads: list[threading.Thread]) -> bool:
    """Queue ``item`` for the workers, waiting while the queue is full; False when no worker is left."""
    while True:
        try:
            rendered.put(item, timeout=0.5)
            return True
        except queue.Full:
            if not any(t.is_alive() for t in threads):
                return False


def _drain(rendered: queue.Queue) -> None:
    while True:
        try:
            rendered.get_nowait()
        except queue.Empty:
            return


def _summarise(report: BuildReport, out_dir: Path, echo: Echo) -> None:
    built, planned = report.built, report.planned
    extra = (f"; LibreOffice crashed or hung and was restarted {report.restarts} time(s)"
             if report.restarts else "")
    if report.skipped:
        extra += f"; skipped {report.skipped} unchanged (--force rebuilds them)"
    if report.bad_schools:  # their documents were never planned: say so, or "built 7 of 7" hides a school
        extra += f"; {report.bad_schools} school(s) not built because of input errors"
    echo(f"built {built} of {planned} policies into {out_dir}/ in {report.seconds:.1f}s{extra}")
    if report.failures:
        echo(f"{len(report.failures)} failed:", err=True)
        for name, reason in report.failures:
            first, *rest = reason.splitlines()
            echo(f"  {name}: {first}" + (f" (and {len(rest)} more line(s))" if rest else ""), err=True)


class _Progress:
    """A progress bar on a terminal; one line per finished document elsewhere.

    The batch is streamed, so its size grows as schools are checked: the
    bar's length is the number of documents planned so far.
    """

    def __init__(self, echo: Echo, report: BuildReport):
        self.echo = echo
        self.report = report
        self.bar = None

    def __enter__(self) -> "_Progress":
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=1, label="building", file=sys.stderr, show_pos=True, show_eta=True)
            self.bar.__enter__()
        return self

    def done(self, line: str) -> None:
        if self.bar is not None:
            if line.startswith("FAILED"):
                self.echo("\n" + line, err=True)
            self.bar.length = max(self.report.planned, self.bar.pos + 1)
            self.bar.update(1)
        else:
            self.echo(line)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
