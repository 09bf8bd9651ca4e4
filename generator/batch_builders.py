"""The three ways a batch builds its documents, each drawing them one at a time from the plan.

- :func:`build_docx_only`: render and write each DOCX in this thread.
- :func:`build_with_pdf`: this thread renders DOCX ahead into a short queue;
  one thread per warm LibreOffice worker takes the next, converts it and
  writes both files. A worker that finishes a PDF finds the next DOCX
  waiting instead of idling while Python renders it.
- :func:`build_on_cluster`: the documents go to a Dask cluster
  (:mod:`generator.cluster.client`) and come back as bytes.

Each calls ``report.note`` and the progress with every outcome as it
finishes, and keeps nothing once it is written. A document that fails, for
any reason, does not stop the others.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Iterable

from generator.batch_report import BuildReport, Output, Progress, failed
from generator.build import Job, Outcome, build_job, render_job, write_job
from generator.library import Library
from generator.render.pool import WorkerPool
from generator import stopping


def build_docx_only(library: Library, todo: Iterable[Job], out_dir: Path, template: Path, echo: Output,
                    report: BuildReport) -> None:
    with Progress(echo, report) as progress:
        for job in todo:
            try:
                outcome = build_job(library, job, out_dir, template)
            except Exception as exc:  # one school's failure never stops the batch
                outcome = failed(job, exc)
            report.note(outcome)
            progress.done(outcome)


def build_on_cluster(client: object, todo: Iterable[Job], out_dir: Path, template: Path, pdf: bool, echo: Output,
                     report: BuildReport, stops: stopping.Checkpoints | None = None) -> None:
    from generator.cluster.client import build_on_cluster as send

    with Progress(echo, report) as progress:
        def record(outcome: Outcome) -> None:
            report.note(outcome)
            progress.done(outcome)
            stopping.check()  # between documents: a stop signal ends the build here (generator/stopping.py)

        send(client, todo, out_dir, template, pdf, record, stops=stops)


def build_with_pdf(library: Library, todo: Iterable[Job], out_dir: Path, template: Path, pool: WorkerPool,
                   echo: Output, report: BuildReport) -> None:
    rendered: queue.Queue[tuple[Job, bytes] | None] = queue.Queue(maxsize=2 * len(pool.workers))
    lock = threading.Lock()

    def record(outcome: Outcome) -> None:
        with lock:
            report.note(outcome)
            progress.done(outcome)

    def serve() -> None:
        while (item := rendered.get()) is not None:
            job, data = item
            try:
                outcome = write_job(out_dir, job, data, pool)
            except Exception as exc:  # one school's failure never stops the batch
                outcome = failed(job, exc)
            if not outcome.ok and pool.aborted:
                continue  # the build was interrupted; this document is discarded, not failed
            record(outcome)

    with Progress(echo, report) as progress:
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
                    record(failed(job, exc))
                    continue
                if not _put(rendered, (job, data), threads, checked=True):
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


def _put(rendered: queue.Queue, item: object, threads: list[threading.Thread], checked: bool = False) -> bool:
    """Queue ``item`` for the workers, waiting while the queue is full; False when no worker is left.

    ``checked``: a stop signal received meanwhile is raised here (generator/stopping.py).
    """
    while True:
        if checked:
            stopping.check()
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
