"""Freeze what the governors approved, and read it back.

A snapshot records a resolved policy clause by clause: id, number and title
as printed, the variant chosen, the text as printed, and the date of the
clause's last library change. It is kept beside the school file, in
``<school-id>.approved/<policy-id>-v<version>.yaml``, so later changes are
measured against what was actually approved.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.errors import InputError, Problem
from generator.library import Library
from generator.model import ListBlock, Paragraph, Policy
from generator.output import write_atomic
from generator.school import SchoolFile


@dataclass(frozen=True)
class ClauseRecord:
    """One clause as approved."""

    id: str
    number: str
    title: str
    section: str
    section_title: str
    kind: str
    variant: str | None
    text: str
    changed: date | None


@dataclass(frozen=True)
class Snapshot:
    """A policy as approved (or as it would print today)."""

    policy_id: str
    school_id: str
    version: str
    approved: date | None
    by: str
    library_version: str
    clauses: tuple[ClauseRecord, ...]

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


def take_snapshot(policy: Policy, library: Library, version: str, approved: date | None, by: str) -> Snapshot:
    """Return the snapshot of ``policy`` (pure)."""
    lib = library.policies[policy.policy_id]
    records = []
    for section, clause in policy.clauses():
        spec = lib.clauses.get(clause.id)
        last = spec.last_changed if spec else None
        records.append(ClauseRecord(clause.id, clause.number, clause.title, section.id, section.heading, clause.kind,
                                    clause.variant,
                                    plain_text(clause.blocks), last.date if last else None))
    return Snapshot(policy.policy_id, policy.school_id, version, approved, by, library.version, tuple(records))


def snapshot_dir(school_file: SchoolFile) -> Path:
    return school_file.path.parent / f"{school_file.id}.approved"


def snapshot_path(school_file: SchoolFile, policy_id: str, version: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", version)
    return snapshot_dir(school_file) / f"{policy_id}-v{safe}.yaml"


def write_snapshot(school_file: SchoolFile, snapshot: Snapshot) -> Path:
    """Write ``snapshot`` beside the school file and return its path."""
    data = {
        "policy": snapshot.policy_id,
        "school": snapshot.school_id,
        "version": snapshot.version,
        "approved": snapshot.approved,
        "by": snapshot.by,
        "library_version": snapshot.library_version,
        "clauses": [
            {"id": c.id, "number": c.number, "title": c.title, "section": c.section,
             "section_title": c.section_title, "kind": c.kind,
             "variant": c.variant, "changed": c.changed, "text": LiteralScalarString(c.text + "\n")}
            for c in snapshot.clauses
        ],
    }
    yaml = YAML()
    yaml.width = 4096
    out = io.StringIO()
    out.write(f"# What the governors approved: {snapshot.policy_id} version {snapshot.version}.\n"
              "# Written by `policygen approve`; do not edit.\n")
    yaml.dump(data, out)
    path = snapshot_path(school_file, snapshot.policy_id, snapshot.version)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, out.getvalue().encode("utf-8"))
    return path


def read_snapshot(path: Path) -> Snapshot:
    """Read a snapshot file.

    Raises:
        InputError: the file is not a snapshot policygen wrote.
    """
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        return Snapshot(
            data["policy"], data["school"], str(data["version"]), data.get("approved"), data.get("by", ""),
            str(data.get("library_version", "")),
            tuple(ClauseRecord(c["id"], str(c["number"]), c["title"], c.get("section", ""),
                               c.get("section_title", ""), c["kind"],
                               c.get("variant"), str(c.get("text", "")).rstrip("\n"), c.get("changed"))
                  for c in data["clauses"]))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise InputError(Problem(path, 1, 1, f"not a readable approval snapshot ({type(exc).__name__}: {exc})")) from None


def approved_snapshots(school_file: SchoolFile, policy_id: str) -> dict[str, Snapshot]:
    """Return the school's snapshots of ``policy_id``, keyed by version."""
    folder = snapshot_dir(school_file)
    found = {}
    for path in sorted(folder.glob(f"{policy_id}-v*.yaml")) if folder.is_dir() else []:
        snap = read_snapshot(path)
        found[snap.version] = snap
    return found
