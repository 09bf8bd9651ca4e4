"""Run a build over many schools: check them all, build the good ones, report.

DOCX are rendered in this process; PDFs come from a pool of warm LibreOffice
workers (``--jobs``, one thread each). The workers start first, while the
library and schools are read; then this thread renders DOCX ahead into a
short queue, so a worker that finishes a PDF finds the next DOCX waiting
instead of idling while Python renders it. A school that fails does not stop
the others; the summary lists every failure with its reason.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import click

from generator.build import Job, Outcome, build_job, jobs_for, render_job, write_job
from generator.check import check_paths
from generator.errors import PolicygenError, Problem
from generator.incremental import Incremental
from generator.library import Library, load_library
from generator.render.docx import DEFAULT_TEMPLATE, open_template
from generator.render.pdf import INSTALL_HINT, LibreOffice, Worker, WorkerPool, start_pool
from generator.validate import suggest

Echo = Callable[..., None]


@dataclass
class BuildReport:
    """What a batch did: outcomes, failures and time taken."""

    outcomes: list[Outcome] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    restarts: int = 0
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def run_build(paths: list[Path], *, library_dir: Path, out_dir: Path, template: Path | None,
              formats: set[str], jobs: int | None, policy_id: str | None, echo: Echo,
              office: LibreOffice | None | bool = True,
              started: tuple[LibreOffice | None, WorkerPool | None] | None = None, force: bool = False) -> bool:
    """Build every policy of the schools at ``paths``; return True when all succeeded.

    ``office=True`` looks LibreOffice up; None means "not available".
    ``started`` is what :func:`start_pool` returned, when the caller started
    the workers early; the build stops them when it ends. Documents whose
    inputs are unchanged since they were written into ``out_dir`` are skipped
    (:mod:`generator.incremental`), unless ``force``.
    """
    begun = time.monotonic()
    office, pool = started if started is not None else start_pool(len(paths), formats, jobs, office)
    missing_office = office is None and ("pdf" in formats or not formats)
    report = BuildReport()
    todo: list[Job] = []
    failed: list[Path] = []
    incremental: Incremental | None = None
    try:
        library = load_library(library_dir)
        if policy_id is not None and policy_id not in library.policies:
            echo(f"--policy: no policy {policy_id!r} in the library{suggest(policy_id, library.policies)}", err=True)
            return False
        template = template or DEFAULT_TEMPLATE
        open_template(template)  # a broken template is one clear error, before any school
        if missing_office:
            echo(INSTALL_HINT, err=True)
        incremental = Incremental(out_dir, library_dir, template, {"docx", "pdf"} if pool else {"docx"},
                                  office.soffice if office else None, force=force, policy_id=policy_id)
        paths = [path for path in paths if not incremental.unchanged(path)]
        good, problems = incremental.check(library, paths)
        passed = {c.school_file.path for c in good}
        failed = [Path(p) for p in paths if Path(p) not in passed]
        _report_problems(problems, failed, report.failures, echo)
        todo = [job for job in jobs_for(good, policy_id) if not incremental.current(library, job)]
        if policy_id and good and not todo and not incremental.skipped:
            echo(f"no school given has the {policy_id!r} policy", err=True)
            return False
        if pool:
            _build_with_pdf(library, todo, out_dir, template, pool, echo, report)
        else:
            _build_docx_only(library, todo, out_dir, template, echo, report)
    finally:
        if pool:
            report.restarts = pool.stop()
        if incremental is not None:  # also when interrupted: what was finished is kept
            incremental.record(report.outcomes)
            incremental.save()
            report.skipped = incremental.skipped
    report.seconds = time.monotonic() - begun
    _summarise(report, len(todo) + len(failed), out_dir, echo)  # a school that failed its checks counts too
    return report.ok and not ("pdf" in formats and missing_office)


def _report_problems(problems: list[Problem], failed: list[Path], failures: list[tuple[str, str]],
                     echo: Echo) -> None:
    """Print every problem, and list each school that failed by its id (not by the file at fault)."""
    for problem in problems:
        echo(str(problem), err=True)
    for path in failed:
        own = sum(1 for p in problems if p.severity == "error" and Path(p.path) == path)
        failures.append((path.stem, f"{own} input error(s) in its file, listed above" if own
                         else "input errors in the files it uses (its group), listed above"))


def _line(outcome: Outcome) -> str:
    if outcome.ok:
        names = ", ".join(p.suffix.lstrip(".") for p in outcome.files)
        return f"ok      {outcome.job.name} ({names})"
    return f"FAILED  {outcome.job.name}: {(outcome.error or '').splitlines()[0]}"


def _build_docx_only(library: Library, todo: list[Job], out_dir: Path, template: Path, echo: Echo,
                     report: BuildReport) -> None:
    with _Progress(len(todo), echo) as progress:
        for job in todo:
            outcome = build_job(library, job, out_dir, template)
            report.outcomes.append(outcome)
            progress.done(_line(outcome))
    report.failures.extend((o.job.name, o.error or "failed") for o in report.outcomes if not o.ok)


def _build_with_pdf(library: Library, todo: list[Job], out_dir: Path, template: Path, pool: WorkerPool,
                    echo: Echo, report: BuildReport) -> None:
    rendered: queue.Queue[tuple[Job, bytes] | None] = queue.Queue(maxsize=2 * len(pool.workers))
    lock = threading.Lock()

    def record(outcome: Outcome) -> None:
        with lock:
            report.outcomes.append(outcome)
            progress.done(_line(outcome))

    def serve(worker: Worker) -> None:
        while (item := rendered.get()) is not None:
            job, data = item
            try:
                outcome = write_job(out_dir, job, data, worker)
            except Exception as exc:  # never lose the rest of the batch
                outcome = Outcome(job, error=f"unexpected {type(exc).__name__}: {exc}")
            record(outcome)

    with _Progress(len(todo), echo) as progress:
        pool.ready()
        threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in pool.workers[:max(1, len(todo))]]
        for thread in threads:
            thread.start()
        interrupted = True
        try:
            for job in todo:
                try:
                    data = render_job(library, job, template)
                except PolicygenError as exc:
                    record(Outcome(job, error=str(exc)))
                    continue
                if not _put(rendered, (job, data), threads):
                    record(Outcome(job, error="no LibreOffice worker was left to convert it"))
            interrupted = False
        finally:
            if interrupted:  # Ctrl-C or SIGTERM: drop what is queued, let the workers finish what they hold
                _drain(rendered)
            for _ in threads:
                _put(rendered, None, threads)
            for thread in threads:
                thread.join(timeout=120)
    report.failures.extend((o.job.name, o.error or "failed") for o in report.outcomes if not o.ok)


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


def _summarise(report: BuildReport, planned: int, out_dir: Path, echo: Echo) -> None:
    built = sum(1 for o in report.outcomes if o.ok)
    extra = f"; LibreOffice restarted {report.restarts} time(s)" if report.restarts else ""
    if report.skipped:
        extra += f"; skipped {report.skipped} unchanged (--force rebuilds them)"
    echo(f"built {built} of {planned} policies into {out_dir}/ in {report.seconds:.1f}s{extra}")
    if report.failures:
        echo(f"{len(report.failures)} failed:", err=True)
        for name, reason in report.failures:
            first, *rest = reason.splitlines()
            echo(f"  {name}: {first}" + (f" (and {len(rest)} more line(s))" if rest else ""), err=True)


class _Progress:
    """A progress bar on a terminal; one line per finished document elsewhere."""

    def __init__(self, total: int, echo: Echo):
        self.total = total
        self.echo = echo
        self.tty = sys.stderr.isatty() and total > 1
        self.bar = None

    def __enter__(self) -> "_Progress":
        if self.tty:
            self.bar = click.progressbar(length=self.total, label="building", file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
        return self

    def done(self, line: str) -> None:
        if self.bar is not None:
            if line.startswith("FAILED"):
                self.echo("\n" + line, err=True)
            self.bar.update(1)
        else:
            self.echo(line)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
