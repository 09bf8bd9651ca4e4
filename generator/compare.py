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
    return _diff_sequence(old, new, _key, _merge_blocks, _whole_block, ties_delete=False)


def _merge_blocks(was: Block, now: Block) -> Block | None:
    """Return ``now`` with its changes from ``was`` marked inside it, or None when they are not one block changed."""
    if isinstance(was, ListBlock) and isinstance(now, ListBlock) and was.ordered == now.ordered:
        return ListBlock(now.ordered, tuple(_diff_items(was.items, now.items)))
    if isinstance(was, Paragraph) and isinstance(now, Paragraph) and _similar(was.runs, now.runs):
        return Paragraph(diff_runs(was.runs, now.runs))
    return None


def _diff_items(old: tuple[ListItem, ...], new: tuple[ListItem, ...]) -> list[ListItem]:
    return _diff_sequence(old, new, _item_key, _merge_items, _whole_item, ties_delete=True)


def _merge_items(was: ListItem, now: ListItem) -> ListItem | None:
    return replace(now, runs=diff_runs(was.runs, now.runs)) if _similar(was.runs, now.runs) else None


def _diff_sequence(old: Sequence[T], new: Sequence[T], key: Callable[[T], tuple],
                   merge: Callable[[T, T], T | None], whole: Callable[[T, str], T], *, ties_delete: bool) -> list[T]:
    """Return ``new`` with the changes from ``old`` marked: runs of equal items kept, each changed item
    merged with the one it replaces (``merge``), the rest marked whole as deleted or inserted.

    Where an old item has no partner, it is taken as removed while more went
    than came (or as many, with ``ties_delete``); otherwise as replaced.
    """
    out: list[T] = []
    matcher = SequenceMatcher(a=[key(x) for x in old], b=[key(x) for x in new], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out += new[b0:b1]
            continue
        olds, news = list(old[a0:a1]), list(new[b0:b1])
        while olds and news:
            merged = merge(olds[0], news[0])
            if merged is not None:
                out.append(merged)
                news.pop(0)
            elif len(olds) > len(news) or (ties_delete and len(olds) == len(news)):
                out.append(whole(olds[0], "deleted"))  # more went than came: take this one as removed
            else:
                out += [whole(olds[0], "deleted"), whole(news.pop(0), "inserted")]
            olds.pop(0)
        out += [whole(x, "deleted") for x in olds] + [whole(x, "inserted") for x in news]
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
