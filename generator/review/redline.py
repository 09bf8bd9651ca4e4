"""`policygen changes --redline`: a comparison of two versions that governors can read.

Loads the two policies at the edge (an approved snapshot, and either a later
one or the policy as it prints today), marks the changes in the document tree
(:func:`generator.compare.mark_changes`), adds a summary of each change and
its reason, and has the one DOCX body writer draw it: as Word tracked changes
for a ``.docx``, or as coloured, underlined and struck-through text for a
``.pdf`` made by LibreOffice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from generator.compare import mark_changes
from generator.dates import format_date
from generator.errors import ConverterError, InputError
from generator.markdown import curl_quotes
from generator.library import Library
from generator.model import ChangeNote, Comparison, Policy
from generator.output import commit, prepare_target, temp_path_for, write_atomic, write_file
from generator.render.docx import DEFAULT_TEMPLATE, render_docx
from generator.render.redline import Marks
from generator.render.reproducible import pin_pdf
from generator.review.diff import ClauseChange, compare
from generator.review.as_built import resolve_as_built
from generator.review.snapshot import Snapshot, take_snapshot
from generator.review.snapshot_file import approved_snapshots
from generator.school import SchoolFile, load_school

FORMATS = (".docx", ".pdf")


@dataclass(frozen=True)
class Redline:
    """A redline ready to write: the marked policy and who is named as making the changes."""

    policy: Policy
    author: str
    today: date


def build_redline(library: Library, path: Path, policy_id: str, *, today: date,
                  since: str | None = None, until: str | None = None) -> Redline:
    """Return the redline of ``policy_id`` from version ``since`` to ``until``.

    ``since`` defaults to the last approval before ``until`` that has a
    snapshot; ``until`` to the policy as it prints today (the draft).

    Raises:
        InputError: the school file or library has errors, a version has no
            approval or no snapshot, ``since`` is not before ``until``, or
            nothing was approved yet.
    """
    school_file = load_school(path)
    snapshots = approved_snapshots(school_file, policy_id)
    chosen = school_file.school.policies.get(policy_id)
    approvals = list(chosen.governance.approvals) if chosen else []
    versions = [a.version for a in approvals]
    if until is None:
        new_policy = resolve_as_built(library, school_file, policy_id)
        new = take_snapshot(new_policy, library, "current", None, "")
        new_name, new_detail = "the draft", f"as it would print on {format_date(today)}, not yet approved"
        earlier = approvals
    else:
        new = _snapshot(school_file, policy_id, snapshots, until, approvals, path)
        new_policy = new.policy
        new_name, new_detail = f"version {new.version}", _approved(new)
        earlier = approvals[:versions.index(until)]
        if since in versions and since not in versions[:versions.index(until)]:
            raise InputError(school_file.source.problem(
                ("policies", policy_id, "governance"),
                f"--from {since} must be an approved version earlier than --to {until}", key=True))
    old = _snapshot(school_file, policy_id, snapshots, since, earlier if since is None else approvals, path)
    notes = change_notes(old, new, library, policy_id)
    comparison = Comparison(f"version {old.version}", new_name, _approved(old), new_detail, notes)
    author = school_file.school.hr_service or library.title or new_policy.author
    marked = replace(mark_changes(old.policy, new_policy, comparison), author=author)  # the file's author too
    return Redline(marked, author, today)


def write_redline(redline: Redline, target: Path, template: Path | None = None) -> Path:
    """Write ``redline`` to ``target``: Word with tracked changes (.docx), or a PDF (.pdf).

    The file appears whole or not at all.

    Raises:
        ConverterError: LibreOffice is missing or failed (PDF only).
        TemplateError: the house-style template is unusable.
    """
    template = template or DEFAULT_TEMPLATE
    when = datetime.combine(redline.today, datetime.min.time())
    prepare_target(target)  # a folder or unwritable path is one line, before any work
    if target.suffix.lower() == ".docx":
        write_atomic(target, render_docx(redline.policy, template, when, Marks(True, redline.author, redline.today)))
        return target
    data = render_docx(redline.policy, template, when, Marks(False, redline.author, redline.today))
    _convert_to_pdf(data, target, when)
    return target


def _convert_to_pdf(data: bytes, target: Path, when: datetime) -> None:
    from generator.render.pdf import WorkerPool, find_libreoffice

    office = find_libreoffice()
    if office is None:
        raise ConverterError("a PDF redline needs LibreOffice, which was not found; "
                             "write a .docx redline, or run tools/install-system-deps.sh")
    pool = WorkerPool(office, 1)
    pool.warm_up()
    try:
        pdf = pool.convert(data).pdf
    finally:
        pool.stop()
    tmp_pdf = temp_path_for(target)
    try:
        write_file(tmp_pdf, pin_pdf(pdf, when), target)  # dated like the document, not by the clock
        commit([(tmp_pdf, target)])
    finally:
        tmp_pdf.unlink(missing_ok=True)


def _snapshot(school_file: SchoolFile, policy_id: str, snapshots: dict[str, Snapshot], version: str | None,
              approvals: list, path: Path) -> Snapshot:
    where = ("policies", policy_id, "governance")
    if version is None:
        found = next((snapshots[a.version] for a in reversed(approvals) if a.version in snapshots), None)
        if found is None:
            raise InputError(school_file.source.problem(
                where, f"no approved snapshot of the {policy_id} policy yet: record an approval with "
                       f"`policygen approve {path} --policy {policy_id}` first", key=True))
        return found
    if not any(a.version == version for a in approvals):
        known = ", ".join(a.version for a in approvals) or "none"
        raise InputError(school_file.source.problem(
            where, f"no approval of version {version} of the {policy_id} policy (approved versions: {known})",
            key=True))
    if version not in snapshots:
        raise InputError(school_file.source.problem(
            where, f"version {version} of the {policy_id} policy was approved before policygen kept snapshots, "
                   "so its wording is not known", key=True))
    return snapshots[version]


def _approved(snapshot: Snapshot) -> str:
    when = f"approved {format_date(snapshot.approved)}" if snapshot.approved else "approved"
    return f"{when} by {snapshot.by}" if snapshot.by else when


def change_notes(old: Snapshot, new: Snapshot, library: Library, policy_id: str) -> tuple[ChangeNote, ...]:
    """Return the summary of every clause change from ``old`` to ``new``: clause, what changed, why."""
    return tuple(_note(change, library, policy_id) for change in compare(old, new, library))


def _note(change: ClauseChange, library: Library, policy_id: str) -> ChangeNote:
    """Return the summary line of one clause change: clause, what changed (labels, not ids), why."""
    clause = f"{change.number} {change.title}"
    if change.old and change.new and change.old.number != change.number:
        clause += f" (was {change.old.number})"
    why = tuple(f"{format_date(e.date)}: {e.summary}" for e in change.changelog)
    if change.kind == "added":
        what = "Switched on" if change.new and change.new.is_switch else "New clause"
        if what == "Switched on" and not why:
            why = ("The school chose to include it.",)
        elif _school_addition(change) and not why:
            why = ("The school added a clause of its own.",)
    elif change.kind == "removed":
        lib = library.policies.get(policy_id)
        in_library = lib is not None and change.id in lib.clauses
        what = "Switched off" if change.old and change.old.is_switch and in_library else "Removed"
        if not why and what == "Switched off":
            why = ("The school chose to leave it out.",)
        elif not why and _school_addition(change):
            why = ("The school took out a clause of its own.",)
        elif not why and not in_library:
            why = ("It is no longer in the clause library.",)
    elif change.kind == "variant changed":
        old = variant_label(library, policy_id, change.id, change.old.variant if change.old else None)
        new = variant_label(library, policy_id, change.id, change.new.variant if change.new else None)
        what = f"Choice changed from “{old}” to “{new}”"
        why = why or ("The school chose a different wording.",)
    else:
        what = "Reworded"
        if not why and change.new and change.new.school_written:
            why = ("The school changed its own wording.",)
    return ChangeNote(clause, what, why)


def _school_addition(change: ClauseChange) -> bool:
    """Return whether the clause is one the school file adds (``additions``), not the library's."""
    return change.id.startswith("local-")


def variant_label(library: Library, policy_id: str, clause_id: str, variant: str | None) -> str:
    """Return the label a person reads for a clause's variant (never its id)."""
    lib = library.policies.get(policy_id)
    spec = lib.clauses.get(clause_id) if lib else None
    label = spec.variant_label(variant) if spec else None
    return curl_quotes(label) if label else "a wording no longer in the library"
