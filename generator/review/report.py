"""`policygen changes`: what differs from the last approved version, in words."""

from __future__ import annotations

from pathlib import Path

from generator.articles import running
from generator.dates import format_date
from generator.errors import InputError
from generator.library import Library
from generator.review.diff import ClauseChange, compare
from generator.review.redline import variant_label
from generator.review.as_built import resolve_as_built
from generator.review.snapshot import take_snapshot
from generator.review.snapshot_file import approved_snapshots
from generator.school import load_school


def describe_changes(library: Library, path: Path, policy_id: str) -> str:
    """Return the changes since the last approval as text (the redline is :mod:`generator.review.redline`).

    Raises:
        InputError: the school file or library has errors (a variant that no
            longer exists, a new required choice …), or nothing was approved.
    """
    school_file = load_school(path)
    policy = resolve_as_built(library, school_file, policy_id)
    approvals = school_file.school.policies[policy_id].governance.approvals
    snapshots = approved_snapshots(school_file, policy_id)
    last = next((snapshots[a.version] for a in reversed(approvals) if a.version in snapshots), None)
    if last is None:
        where = ("policies", policy_id, "governance")
        raise InputError(school_file.source.problem(
            where, f"no approved snapshot of the {policy_id} policy yet: record an approval with "
                   f"`policygen approve {path} --policy {policy_id} --by ...` first", key=True))
    current = take_snapshot(policy, library, "current", None, "")
    found = compare(last, current, library)
    lines = [f"{policy.title} of {running(policy.school_name)}: changes since version {last.version}, "
             f"approved {format_date(last.approved)} by {last.by} (clause library {last.library_version}; now "
             f"{library.version})"]
    latest = approvals[-1]
    if latest.version != last.version:  # recorded by hand, or before policygen: its wording was not kept
        lines.append(f"  Note: version {latest.version} (approved {format_date(latest.date)}) has no snapshot, so "
                     f"its wording is not known; these are the changes since version {last.version}, the last "
                     f"approval whose wording was kept. If version {latest.version} approved the wording printed "
                     f"today, record that with `policygen approve {path} --policy {policy_id} --baseline`.")
    if not found:
        lines.append("  No changes: the policy prints exactly as approved.")
    for change in found:
        lines.extend(_describe(change, library, policy_id))
    counts = {}
    for change in found:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    lines.append(", ".join(f"{n} {kind}" for kind, n in counts.items()) + "." if counts else "")
    return "\n".join(line for line in lines if line is not None) + "\n"


def _describe(change: ClauseChange, library: Library, policy_id: str) -> list[str]:
    number = change.number + (f" (was {change.old_number})" if change.old and change.new
                              and change.old.number != change.number else "")
    head = f"  {number} {change.title}: {change.kind}"
    if change.kind == "variant changed":
        labels = [variant_label(library, policy_id, change.id, c.variant) for c in (change.old, change.new)]
        head += " (“{}” → “{}”)".format(*labels)
    if change.kind == "added" and change.new and change.new.is_switch:
        head += " (switched on)"
    if change.kind == "removed" and change.old and change.old.is_switch:
        head += " (switched off, or removed from the library)"
    out = [head]
    for entry in change.changelog:
        out.append(f"      library, {format_date(entry.date)}: {entry.summary}")
    return out
