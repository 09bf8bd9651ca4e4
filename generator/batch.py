"""Run a build over many schools: stream them through check, resolve, render and write; report.

The plan (:func:`_plan`) takes one school at a time: skip it when the
manifest says it is unchanged, else check and resolve it, print its problems
as found, and hand its documents on. The builders
(:mod:`generator.batch_builders`: DOCX in this process, PDF through warm
LibreOffice workers, or a Dask cluster) draw documents from the plan as they
take them, so the first document is written within seconds whatever the size
of the batch, and nothing grows with it: a document is forgotten once it is
written, each school's manifest record once its documents are
(:mod:`generator.incremental`), and the report keeps counts and failures
(:mod:`generator.batch_report`). A school that fails, for any reason, does
not stop the others; the summary lists every failure with its reason. A
signal (:class:`Interrupted`) kills the workers at once, keeps the documents
already finished, and leaves the count in the exception for the CLI's
one-line message. The signal is raised in this thread only between
documents (:mod:`generator.stopping`), never while it holds a lock the
workers' threads need.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from generator.batch_builders import build_docx_only, build_on_cluster, build_with_pdf
from generator.batch_report import BuildReport, Echo, Output, report_problems, summarise
from generator.build import Job, jobs_for
from generator.check import Resolver, split_repeated_ids
from generator.review.as_built import approved_policy, resolve_as_built
from generator import stopping
from generator.errors import Interrupted
from generator.incremental import Incremental
from generator.library import Library, load_library
from generator.plan import BuildPlan, start_workers
from generator.render.docx import DEFAULT_TEMPLATE, open_template
from generator.render.office import INSTALL_HINT
from generator.render.pool import WorkerPool
from generator.targets import check_policy_id

__all__ = ["BuildReport", "run_build"]


def run_build(paths: Sequence[Path], plan: BuildPlan, *, echo: Echo, pool: WorkerPool | None = None) -> bool:
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
    with stopping.checkpoints() as stops:  # a stop signal aborts the workers, and is raised between documents
        return _run_build(paths, plan, echo, pool, stops)


def _run_build(paths: Sequence[Path], plan: BuildPlan, echo: Echo, pool: WorkerPool | None,
               stops: stopping.Checkpoints) -> bool:
    begun = time.monotonic()
    client = None
    if plan.cluster:
        from generator.cluster.client import cluster_office, connect

        client = connect(plan.cluster)
    elif pool is None:
        pool = start_workers(plan, len(paths))
    if pool:
        stops.on_stop(pool.abort)  # conversions in progress end at once: no wait in this thread blocks for long
    out_dir, policy_id = plan.out_dir, plan.policy_id
    resolver: Resolver = approved_policy if plan.approved else resolve_as_built
    report = BuildReport()
    incremental: Incremental | None = None
    output = Output(echo)  # a closed output (`| head -1`) stops the build as a signal does, from any thread
    output.on_close = pool.abort if pool else None
    try:
        library = load_library(plan.library_dir)
        if policy_id is not None:
            check_policy_id(library, policy_id)  # a typo is a usage error with a "did you mean", not "no school"
        template = plan.template or DEFAULT_TEMPLATE
        open_template(template)  # a broken template is one clear error, before any school
        if plan.office_missing:
            output(INSTALL_HINT, err=True)
        # what was last approved (build --approved) is another kind of build: its own build context
        kinds = set(plan.formats) | ({"approved"} if plan.approved else set())
        incremental = Incremental(out_dir, plan.library_dir, template, kinds,
                                  plan.office.soffice if plan.office else None, force=plan.force, policy_id=policy_id,
                                  office_digest=cluster_office(client) if client and plan.pdf else None)
        report.noted = incremental.note
        if not getattr(paths, "distinct_ids", False):  # a folder's files have distinct names: no list is made
            paths, repeated = split_repeated_ids(paths)  # two schools with one id would overwrite each other
            report_problems(repeated, report.failures, output)
        todo = _plan(library, paths, policy_id, incremental, report, output, resolver, plan.approved)
        if client:
            build_on_cluster(client, todo, out_dir, template, plan.pdf, output, report, stops)
        elif pool:
            build_with_pdf(library, todo, out_dir, template, pool, output, report)
        else:
            build_docx_only(library, todo, out_dir, template, output, report)
        output.check()  # the output closed while the last documents were made: they were not all finished
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
                output(warning, err=True)
            report.skipped = incremental.skipped
    report.seconds = time.monotonic() - begun
    if policy_id and report.good_schools and not report.planned and not report.skipped and not report.unapproved:
        output(f"no school given has the {policy_id!r} policy", err=True)
        return False
    summarise(report, out_dir, output)
    nothing_approved = report.unapproved and not report.planned and not report.skipped  # none asked for exists
    return report.ok and not plan.failed_without_pdf and not nothing_approved


def _plan(library: Library, paths: Iterable[Path], policy_id: str | None, incremental: Incremental,
          report: BuildReport, echo: Output, resolver: Resolver, approved: bool = False) -> Iterator[Job]:
    """Yield the documents to build, one school at a time: skip, check, resolve, report problems as found.

    With ``approved`` (``build --approved``) a policy never approved is left
    out, with a line saying so: it has no approved wording, and a draft must
    not be mixed in with what was asked for.

    The builders draw from this as they go, so the first document is written
    while later schools are still unread, and memory does not grow with the batch.

    Raises:
        Interrupted: the output was closed (SIGPIPE); see :class:`Output`.
    """
    for path in paths:
        echo.check()
        if incremental.unchanged(path):
            continue
        good, problems = incremental.check(library, [path], resolver)
        report_problems(problems, report.failures, echo, school=path, shown=report.shown)
        report.good_schools += len(good)
        report.bad_schools += 1 - len(good)
        for job in jobs_for(good, policy_id):
            echo.check()
            if approved and not job.school_file.school.policies[job.policy_id].governance.approvals:
                echo(report.never_approved(job, library.policies[job.policy_id].spec.title), err=True)
                continue
            if not incremental.current(library, job):
                report.planned += 1
                yield job
        incremental.close(path)  # its record is written once its last document is
