"""``policygen clauses``: the library as an adviser reads it, with labels (and, on request, wording)."""

from __future__ import annotations

import re
import textwrap

from generator.library import ClauseBase, Library, PolicyType


def describe_library(library: Library, policy_id: str | None = None, text: bool = False) -> str:
    """Return every policy's clauses: kind, title, variants with labels and the default.

    With ``text``, each clause's wording (every variant's) follows, indented.
    """
    lines = [f"clause library {library.version}"]
    for pid, lib in sorted(library.policies.items()):
        if policy_id and pid != policy_id:
            continue
        lines += ["", f"{pid}: {lib.spec.title} (review every {lib.spec.review_cycle_months} months)"]
        for clause_id in _in_order(lib):
            lines += _describe_clause(lib.clauses[clause_id], text)
    return "\n".join(lines) + "\n"


def _in_order(lib: PolicyType) -> list[str]:
    """Return clause ids in the order the policy prints them, then any not placed."""
    placed = [cid for part in (*lib.spec.sections, *lib.spec.appendices) for cid in part.clauses]
    return [cid for cid in placed if cid in lib.clauses] + [cid for cid in lib.clauses if cid not in placed]


def _describe_clause(clause: ClauseBase, text: bool) -> list[str]:
    line = f"  {clause.id:34} {clause.kind:8} {clause.title}"
    if clause.summary():
        line += f"  [{clause.summary()}]"
    lines = [line]
    for option in clause.options():
        mark = "  (default)" if option.default else ""
        lines.append(f"  {'':34}   {option.value}: {option.label}{mark}")
        if text:
            lines += _wording(option.text, "          ")
    if text and not clause.options():
        for wording in clause.wordings().values():
            lines += _wording(wording, "      ")
    return lines


# a placeholder, a tag or a comment of clause text: ``{{ school.name }}``, ``{% if … %}``, ``{# … #}``
_TEMPLATE_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_KEPT_SPACE = "\x00"  # a space inside a placeholder while the line is wrapped: not a place to break


def _wording(text: str, indent: str) -> list[str]:
    """Return ``text`` wrapped at 96 columns, never inside a placeholder (one longer than a line stands alone)."""
    out = []
    for paragraph in text.strip().split("\n"):
        whole = _TEMPLATE_PART.sub(lambda m: re.sub(r"\s", _KEPT_SPACE, m.group()), paragraph)
        lines = textwrap.wrap(whole, 96, initial_indent=indent, subsequent_indent=indent,
                              break_long_words=False, break_on_hyphens=False)
        out += [line.replace(_KEPT_SPACE, " ") for line in lines] or [""]
    return out + [""]
