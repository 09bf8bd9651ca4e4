"""Approval snapshots on disk: where they live, the versioned format, reading them back.

A snapshot is kept beside the school file, in
``<school-id>.approved/<policy-id>-v<version>.json``. Format 2 (written since
November 2026) is JSON holding ``format: 2``, what the approval froze (see
:class:`~generator.review.snapshot.SnapshotMeta`) and, under ``policy``, the
whole resolved :class:`~generator.model.Policy` tree (see
:mod:`generator.policy_data`), so the approved document can be rebuilt and
compared block by block.

Format 1 snapshots (``.yaml``, clause by clause as plain text) still load,
through :mod:`generator.review.snapshot_v1`.

:func:`load_snapshot` reads either; :func:`snapshot_bytes` is format 2, which
``approve`` writes (atomically, with the school file: see
:mod:`generator.review.record`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from generator.errors import InputError, Problem
from generator.files import FileProblem, read_regular_file
from generator.model import Policy
from generator.policy_data import TreeError, policy_from_data, policy_to_data
from generator.review.snapshot import FORMAT, Snapshot, SnapshotMeta
from generator.school import SchoolFile


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
