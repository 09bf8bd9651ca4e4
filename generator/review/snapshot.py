"""Freeze what the governors approved, and read it back.

A snapshot is kept beside the school file, in
``<school-id>.approved/<policy-id>-v<version>.json``. Format 2 (written since
November 2026) holds:

- ``format: 2`` and what was approved: policy, school, version, approval date
  and body, the clause library version it froze, the school's choices, and the
  changelog lines each printed clause already had (so later lines, same-day
  ones included, are known to be new);
- ``policy``: the whole resolved :class:`~generator.model.Policy` tree (see
  :mod:`generator.policy_data`), so the approved document can be rebuilt and
  compared block by block.

Format 1 snapshots (``.yaml``, clause by clause as plain text) still load,
through :mod:`generator.review.snapshot_v1`.

:func:`load_snapshot` reads either; :func:`write_snapshot` writes format 2.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from generator.errors import InputError, Problem
from generator.files import FileProblem, read_regular_file
from generator.library import ClauseBase, Library, kind_named
from generator.model import Block, ListBlock, Paragraph, Policy
from generator.policy_data import TreeError, policy_from_data, policy_to_data
from generator.school import SchoolFile

FORMAT = 2


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


def snapshot_dir(school_file: SchoolFile) -> Path:
    return school_file.path.parent / f"{school_file.id}.approved"


def snapshot_path(school_file: SchoolFile, policy_id: str, version: str, suffix: str = ".json") -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", version)
    return snapshot_dir(school_file) / f"{policy_id}-v{safe}{suffix}"


def snapshot_bytes(snapshot: Snapshot, school_dir: Path) -> bytes:
    """Return the snapshot as format 2 JSON; the logo is stored relative to ``school_dir``."""
    meta = snapshot.meta
    policy = snapshot.policy
    if policy.brand.logo is not None:
        policy = replace(policy, brand=replace(policy.brand, logo=Path(os.path.relpath(policy.brand.logo, school_dir))))
    data = {
        "format": FORMAT,
        "comment": "What the governors approved. Written by `policygen approve`; do not edit.",
        "policy_id": meta.policy_id,
        "school": meta.school_id,
        "version": meta.version,
        "approved": meta.approved.isoformat() if meta.approved else None,
        "by": meta.by,
        "library_version": meta.library_version,
        "choices": meta.choices,
        "changelog": {k: [list(e) for e in v] for k, v in (meta.changelog or {}).items()},
        **({"wording": meta.wording} if meta.wording else {}),
        "policy": policy_to_data(policy),
    }
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


MAX_SNAPSHOT_BYTES = 20_000_000  # a snapshot of a long policy is a few hundred KB


def load_snapshot(path: Path, school_dir: Path | None = None) -> tuple[SnapshotMeta, Policy]:
    """Read a snapshot file of either format.

    ``school_dir`` is where the school file is (the logo path is relative to
    it); by default the snapshot folder's parent.

    Raises:
        InputError: the file is missing, unreadable or not a snapshot policygen wrote, located.
    """
    path = Path(path)
    school_dir = school_dir if school_dir is not None else path.parent.parent
    try:
        text = read_regular_file(path, MAX_SNAPSHOT_BYTES, "approval snapshot").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(path, 1, 1, f"approval snapshot is not UTF-8 text ({exc.reason})")) from None
    except FileProblem as exc:  # a FIFO, a device or a huge file is refused, not read
        raise InputError(Problem(path, 0, 0, exc.message)) from None
    except OSError as exc:
        raise InputError(Problem(path, 0, 0, f"cannot read approval snapshot: {exc.strerror}")) from None
    if path.suffix == ".json":
        return _load_v2(path, text, school_dir)
    from generator.review.snapshot_v1 import load_v1  # format 1 builds on this module's types

    return load_v1(path, text)


def _load_v2(path: Path, text: str, school_dir: Path) -> tuple[SnapshotMeta, Policy]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad_snapshot(path, exc.msg, exc.lineno, exc.colno) from None
    if not isinstance(data, dict):
        raise bad_snapshot(path, "expected a JSON object")
    if data.get("format") != FORMAT:
        raise bad_snapshot(path, f"format {data.get('format')!r} is not one this policygen reads (it reads 1 and 2)")
    try:
        meta = SnapshotMeta(
            FORMAT, _text(data, "policy_id"), _text(data, "school"), _text(data, "version"),
            read_date(data.get("approved"), "approved"), _text(data, "by"), _text(data, "library_version"),
            _mapping(data.get("choices", {}), "choices"),
            {str(k): tuple((str(d), str(s)) for d, s in v)
             for k, v in _mapping(data.get("changelog", {}), "changelog").items()},
            wording={str(k): str(v) for k, v in _mapping(data.get("wording", {}), "wording").items()})
        policy = policy_from_data(data.get("policy"))
    except (TreeError, TypeError, ValueError) as exc:
        raise bad_snapshot(path, str(exc)) from None
    if policy.brand.logo is not None:
        policy = replace(policy, brand=replace(policy.brand, logo=school_dir / policy.brand.logo))
    return meta, policy


def bad_snapshot(path: Path, message: str, line: int = 1, col: int = 1) -> InputError:
    """Return the error of a snapshot file policygen cannot read, located."""
    return InputError(Problem(path, line, col, f"not a readable approval snapshot: {message}"))


def read_date(value: Any, where: str) -> date | None:
    """Return a snapshot's date (ISO text or a date), or None.

    Raises:
        TreeError: the value is not a date.
    """
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise TreeError(where, f"{value!r} is not a date written YYYY-MM-DD") from None


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise TreeError(key, f"expected text, found {value!r}")
    return value


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise TreeError(where, f"expected a mapping, found {type(value).__name__}")
    return value


def write_snapshot(school_file: SchoolFile, snapshot: Snapshot) -> Path:
    """Write ``snapshot`` beside the school file and return its path."""
    from generator.output import write_atomic

    path = snapshot_path(school_file, snapshot.policy_id, snapshot.version)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, snapshot_bytes(snapshot, school_file.path.parent))
    return path


def read_snapshot(path: Path) -> Snapshot:
    """Return the snapshot at ``path`` (either format).

    Raises:
        InputError: as :func:`load_snapshot`.
    """
    meta, policy = load_snapshot(path)
    return Snapshot(meta, policy)


def snapshot_files(school_file: SchoolFile, policy_id: str) -> dict[str, Path]:
    """Return the school's snapshot files of ``policy_id`` by version; format 2 wins over format 1."""
    folder = snapshot_dir(school_file)
    try:  # listed even when missing, so an incremental build notes the folder and sees it appear
        names = os.listdir(folder)
    except OSError:
        return {}
    found: dict[str, Path] = {}
    for suffix in (".yaml", ".json"):
        for name in sorted(names):
            if name.startswith(f"{policy_id}-v") and name.endswith(suffix):
                found[name[len(policy_id) + 2:-len(suffix)]] = folder / name
    return found


def approved_snapshots(school_file: SchoolFile, policy_id: str) -> dict[str, Snapshot]:
    """Return the school's snapshots of ``policy_id``, keyed by the version they record.

    Raises:
        InputError: a snapshot file is unreadable, located.
    """
    found = {}
    for path in snapshot_files(school_file, policy_id).values():
        meta, policy = load_snapshot(path, school_file.path.parent)
        found[meta.version] = Snapshot(meta, policy)
    return found
