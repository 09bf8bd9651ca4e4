"""Load a school file: identity, branding, people and per-policy choices.

The school id is the file's stem. Values are plain data: they are never run
as template code (see :mod:`generator.templating`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from generator.dates import add_months, format_date
from generator.errors import InputError, Problem
from generator.groups import merge_layers
from generator.source import Source, load_source
from generator.validate import suggest, validate_leniently

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Role = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Text = Annotated[str, StringConstraints(min_length=1)]
# The document's title property is "<policy title> – <school name>", and Word holds 255
# characters there; policy titles are at most 100 (library.py), so names at most 150.
Name = Annotated[str, StringConstraints(min_length=1, max_length=150)]
Version = Annotated[str, StringConstraints(min_length=1, max_length=60)]
SCHOOL_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_SCHOOL_ID = 60


def _no_number(value: object) -> object:
    """Refuse numbers for a date: pydantic would read 20250901 as seconds since 1970."""
    if isinstance(value, (int, float)):
        raise ValueError(f"expected a date written YYYY-MM-DD (found {value!r})")
    return value


Day = Annotated[date, BeforeValidator(_no_number)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(Strict):
    """Someone who holds a role at the school."""

    name: Text
    title: str = ""
    email: str = ""
    phone: str = ""

    def __str__(self) -> str:
        return self.name


class Colours(Strict):
    primary: str = "#1F3864"
    accent: str = "#2E75B6"

    @field_validator("primary", "accent")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise ValueError(f"colour {value!r} must be written #RRGGBB, for example #1F3864")
        return value.upper()


class Branding(Strict):
    logo: str | None = None
    logo_alt: str = ""
    colours: Colours = Field(default_factory=Colours)
    font: Text = "Carlito"
    motto: str = ""


class Approval(Strict):
    """One approval of a policy, as recorded in the school file."""

    version: Version
    date: Day
    by: Text
    summary: str = ""
    next_review: Day | None = None

    def review_due(self, cycle_months: int) -> date:
        """Return when this approval falls due for review: as recorded, else after the cycle."""
        return self.next_review or add_months(self.date, cycle_months)


class PolicyGovernance(Strict):
    """The ``governance:`` of one policy in the school file: reference, owner, approving body, review cycle,
    and the approvals recorded so far (printed as the policy's :class:`generator.model.DocumentControl`)."""

    index_ref: str = ""
    owner: Role = "headteacher"
    approving_body: str = ""    # as printed on the cover; default: the school's approving body
    review_cycle_months: int | None = Field(default=None, gt=0, le=120, strict=True)  # strict: true is not 1
    approvals: list[Approval] = Field(default_factory=list)

    def cycle(self, library_default: int) -> int:
        """Return the review cycle in months: the school's own, else the library's default."""
        return self.review_cycle_months or library_default

    @field_validator("approvals", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @field_validator("approvals")
    @classmethod
    def _in_order(cls, value: list[Approval]) -> list[Approval]:
        for earlier, later in zip(value, value[1:]):
            if later.date < earlier.date:
                raise ValueError(f"approvals must be in date order: {format_date(later.date)} comes after "
                                 f"{format_date(earlier.date)}")
        return value


class Addition(Strict):
    """A clause the school adds to a named section of a policy."""

    section: Id
    title: Text
    text: Text
    after: Id | None = None


class Contact(Strict):
    name: Text
    details: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.details})" if self.details else self.name


class PolicySettings(Strict):
    """A school's settings for one policy type: its choices, additions, lists and governance."""

    choices: dict[Id, str | bool] = Field(default_factory=dict)
    additions: list[Addition] = Field(default_factory=list)
    related_policies: list[Text] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    governance: PolicyGovernance = Field(default_factory=PolicyGovernance)


class RoleTitles(Strict):
    """The titles a school gives its people roles; defaults come from its type."""

    head: str = ""      # Headteacher, Principal, Head of School, Executive Headteacher
    chair: str = ""     # Chair of Governors, Chair of Trustees
    ceo: str = ""       # Chief Executive Officer (trusts)


class School(Strict):
    """A school (or federation, or academy) and its policy choices."""

    name: Name
    short_name: str = ""
    group: str = ""             # a file in groups/ whose keys this school inherits
    members: list[Text] = Field(default_factory=list)   # a federation's schools, named on the cover
    type: str = "community"
    local_authority: str = ""
    trust: str = ""
    hr_service: str = ""
    governing_body: str = ""
    employer: str = ""          # defaults from the type: see generator/governance.py
    approving_body: str = ""
    reviewing_body: str = ""
    roles: RoleTitles = Field(default_factory=RoleTitles)
    signatories: list[Literal["head", "chair", "ceo"]] = Field(default_factory=list)
    website: str = ""
    branding: Branding = Field(default_factory=Branding)
    people: dict[Role, Person] = Field(default_factory=dict)
    policies: dict[Id, PolicySettings] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        from generator.governance import TYPES, normalise_type

        key = normalise_type(value)
        if key not in TYPES:
            raise ValueError(f"unknown school type {value!r}{suggest(key, TYPES)}; "
                             f"choose one of {', '.join(TYPES)}")
        return key

    @property
    def display_name(self) -> str:
        """Return the short name where the school gives one, else its name."""
        return self.short_name or self.name

    @property
    def motto(self) -> str:
        return self.branding.motto


@dataclass
class SchoolFile:
    """A loaded school file: its id, model and source (for locating errors)."""

    id: str
    path: Path
    school: School
    source: Source

    @property
    def logo_path(self) -> Path | None:
        logo = self.school.branding.logo
        return (self.path.parent / logo) if logo else None


def load_school(path: Path) -> SchoolFile:
    """Load the school file at ``path``.

    Raises:
        InputError: every problem found: the file is not valid YAML, or not a valid school file.
    """
    partial = load_school_partly(path)
    if partial.problems:
        raise InputError(partial.problems)
    return partial.school_file


# Keys whose refusal changes what the rest of the file means (a wrong type would give wrong roles).
VITAL_KEYS = ("name", "type", "group")


@dataclass(frozen=True)
class PartialSchool:
    """A school file loaded as far as its problems allow (see :func:`load_school_partly`)."""

    school_file: SchoolFile | None  # None: too little is left to check against the library
    problems: list[Problem]
    left_out: list[tuple]           # the keys refused and left out of ``school_file``


def load_school_partly(path: Path) -> PartialSchool:
    """Load the school file at ``path`` as far as its problems allow, so a check can report them all at once.

    Each refused key is left out. Nothing is left to check against the library
    when the YAML is unreadable, a group file is missing, a required key is
    missing, or the name, type or group is refused.
    """
    path = Path(path)
    try:
        source, problems = merge_layers(load_source(path))
    except InputError as exc:
        return PartialSchool(None, exc.problems, [])
    school, found, left_out = validate_leniently(source, School, vital=VITAL_KEYS)
    problems += found
    name = _file_name_problem(path)
    if school is None or name is not None:  # a bad file name gives no school id
        return PartialSchool(None, problems + ([name] if name else []), [])
    return PartialSchool(SchoolFile(path.stem, path, school, source), problems + _repeated_versions(source, school),
                         left_out)


def _file_name_problem(path: Path) -> Problem | None:
    """Return why the file's name cannot be a school id (it names the output files), or None."""
    if not SCHOOL_ID.fullmatch(path.stem):
        return Problem(path, 0, 0, f"school file name {path.name!r} must be lower-case letters, digits and hyphens "
                                   "(it is the school id)")
    if len(path.stem) > MAX_SCHOOL_ID:
        return Problem(path, 0, 0, f"school file name {path.name!r} is longer than {MAX_SCHOOL_ID} characters (it "
                                   "is the school id, and names its output files)")
    return None


def _repeated_versions(source: Source, school: School) -> list[Problem]:
    """Return a problem for each approval whose version an earlier approval already has."""
    problems = []
    for policy_id, policy in school.policies.items():
        first: dict[str, int] = {}
        for i, approval in enumerate(policy.governance.approvals):
            loc = ("policies", policy_id, "governance", "approvals")
            if approval.version in first:
                line, _ = source.locate(loc + (first[approval.version], "version"))
                problems.append(source.problem(loc + (i, "version"), f"version {approval.version!r} is already "
                                               f"recorded at line {line}; each approval has a version of its own"))
            first.setdefault(approval.version, i)
    return problems
