"""Compare two resolved policies and mark the changes in the document tree.

:func:`mark_changes` returns the later policy with what differs from the
earlier one marked the way pandoc marks tracked changes: inserted and deleted
runs (:class:`~generator.model.Insertion`, :class:`~generator.model.Deletion`)
inside the ordinary paragraphs and list items, and whole sections and clauses
flagged ``change="inserted"`` or ``"deleted"``. Any writer then draws a
redline with every format it knows (bold, italic, links, numbered lists,
forms, tables). Pure: no I/O.

Sections and clauses are matched by id; blocks and list items by their text;
the wording inside a matched paragraph by phrase (:mod:`generator.phrases`).
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher
from typing import Callable, Sequence, TypeVar

from generator.model import (Block, Clause, Comparison, Deletion, Inline, Insertion, ListBlock, ListItem,
                             Paragraph, Policy, Run, Section)
from generator.phrases import SIMILAR, diff_runs, similarity, tokens_of

T = TypeVar("T")


def mark_changes(old: Policy, new: Policy, comparison: Comparison) -> Policy:
    """Return ``new`` with its changes since ``old`` marked, and ``comparison`` for the cover and summary."""
    sections = _by_id(old.sections, new.sections, _section, _whole_section)
    return replace(new, sections=tuple(sections), comparison=comparison)


def _by_id(old: Sequence[T], new: Sequence[T], both: Callable[[T, T], T], whole: Callable[[T, str], T]) -> list[T]:
    """Return ``new``'s items merged with ``old``'s by id: removed ones in their old place, marked."""
    new_ids = {item.id for item in new}  # type: ignore[attr-defined]
    old_by_id = {item.id: item for item in old}  # type: ignore[attr-defined]
    out: list[T] = []
    matcher = SequenceMatcher(a=[i.id for i in old], b=[i.id for i in new], autojunk=False)  # type: ignore[attr-defined]
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        out += [whole(item, "deleted") for item in old[a0:a1] if item.id not in new_ids]  # type: ignore[attr-defined]
        for item in new[b0:b1]:
            was = old_by_id.get(item.id)  # type: ignore[attr-defined]
            out.append(both(was, item) if was is not None else whole(item, "inserted"))
    return out


def _section(old: Section, new: Section) -> Section:
    form = new.form
    if old.form is not None and new.form is not None and old.form.intro != new.form.intro:
        form = replace(new.form, intro=tuple(diff_blocks(old.form.intro, new.form.intro)))
    return replace(new, clauses=tuple(_by_id(old.clauses, new.clauses, _clause, _whole_clause)), form=form,
                   old_title=old.title if old.title != new.title else None)


def _whole_section(section: Section, change: str) -> Section:
    return replace(section, change=change, clauses=tuple(_whole_clause(c, change) for c in section.clauses))


def _clause(old: Clause, new: Clause) -> Clause:
    return replace(new, blocks=tuple(diff_blocks(old.blocks, new.blocks)),
                   old_title=old.title if old.title != new.title else None)


def _whole_clause(clause: Clause, change: str) -> Clause:
    return replace(clause, change=change, blocks=tuple(_whole_block(b, change) for b in clause.blocks))


def diff_blocks(old: tuple[Block, ...], new: tuple[Block, ...]) -> list[Block]:
    """Return ``new``'s blocks with the changes from ``old`` marked."""
    out: list[Block] = []
    matcher = SequenceMatcher(a=[_key(b) for b in old], b=[_key(b) for b in new], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out += new[b0:b1]
            continue
        olds, news = list(old[a0:a1]), list(new[b0:b1])
        while olds and news:
            was, now = olds[0], news[0]
            if isinstance(was, ListBlock) and isinstance(now, ListBlock) and was.ordered == now.ordered:
                out.append(ListBlock(now.ordered, tuple(_diff_items(was.items, now.items))))
            elif isinstance(was, Paragraph) and isinstance(now, Paragraph) and _similar(was.runs, now.runs):
                out.append(Paragraph(diff_runs(was.runs, now.runs)))
            elif len(olds) > len(news):  # more went than came: take this one as removed
                out.append(_whole_block(olds.pop(0), "deleted"))
                continue
            else:
                out += [_whole_block(was, "deleted"), _whole_block(now, "inserted")]
            olds.pop(0)
            news.pop(0)
        out += [_whole_block(b, "deleted") for b in olds] + [_whole_block(b, "inserted") for b in news]
    return out


def _diff_items(old: tuple[ListItem, ...], new: tuple[ListItem, ...]) -> list[ListItem]:
    out: list[ListItem] = []
    matcher = SequenceMatcher(a=[_item_key(i) for i in old], b=[_item_key(i) for i in new], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out += new[b0:b1]
            continue
        olds, news = list(old[a0:a1]), list(new[b0:b1])
        while olds and news:
            was, now = olds[0], news[0]
            if _similar(was.runs, now.runs):
                out.append(replace(now, runs=diff_runs(was.runs, now.runs)))
                news.pop(0)
            elif len(olds) >= len(news):
                out.append(_whole_item(was, "deleted"))
            else:
                out += [_whole_item(was, "deleted"), _whole_item(now, "inserted")]
                news.pop(0)
            olds.pop(0)
        out += [_whole_item(i, "deleted") for i in olds] + [_whole_item(i, "inserted") for i in news]
    return out


def _similar(old: tuple[Inline, ...], new: tuple[Inline, ...]) -> bool:
    return similarity(tokens_of(_plain(old)), tokens_of(_plain(new))) >= SIMILAR


def _plain(inlines: tuple[Inline, ...]) -> tuple[Run, ...]:
    return tuple(i for i in inlines if isinstance(i, Run))


def _key(block: Block) -> tuple:
    if isinstance(block, Paragraph):
        return ("p", block.runs)
    return ("list", block.ordered, tuple(_item_key(i) for i in block.items))


def _item_key(item: ListItem) -> tuple:
    return (item.level, item.ordered, item.runs)


def _whole_block(block: Block, change: str) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(_mark(block.runs, change))
    return ListBlock(block.ordered, tuple(_whole_item(i, change) for i in block.items))


def _whole_item(item: ListItem, change: str) -> ListItem:
    return replace(item, runs=_mark(item.runs, change))


def _mark(runs: tuple[Inline, ...], change: str) -> tuple[Inline, ...]:
    plain = _plain(runs)
    if not plain:
        return ()
    return (Insertion(plain),) if change == "inserted" else (Deletion(plain),)
