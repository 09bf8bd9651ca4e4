"""Resolve a school's choices against the library into a :class:`Policy`.

This is the pure core: no file is read or written here. The same library,
school and ``today`` always give the same Policy.
"""

from __future__ import annotations

from typing import Any

from generator.context import placeholders, school_problems, text_context
from generator.errors import InputError, Problem
from generator.governance import PERSON_ROLES, person, policy_approver, signatories
from generator.governance import roles as governance_roles
from generator.library import Library, PolicyType
from generator.markdown import MarkdownProblem, curl_quotes, parse_markdown
from generator.model import (
    ApprovalRecord, Block, Brand, ChangeRow, Clause, DocumentControl, Form, FormRow, Policy, Section, Status,
)
from generator.school import SchoolFile
from generator.source import Loc, Source
from generator.templating import RenderFailure, render_text
from generator.validate import suggest

APPENDIX_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def selection(lib: PolicyType, school_file: SchoolFile) -> tuple[dict[str, str | bool], list[Problem]]:
    """Return what the school selects for every clause, and any problems.

    Each clause's kind reads the school's value (see :meth:`ClauseBase.select`):
    the variant id for a choice clause, True/False for an optional one, the
    school's text (or True/False) for a local one and True for a fixed one.
    """
    policy_id = lib.spec.id
    school = school_file.school
    src = school_file.source
    chosen = school.policies[policy_id].choices if policy_id in school.policies else {}
    base: Loc = ("policies", policy_id, "choices")
    problems: list[Problem] = []
    result: dict[str, str | bool] = {}
    for key, value in chosen.items():
        clause = lib.clauses.get(key)
        if clause is None:
            problems.append(src.problem(base + (key,), f"unknown clause {key!r}{suggest(key, lib.clauses)}", key=True))
            continue
        problem = clause.value_problem(value)
        if problem:
            problems.append(src.problem(base + (key,), f"{key}: {problem}"))
    for clause_id, clause in lib.clauses.items():
        value = chosen.get(clause_id)
        if value is not None and clause.value_problem(value):
            continue  # reported above
        selected = clause.select(value)
        if selected is not None:
            result[clause_id] = selected
        else:
            where = base + ((clause_id,) if value is not None else ()) if policy_id in school.policies else ("policies",)
            problems.append(src.problem(where, clause.missing_message(policy_id), key=True))
    return result, problems


def resolve(library: Library, school_file: SchoolFile, policy_id: str,
            changes: tuple[ChangeRow, ...] | None = None) -> Policy:
    """Return ``school_file``'s ``policy_id`` policy, resolved.

    ``changes`` are the rows of the table of changes, built from the approval
    record and its snapshots by :func:`generator.review.history.change_rows`
    (none when not given). The policy's status is a draft: only a comparison
    with the last approval's snapshot (``review.as_built.resolve_as_built``)
    can find it approved.

    Raises:
        InputError: a choice is invalid, or a clause cannot be rendered with
            this school's data.
    """
    if policy_id not in library.policies:
        raise InputError(school_file.source.problem(("policies",), f"unknown policy {policy_id!r}{suggest(policy_id, library.policies)}"))
    lib = library.policies[policy_id]
    chosen, problems = selection(lib, school_file)
    misplaced = _addition_problems(lib, school_file)
    if misplaced:
        raise InputError(problems + misplaced)
    # a refused choice leaves its clause out; the rest is still rendered, so every problem is reported at once
    governance = _governance(lib, school_file)
    context = text_context(school_file, policy_id, lib.spec.title, governance.review_cycle_months)
    sections: list[Section] = []
    number = 0
    for spec in lib.spec.sections:
        drafts = _section_clauses(lib, school_file, spec.id, spec.clauses, chosen, context, problems)
        if not drafts:
            continue
        number += 1
        sections.append(Section(spec.id, str(number), curl_quotes(spec.title), _numbered(drafts, str(number))))
    letter = 0
    for appendix in lib.spec.appendices:
        if not lib.appendix_applies(appendix, chosen):
            continue
        drafts = _section_clauses(lib, school_file, appendix.id, appendix.clauses, chosen, context, problems)
        form = _form(lib, appendix.form, context, school_file, problems) if appendix.form else None
        rows = (changes or ()) if appendix.table_of_changes else None
        if not drafts and form is None and rows is None:
            continue
        tag = APPENDIX_LETTERS[letter]
        letter += 1
        sections.append(Section(appendix.id, tag, curl_quotes(appendix.title), _numbered(drafts, tag),
                                appendix=True, form=form, changes=rows))
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    school = school_file.school
    return Policy(
        policy_id=policy_id,
        title=lib.spec.title,
        library_version=library.version,
        school_id=school_file.id,
        school_name=school.name,
        brand=Brand(
            logo=school_file.logo_path,
            logo_alt=school.branding.logo_alt or f"{school.name} logo",
            primary=school.branding.colours.primary,
            accent=school.branding.colours.accent,
            font=school.branding.font,
            motto=school.branding.motto,
        ),
        governance=governance,
        sections=tuple(sections),
        author=school.name,
        subject=lib.spec.subject or lib.spec.title,
        short_name=school.display_name,
        members=tuple(school.members),
        status=Status(draft=True, revises=governance.current.version if governance.current else None),
    )


def _numbered(drafts: list[Clause], prefix: str) -> tuple[Clause, ...]:
    return tuple(
        Clause(c.id, f"{prefix}.{i}", c.title, c.kind, c.variant, c.blocks, c.origin)
        for i, c in enumerate(drafts, start=1)
    )


def _section_clauses(lib: PolicyType, school_file: SchoolFile, section_id: str, clause_ids: list[str],
                     chosen: dict[str, str | bool], context: dict[str, Any],
                     problems: list[Problem]) -> list[Clause]:
    out: list[Clause] = []
    for clause_id in clause_ids:
        if clause_id not in chosen:
            continue  # the school's value for it was refused (reported by selection)
        clause = lib.clauses[clause_id]
        wording = clause.wording(chosen[clause_id])
        title = curl_quotes(clause.title)
        kind = clause.kind
        if wording is not None and wording.school:
            loc = ("policies", lib.spec.id, "choices", clause_id)
            blocks = _markdown(wording.text, school_file.source, loc, problems)
            out.append(Clause(clause_id, "", title, kind, None, blocks, origin="school"))
        elif wording is not None:
            src, loc = lib.locate_clause(clause_id, *wording.at)
            blocks = _blocks(wording.text, context, src, loc, school_file, problems, f"clause '{clause.title}'")
            out.append(Clause(clause_id, "", title, kind, wording.variant, blocks))
        out.extend(_additions_after(lib, school_file, section_id, clause_id, problems))
    out.extend(_additions_after(lib, school_file, section_id, None, problems))
    return out


def _additions_after(lib: PolicyType, school_file: SchoolFile, section_id: str, after: str | None,
                     problems: list[Problem]) -> list[Clause]:
    policy = school_file.school.policies.get(lib.spec.id)
    out = []
    for i, addition in enumerate(policy.additions if policy else []):
        if addition.section == section_id and addition.after == after:
            loc = ("policies", lib.spec.id, "additions", i, "text")
            blocks = _markdown(addition.text, school_file.source, loc, problems)
            out.append(Clause(f"local-{i + 1}", "", addition.title, "local", None, blocks, origin="school"))
    return out


def _addition_problems(lib: PolicyType, school_file: SchoolFile) -> list[Problem]:
    policy = school_file.school.policies.get(lib.spec.id)
    problems = []
    parts = {s.id: s.clauses for s in lib.spec.sections} | {a.id: a.clauses for a in lib.spec.appendices}
    for i, addition in enumerate(policy.additions if policy else []):
        base = ("policies", lib.spec.id, "additions", i)
        if addition.section not in parts:
            problems.append(school_file.source.problem(base + ("section",),
                            f"unknown section {addition.section!r}{suggest(addition.section, parts)}"))
        elif addition.after and addition.after not in parts[addition.section]:
            problems.append(school_file.source.problem(base + ("after",),
                            f"clause {addition.after!r} is not in section {addition.section!r}"
                            f"{suggest(addition.after, parts[addition.section])}"))
    return problems


def _fillable(text: str, context: dict[str, Any], school_file: SchoolFile, where: str,
              problems: list[Problem]) -> bool:
    """Return whether this school can fill every placeholder of ``text``; if not, say so at its file."""
    return _fillable_paths(placeholders(text), context, school_file, where, problems)


def _fillable_paths(paths: list[tuple[str, ...]], context: dict[str, Any], school_file: SchoolFile, where: str,
                    problems: list[Problem]) -> bool:
    missing = school_problems(school_file, context["policy"]["title"], paths, where)
    for token, problem in missing:  # each missing role once, at the first text that needs it
        if not any(token.lower() in p.message.lower() for p in problems):
            problems.append(problem)
    return not missing


def _blocks(text: str, context: dict[str, Any], src: Source, loc: Loc, school_file: SchoolFile,
            problems: list[Problem], where: str = "text") -> tuple[Block, ...]:
    if not _fillable(text, context, school_file, where, problems):
        return ()
    try:
        rendered = render_text(text, context)
    except RenderFailure as exc:
        line, col = src.locate(loc)
        problems.append(Problem(src.path, line + exc.line, col, f"{exc.message} (for school {school_file.id!r}, {school_file.path.name})"))
        return ()
    return _markdown(rendered, src, loc, problems, typographic=True)


def _markdown(text: str, src: Source, loc: Loc, problems: list[Problem],
              typographic: bool = False) -> tuple[Block, ...]:
    """Return the blocks of ``text``; ``typographic`` (the library's wording) curls its quotes."""
    try:
        return parse_markdown(text, typographic)
    except MarkdownProblem as exc:
        problems.append(src.problem(loc, exc.message))
        return ()


def _form(lib: PolicyType, form_id: str, context: dict[str, Any], school_file: SchoolFile,
          problems: list[Problem]) -> Form:
    form = lib.forms[form_id]
    src = lib.form_at[form_id]
    where = f"form '{form_id}'"

    def plain(text: str, loc: Loc) -> str:
        if not _fillable(text, context, school_file, where, problems):
            return ""
        try:
            blocks = parse_markdown(render_text(text, context), typographic=True)
        except (RenderFailure, MarkdownProblem) as exc:
            problems.append(src.problem(loc, exc.message))
            return ""
        return " ".join(b.text for b in blocks if hasattr(b, "text"))

    intro: tuple[Block, ...] = ()
    if form.intro and _fillable(form.intro, context, school_file, where, problems):
        try:
            intro = parse_markdown(render_text(form.intro, context), typographic=True)
        except (RenderFailure, MarkdownProblem) as exc:
            problems.append(src.problem(("intro",), exc.message))
    rows: list[FormRow] = []
    for i, row in enumerate(form.rows):
        statement = plain(row.statement, ("rows", i, "statement")) if row.statement else ""
        if row.kind == "signatories":
            signing = signatories(school_file.school)
            if _fillable_paths([("role", role.key, "name") for role in signing], context, school_file, where, problems):
                rows += [FormRow("sign", role.title, statement, role.name) for role in signing]
        else:
            rows.append(FormRow(row.kind, plain(row.label, ("rows", i, row.kind)), statement,
                                plain(row.name, ("rows", i, "name")) if row.name else ""))
    return Form(form_id, intro, tuple(rows))


def _governance(lib: PolicyType, school_file: SchoolFile) -> DocumentControl:
    policy = school_file.school.policies.get(lib.spec.id)
    gov = policy.governance if policy else None
    cycle = gov.cycle(lib.spec.review_cycle_months) if gov else lib.spec.review_cycle_months
    history = tuple(
        ApprovalRecord(a.version, a.date, a.by, a.summary, a.review_due(cycle))
        for a in (gov.approvals if gov else [])
    )
    people = school_file.school.people
    owner_role = gov.owner if gov else "headteacher"
    owner = people[owner_role] if owner_role in people else None
    title = (owner.title or _role_title(school_file, owner)) if owner else ""
    owner_text = (f"{owner.name}, {title}" if owner and title else owner.name if owner
                  else owner_role.replace("_", " ").capitalize())
    return DocumentControl(
        index_ref=gov.index_ref if gov else "",
        owner=owner_text,
        approving_body=policy_approver(school_file.school, gov),
        review_cycle_months=cycle,
        history=history,
    )


def _role_title(school_file: SchoolFile, holder: object) -> str:
    """Return the title of the role ``holder`` holds (e.g. "Principal"), or ""."""
    roles = governance_roles(school_file.school)
    for key in PERSON_ROLES:
        if key in roles and person(school_file.school, key) is holder:
            return roles[key].title
    return ""


