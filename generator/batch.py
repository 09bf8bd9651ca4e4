"""Run a build over many schools: check them all, build the good ones, report.

DOCX are rendered in this process; PDFs come from a pool of warm LibreOffice
workers (``--jobs``, one thread each), so Python renders the next document
while LibreOffice lays out the last. A school that fails does not stop the
others; the summary lists every failure with its reason.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import click

from generator.build import Job, Outcome, build_job, jobs_for
from generator.check import check_paths
from generator.errors import ConverterError, Problem
from generator.library import Library, load_library
from generator.render.docx import DEFAULT_TEMPLATE, open_template
from generator.render.pdf import INSTALL_HINT, LibreOffice, Worker, find_libreoffice

Echo = Callable[..., None]


@dataclass
class BuildReport:
    """What a batch did: outcomes, failures and time taken."""

    outcomes: list[Outcome] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    restarts: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def run_build(paths: list[Path], *, library_dir: Path, out_dir: Path, template: Path | None,
              formats: set[str], jobs: int | None, policy_id: str | None, echo: Echo,
              office: LibreOffice | None | bool = True) -> bool:
    """Build every policy of the schools at ``paths``; return True when all succeeded.

    ``office=True`` looks LibreOffice up; None means "not available".
    """
    started = time.monotonic()
    library = load_library(library_dir)
    template = template or DEFAULT_TEMPLATE
    open_template(template)  # a broken template is one clear error, before any school
    if office is True:
        office = find_libreoffice() if (not formats or "pdf" in formats) else None
    want_pdf = "pdf" in formats or (not formats and office is not None)
    missing_office = office is None and ("pdf" in formats or not formats)
    if missing_office:
        echo(INSTALL_HINT, err=True)
    pool = _Pool(office, min(jobs or os.cpu_count() or 1, len(paths))) if want_pdf and office else None
    report = BuildReport()
    try:
        if pool:
            pool.warm_up()  # LibreOffice starts while the school files are checked
        good, problems = check_paths(library, paths)
        _report_problems(problems, report.failures, echo)
        todo = jobs_for(good, policy_id)
        if policy_id and good and not todo:
            echo(f"no school given has the {policy_id!r} policy", err=True)
            return False
        if pool:
            _build_with_pdf(library, todo, out_dir, template, pool, echo, report)
        else:
            _build_docx_only(library, todo, out_dir, template, echo, report)
    finally:
        if pool:
            report.restarts = pool.stop()
    report.seconds = time.monotonic() - started
    _summarise(report, len(todo), out_dir, echo)
    return report.ok and not ("pdf" in formats and missing_office)


class _Pool:
    """Warm LibreOffice workers, started in the background."""

    def __init__(self, office: LibreOffice, size: int):
        self.workers = [Worker(office) for _ in range(max(1, size))]
        self._starting: list[threading.Thread] = []

    def warm_up(self) -> None:
        def start(worker: Worker) -> None:
            try:
                worker.start()
            except ConverterError:
                pass  # convert() tries again and reports the failure per document

        self._starting = [threading.Thread(target=start, args=(w,), daemon=True) for w in self.workers]
        for thread in self._starting:
            thread.start()

    def ready(self) -> None:
        for thread in self._starting:
            thread.join()

    def stop(self) -> int:
        """Stop every worker; return how many restarts they needed."""
        self.ready()
        for worker in self.workers:
            worker.stop()
        return sum(w.restarts for w in self.workers)


def _report_problems(problems: list[Problem], failures: list[tuple[str, str]], echo: Echo) -> None:
    by_file: dict[Path, list[Problem]] = {}
    for problem in problems:
        echo(str(problem), err=True)
        if problem.severity == "error":
            by_file.setdefault(problem.path, []).append(problem)
    for path, found in by_file.items():
        failures.append((path.stem, f"{len(found)} input error(s), listed above"))


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


def _build_with_pdf(library: Library, todo: list[Job], out_dir: Path, template: Path, pool: _Pool,
                    echo: Echo, report: BuildReport) -> None:
    pending: queue.Queue[Job] = queue.Queue()
    for job in todo:
        pending.put(job)
    lock = threading.Lock()
    pool.ready()

    def serve(worker: Worker) -> None:
        while True:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = build_job(library, job, out_dir, template, converter=worker)
            except Exception as exc:  # never lose the rest of the batch
                outcome = Outcome(job, error=f"unexpected {type(exc).__name__}: {exc}")
            with lock:
                report.outcomes.append(outcome)
                progress.done(_line(outcome))

    with _Progress(len(todo), echo) as progress:
        threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in pool.workers[:max(1, len(todo))]]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.5)
        finally:
            while not pending.empty():  # interrupted: let the threads run dry
                try:
                    pending.get_nowait()
                except queue.Empty:
                    break
            for thread in threads:
                thread.join(timeout=120)
    report.failures.extend((o.job.name, o.error or "failed") for o in report.outcomes if not o.ok)


def _summarise(report: BuildReport, planned: int, out_dir: Path, echo: Echo) -> None:
    built = sum(1 for o in report.outcomes if o.ok)
    extra = f"; LibreOffice restarted {report.restarts} time(s)" if report.restarts else ""
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
