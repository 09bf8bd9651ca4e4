"""Clause text templates: sandboxed Jinja whose values are always literal.

Clause text is Markdown with Jinja placeholders. School values pass through
:func:`escape_markdown` on the way out, so "Roselands & Stafford", ``*stars*``
or ``{{ x }}`` in a school file print exactly as written: they are never read
as Markdown and never run as template code (Jinja does not re-evaluate output).
Templates run in a sandbox bounded in work, size and time
(:mod:`generator.sandbox`), with undefined names as errors.
"""

from __future__ import annotations

import re
import sys
import traceback
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.sandbox import SecurityError

from generator.articles import mark, settle
from generator.sandbox import BoundedSandbox, render_bounded

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_NEWLINES = re.compile(r"\s*\n\s*")


def escape_markdown(value: Any) -> str:
    """Return ``value`` as Markdown source that renders as exactly its text.

    Every ASCII punctuation character is backslash-escaped (CommonMark treats
    those escapes as literal characters) and line breaks become spaces, so a
    value cannot start a list, a heading or a new paragraph.
    """
    if value is None:
        return ""
    text = _NEWLINES.sub(" ", str(value))
    return _PUNCT.sub(r"\\\1", text)


def print_value(value: Any) -> str:
    """Return a value printed into clause text: escaped, and a leading "The" marked (:mod:`generator.articles`).

    A value meant for the start of a sentence (``Role.…``) keeps its capital.
    """
    text = escape_markdown(value)
    return text if getattr(value, "starts_sentence", False) else mark(text)


def make_environment() -> BoundedSandbox:
    """Return the sandboxed Jinja environment used for all clause text."""
    env = BoundedSandbox(
        undefined=StrictUndefined,
        finalize=print_value,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    return env


_ENV = make_environment()


@dataclass(frozen=True)
class TemplateProblem:
    """A problem in a template: 1-based line within the text, and a message."""

    line: int
    message: str


def compile_problem(text: str) -> TemplateProblem | None:
    """Return the syntax error in ``text``, or None when it compiles."""
    try:
        _ENV.parse(text)
    except TemplateSyntaxError as exc:
        return TemplateProblem(exc.lineno or 1, f"template syntax error: {_syntax_message(exc)}")
    return None


def _syntax_message(exc: TemplateSyntaxError) -> str:
    """Return Jinja's syntax message, reworded where it lists tags in no fixed order."""
    message = str(exc.message or exc)
    unclosed = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if unclosed:
        tag = unclosed.group(1)
        return f"'{{% {tag} %}}' is never closed; add '{{% end{tag} %}}'"
    return message


def placeholder_paths(text: str) -> list[tuple[tuple[str, ...], int]]:
    """Return the dotted names a template reads, with their line numbers.

    ``{{ school.people.headteacher.name }}`` gives
    ``(("school", "people", "headteacher", "name"), line)``. Names bound by
    ``{% for %}`` or ``{% set %}`` inside the template are left out.
    """
    tree = _ENV.parse(text)
    bound = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    bound |= {n.name for n in tree.find_all(nodes.Macro)}
    found: list[tuple[tuple[str, ...], int]] = []
    seen: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Name)):
        if id(node) in seen:
            continue
        chain: list[str] = []
        current = node
        while isinstance(current, nodes.Getattr):
            chain.append(current.attr)
            current = current.node
        if isinstance(current, nodes.Name) and current.ctx == "load" and current.name not in bound:
            chain.append(current.name)
            found.append((tuple(reversed(chain)), node.lineno))
        # mark inner Getattr/Name nodes of this chain as seen
        inner = node
        while isinstance(inner, nodes.Getattr):
            inner = inner.node
            seen.add(id(inner))
    # keep only the longest chain at each position
    found.sort(key=lambda f: -len(f[0]))
    result: list[tuple[tuple[str, ...], int]] = []
    for path, line in found:
        if not any(other[: len(path)] == path and other != path for other, _ in result):
            result.append((path, line))
    return sorted(result, key=lambda f: (f[1], f[0]))


class RenderFailure(Exception):
    """A clause template failed for one school's data (line within the text).

    ``undefined`` marks a name the data lacks, which depends on the school;
    anything else (a sandbox limit, ``1/0``) fails for every school.
    """

    def __init__(self, line: int, message: str, undefined: bool = False):
        super().__init__(message)
        self.line = line
        self.message = message
        self.undefined = undefined


def render_text(text: str, context: dict[str, Any]) -> str:
    """Return ``text`` rendered with ``context`` in the sandbox.

    Raises:
        RenderFailure: an undefined name, a sandbox violation or a syntax error.
    """
    try:
        return settle(render_bounded(_compiled(text), context))  # "The Riverside Federation" inside a sentence: "the …"
    except TemplateSyntaxError as exc:
        raise RenderFailure(exc.lineno or 1, f"template syntax error: {_syntax_message(exc)}") from None
    except UndefinedError as exc:
        raise RenderFailure(_error_line(), f"undefined placeholder: {_undefined_name(exc)}", undefined=True) from None
    except SecurityError as exc:
        raise RenderFailure(_error_line(), f"not allowed in a clause template: {exc}") from None
    except Exception as exc:  # a filter or test failing on school data, 1/0, a recursion too deep
        raise RenderFailure(_error_line(), f"template error: {_describe(exc)}") from None


@lru_cache(maxsize=4096)
def _compiled(text: str) -> Template:
    """Return ``text`` compiled once; clause texts are shared by every school."""
    return _ENV.from_string(text)


def _describe(exc: Exception) -> str:
    """Return an exception as one line: "division by zero", "ValueError: …" when its text is bare."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text if text and not isinstance(exc, (KeyError, IndexError)) else f"{type(exc).__name__}: {text}".rstrip(": ")


def _error_line() -> int:
    """Return the template line where the exception being handled was raised."""
    tb = sys.exc_info()[2]
    line = 1
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == "<template>":
            line = lineno
    return line


def _undefined_name(exc: UndefinedError) -> str:
    msg = str(exc.message or exc)
    match = re.match(r"'(.+?)' has no attribute '(.+?)'", msg)
    if match:
        return f"{match.group(2)} (not defined on {match.group(1)})"
    match = re.match(r"'(.+?)' is undefined", msg)
    return match.group(1) if match else msg
