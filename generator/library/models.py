"""The library's models: a policy type's policy.yaml, its forms, and the loaded library.

The clauses are in :mod:`generator.library.kinds`, one type per kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from generator.errors import Problem
from generator.library.fields import Id, LibraryVersion, PolicyTitle, Strict, Subject, Text
from generator.library.kinds import ClauseBase, ClauseSpec
from generator.source import Loc, Source


class ClauseFile(Strict):
    """A clause file: a list of clauses, each of its kind."""

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
    """library.yaml: the version of the whole library."""

    version: LibraryVersion
    title: str = ""


@dataclass
class PolicyType:
    """A policy type as loaded: its policy.yaml, its clauses and forms, and where each was defined.

    Not to be confused with a school's settings for it (:class:`generator.school.PolicySettings`)
    or a school's resolved document (:class:`generator.model.Policy`).
    """

    spec: PolicyTypeSpec
    clauses: dict[str, ClauseBase]
    forms: dict[str, FormSpec]
    source: Source
    clause_at: dict[str, tuple[Source, Loc]] = field(default_factory=dict)
    form_at: dict[str, Source] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)   # ids of clauses with errors (already reported)

    def locate_clause(self, clause_id: str, *rest: str | int) -> tuple[Source, Loc]:
        """Return the source and path of a clause (or a key inside it)."""
        source, loc = self.clause_at[clause_id]
        return source, loc + tuple(rest)

    def appendix_applies(self, appendix: AppendixSpec, chosen: dict[str, str | bool]) -> bool:
        """Return whether a school's selection (clause id -> what it selects) prints ``appendix``: its ``when:`` holds."""
        return all(chosen.get(cid) == self.clauses[cid].condition(want) for cid, want in appendix.when.items())


@dataclass
class SharedParts:
    """Clauses and forms under ``shared/``, defined once for every policy type."""

    clauses: dict[str, ClauseBase] = field(default_factory=dict)
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
