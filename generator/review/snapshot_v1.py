"""Format 1 approval snapshots (``.yaml``, written before November 2026), read back.

They hold each clause as plain text: it is read back into paragraphs and
bulleted lists, without bold, italic or links, and the changelog position is
the date of each clause's last change. Nothing writes this format any more.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from generator.model import Block, Brand, Clause, DocumentControl, ListBlock, ListItem, Paragraph, Policy, Run, Section
from generator.policy_data import TreeError
from generator.review.snapshot import SnapshotMeta
from generator.review.snapshot_file import bad_snapshot, read_date


def load_v1(path: Path, text: str) -> tuple[SnapshotMeta, Policy]:
    """Read a format 1 (YAML, plain text per clause) snapshot into a Policy without formatting."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise bad_snapshot(path, getattr(exc, "problem", None) or str(exc).splitlines()[0], line, col) from None
    except Exception as exc:  # ruamel's constructor errors (bad dates, tags) share no base class
        raise bad_snapshot(path, f"{type(exc).__name__}: {exc}".splitlines()[0]) from None
    if not isinstance(data, dict) or not isinstance(data.get("clauses"), list):
        raise bad_snapshot(path, "expected a mapping with 'clauses'")
    try:
        sections: dict[str, tuple[str, list[Clause]]] = {}
        changed: dict[str, date | None] = {}
        for c in data["clauses"]:
            cid = str(c["id"])
            section = str(c.get("section", "") or "body")
            heading = str(c.get("section_title", "") or "")
            number, _, title = heading.partition(" ")
            sections.setdefault(section, (heading, []))[1].append(
                Clause(cid, str(c["number"]), str(c["title"]), str(c["kind"]), c.get("variant"),
                       text_blocks(str(c.get("text", "")).rstrip("\n"))))
            changed[cid] = read_date(c.get("changed"), f"clauses.{cid}.changed")
        meta = SnapshotMeta(1, str(data["policy"]), str(data["school"]), str(data["version"]),
                            read_date(data.get("approved"), "approved"), str(data.get("by", "")),
                            str(data.get("library_version", "")),
                            {c.id: c.variant for _, cs in sections.values() for c in cs if c.variant},
                            None, changed)
    except (KeyError, TypeError, AttributeError, TreeError) as exc:
        raise bad_snapshot(path, f"{type(exc).__name__}: {exc}") from None
    secs = tuple(_v1_section(sid, heading, clauses) for sid, (heading, clauses) in sections.items())
    policy = Policy(meta.policy_id, "", meta.library_version, meta.school_id, "",
                    Brand(None, "", "#1F3864", "#2E75B6", "Carlito", ""),
                    DocumentControl("", "", meta.by, 0, ()), secs)
    return meta, policy


def _v1_section(section_id: str, heading: str, clauses: list[Clause]) -> Section:
    if heading.startswith("Appendix "):
        number, _, title = heading[len("Appendix "):].partition(": ")
        return Section(section_id, number, title, tuple(clauses), appendix=True)
    number, _, title = heading.partition(" ")
    return Section(section_id, number, title, tuple(clauses))


def text_blocks(text: str) -> tuple[Block, ...]:
    """Return plain text (as :func:`plain_text` writes it) as paragraphs and bulleted lists."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip("\n")):
        lines = chunk.split("\n")
        if all(re.match(r"\s*- ", ln) for ln in lines):
            items = tuple(ListItem((Run(ln.lstrip()[2:]),), (len(ln) - len(ln.lstrip())) // 2) for ln in lines)
            blocks.append(ListBlock(False, items))
        elif chunk.strip():
            blocks.append(Paragraph((Run(" ".join(ln.strip() for ln in lines)),)))
    return tuple(blocks)
