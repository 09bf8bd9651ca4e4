"""What the governors approved, as policygen holds it: a snapshot.

A :class:`Snapshot` is a policy's whole resolved tree as approved, with what
the approval froze besides (:class:`SnapshotMeta`): policy, school, version,
approval date and body, the clause library version, the school's choices,
the changelog lines each printed clause already had (so later lines, same-day
ones included, are known to be new), and a digest of the library wording each
library clause printed (:func:`wording_digest`, so a later rewording is known
to be the library's, not a change in the school's data).

Taking one is pure (:func:`take_snapshot`). Where snapshots live, the
versioned file format and reading it back are
:mod:`generator.review.snapshot_file`'s.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.library import ClauseBase, Library, kind_named
from generator.model import Block, ListBlock, Paragraph, Policy
from generator.school import SchoolFile

FORMAT = 2  # the format snapshots are written in (generator.review.snapshot_file)


@dataclass(frozen=True)
class SnapshotMeta:
    """What a snapshot says about the approval it froze."""

    format: int
    policy_id: str
    school_id: str
    version: str
    approved: date | None
    by: str
    library_version: str
    choices: dict[str, Any] = field(default_factory=dict)
    # clause id -> the changelog lines (ISO date, summary) it had when frozen; None for format 1
    changelog: dict[str, tuple[tuple[str, str], ...]] | None = None
    # format 1 only: clause id -> date of its last library change
    changed: dict[str, date | None] = field(default_factory=dict)
    # clause id -> digest of the library's title and wording it printed (wording_digest); {} before it was kept
    wording: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClauseRecord:
    """One clause as approved, flattened for comparison."""

    id: str
    number: str
    title: str
    section: str
    section_title: str
    kind: str
    variant: str | None
    text: str
    changed: date | None
    blocks: tuple[Block, ...] = ()

    @property
    def is_switch(self) -> bool:
        """Return whether the school switches this clause on or off (by its kind as recorded)."""
        kind = kind_named(self.kind)
        return kind is not None and kind.is_switch

    @property
    def school_written(self) -> bool:
        """Return whether the school may write this clause's wording (by its kind as recorded)."""
        kind = kind_named(self.kind)
        return kind is not None and kind.school_written


@dataclass(frozen=True)
class Snapshot:
    """A policy as approved (or as it would print today): what was frozen and the tree."""

    meta: SnapshotMeta
    policy: Policy

    policy_id = property(lambda self: self.meta.policy_id)
    school_id = property(lambda self: self.meta.school_id)
    version = property(lambda self: self.meta.version)
    approved = property(lambda self: self.meta.approved)
    by = property(lambda self: self.meta.by)
    library_version = property(lambda self: self.meta.library_version)

    @property
    def clauses(self) -> tuple[ClauseRecord, ...]:
        return tuple(ClauseRecord(c.id, c.number, c.title, s.id, s.heading, c.kind, c.variant, plain_text(c.blocks),
                                  self.meta.changed.get(c.id), c.blocks)
                     for s, c in self.policy.clauses())

    def by_id(self) -> dict[str, ClauseRecord]:
        return {c.id: c for c in self.clauses}


def plain_text(blocks) -> str:
    """Return blocks as printed text: paragraphs apart, list items as "- "."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, ListBlock):
            out.append("\n".join(f"{'  ' * item.level}- {item.text}" for item in block.items))
    return "\n\n".join(out)


def school_choices(school_file: SchoolFile, policy_id: str) -> dict[str, Any]:
    """Return the school's choices for ``policy_id`` as plain data (additions included)."""
    policy = school_file.school.policies.get(policy_id)
    if policy is None:
        return {}
    out: dict[str, Any] = dict(policy.choices)
    if policy.additions:
        out["additions"] = [a.model_dump(exclude_defaults=True) for a in policy.additions]
    return out


def take_snapshot(policy: Policy, library: Library, version: str, approved: date | None, by: str,
                  choices: dict[str, Any] | None = None) -> Snapshot:
    """Return the snapshot of ``policy`` (pure)."""
    lib = library.policies.get(policy.policy_id)
    changelog, wording = {}, {}
    for _, clause in policy.clauses():
        spec = lib.clauses.get(clause.id) if lib else None
        changelog[clause.id] = tuple((e.date.isoformat(), e.summary) for e in spec.changelog) if spec else ()
        if spec is not None and clause.origin == "library":
            wording[clause.id] = wording_digest(spec, clause.variant)
    meta = SnapshotMeta(FORMAT, policy.policy_id, policy.school_id, version, approved, by, library.version,
                        dict(choices or {}), changelog, wording=wording)
    return Snapshot(meta, policy)


def wording_digest(spec: ClauseBase, variant: str | None) -> str:
    """Return a digest of the library's title and wording of ``variant`` (the school's data not filled in).

    A snapshot keeps it for each printed clause, so a later change of wording
    is known to be the library's, not a change in the school's data.
    """
    text = spec.wordings().get(variant, "")
    return hashlib.sha256(f"{spec.title}\0{text}".encode("utf-8")).hexdigest()[:16]
