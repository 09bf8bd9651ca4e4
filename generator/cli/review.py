"""Review commands, for approvals and what changed: ``approve``, ``changes`` and ``due``."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import (approved_only, cli, library_option, load_every_school, parse_date, policy_ids,
                                  print_report, schools_option)
from generator.articles import running
from generator.dates import format_date


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
@click.option("--yes", "-y", is_flag=True,
              help="Without --policy, act on every policy listed without asking (for scripts).")
@library_option
def approve(school: Path, policy_id: str | None, when: str | None, by: str | None, summary: str, force: bool,
            baseline: bool, undo: bool, yes: bool, library_dir: Path) -> None:
    """Record an approval in the school file and freeze what was approved.

    Without --policy, on a school with more than one policy, it lists what it
    would do and asks first (--yes in scripts; elsewhere it refuses).
    """
    from generator.library import load_library
    from generator.review.approve import approve as record, record_baseline, undo_approval
    from generator.school import load_school

    if baseline and undo:
        raise click.UsageError("give --baseline or --undo, not both")
    if (baseline or undo) and (when or by is not None or summary):
        raise click.UsageError("--baseline and --undo take no --date, --by or --summary")
    library = load_library(library_dir)
    school_file = load_school(school)
    pids = policy_ids(library, school_file, policy_id)
    chosen_for_them = policy_id is None and len(school_file.school.policies) > 1  # policygen picks: say what first
    if undo:
        pid = _undo_target(library, school_file, pids, policy_id, yes, chosen_for_them)
        result = undo_approval(library, school, pid)
        click.echo(f"removed {result.school_id} {result.policy_id} version {result.version} "
                   f"(approved {format_date(result.date)} by {result.by}) and its snapshot {result.snapshot}")
        return
    if baseline:
        pids = approved_only(school_file, pids, policy_id, "to take a baseline of")
        if chosen_for_them and len(pids) > 1:
            _confirm(school_file, pids, [library.policies[pid].spec.title for pid in pids], "take a baseline of",
                     "take today's wording to be what each last approval approved", yes)
        for pid in pids:
            result = record_baseline(library, school, pid, force=force)
            click.echo(f"baseline: {result.school_id} {result.policy_id} version {result.version} (approved "
                       f"{format_date(result.date)} by {result.by}) is taken to be today's wording, clause library "
                       f"{result.library_version}; snapshot {result.snapshot}")
        return
    day = parse_date(when, "--date")
    if chosen_for_them:
        from generator.review.preview import pending_approvals

        pending = pending_approvals(library, school, pids, day, by, force=force)  # refuses before any is written
        _confirm(school_file, pids, [p.describe() for p in pending], "approve", "record these approvals", yes)
    for pid in pids:  # every policy the school has (confirmed above), unless --policy names one
        result = record(library, school, pid, day, by, summary, force=force)
        click.echo(f"approved {result.school_id} {result.policy_id} version {result.version} on "
                   f"{format_date(result.date)} by {result.by}; next review {format_date(result.next_review)}")
        for note in result.notes:
            click.echo(f"note: {note}")
        click.echo(f"recorded in {school}; snapshot {result.snapshot}")


def _undo_target(library, school_file, pids: list[str], policy_id: str | None, yes: bool,  # noqa: ANN001
                 chosen_for_them: bool) -> str:
    """Return the policy whose last approval ``--undo`` takes back: the one named, or the one approved last."""
    if not chosen_for_them:
        return pids[0]
    from generator.review.preview import last_approvals

    lasts = last_approvals(library, school_file, pids)
    if len(lasts) > 1:
        choices = "; ".join(f"{last.describe()} (--policy {last.policy_id})" for last in lasts)
        raise click.UsageError(f"the last approvals of {running(school_file.school.name)} were on the same day: {choices}. "
                               "Name the one to undo with --policy")
    _confirm(school_file, [lasts[0].policy_id], [lasts[0].describe()], "undo the last approval of",
             "remove this approval and its snapshot", yes)
    return lasts[0].policy_id


def _confirm(school_file, ids: list[str], lines: list[str], doing: str, action: str,  # noqa: ANN001
             yes: bool) -> None:
    """List what approve is about to do to the policies it chose, and go on only when the clerk agrees.

    ``--yes`` agrees in advance. Off a terminal (a script, a pipe) without it,
    nothing is written: one error naming the policies and the two ways on.
    """
    import sys

    from generator.errors import PolicygenError

    name = running(school_file.school.name)  # "the Riverside Federation": it is inside the sentence
    what = name if len(lines) == 1 else f"{len(lines)} policies of {name}"
    if yes:
        return
    if not sys.stdin.isatty():
        raise PolicygenError(f"{school_file.path}: no --policy given, so this would {doing} {what}: "
                             f"{'; '.join(lines)}. Name one with --policy ({', '.join(ids)}), or add --yes to go "
                             "ahead; nothing was written")
    click.echo(f"No --policy given: this would {doing} {what}:")
    for line in lines:
        click.echo(f"  {line}")
    if not click.confirm(f"{action[0].upper()}{action[1:]}?", default=False):
        raise PolicygenError("nothing was written; name one policy with --policy to act on it alone")


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
    pids = policy_ids(library, school_file, policy_id)
    if redline is not None and len(pids) > 1:  # the one the governors have approved, unless --policy names it
        pids = approved_only(school_file, pids, policy_id, "to redline")
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
    if redline is not None:
        from generator.review.redline import build_redline, write_redline

        marked = build_redline(library, school, pids[0], today=parse_date(today, "--today"),
                               since=since, until=until)
        write_redline(marked, redline, template)
        click.echo(f"redline ({marked.policy.comparison.title}): {redline}")


def _changes_everywhere(fmt: str, library_dir: Path, schools_dir: Path) -> None:
    from generator.library import load_library
    from generator.review.impact import format_csv, format_json, format_table, impacts

    library = load_library(library_dir)
    schools, findings = load_every_school(schools_dir)  # a school that fails is reported; the rest are listed
    items, unchanged, more = impacts(library, schools)
    text = {"table": lambda: format_table(items, unchanged, library.version), "csv": lambda: format_csv(items),
            "json": lambda: format_json(items)}[fmt]()
    print_report(text, findings + more)


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
    from generator.review.due import due_items, format_csv, format_json, format_table, wording_changes

    library = load_library(library_dir)
    schools, findings = load_every_school(schools_dir)  # a school that fails is reported; the rest are listed
    changed, more = wording_changes(library, schools)
    day = parse_date(today, "--today")
    items = due_items(library, schools, day, within, changed)
    text = {"table": lambda: format_table(items, day, within), "csv": lambda: format_csv(items, day),
            "json": lambda: format_json(items, day)}[fmt]()
    print_report(text, findings + more)
