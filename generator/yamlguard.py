"""Screen YAML text before it is loaded: what a loader must never be given.

One pass over libyaml's event stream (through ruamel.yaml.clib; a small
fraction of the cost of loading) finds, each at its line and column:

- characters YAML does not allow in a file (NUL, other control characters);
- nesting deeper than :data:`MAX_DEPTH` (ruamel's loaders recurse, and
  10,000 levels end in a RecursionError);
- aliases that expand the file past :data:`MAX_NODES` values (the "billion
  laughs": nine lines that become a billion strings);
- tags anywhere, on the root, on keys or on values (``!!python/object``);
- keys that are null, empty, lists, mappings or aliases;
- values holding characters a Word document cannot hold (see
  :mod:`generator.xmlsafe`).

Syntax errors are left to the loaders, which word them; everything above is
found before the point where the text stops parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.errors import Problem
from generator.xmlsafe import describe, forbidden_in, forbidden_message

MAX_DEPTH = 50  # a school file nests 6 deep; the round-trip loader recurses ~5 frames per level
MAX_NODES = 100_000  # values after alias expansion; a school file has a few hundred

# What YAML 1.2 allows in a file (tab, line breaks, printable Unicode).
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NULL = {"", "~", "null", "Null", "NULL"}


@dataclass
class _Collection:
    mapping: bool
    nodes_before: int
    anchor: str | None
    items: int = 0


def screen_yaml(path: Path, text: str) -> list[Problem]:
    """Return the problems of ``text`` that no loader should meet; [] when it may be loaded."""
    bad = _UNPRINTABLE.search(text)
    if bad:
        line, col = _position(text, bad.start())
        return [Problem(path, line, col, f"the character {describe(bad.group())} is not allowed in a YAML file; "
                                         "delete it (is this a text file saved as UTF-8?)")]
    try:
        return _screen_events(path, YAML(typ="safe").parse(text))
    except YAMLError:
        # libyaml refuses a few things ruamel's own parser (which the round-trip loader uses)
        # accepts, such as the escape "\ud800": screen what that parser would see
        try:
            return _screen_events(path, YAML(typ="safe", pure=True).parse(text))
        except YAMLError:
            return []  # a syntax error: the loaders locate and word it


def _screen_events(path: Path, events: Iterable[Any]) -> list[Problem]:
    """Return the problems found in a stream of parser events (see the module's docstring)."""
    problems: list[Problem] = []
    stack: list[_Collection] = []
    sizes: dict[str, int] = {}
    nodes = 0
    try:
        for event in events:
            kind = type(event).__name__
            if kind in ("SequenceEndEvent", "MappingEndEvent"):
                done = stack.pop()
                if done.anchor:
                    sizes[done.anchor] = nodes - done.nodes_before
                continue
            if kind not in ("ScalarEvent", "SequenceStartEvent", "MappingStartEvent", "AliasEvent"):
                continue
            mark = event.start_mark

            def at(message: str) -> Problem:
                return Problem(path, mark.line + 1, mark.column + 1, message)

            is_key = bool(stack) and stack[-1].mapping and stack[-1].items % 2 == 0
            if stack:
                stack[-1].items += 1
            if is_key:
                key_problem = _key_problem(kind, event)
                if key_problem:
                    problems.append(at(key_problem))
            if getattr(event, "tag", None) is not None:
                problems.append(at(f"YAML tags such as {event.tag!r} are not allowed; write plain values"))
            if kind == "AliasEvent":
                nodes += sizes.get(event.anchor, 1)
                if nodes > MAX_NODES:
                    problems.append(at(f"the alias '*{event.anchor}' makes this file more than {MAX_NODES:,} "
                                       "values long; write the values out instead of repeating aliases"))
                    break
            elif kind == "ScalarEvent":
                nodes += 1
                if event.anchor:
                    sizes[event.anchor] = 1
                char = forbidden_in(event.value)
                if char:
                    problems.append(at(forbidden_message(char)))
            else:
                nodes += 1
                stack.append(_Collection(kind == "MappingStartEvent", nodes - 1, event.anchor))
                if len(stack) > MAX_DEPTH:
                    problems.append(at(f"nested more than {MAX_DEPTH} levels deep; a policygen file needs "
                                       "only a few levels"))
                    break
    except YAMLError:
        if not problems:
            raise  # nothing found before the syntax error
    return problems


def _key_problem(kind: str, event: object) -> str | None:
    if kind == "ScalarEvent" and not getattr(event, "style", None) and getattr(event, "value", "") in _NULL:
        return "a key is empty or null; write a name before the ':'"
    if kind in ("SequenceStartEvent", "MappingStartEvent"):
        return "a key must be a name, not a list or mapping"
    if kind == "AliasEvent":
        return f"a key must be a name, not the alias '*{getattr(event, 'anchor', '')}'"
    return None


def _position(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1
