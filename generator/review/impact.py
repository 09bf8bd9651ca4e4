"""`policygen changes --all`: which schools and policies a library or choice change affects.

For every school and policy, the printed wording today is compared with the
last approval's snapshot, and each change is described as the redline's
summary describes it (:func:`generator.review.redline.change_notes`): the
clause number and title, what changed (variant labels, not ids), and why (the
changelog line). Policies that print as approved are left out; a policy never
approved is listed as such.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from generator.dates import format_date
from generator.errors import Findings, InputError
from generator.library import Library
from generator.model import ChangeNote
from generator.review.due import PolicyApproval, each_policy, excel_csv
from generator.review.as_built import resolve_as_built
from generator.review.history import last_snapshot
from generator.review.redline import change_notes
from generator.review.snapshot import take_snapshot
from generator.school import SchoolFile

NEVER = "never approved"
NO_SNAPSHOT = "approved wording not known"


@dataclass(frozen=True)
class Impact(PolicyApproval):
    """One school's policy whose wording differs from its last approval, or that was never approved."""

    status: str = NEVER  # "changed", NEVER, or NO_SNAPSHOT (approved before snapshots, no baseline)
    notes: tuple[ChangeNote, ...] = ()


def impacts(library: Library, school_files: list[SchoolFile]) -> tuple[list[Impact], int, Findings]:
    """Return the affected policies (by school, then policy), how many print as approved, and problems.

    A school whose policy cannot be resolved (a variant gone from the library,
    an unreadable snapshot …) is reported as a problem; the others are listed.
    """
    found, unchanged, problems = [], 0, []
    for school_file, _, head in each_policy(library, school_files):
        try:  # resolved even when never approved: a school that cannot be built is reported
            policy = resolve_as_built(library, school_file, head.policy_id)
            snapshot = last_snapshot(school_file, head.policy_id)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if head.version is None or snapshot is None:
            found.append(Impact(**vars(head), status=NEVER if head.version is None else NO_SNAPSHOT))
            continue
        notes = change_notes(snapshot, take_snapshot(policy, library, "current", None, ""), library, head.policy_id)
        if notes:
            found.append(Impact(**vars(head), status="changed", notes=notes))
        elif policy.status.draft:  # same clauses, other choices (e.g. a school detail in the text)
            found.append(Impact(**vars(head), status="changed",
                                notes=(ChangeNote("", "The school's choices changed", ()),)))
        else:
            unchanged += 1
    return found, unchanged, Findings(problems)


def _approval(item: Impact) -> str:
    if item.status == NEVER:
        return NEVER
    when = f", approved {format_date(item.last_approved)}" if item.last_approved else ""
    return f"version {item.version}{when}"


def format_table(items: list[Impact], unchanged: int, library_version: str) -> str:
    """Return the list for reading: each policy, then its changes, each with its reasons."""
    lines = []
    for item in items:
        lines.append(f"{item.school}: {item.policy} ({_approval(item)})")
        if item.status == NO_SNAPSHOT:
            lines.append(f"  {NO_SNAPSHOT}: record a baseline (policygen approve --baseline)")
        for note in item.notes:
            lines.append(f"  {note.clause}: {note.what}" if note.clause else f"  {note.what}")
            lines.extend(f"      {why}" for why in note.why)
    changed = sum(1 for i in items if i.status != NEVER)
    never = len(items) - changed
    if lines:
        lines.append("")
    lines.append(f"{changed} changed since approval, {never} never approved, {unchanged} as approved "
                 f"(clause library {library_version}).")
    return "\n".join(lines) + "\n"


def format_csv(items: list[Impact]) -> str:
    """Return one row per change (one per policy never approved) as CSV for Excel."""
    rows = []
    for i in items:
        head = [i.school_id, i.school, i.policy_id, i.policy, i.version or "", str(i.last_approved or "")]
        if not i.notes:
            rows.append(head + ["", NEVER if i.status == NEVER else NO_SNAPSHOT, ""])
        rows += [head + [n.clause, n.what, "; ".join(n.why)] for n in i.notes]
    return excel_csv(["school_id", "school", "policy_id", "policy", "version", "last_approved", "clause", "change",
                      "why"], rows)


def format_json(items: list[Impact]) -> str:
    """Return the list as JSON; a version or date never recorded is null."""
    data = [{"school_id": i.school_id, "school": i.school, "policy_id": i.policy_id, "policy": i.policy,
             "version": i.version, "last_approved": i.last_approved.isoformat() if i.last_approved else None,
             "approved_by": i.approved_by, "status": i.status,
             "changes": [{"clause": n.clause or None, "change": n.what, "why": list(n.why)} for n in i.notes]}
            for i in items]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
