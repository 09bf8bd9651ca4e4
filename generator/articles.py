"""Names that start with "The": "The Riverside Federation" at the start of a sentence, "the …" inside one.

British usage writes "staff of the Riverside Federation", keeping the
capital for the start of a sentence and for the name standing alone (the
cover, a heading). A school's name, trust or body is printed through clause
templates; each value that starts with "The" leaves a mark where it was put
(:func:`mark`), and once the whole text is rendered :func:`settle` decides,
from what precedes it, which of the two it is. Literal library wording and
the school's own text are never marked, so never changed.
"""

from __future__ import annotations

import re

MARK = "\x00"  # never in a library or school file: their reader refuses control characters
_NAME = re.compile(r"The (?=[A-Z0-9])")
_OPENERS = "*_“‘\"'(["  # emphasis, quotes and brackets before a name do not change where the sentence is
_CLOSERS = "*_”’\"')]"
_BLOCK_START = re.compile(r"[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+|>[ \t]*)*")
_SENTENCE_END = ".!?"


def running(phrase: str) -> str:
    """Return ``phrase`` as it reads inside a sentence: "The Riverside Federation" gives "the Riverside Federation"."""
    return "the " + phrase[4:] if _NAME.match(phrase) else phrase


def mark(text: str) -> str:
    """Return ``text`` (a value printed into a template) with its leading "The " marked for :func:`settle`."""
    return MARK + text[4:] if _NAME.match(text) else text


def settle(text: str) -> str:
    """Return rendered Markdown with each mark written "The " at the start of a sentence and "the " inside one."""
    if MARK not in text:
        return text
    parts = text.split(MARK)
    out = [parts[0]]
    for part in parts[1:]:
        out.append("The " if starts_sentence("".join(out)) else "the ")
        out.append(part)
    return "".join(out)


def starts_sentence(before: str) -> bool:
    """Return whether text placed after ``before`` (Markdown source) begins a sentence."""
    line_start = before.rfind("\n") + 1
    line = before[line_start:]
    head = _BLOCK_START.match(line)
    if line[head.end():].strip(_OPENERS + " \t") == "":  # nothing but a list marker, quotes or emphasis before it
        if head.group().strip() or line_start == 0:
            return True  # the start of the text, of a list item or of a quotation
        previous = before[:line_start - 1]
        if previous.rsplit("\n", 1)[-1].strip() == "":
            return True  # a new paragraph
        tail = previous  # a line break inside a paragraph: what ends the line above decides
    else:
        tail = before
    tail = tail.rstrip(_OPENERS + " \t\n").rstrip(_CLOSERS)
    return tail == "" or tail[-1] in _SENTENCE_END
