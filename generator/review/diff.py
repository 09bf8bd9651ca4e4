"""Compare an approved snapshot with the policy as it prints today.

Clauses are matched by id. A clause is added, removed, switched to another
variant, or reworded (same variant, different text); a reworded library
clause quotes the changelog lines written since it was approved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.library import ChangelogEntry, Library
from generator.review.snapshot import ClauseRecord, Snapshot


@dataclass(frozen=True)
class ClauseChange:
    """One clause that differs between two snapshots."""

    kind: str  # "added", "removed", "variant changed", "reworded"
    id: str
    number: str  # as printed now (as printed then, for a removed clause)
    title: str
    old: ClauseRecord | None
    new: ClauseRecord | None
    changelog: tuple[ChangelogEntry, ...] = field(default=())

    @property
    def old_number(self) -> str:
        return self.old.number if self.old else ""


def compare(old: Snapshot, new: Snapshot, library: Library | None = None) -> list[ClauseChange]:
    """Return the clause changes from ``old`` to ``new``, in the order ``new`` prints them."""
    before = old.by_id()
    after = new.by_id()
    lib = library.policies.get(new.policy_id) if library else None
    changes: list[ClauseChange] = []
    for record in new.clauses:
        was = before.get(record.id)
        if was is None:
            changes.append(ClauseChange("added", record.id, record.number, record.title, None, record,
                                        _changelog(lib, record.id, old)))
        elif was.variant != record.variant:
            changes.append(ClauseChange("variant changed", record.id, record.number, record.title, was, record,
                                        _changelog(lib, record.id, old)))
        elif was.text != record.text or was.title != record.title:
            changes.append(ClauseChange("reworded", record.id, record.number, record.title, was, record,
                                        _changelog(lib, record.id, old)))
    for record in old.clauses:
        if record.id not in after:
            changes.append(ClauseChange("removed", record.id, record.number, record.title, record, None))
    return changes


def _changelog(lib, clause_id: str, old: Snapshot) -> tuple[ChangelogEntry, ...]:
    """Return the clause's changelog entries written after ``old`` froze the library.

    A format 2 snapshot lists the entries each clause already had, so every
    other entry is new, whatever its date. A format 1 snapshot has only the
    date of the clause's last change: entries after that date are new.
    """
    spec = lib.clauses.get(clause_id) if lib else None
    if spec is None:
        return ()
    known = old.meta.changelog
    if known is not None:
        seen = set(known.get(clause_id, ()))
        entries = [e for e in spec.changelog if (e.date.isoformat(), e.summary) not in seen]
    else:
        since = old.meta.changed.get(clause_id)
        entries = [e for e in spec.changelog if since is None or e.date > since]
    return tuple(sorted(entries, key=lambda e: e.date))


def paragraphs_affected(changes: list[ClauseChange]) -> str:
    """Return "6.2, 8.1 (new), 9.3 (removed)" for a table of changes."""
    parts = []
    for change in changes:
        if change.kind == "added":
            parts.append(f"{change.number} (new)")
        elif change.kind == "removed":
            parts.append(f"{change.number} (removed)")
        else:
            parts.append(change.number)
    return ", ".join(parts) if parts else "None"
