"""A policy's approval history: its last approved snapshot, and the table of changes.

The approvals are recorded in the school file and each one's wording in a
snapshot beside it (:mod:`generator.review.snapshot_file`). What a build prints
from them is put together in :mod:`generator.review.as_built`.
"""

from __future__ import annotations

from generator.library import Library
from generator.model import ChangeRow
from generator.review.diff import compare, paragraphs_affected
from generator.review.snapshot import Snapshot
from generator.review.snapshot_file import approved_snapshots
from generator.school import SchoolFile


def last_snapshot(school_file: SchoolFile, policy_id: str, snapshots: dict[str, Snapshot] | None = None
                  ) -> Snapshot | None:
    """Return the snapshot of the policy's latest approval, or None (never approved, or no snapshot)."""
    policy = school_file.school.policies.get(policy_id)
    approvals = policy.governance.approvals if policy else []
    if not approvals:
        return None
    snapshots = approved_snapshots(school_file, policy_id) if snapshots is None else snapshots
    return snapshots.get(approvals[-1].version)


def change_rows(library: Library, school_file: SchoolFile, policy_id: str,
                snapshots: dict[str, Snapshot] | None = None) -> tuple[ChangeRow, ...]:
    """Return the rows of the table of changes, newest first (the one builder of them).

    Each approval gives a row: the first is "All"; each later one lists the
    clauses that differ from the previous approval's snapshot, with the
    approval's summary, or else the library changelog lines behind them.
    """
    policy = school_file.school.policies.get(policy_id)
    approvals = policy.governance.approvals if policy else []
    snapshots = approved_snapshots(school_file, policy_id) if snapshots is None else snapshots
    rows = []
    previous = None
    for i, approval in enumerate(approvals):
        snapshot = snapshots.get(approval.version)
        if i == 0:
            paragraphs = "All"
            summary = approval.summary or f"Version {approval.version} approved by {approval.by}."
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
