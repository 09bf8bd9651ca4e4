"""The library's rules across files: sections name real clauses, conditions and defaults fit
their clause's kind, and every clause and form text compiles and reads only data that exists.

Each function returns located problems; none raises.
"""

from __future__ import annotations

from typing import Any

from generator.context import sample_context, unknown_placeholder
from generator.errors import Problem
from generator.library.kinds import ClauseBase
from generator.library.models import FormSpec, PolicyType, SharedParts
from generator.markdown import MarkdownProblem, parse_markdown
from generator.source import Loc, Source
from generator.templating import RenderFailure, compile_problem, placeholder_paths, render_text
from generator.validate import suggest


def check_policy_type(lib: PolicyType, shared: set[str] = frozenset(), complete: bool = True) -> list[Problem]:
    """Return the cross-file problems of one policy type's library.

    With ``complete`` False (a clause or form file could not be read), a
    clause or form no file defines is not reported: the unread file may
    define it, and its own problem says what to fix.

    The text of clauses and forms in ``shared`` (ids) is left to
    :func:`check_shared_texts`, so a problem in it is reported once.
    """
    problems: list[Problem] = []
    src = lib.source
    placed: dict[str, Loc] = {}
    seen_parts: set[str] = set()
    parts = [("sections", i, s) for i, s in enumerate(lib.spec.sections)]
    parts += [("appendices", i, a) for i, a in enumerate(lib.spec.appendices)]
    for group, i, part in parts:
        if part.id in seen_parts:
            problems.append(src.problem((group, i, "id"), f"duplicate section id {part.id!r}"))
        seen_parts.add(part.id)
        for j, clause_id in enumerate(part.clauses):
            loc = (group, i, "clauses", j)
            if clause_id in lib.broken:
                continue
            if clause_id not in lib.clauses:
                if complete:
                    problems.append(src.problem(loc, f"unknown clause {clause_id!r}{suggest(clause_id, set(lib.clauses) | shared)}"))
            elif clause_id in placed:
                problems.append(src.problem(loc, f"clause {clause_id!r} is already placed at line {src.locate(placed[clause_id])[0]}"))
            else:
                placed[clause_id] = loc
    for i, appendix in enumerate(lib.spec.appendices):
        if appendix.form and appendix.form not in lib.forms and complete:
            problems.append(src.problem(("appendices", i, "form"),
                                        f"unknown form {appendix.form!r}{suggest(appendix.form, lib.forms)}"))
        for clause_id, want in appendix.when.items():
            if complete or clause_id in lib.clauses:
                problems.extend(_check_condition(lib, ("appendices", i, "when", clause_id), clause_id, want))
    for clause_id, want in lib.spec.defaults.items():
        problems.extend(_check_condition(lib, ("defaults", clause_id), clause_id, want, "defaults"))
    for clause_id, clause in lib.clauses.items():
        csrc, cloc = lib.clause_at[clause_id]
        if clause_id not in placed:
            problems.append(csrc.problem(cloc + ("id",), f"clause {clause_id!r} is not placed in any section of policy.yaml",
                                         severity="warning"))
        problems += [csrc.problem(cloc + at, message) for at, message in clause.own_problems()]
        if clause_id not in shared:
            problems.extend(_clause_text_problems(clause, csrc, cloc))
    for form_id, form in lib.forms.items():
        if form_id not in shared:
            problems.extend(_form_text_problems(form, lib.form_at[form_id]))
    return problems


def check_shared_texts(shared: SharedParts) -> list[Problem]:
    """Return the problems in the text of the shared clauses and forms."""
    problems: list[Problem] = []
    for clause_id, clause in shared.clauses.items():
        problems.extend(_clause_text_problems(clause, *shared.clause_at[clause_id]))
    for form_id, form in shared.forms.items():
        problems.extend(_form_text_problems(form, shared.form_at[form_id]))
    return problems


def _clause_text_problems(clause: ClauseBase, source: Source, loc: Loc) -> list[Problem]:
    return [problem for at, text in clause.texts() for problem in check_text(source, loc + at, text)]


def _form_text_problems(form: FormSpec, source: Source) -> list[Problem]:
    texts = [(("intro",), form.intro)] + [
        (("rows", i, row.kind), row.label) for i, row in enumerate(form.rows)
    ] + [(("rows", i, key), getattr(row, key)) for i, row in enumerate(form.rows)
         for key in ("statement", "name") if getattr(row, key)]
    return [problem for at, text in texts for problem in check_text(source, at, text)]


def _check_condition(lib: PolicyType, loc: Loc, clause_id: str, want: Any, what: str = "conditions") -> list[Problem]:
    src = lib.source
    clause = lib.clauses.get(clause_id)
    if clause is None and clause_id in lib.broken:
        return []
    if clause is None:
        return [src.problem(loc, f"unknown clause {clause_id!r}{suggest(clause_id, lib.clauses)}", key=True)]
    problem = clause.condition_problem(want, what)
    return [src.problem(loc, problem)] if problem else []


def check_text(source: Source, loc: Loc, text: str) -> list[Problem]:
    """Return the problems of one piece of clause text: syntax, names, Markdown."""

    def at(line: int, message: str) -> Problem:
        # located only for a problem: locating parses the file's round-trip tree
        line0, col0 = source.locate(loc)
        # block scalars start on the next line; plain ones on the key's line
        if _is_block_scalar(source, line0, col0):
            return Problem(source.path, line0 + line, col0 if line0 == 0 else 1, message)
        return Problem(source.path, line0, col0, message)

    syntax = compile_problem(text)
    if syntax:
        return [at(syntax.line, syntax.message)]
    problems: list[Problem] = []
    for path, line in placeholder_paths(text):
        message = unknown_placeholder(path)
        if message:
            problems.append(at(line, message))
    if not problems:
        try:
            parse_markdown(render_text(text, sample_context()))
        except MarkdownProblem as exc:
            problems.append(at(exc.line, exc.message))
        except RenderFailure as exc:
            # the sample has every field, so only a name some school may lack (policy.contacts[3]) is
            # left to the build; 1/0 or a sandbox limit fails for every school
            if not exc.undefined:
                problems.append(at(exc.line, exc.message))
    return problems


def _is_block_scalar(source: Source, line: int, col: int) -> bool:
    return source.line(line)[col - 1 : col].strip() in ("|", ">")
