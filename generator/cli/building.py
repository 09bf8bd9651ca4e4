"""Checking and building: ``check``, ``build`` and ``worker``."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import (
    DEFAULT_OUT, cli, library_option, policy_option, school_paths, schools_beside, schools_option,
)


@cli.command()
@click.argument("schools", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "all_", is_flag=True, help="Check every school in --schools-dir.")
@click.option("--library", "library_only", is_flag=True, help="Check the clause library only.")
@library_option
@schools_option
@click.option("--template", type=click.Path(path_type=Path), default=None,
              help="House-style template to try (default: templates/house-style.docx).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(schools: tuple[Path, ...], all_: bool, library_only: bool, library_dir: Path, schools_dir: Path,
          template: Path | None, strict: bool) -> None:
    """Validate school files against the library, and the library and house template themselves.

    A library clause worded differently from what a school approved, with no
    changelog line since, is a warning (--library reads the approvals of the
    schools beside the library, or of --schools-dir when given, for it).
    """
    from generator.check import check_paths
    from generator.errors import Findings
    from generator.library import load_library
    from generator.render.docx import DEFAULT_TEMPLATE
    from generator.review.as_built import resolve_as_built
    from generator.review.unexplained import schools_with_snapshots, unexplained_rewording
    from generator.trial import try_template

    library = load_library(library_dir)
    try_template(template or DEFAULT_TEMPLATE)  # a template that fails for every school fails here
    paths = [] if library_only else school_paths(schools, all_ or not schools, schools_dir)
    good, findings = check_paths(library, paths, resolve_as_built)
    approvals_dir = schools_beside(library_dir, schools_dir) if library_only else schools_dir
    approved = ((c.school_file, c.policies) for c in good) if not library_only else \
        schools_with_snapshots(library, sorted(approvals_dir.glob("*.yaml")))
    findings = Findings(unexplained_rewording(library, approved)) + findings
    if all_:  # group files no school uses yet are checked too
        from generator.groups import check_groups

        findings += check_groups(schools_dir.parent / "groups")
    findings = Findings(library.warnings) + findings
    findings.raise_if_errors(strict=strict)  # the one place --strict applies: every problem, then exit 1
    for line in findings.lines():
        click.echo(line, err=True)
    what = "the library" if library_only else f"the library and {len(paths)} school file(s)"
    if library_only and not approvals_dir.is_dir():
        what += f" (no approvals read: {approvals_dir} is not a folder)"
    click.echo(f"ok: {what} checked, {len(findings)} warning(s)")


@cli.command()
@click.argument("schools", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "all_", is_flag=True, help="Build every school in --schools-dir.")
@click.option("--policy", "policy_id", help="Build only this policy (default: every policy a school has).")
@click.option("--format", "formats", type=click.Choice(["docx", "pdf"]), multiple=True,
              help="Output format; repeat for both. Default: docx, plus pdf when LibreOffice is present.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Output folder.")
@click.option("--template", type=click.Path(path_type=Path), default=None,
              help="House-style template (default: templates/house-style.docx).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="LibreOffice workers for PDF (default: number of cores).")
@click.option("--force", is_flag=True, help="Rebuild every document, even those whose inputs are unchanged.")
@click.option("--approved", is_flag=True,
              help="Rebuild exactly what was last approved, from its snapshot (not today's wording).")
@click.option("--cluster", metavar="tcp://HOST:8786", default=None,
              help="Build on the Dask cluster whose scheduler is here (docs/scaling.md).")
@library_option
@schools_option
def build(schools: tuple[Path, ...], all_: bool, policy_id: str | None, formats: tuple[str, ...], out_dir: Path,
          template: Path | None, jobs: int | None, force: bool, approved: bool, cluster: str | None,
          library_dir: Path, schools_dir: Path) -> None:
    """Build the policies of the given schools (or --all) into OUT/<school-id>/.

    A policy whose wording or choices differ from its last approval is built
    as a draft, and marked so on the cover, in the header and footer and in
    the document properties.
    """
    paths = school_paths(schools, all_, schools_dir)
    if not paths:
        raise click.UsageError("name one or more school files, or use --all")
    from generator.output import prepare_out_dir
    from generator.plan import plan_build, start_workers
    from generator.render.reproducible import source_date_epoch

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is one clear error, before any work
    prepare_out_dir(out_dir)  # so is an unusable --out, before LibreOffice starts
    plan = plan_build(formats, library_dir=library_dir, out_dir=out_dir, template=template, jobs=jobs,
                      policy_id=policy_id, cluster=cluster, force=force, approved=approved)
    # LibreOffice starts first, so its start-up overlaps importing the rest of policygen
    pool = start_workers(plan, len(paths))
    try:
        from generator.batch import run_build
    except BaseException:  # interrupted while importing: run_build would have stopped them
        if pool:
            pool.stop()
        raise
    with policy_option():
        ok = run_build(paths, plan, echo=click.echo, pool=pool)
    if not ok:
        raise SystemExit(1)


@cli.command()
@click.argument("scheduler", metavar="tcp://HOST:8786")
@click.option("--name", default=None, help="The worker's name on the dashboard (default: its address).")
@click.option("--nthreads", type=click.IntRange(min=1), default=1, show_default=True,
              help="Documents at once; each worker has one LibreOffice, so more threads only overlap rendering.")
def worker(scheduler: str, name: str | None, nthreads: int) -> None:
    """Run a Dask worker for `build --cluster`, with one warm LibreOffice (docs/scaling.md)."""
    from generator.cluster.serve import serve_worker

    serve_worker(scheduler, name=name, nthreads=nthreads)
