"""The table of changes, built from the approval record and its snapshots."""

from __future__ import annotations

from generator.library import Library
from generator.model import ChangeRow, Policy
from generator.review.diff import compare, paragraphs_affected
from generator.resolve import resolve
from generator.review.snapshot import approved_snapshots
from generator.school import SchoolFile


def resolve_as_built(library: Library, school_file: SchoolFile, policy_id: str) -> Policy:
    """Return the policy as ``build`` prints it: resolved, with its table of changes from the record.

    Raises:
        InputError: as :func:`generator.resolve.resolve`, or an unreadable snapshot.
    """
    return resolve(library, school_file, policy_id, changes=change_rows(library, school_file, policy_id))


def change_rows(library: Library, school_file: SchoolFile, policy_id: str) -> tuple[ChangeRow, ...]:
    """Return the rows of the table of changes, newest first.

    Each approval gives a row: the first is "All"; each later one lists the
    clauses that differ from the previous approval's snapshot, with the
    approval's summary, or else the library changelog lines behind them.
    """
    policy = school_file.school.policies.get(policy_id)
    approvals = policy.governance.approvals if policy else []
    snapshots = approved_snapshots(school_file, policy_id)
    rows = []
    previous = None
    for i, approval in enumerate(approvals):
        snapshot = snapshots.get(approval.version)
        if i == 0:
            paragraphs = "All"
            summary = approval.summary or f"Version {approval.version} adopted by {approval.by}."
        elif snapshot is not None and previous is not None:
            changes = compare(previous, snapshot, library)
            paragraphs = paragraphs_affected(changes)
            notes = [entry.summary for change in changes for entry in change.changelog]
            summary = approval.summary or "; ".join(dict.fromkeys(notes)) or (
                "Reviewed; no change to content." if not changes else "Updated.")
        else:
            paragraphs = "See summary"
            summary = approval.summary or f"Version {approval.version} approved by {approval.by}."
        rows.append(ChangeRow(approval.date, paragraphs, summary))
        previous = snapshot if snapshot is not None else previous
    return tuple(reversed(rows))
