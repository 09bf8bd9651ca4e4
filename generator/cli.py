"""The ``policygen`` command line: thin commands over the library functions.

Each command parses its options, calls the library, and reports. Input
errors print as ``file:line:col: message`` and exit 1; usage errors exit 2;
``--debug`` shows tracebacks.
"""

from __future__ import annotations

import signal
import sys
import traceback
from datetime import date
from pathlib import Path

import click

from generator.errors import InputError, Interrupted, PolicygenError

DEFAULT_LIBRARY = Path("clauses")
DEFAULT_SCHOOLS = Path("schools")
DEFAULT_OUT = Path("output")


class Settings:
    debug = False


SETTINGS = Settings()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for developers).")
@click.version_option(package_name="policygen")
def cli(debug: bool) -> None:
    """Assemble branded school policies from a clause library and school files."""
    SETTINGS.debug = debug


def _school_paths(schools: tuple[Path, ...], all_: bool, schools_dir: Path) -> list[Path]:
    if all_ and schools:
        raise click.UsageError("give school files or --all, not both")
    if all_:
        found = sorted(schools_dir.glob("*.yaml"))
        if not found:
            raise click.UsageError(f"--all found no *.yaml files in {schools_dir}")
        return found
    return list(schools)


library_option = click.option("--library-dir", "library_dir", type=click.Path(path_type=Path), default=DEFAULT_LIBRARY,
                              show_default=True, help="Folder of the clause library.")
schools_option = click.option("--schools-dir", type=click.Path(path_type=Path), default=DEFAULT_SCHOOLS,
                              show_default=True, help="Folder that --all reads school files from.")


@cli.command()
@click.argument("schools", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "all_", is_flag=True, help="Check every school in --schools-dir.")
@click.option("--library", "library_only", is_flag=True, help="Check the clause library only.")
@click.option("--library-dir", type=click.Path(path_type=Path), default=DEFAULT_LIBRARY, show_default=True,
              help="Folder of the clause library.")
@schools_option
@click.option("--template", type=click.Path(path_type=Path), default=None,
              help="House-style template to try (default: templates/house-style.docx).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(schools: tuple[Path, ...], all_: bool, library_only: bool, library_dir: Path, schools_dir: Path,
          template: Path | None, strict: bool) -> None:
    """Validate school files against the library, and the library and house template themselves."""
    from generator.check import check_paths
    from generator.library import load_library
    from generator.render.docx import DEFAULT_TEMPLATE
    from generator.review.as_built import resolve_as_built
    from generator.trial import try_template

    library = load_library(library_dir)
    try_template(template or DEFAULT_TEMPLATE)  # a template that fails for every school fails here
    paths = [] if library_only else _school_paths(schools, all_ or not schools, schools_dir)
    _, school_problems = check_paths(library, paths, resolve_as_built)
    if all_:  # group files no school uses yet are checked too
        from generator.groups import check_groups

        school_problems = list(dict.fromkeys(school_problems + check_groups(schools_dir.parent / "groups")))
    problems = library.warnings + list(school_problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise SystemExit(1)
    what = "the library" if library_only else f"the library and {len(paths)} school file(s)"
    click.echo(f"ok: {what} checked, {len(problems)} warning(s)")


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
    paths = _school_paths(schools, all_, schools_dir)
    if not paths:
        raise click.UsageError("name one or more school files, or use --all")
    from generator.output import prepare_out_dir
    from generator.render.reproducible import source_date_epoch

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is one clear error, before any work
    prepare_out_dir(out_dir)  # so is an unusable --out, before LibreOffice starts
    from generator.plan import plan_build, start_workers

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

    from generator.targets import UnknownPolicy

    try:
        ok = run_build(paths, plan, echo=click.echo, pool=pool)
    except UnknownPolicy as exc:
        raise click.BadParameter(str(exc), param_hint="--policy") from None
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


@cli.command()
@click.argument("school", type=click.Path(path_type=Path))
@click.option("--policy", "policy_id", default=None, help="Only this policy (default: every policy the school has).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@library_option
def dump(school: Path, policy_id: str | None, fmt: str, library_dir: Path) -> None:
    """Print the resolved policy (each of the school's policies): what the writers are given."""
    import json

    from generator.dump import dump_json, dump_text
    from generator.library import load_library
    from generator.review.as_built import resolve_as_built
    from generator.school import load_school

    library = load_library(library_dir)
    school_file = load_school(school)
    policies = [resolve_as_built(library, school_file, pid) for pid in _policy_ids(library, school_file, policy_id)]
    if fmt == "json" and len(policies) > 1:
        click.echo(json.dumps([json.loads(dump_json(p)) for p in policies], indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(dump_json(p) if fmt == "json" else dump_text(p) for p in policies), nl=False)


def _policy_ids(library, school_file, policy_id: str | None) -> list[str]:  # noqa: ANN001
    """Return the policies a command acts on; a typo in --policy is a usage error with a suggestion."""
    from generator.targets import UnknownPolicy, policy_ids

    try:
        return policy_ids(library, school_file, policy_id)
    except UnknownPolicy as exc:
        raise click.BadParameter(str(exc), param_hint="--policy") from None


def _approved(school_file, pids: list[str], policy_id: str | None, doing: str) -> list[str]:  # noqa: ANN001
    """Return the policies among `pids` that have an approval; a named --policy without one is a usage error."""
    approved = [pid for pid in pids if school_file.school.policies[pid].governance.approvals]
    if not approved:
        named = f"the {pids[0]} policy" if policy_id else "no policy of this school"
        raise click.UsageError(f"{named} has an approval {doing}; record one with `policygen approve` first")
    return approved


@cli.command()
@click.argument("school", type=click.Path(path_type=Path))
@click.argument("key", required=False)
def explain(school: Path, key: str | None) -> None:
    """Show each value of a school's data and the file and line it came from (its own, or a group's)."""
    from generator.explain import explain as describe
    from generator.school import load_school

    click.echo(describe(load_school(school), key), nl=False)


@cli.command()
@click.option("--policy", "policy_id", default=None, help="Only this policy type.")
@click.option("--text", "show_text", is_flag=True, help="Also print the wording of every clause and variant.")
@library_option
def clauses(policy_id: str | None, show_text: bool, library_dir: Path) -> None:
    """List the library's clauses: kinds, variants with their labels, defaults (and wording with --text)."""
    from generator.library import load_library
    from generator.listing import describe_library
    from generator.targets import UnknownPolicy, check_policy_id

    library = load_library(library_dir)
    if policy_id is not None:
        try:
            check_policy_id(library, policy_id)
        except UnknownPolicy as exc:
            raise click.BadParameter(str(exc), param_hint="--policy") from None
    click.echo(describe_library(library, policy_id, show_text), nl=False)


def _parse_date(value: str | None, name: str) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD", param_hint=name) from None


@cli.command()
@click.argument("school", type=click.Path(path_type=Path))
@click.option("--policy", "policy_id", default=None, help="Only this policy (default: every policy the school has).")
@click.option("--date", "when", metavar="YYYY-MM-DD", help="Date of the approval (default: today; never later).")
@click.option("--by", default=None,
              help='The approving body (default: the one the school file names, e.g. "Full Governing Body").')
@click.option("--summary", default="", help="One line for the table of changes.")
@click.option("--force", is_flag=True, help="Record an approval that repeats the last one, or replace a baseline.")
@click.option("--baseline", is_flag=True,
              help="Record today's wording as the snapshot of the latest existing approval (no new version).")
@click.option("--undo", is_flag=True, help="Remove the last approval and its snapshot, if nothing changed since.")
@library_option
def approve(school: Path, policy_id: str | None, when: str | None, by: str | None, summary: str, force: bool,
            baseline: bool, undo: bool, library_dir: Path) -> None:
    """Record an approval in the school file and freeze what was approved."""
    from generator.library import load_library
    from generator.review.approve import approve as record, record_baseline, undo_approval

    if baseline and undo:
        raise click.UsageError("give --baseline or --undo, not both")
    if (baseline or undo) and (when or by is not None or summary):
        raise click.UsageError("--baseline and --undo take no --date, --by or --summary")
    from generator.school import load_school

    library = load_library(library_dir)
    school_file = load_school(school)
    pids = _policy_ids(library, school_file, policy_id)
    if undo:
        if len(pids) > 1:
            raise click.UsageError(f"the school has {len(pids)} policies ({', '.join(pids)}): name one with --policy")
        result = undo_approval(library, school, pids[0])
        click.echo(f"removed {result.school_id} {result.policy_id} version {result.version} "
                   f"(approved {result.date} by {result.by}) and its snapshot {result.snapshot}")
        return
    if baseline:
        for pid in _approved(school_file, pids, policy_id, "to take a baseline of"):
            result = record_baseline(library, school, pid, force=force)
            click.echo(f"baseline: {result.school_id} {result.policy_id} version {result.version} (approved "
                       f"{result.date} by {result.by}) is taken to be today's wording, clause library "
                       f"{result.library_version}; snapshot {result.snapshot}")
        return
    for pid in pids:  # every policy the school has, unless --policy names one
        result = record(library, school, pid, _parse_date(when, "--date"), by, summary, force=force)
        click.echo(f"approved {result.school_id} {result.policy_id} version {result.version} on {result.date} "
                   f"by {result.by}; next review {result.next_review}")
        for note in result.notes:
            click.echo(f"note: {note}")
        click.echo(f"recorded in {school}; snapshot {result.snapshot}")


@cli.command()
@click.argument("school", type=click.Path(path_type=Path), required=False)
@click.option("--all", "every", is_flag=True, help="List every school and policy whose wording changed since approval.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="With --all: how to list them.")
@click.option("--policy", "policy_id", default=None, help="Only this policy (default: every policy the school has).")
@click.option("--redline", type=click.Path(path_type=Path),
              help="Also write a comparison for governors: FILE.pdf (needs LibreOffice) or FILE.docx (tracked changes).")
@click.option("--from", "since", metavar="N", help="Redline from approved version N (default: the last approved).")
@click.option("--to", "until", metavar="M", help="Redline to approved version M (default: the wording today).")
@click.option("--today", metavar="YYYY-MM-DD", help="Date of the redline's changes (default: today).")
@click.option("--template", type=click.Path(path_type=Path), default=None, help="House-style template.")
@library_option
@schools_option
def changes(school: Path | None, every: bool, fmt: str, policy_id: str | None, redline: Path | None,
            since: str | None, until: str | None, today: str | None, template: Path | None, library_dir: Path,
            schools_dir: Path) -> None:
    """Show what changed since the governors last approved the policy (--all: for every school)."""
    if every:
        if school is not None or redline is not None or since or until or policy_id:
            raise click.UsageError("--all lists every school and policy; give no SCHOOL, --policy, --redline, "
                                   "--from or --to")
        _changes_everywhere(fmt, library_dir, schools_dir)
        return
    if school is None:
        raise click.UsageError("name a SCHOOL file, or give --all")
    if redline is not None and redline.suffix.lower() not in (".pdf", ".docx"):
        raise click.BadParameter(f"{redline.name!r}: name the redline FILE.pdf or FILE.docx", param_hint="--redline")
    if (since or until) and redline is None:
        raise click.UsageError("--from and --to choose the versions a --redline compares; add --redline FILE.pdf")
    from generator.library import load_library
    from generator.review.report import describe_changes

    from generator.school import load_school

    library = load_library(library_dir)
    school_file = load_school(school)
    pids = _policy_ids(library, school_file, policy_id)
    if redline is not None and len(pids) > 1:  # the one the governors have approved, unless --policy names it
        pids = _approved(school_file, pids, policy_id, "to redline")
        if len(pids) > 1:
            raise click.UsageError(f"the school has {len(pids)} approved policies ({', '.join(pids)}): "
                                   "name the one to redline with --policy")
    if since is None and until is None:
        def report(pid: str) -> str:
            approvals = school_file.school.policies[pid].governance.approvals
            if policy_id is None and not approvals:  # among all the school's policies: say so, and go on
                return f"{library.policies[pid].spec.title}: not approved yet, so there is nothing to compare.\n"
            return describe_changes(library, school, pid)

        click.echo("\n".join(report(pid) for pid in pids), nl=False)
    policy_id = pids[0]
    if redline is not None:
        from generator.review.redline import build_redline, write_redline

        marked = build_redline(library, school, policy_id, today=_parse_date(today, "--today"),
                               since=since, until=until)
        write_redline(marked, redline, template)
        click.echo(f"redline ({marked.policy.comparison.title}): {redline}")


def _changes_everywhere(fmt: str, library_dir: Path, schools_dir: Path) -> None:
    from generator.library import load_library
    from generator.review.impact import format_csv, format_json, format_table, impacts

    library = load_library(library_dir)
    schools, problems = _load_every_school(schools_dir)  # a school that fails is reported; the rest are listed
    items, unchanged, more = impacts(library, schools)
    problems += more
    text = {"table": lambda: format_table(items, unchanged, library.version), "csv": lambda: format_csv(items),
            "json": lambda: format_json(items)}[fmt]()
    _print_report(text, problems)


@cli.command()
@click.option("--within", type=click.IntRange(min=0), default=60, show_default=True,
              help="Also list reviews falling due within this many days.")
@click.option("--today", metavar="YYYY-MM-DD", help="Count from this date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@library_option
@schools_option
def due(within: int, today: str | None, fmt: str, library_dir: Path, schools_dir: Path) -> None:
    """List every school and policy whose review is overdue or falls due soon, soonest first."""
    from generator.library import load_library
    from generator.review.due import due_items, format_csv, format_json, format_table
    from generator.review.as_built import resolve_as_built
    from generator.review.history import last_snapshot

    library = load_library(library_dir)
    schools, problems = _load_every_school(schools_dir)  # a school that fails is reported; the rest are listed
    changed: dict[tuple[str, str], bool | None] = {}
    for school_file in schools:
        for pid in school_file.school.policies:
            if pid not in library.policies:
                continue
            try:
                if last_snapshot(school_file, pid) is not None:
                    changed[(school_file.id, pid)] = resolve_as_built(library, school_file, pid).status.draft
            except InputError as exc:
                problems.extend(exc.problems)
    day = _parse_date(today, "--today")
    items = due_items(library, schools, day, within, changed)
    text = {"table": lambda: format_table(items, day, within), "csv": lambda: format_csv(items, day),
            "json": lambda: format_json(items, day)}[fmt]()
    _print_report(text, problems)


def _load_every_school(schools_dir: Path) -> tuple[list, list]:
    """Return the school files of ``schools_dir`` that load, and the problems of those that do not."""
    from generator.review.due import load_schools
    from generator.school import load_school

    paths = sorted(schools_dir.glob("*.yaml"))
    if not paths:
        raise click.UsageError(f"no *.yaml school files in {schools_dir}")
    return load_schools(paths, load_school)


def _print_report(text: str, problems: list) -> None:
    """Write a report to stdout as UTF-8 bytes, then each problem once; exit 1 if there were any."""
    out = click.get_binary_stream("stdout")
    out.write(text.encode("utf-8"))  # bytes: the CSV's byte-order mark whatever the terminal's encoding
    out.flush()
    for problem in dict.fromkeys(problems):
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)


def _register_web() -> None:
    from generator.web.cli import register

    register(cli, library_option, schools_option)


_register_web()


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, frame: object) -> None:
    """Unwind on the first signal, so workers are stopped on the way out; ignore the ones after it."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    raise Interrupted(signum)


def main() -> None:
    """Run the CLI; map policygen errors to exit 1, usage errors to exit 2, and signals to 128 + signal."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _interrupt)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        exc.show()
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InputError as exc:
        if SETTINGS.debug:
            traceback.print_exc()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    except PolicygenError as exc:
        if SETTINGS.debug:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Interrupted as stop:
        name = signal.Signals(stop.signum).name
        done = (f" after {stop.summary}; finished documents were kept, unfinished ones discarded"
                if stop.summary else "")
        click.echo(f"interrupted by {name}{done}", err=True)
        sys.exit(128 + stop.signum)
    except SystemExit:
        raise
