"""Mark the changes between two runs of text by phrase or sentence, not word by word.

A governor reading a redline wants to see the new wording whole: "~~wherever
the school has~~ on every school account" rather than the same edit spelt out
word by word. So the two texts are compared on word tokens (each carrying its
formatting), and then:

- changes separated only by a short unchanged stretch (fewer than
  :data:`JOIN_WORDS` words, or just spaces and punctuation) become one change;
- a sentence rewritten more than it was kept (less than :data:`SIMILAR` of
  its words in common) is shown as the old sentence deleted and the new one
  inserted.

The result is the new runs with :class:`~generator.model.Insertion` and
:class:`~generator.model.Deletion` inlines, formatting and links kept.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import NamedTuple

from generator.model import Deletion, Inline, Insertion, Run

TOKENS = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")
WORD = re.compile(r"\w")
SENTENCE_END = frozenset(".!?")
JOIN_WORDS = 3  # an unchanged stretch of fewer words between two changes joins them
SIMILAR = 0.5  # below this share of words in common, a sentence or paragraph counts as rewritten


class Token(NamedTuple):
    """One word, space or punctuation mark with its run's formatting."""

    text: str
    bold: bool
    italic: bool
    href: str | None


def tokens_of(runs: tuple[Run, ...]) -> list[Token]:
    """Return the tokens of ``runs``, in order."""
    return [Token(t, r.bold, r.italic, r.href) for r in runs for t in TOKENS.findall(r.text)]


def similarity(old: list[Token], new: list[Token]) -> float:
    """Return the share of words the two token lists have in common (1.0 when both are empty)."""
    a = [t for t in old if WORD.search(t.text)]
    b = [t for t in new if WORD.search(t.text)]
    if not a and not b:
        return 1.0
    return SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def diff_runs(old: tuple[Run, ...], new: tuple[Run, ...]) -> tuple[Inline, ...]:
    """Return ``new`` with what changed from ``old`` marked by sentence or phrase."""
    before, after = _sentences(tokens_of(old)), _sentences(tokens_of(new))
    out: list[Inline] = []
    matcher = SequenceMatcher(a=[_key(s) for s in before], b=[_key(s) for s in after], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        olds = [t for s in before[a0:a1] for t in s]
        news = [t for s in after[b0:b1] for t in s]
        if op == "delete" and a0 and out and not out[-1].text[-1:].isspace():
            olds = _spaces_after(before[a0 - 1]) + olds  # "week.~~ Anonymous …~~": the space goes too
        if op == "equal":
            out += _runs(news)
        elif op == "replace" and similarity(olds, news) >= SIMILAR:
            out += _phrases(olds, news)
        else:
            out += _changed(olds, news)
    return _joined(out)


def _sentences(tokens: list[Token]) -> list[list[Token]]:
    """Split tokens into sentences, each keeping the spaces after its full stop."""
    sentences: list[list[Token]] = [[]]
    ended = False
    for token in tokens:
        if ended and not token.text.isspace():
            sentences.append([])
        sentences[-1].append(token)
        ended = token.text in SENTENCE_END or (ended and token.text.isspace())
    return [s for s in sentences if s]


def _spaces_after(sentence: list[Token]) -> list[Token]:
    """Return the spaces that end ``sentence``."""
    end = len(sentence)
    while end and sentence[end - 1].text.isspace():
        end -= 1
    return sentence[end:]


def _key(sentence: list[Token]) -> tuple[Token, ...]:
    """Return a sentence as compared: without the spaces after it (the last sentence has none)."""
    end = len(sentence)
    while end and sentence[end - 1].text.isspace():
        end -= 1
    return tuple(sentence[:end])


def _phrases(old: list[Token], new: list[Token]) -> list[Inline]:
    """Return ``new`` with its changes from ``old`` marked, short unchanged gaps joined into the change."""
    ops = SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    segments: list[list[int]] = []  # [a0, a1, b0, b1, changed]
    for op, a0, a1, b0, b1 in ops:
        changed = op != "equal"
        if segments and segments[-1][4] and (changed or _short(new[b0:b1])):
            segments[-1][1], segments[-1][3] = a1, b1  # extend the change over this segment
        else:
            segments.append([a0, a1, b0, b1, int(changed)])
    # an unchanged short gap absorbed at the very end belongs to the text, not the change
    out: list[Inline] = []
    for a0, a1, b0, b1, changed in segments:
        if not changed:
            out += _runs(new[b0:b1])
            continue
        olds, news = old[a0:a1], new[b0:b1]
        tail = _common_tail(olds, news)
        out += _changed(olds[:len(olds) - tail], news[:len(news) - tail])
        out += _runs(news[len(news) - tail:])
    return out


def _short(tokens: list[Token]) -> bool:
    """Return whether an unchanged stretch is too short to stand between two changes."""
    return sum(1 for t in tokens if WORD.search(t.text)) < JOIN_WORDS


def _common_tail(old: list[Token], new: list[Token]) -> int:
    """Return how many tokens ``old`` and ``new`` end with in common (an absorbed gap that no change followed)."""
    n = 0
    while n < min(len(old), len(new)) and old[-1 - n] == new[-1 - n]:
        n += 1
    return n


def _changed(old: list[Token], new: list[Token]) -> list[Inline]:
    """Return ``old`` as a deletion followed by ``new`` as an insertion; spaces both share stay unmarked."""
    lead = 0
    while lead < min(len(old), len(new)) and old[lead] == new[lead] and old[lead].text.isspace():
        lead += 1
    out: list[Inline] = _runs(new[:lead])
    old, new = old[lead:], new[lead:]
    trail = 0
    while trail < min(len(old), len(new)) and old[-1 - trail] == new[-1 - trail] and old[-1 - trail].text.isspace():
        trail += 1
    if old[:len(old) - trail]:
        out.append(Deletion(tuple(_runs(old[:len(old) - trail]))))
    if new[:len(new) - trail]:
        out.append(Insertion(tuple(_runs(new[:len(new) - trail]))))
    return out + _runs(new[len(new) - trail:])


def _runs(tokens: list[Token]) -> list[Run]:
    """Return tokens as runs, one per stretch of the same formatting."""
    runs: list[Run] = []
    for t in tokens:
        if runs and (runs[-1].bold, runs[-1].italic, runs[-1].href) == (t.bold, t.italic, t.href):
            runs[-1] = Run(runs[-1].text + t.text, t.bold, t.italic, t.href)
        else:
            runs.append(Run(t.text, t.bold, t.italic, t.href))
    return runs


def _joined(inlines: list[Inline]) -> tuple[Inline, ...]:
    """Return ``inlines`` with neighbouring runs of one formatting, and neighbouring marks of one kind, merged."""
    out: list[Inline] = []
    for item in inlines:
        last = out[-1] if out else None
        if isinstance(item, Run) and isinstance(last, Run) and _same_look(last, item):
            out[-1] = Run(last.text + item.text, item.bold, item.italic, item.href)
        elif isinstance(item, (Insertion, Deletion)) and type(last) is type(item):
            out[-1] = type(item)(tuple(_runs(tokens_of(last.runs + item.runs))))  # type: ignore[union-attr]
        else:
            out.append(item)
    return tuple(out)


def _same_look(a: Run, b: Run) -> bool:
    return (a.bold, a.italic, a.href) == (b.bold, b.italic, b.href)
