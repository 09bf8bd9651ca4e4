"""Write a redline: the policy as it prints today, with every change since the
last approval as a real Word tracked change (``w:ins`` / ``w:del``) that
governors can step through, accept or reject in Word or LibreOffice.
"""

from __future__ import annotations

import re
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from generator.model import Policy
from generator.render import wml
from generator.render.docx import DEFAULT_TEMPLATE, compose_docx
from generator.review.snapshot import ClauseRecord, Snapshot

TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def render_redline(policy: Policy, old: Snapshot, new: Snapshot, today: date,
                   template: Path = DEFAULT_TEMPLATE, author: str = "policygen") -> bytes:
    """Return a .docx showing ``old`` → ``new`` as tracked changes."""
    revision = wml.Revision(author, f"{today.isoformat()}T00:00:00Z")
    title = f"{policy.title}: changes since version {old.version}"
    return compose_docx(policy, template, lambda doc, house: _Redline(house.style_ids, revision, old, new).write(),
                        title=title)


class _Redline:
    def __init__(self, ids: dict[str, str], revision: wml.Revision, old: Snapshot, new: Snapshot):
        self.ids = ids
        self.revision = revision
        self.old = old
        self.new = new
        self.next_id = 1
        self.out: list[str] = []

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def write(self) -> str:
        when = self.old.approved.isoformat() if self.old.approved else "the last approval"
        self.out.append(wml.paragraph(self.ids["Normal"], wml.run(
            f"This document shows every change since version {self.old.version} was approved ({when}) as a "
            "tracked change. Use Review › Next change to step through them, and accept or reject each.",
            italic=True)))
        old_titles = {c.section: c.section_title for c in self.old.clauses}
        new_titles = {c.section: c.section_title for c in self.new.clauses}
        section = None
        for old, new in _merge(self.old.clauses, self.new.clauses):
            record = new or old
            if record.section != section:
                section = record.section
                if section in old_titles and section in new_titles:
                    self._paragraph("Heading 1", _word_diff(old_titles[section], new_titles[section]))
                else:
                    whole = "ins" if section in new_titles else "del"
                    self._paragraph("Heading 1", [(None, record.section_title)], whole=whole)
            if old is None:
                self._clause(new, whole="ins")
            elif new is None:
                self._clause(old, whole="del")
            else:
                self._changed(old, new)
        return "".join(self.out)

    def _clause(self, record: ClauseRecord, whole: str) -> None:
        self._paragraph("Heading 2", [(None, f"{record.number} {record.title}")], whole=whole)
        for style, text in _units(record.text):
            self._paragraph(style, [(None, text)], whole=whole)

    def _changed(self, old: ClauseRecord, new: ClauseRecord) -> None:
        self._paragraph("Heading 2", _word_diff(f"{old.number} {old.title}", f"{new.number} {new.title}"))
        before, after = _units(old.text), _units(new.text)
        matcher = SequenceMatcher(a=[t for _, t in before], b=[t for _, t in after], autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                for style, text in after[b0:b1]:
                    self._paragraph(style, [(None, text)])
                continue
            olds, news = before[a0:a1], after[b0:b1]
            paired = min(len(olds), len(news)) if op == "replace" else 0
            for (old_style, old_text), (style, new_text) in zip(olds[:paired], news[:paired]):
                if _similar(old_text, new_text):
                    self._paragraph(style, _word_diff(old_text, new_text))
                else:  # a new wording, not an edit: old paragraph out, new one in
                    self._paragraph(old_style, [(None, old_text)], whole="del")
                    self._paragraph(style, [(None, new_text)], whole="ins")
            for style, text in olds[paired:]:
                self._paragraph(style, [(None, text)], whole="del")
            for style, text in news[paired:]:
                self._paragraph(style, [(None, text)], whole="ins")

    def _paragraph(self, style: str, pieces: list[tuple[str | None, str]], whole: str | None = None) -> None:
        content = []
        for kind, text in pieces:
            kind = whole or kind
            if kind is None:
                content.append(wml.run(text))
            else:
                content.append(wml.tracked(kind, wml.run(text, deleted=kind == "del"), self._id(), self.revision))
        mark = (whole, self._id(), self.revision) if whole else None
        self.out.append(wml.paragraph(self.ids[style], "".join(content), mark=mark))


def _merge(old: tuple[ClauseRecord, ...], new: tuple[ClauseRecord, ...]) -> list[tuple[Any, Any]]:
    """Return (old, new) pairs in print order; a side is None for added or removed clauses."""
    matcher = SequenceMatcher(a=[c.id for c in old], b=[c.id for c in new], autojunk=False)
    pairs: list[tuple[Any, Any]] = []
    new_ids = {c.id for c in new}
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pairs += list(zip(old[a0:a1], new[b0:b1]))
            continue
        pairs += [(c, None) for c in old[a0:a1] if c.id not in new_ids]
        old_by_id = {c.id: c for c in old}
        pairs += [(old_by_id.get(c.id), c) for c in new[b0:b1]]
    return pairs


def _units(text: str) -> list[tuple[str, str]]:
    """Split printed clause text into (style, text) paragraphs."""
    units = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        match = re.match(r"^(\s*)- (.*)$", line)
        if match:
            units.append(("List Bullet 2" if match.group(1) else "List Bullet", match.group(2)))
        else:
            units.append(("Normal", line))
    return units


def _similar(old: str, new: str) -> bool:
    """Return whether ``new`` reads as an edit of ``old`` (half its words or more kept)."""
    return SequenceMatcher(a=TOKENS.findall(old), b=TOKENS.findall(new), autojunk=False).ratio() >= 0.5


def _word_diff(old: str, new: str) -> list[tuple[str | None, str]]:
    """Return runs marking the words deleted from ``old`` and inserted in ``new``."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    pieces: list[tuple[str | None, str]] = []
    for op, a0, a1, b0, b1 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append((None, "".join(b[b0:b1])))
        if op in ("delete", "replace"):
            pieces.append(("del", "".join(a[a0:a1])))
        if op in ("insert", "replace"):
            pieces.append(("ins", "".join(b[b0:b1])))
    return pieces
