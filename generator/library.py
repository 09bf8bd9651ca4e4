"""Load the clause library: policy definitions, clauses and forms.

Layout on disk (see docs/clause-library.md)::

    clauses/
      library.yaml                 version of the whole library
      shared/clauses/*.yaml        clauses any policy type may place (defined once)
      shared/forms/*.yaml          forms any policy type may print
      <policy-id>/policy.yaml      title, review cycle, sections, appendices
      <policy-id>/clauses/*.yaml   clauses (a list per file)
      <policy-id>/forms/*.yaml     forms printed as appendices

A policy type takes from ``shared/`` the clauses and forms it names, so a
shared clause's wording and changelog are the same in every policy that
places it.

Loading validates each file's shape and then the cross-file rules (ids unique,
sections name real clauses, defaults name real variants, clause text compiles
and reads only school data that exists). Every problem is reported, located.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from generator.context import sample_context, unknown_placeholder
from generator.errors import Findings, InputError, Problem
from generator.markdown import MarkdownProblem, parse_markdown
from generator.source import Loc, Source, load_source
from generator.templating import RenderFailure, compile_problem, escape_markdown, placeholder_paths, render_text
from generator.validate import suggest, validate_source

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1)]
# Word holds 255 characters in a core property: the title property is "<policy title> – <school
# name>" (names at most 150, school.py), the subject is the subject, the comments name the version.
PolicyTitle = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Subject = Annotated[str, StringConstraints(max_length=200)]
LibraryVersion = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChangelogEntry(Strict):
    """One line of a clause's changelog."""

    date: date
    summary: Text


class Variant(Strict):
    """One wording of a choice clause."""

    label: Text
    text: Text
    guidance: str = ""


class ClauseSpec(Strict):
    """A clause as the library defines it."""

    id: Id
    title: Text
    kind: Literal["fixed", "choice", "optional", "local"]
    text: str = ""
    variants: dict[Id, Variant] = Field(default_factory=dict)
    default: str | bool | None = None
    required: bool = False
    guidance: str = ""
    prompt: str = ""
    changelog: list[ChangelogEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fits_kind(self) -> "ClauseSpec":
        if self.kind in ("fixed", "optional") and not self.text.strip():
            raise ValueError(f"a {self.kind} clause needs 'text'")
        if self.kind == "choice":
            if len(self.variants) < 2:
                raise ValueError("a choice clause needs at least two 'variants'")
            if self.text:
                raise ValueError("a choice clause keeps its wording under 'variants', not 'text'")
            if self.default is None and not self.required:
                raise ValueError("a choice clause needs a 'default' variant or 'required: true'")
        if self.kind != "choice" and self.variants:
            raise ValueError(f"only choice clauses have 'variants' (this one is {self.kind})")
        if self.kind == "local" and not self.text.strip() and not self.required:
            raise ValueError("a local clause needs a default 'text' (printed when a school writes none) "
                             "or 'required: true' (every school must write its own)")
        if self.kind == "local" and self.text.strip() and self.required:
            raise ValueError("a required local clause has no default: remove 'text' or 'required: true'")
        if self.kind == "optional" and not isinstance(self.default, bool):
            raise ValueError("an optional clause needs 'default: true' or 'default: false'")
        return self

    @property
    def last_changed(self) -> ChangelogEntry | None:
        return max(self.changelog, key=lambda e: e.date) if self.changelog else None


class ClauseFile(Strict):
    clauses: list[ClauseSpec]


class SectionSpec(Strict):
    """A numbered section and the clauses it prints, in order."""

    id: Id
    title: Text
    clauses: list[Id]


class AppendixSpec(Strict):
    """An appendix: clauses, a form, or the generated table of changes."""

    id: Id
    title: Text
    clauses: list[Id] = Field(default_factory=list)
    form: Id | None = None
    table_of_changes: bool = False
    when: dict[Id, str | bool] = Field(default_factory=dict)


class PolicyTypeSpec(Strict):
    """What a policy type's policy.yaml says: its title, review cycle, sections and appendices."""

    id: Id
    title: PolicyTitle
    subject: Subject = ""
    review_cycle_months: int = Field(gt=0, le=120, strict=True)  # strict: true is not 1
    sections: list[SectionSpec]
    appendices: list[AppendixSpec] = Field(default_factory=list)
    # this policy type's own default for a shared clause (a variant id, or true/false)
    defaults: dict[Id, str | bool] = Field(default_factory=dict)


FORM_ROW_KINDS = ("heading", "field", "tick", "sign", "signatories")


class FormRowSpec(Strict):
    """One row of a form: exactly one of heading, field, tick, sign or signatories.

    ``signatories: approving-body`` prints one signature block per signatory
    of the school's approving body (see generator/governance.py).
    """

    heading: str | None = None
    field: str | None = None
    tick: str | None = None
    sign: str | None = None
    signatories: Literal["approving-body"] | None = None
    statement: str = ""
    name: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> "FormRowSpec":
        kinds = [k for k in FORM_ROW_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a form row has exactly one of 'heading', 'field', 'tick', 'sign' or 'signatories'")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in FORM_ROW_KINDS if getattr(self, k) is not None)

    @property
    def label(self) -> str:
        return getattr(self, self.kind)


class FormSpec(Strict):
    """A form printed as a table in an appendix."""

    id: Id
    intro: str = ""
    rows: list[FormRowSpec]


class LibraryFile(Strict):
    version: LibraryVersion
    title: str = ""


@dataclass
class PolicyType:
    """A policy type as loaded: its policy.yaml, its clauses and forms, and where each was defined.

    Not to be confused with a school's settings for it (:class:`generator.school.PolicySettings`)
    or a school's resolved document (:class:`generator.model.Policy`).
    """

    spec: PolicyTypeSpec
    clauses: dict[str, ClauseSpec]
    forms: dict[str, FormSpec]
    source: Source
    clause_at: dict[str, tuple[Source, Loc]] = field(default_factory=dict)
    form_at: dict[str, Source] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)   # ids of clauses with errors (already reported)

    def locate_clause(self, clause_id: str, *rest: str | int) -> tuple[Source, Loc]:
        """Return the source and path of a clause (or a key inside it)."""
        source, loc = self.clause_at[clause_id]
        return source, loc + tuple(rest)


@dataclass
class SharedParts:
    """Clauses and forms under ``shared/``, defined once for every policy type."""

    clauses: dict[str, ClauseSpec] = field(default_factory=dict)
    forms: dict[str, FormSpec] = field(default_factory=dict)
    clause_at: dict[str, tuple[Source, Loc]] = field(default_factory=dict)
    form_at: dict[str, Source] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)   # ids of clauses with errors (already reported)


SHARED_DIR = "shared"


@dataclass
class Library:
    """The whole clause library."""

    root: Path
    version: str
    policies: dict[str, PolicyType]
    warnings: list[Problem] = field(default_factory=list)
    title: str = ""  # library.yaml's title, e.g. "Model staff policies for schools"

    def policy(self, policy_id: str) -> PolicyType:
        return self.policies[policy_id]


def load_library(root: Path) -> Library:
    """Load and check the clause library under ``root``.

    Raises:
        InputError: every problem found in the library's files.
    """
    root = Path(root)
    problems: list[Problem] = []
    lib_path = root / "library.yaml"
    version, title = "unversioned", ""
    try:
        lib_file = validate_source(load_source(lib_path), LibraryFile)
        version, title = lib_file.version, lib_file.title
    except InputError as exc:
        problems.extend(exc.problems)
    shared = SharedParts()
    shared_unread = _load_parts(root / SHARED_DIR, shared, problems)
    policies: dict[str, PolicyType] = {}
    for policy_file in sorted(root.glob("*/policy.yaml")):
        try:
            policy = _load_policy(policy_file.parent, shared, problems, shared_unread)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if policy is not None:
            policies[policy.spec.id] = policy
    problems.extend(check_shared_texts(shared))
    problems.extend(_unused_shared(shared, policies))
    if not policies and not problems:
        problems.append(Problem(root, 0, 0, "no policies found: expected <policy-id>/policy.yaml"))
    found = Findings(problems).sorted()
    found.raise_if_errors()
    return Library(root, version, policies, warnings=list(found), title=title)


def _load_policy(folder: Path, shared: SharedParts, problems: list[Problem], shared_unread: int = 0) -> PolicyType | None:
    source = load_source(folder / "policy.yaml")
    spec = validate_source(source, PolicyTypeSpec)
    if spec.id != folder.name:
        problems.append(source.problem(("id",), f"policy id {spec.id!r} must match its folder name {folder.name!r}"))
    lib = PolicyType(spec, {}, {}, source)
    unread = shared_unread + _load_parts(folder, lib, problems, shared)
    _take_shared(lib, shared)
    problems.extend(check_policy_type(lib, shared=set(shared.clauses) | set(shared.forms), complete=not unread))
    return lib


def _load_parts(folder: Path, into: PolicyType | SharedParts, problems: list[Problem],
                shared: SharedParts | None = None) -> int:
    """Load ``folder``'s clauses/*.yaml and forms/*.yaml into ``into``, reporting duplicates.

    Returns how many files could not be read (their problems are in ``problems``).
    """
    unread = 0
    for path in sorted((folder / "clauses").glob("*.yaml")):
        try:
            clause_source = load_source(path)
        except InputError as exc:
            problems.extend(exc.problems)
            unread += 1
            continue
        try:
            clauses = list(enumerate(validate_source(clause_source, ClauseFile).clauses))
        except InputError as exc:
            problems.extend(exc.problems)
            clauses = _valid_clauses(clause_source, into.broken)
        for i, clause in clauses:
            earlier = into.clause_at.get(clause.id) or (shared.clause_at.get(clause.id) if shared else None)
            if earlier is not None:
                first, first_loc = earlier
                line, _ = first.locate(first_loc + ("id",))
                where = first.path.name if first.path.parent == path.parent else f"{first.path.parent.parent.name}/clauses/{first.path.name}"
                problems.append(clause_source.problem(
                    ("clauses", i, "id"),
                    f"duplicate clause id {clause.id!r} (first defined at {where}:{line})"))
                continue
            into.clauses[clause.id] = clause
            into.clause_at[clause.id] = (clause_source, ("clauses", i))
    for path in sorted((folder / "forms").glob("*.yaml")):
        try:
            form_source = load_source(path)
            form = validate_source(form_source, FormSpec)
        except InputError as exc:
            problems.extend(exc.problems)
            unread += 1
            continue
        if form.id in into.forms or (shared and form.id in shared.forms):
            problems.append(form_source.problem(("id",), f"duplicate form id {form.id!r}"))
            continue
        into.forms[form.id] = form
        into.form_at[form.id] = form_source
    return unread


def _valid_clauses(source: Source, broken: set[str]) -> list[tuple[int, ClauseSpec]]:
    """Return the clauses of a file that has errors which are themselves valid.

    The ids of the others go in ``broken``, so that one bad key is reported
    once, not again as an "unknown clause" wherever the clause is used.
    """
    items = source.data().get("clauses")
    good = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        try:
            good.append((i, ClauseSpec.model_validate(item)))
        except ValueError:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                broken.add(item["id"])
    return good


def _take_shared(lib: PolicyType, shared: SharedParts) -> None:
    """Add to ``lib`` the shared clauses and forms its policy.yaml names."""
    lib.broken |= shared.broken
    parts = list(lib.spec.sections) + list(lib.spec.appendices)
    named = [c for part in parts for c in part.clauses]
    named += [c for appendix in lib.spec.appendices for c in appendix.when]
    for clause_id in named:
        if clause_id in shared.clauses and clause_id not in lib.clauses:
            lib.clauses[clause_id] = shared.clauses[clause_id]
            lib.clause_at[clause_id] = shared.clause_at[clause_id]
    for clause_id, default in lib.spec.defaults.items():
        clause = lib.clauses.get(clause_id)
        if clause is not None and clause.kind == "optional" and str(default).lower() in ("on", "off"):
            default = str(default).lower() == "on"  # on/off as in school files
        valid = (clause is not None and (clause.kind == "choice" and default in clause.variants
                                         or clause.kind == "optional" and isinstance(default, bool)))
        if valid:  # an invalid one is reported by check_policy_type, at policy.yaml
            lib.clauses[clause_id] = clause.model_copy(update={"default": default})
    for appendix in lib.spec.appendices:
        if appendix.form in shared.forms and appendix.form not in lib.forms:
            lib.forms[appendix.form] = shared.forms[appendix.form]
            lib.form_at[appendix.form] = shared.form_at[appendix.form]


def _unused_shared(shared: SharedParts, policies: dict[str, PolicyType]) -> list[Problem]:
    """Return a warning for each shared clause or form that no policy type uses."""
    problems = []
    for clause_id, (source, loc) in shared.clause_at.items():
        if not any(clause_id in p.clauses for p in policies.values()):
            problems.append(source.problem(loc + ("id",), f"shared clause {clause_id!r} is not placed in any policy.yaml",
                                           severity="warning"))
    for form_id, source in shared.form_at.items():
        if not any(form_id in p.forms for p in policies.values()):
            problems.append(source.problem(("id",), f"shared form {form_id!r} is not used by any policy.yaml",
                                           severity="warning"))
    return problems


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
        if clause.kind == "choice" and isinstance(clause.default, str) and clause.default not in clause.variants:
            problems.append(csrc.problem(cloc + ("default",),
                                         f"default {clause.default!r} is not a variant{suggest(clause.default, clause.variants)}"))
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


def _clause_text_problems(clause: ClauseSpec, source: Source, loc: Loc) -> list[Problem]:
    texts: list[tuple[Loc, str]] = [(loc + ("text",), clause.text)] if clause.text else []
    texts += [(loc + ("variants", v, "text"), var.text) for v, var in clause.variants.items()]
    return [problem for at, text in texts for problem in check_text(source, at, text)]


def _form_text_problems(form: FormSpec, source: Source) -> list[Problem]:
    texts = [(("intro",), form.intro)] + [
        (("rows", i, row.kind), row.label) for i, row in enumerate(form.rows)
    ] + [(("rows", i, "name"), row.name) for i, row in enumerate(form.rows) if row.name]
    return [problem for at, text in texts for problem in check_text(source, at, text)]


def _check_condition(lib: PolicyType, loc: Loc, clause_id: str, want: Any, what: str = "conditions") -> list[Problem]:
    src = lib.source
    clause = lib.clauses.get(clause_id)
    if clause is None and clause_id in lib.broken:
        return []
    if clause is None:
        return [src.problem(loc, f"unknown clause {clause_id!r}{suggest(clause_id, lib.clauses)}", key=True)]
    if clause.kind == "choice" and want not in clause.variants:
        return [src.problem(loc, f"{clause_id!r} has no variant {want!r}{suggest(str(want), clause.variants)}")]
    if clause.kind == "optional" and not (isinstance(want, bool) or str(want).lower() in ("on", "off")):
        return [src.problem(loc, f"{clause_id!r} is optional: the value must be on or off (found {want!r})")]
    if clause.kind in ("fixed", "local"):
        return [src.problem(loc, f"{clause_id!r} is a {clause.kind} clause; only choice and optional clauses can be {what}")]
    return []


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


__all__ = ["Library", "PolicyType", "PolicyTypeSpec", "ClauseSpec", "FormSpec", "load_library", "escape_markdown"]
