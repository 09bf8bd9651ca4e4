"""The text context: what clause text may refer to, defined once.

Rendering (:func:`text_context`), the library check of allowed names
(:func:`unknown_placeholder`) and trial renders (:func:`sample_context`) all
read the field lists below, so a name is allowed exactly when a school can
fill it. A placeholder that a particular school cannot fill (a person it does
not list, a chief executive it does not have) is reported at the school file,
with the fix (:func:`school_problems`).

Clause text sees four names:

- ``school``: the school's data (:data:`SCHOOL_FIELDS`);
- ``policy``: this policy's title, related policies and contacts;
- ``role``: the school's roles as running text, ``{{ role.head }}`` gives
  "the Headteacher", ``{{ role.employer }}`` "Hertfordshire County Council";
- ``Role``: the same, for the start of a sentence ("The Headteacher").
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from generator import governance
from generator.dates import format_period
from generator.governance import PERSON_ROLES, ROLES, Role
from generator.templating import placeholder_paths
from generator.validate import suggest

if TYPE_CHECKING:
    from generator.errors import Problem
    from generator.school import School, SchoolFile

SCHOOL_FIELDS: dict[str, Callable[["School"], Any]] = {
    "name": lambda s: s.name,
    "short_name": lambda s: s.short_name or s.name,
    "type": lambda s: governance.school_type(s).label,
    "local_authority": lambda s: s.local_authority,
    "trust": lambda s: s.trust,
    "hr_service": lambda s: s.hr_service,
    "employer": governance.employer,
    "approving_body": governance.approving_body,
    "reviewing_body": governance.reviewing_body,
    "governing_body": governance.governing_body,
    "motto": lambda s: s.branding.motto,
    "website": lambda s: s.website,
    "people": lambda s: dict(s.people),
}
POLICY_FIELDS = ("title", "related_policies", "contacts", "review_cycle")
PERSON_FIELDS = ("name", "title", "email", "phone")
ROOTS = ("school", "policy", "role", "Role")
JINJA_NAMES = ("loop", "range", "namespace", "dict", "true", "false", "none")


@lru_cache(maxsize=4096)
def placeholders(text: str) -> list[tuple[str, ...]]:
    """Return the dotted names ``text`` reads (clause texts are shared by every school)."""
    try:
        return [path for path, _ in placeholder_paths(text)]
    except Exception:  # a syntax error is reported by the library check
        return []


def school_values(school: "School") -> dict[str, Any]:
    """Return the ``school`` mapping clause text reads."""
    return {field: get(school) for field, get in SCHOOL_FIELDS.items()}


def text_context(school_file: "SchoolFile", policy_id: str, title: str,
                 review_cycle_months: int = 12) -> dict[str, Any]:
    """Return what clause text sees for one school's policy."""
    school = school_file.school
    choices = school.policies.get(policy_id)
    found = governance.roles(school)
    return {
        "school": school_values(school),
        "policy": {
            "title": title,
            "related_policies": list(choices.related_policies) if choices else [],
            "contacts": list(choices.contacts) if choices else [],
            "review_cycle": format_period(review_cycle_months),
        },
        "role": found,
        "Role": {key: role.sentence() for key, role in found.items()},
    }


def sample_context() -> dict[str, Any]:
    """Return a context with every allowed name filled, for trial renders of library text."""

    class Anyone(dict):
        def __getattr__(self, name: str) -> Any:
            return Anyone(name=name, title=name, email=name, phone=name)

        def __str__(self) -> str:
            return "sample"

    school: dict[str, Any] = {field: "sample" for field in SCHOOL_FIELDS}
    school["people"] = Anyone()
    role = {key: Role(key, "the sample", "Sample", "sample", "sample", "sample") for key in ROLES}
    policy = {"title": "sample", "related_policies": ["sample"],
              "contacts": [Anyone(name="sample", details="sample")], "review_cycle": "sample"}
    return {"school": school, "policy": policy, "role": role,
            "Role": {key: r.sentence() for key, r in role.items()}}


def unknown_placeholder(path: tuple[str, ...]) -> str | None:
    """Return why a placeholder path is not allowed in clause text, or None when it is."""
    root = path[0]
    if root == "school":
        if len(path) > 1 and path[1] not in SCHOOL_FIELDS:
            return (f"unknown placeholder 'school.{path[1]}'{suggest(path[1], SCHOOL_FIELDS)}; "
                    f"school data has: {', '.join(sorted(SCHOOL_FIELDS))}")
        if len(path) > 3 and path[1] == "people" and path[3] not in PERSON_FIELDS:
            return f"unknown placeholder '{'.'.join(path)}': a person has {', '.join(PERSON_FIELDS)}"
        return None
    if root == "policy":
        if len(path) > 1 and path[1] not in POLICY_FIELDS:
            return (f"unknown placeholder 'policy.{path[1]}'{suggest(path[1], POLICY_FIELDS)}; "
                    f"policy data has: {', '.join(POLICY_FIELDS)}")
        return None
    if root in ("role", "Role"):
        if len(path) == 1:
            return f"write {root}.ROLE, one of: {', '.join(ROLES)}"
        if path[1] not in ROLES:
            return (f"unknown role '{root}.{path[1]}'{suggest(path[1], ROLES)}; "
                    f"roles are: {', '.join(ROLES)}")
        if len(path) > 2 and path[2] not in ("title",) + (PERSON_FIELDS if path[1] in PERSON_ROLES else ()):
            allowed = PERSON_FIELDS if path[1] in PERSON_ROLES else ("title",)
            return f"unknown placeholder '{'.'.join(path)}': {root}.{path[1]} has {', '.join(allowed)}"
        return None
    if root in JINJA_NAMES:
        return None
    return (f"unknown placeholder {root!r}{suggest(root, ROOTS)}; "
            f"clause text can read {', '.join(repr(r) for r in ROOTS)}")


def school_problems(school_file: "SchoolFile", policy: str, paths: list[tuple[str, ...]],
                    where: str) -> list[tuple[str, "Problem"]]:
    """Return, located at the school file, each placeholder in ``paths`` this school cannot fill.

    ``policy`` and ``where`` (a clause or form) say who asks. Each problem
    comes with the token it quotes, e.g. "(role.ceo)", so a caller can report
    each missing role once.
    """
    if not any(path[0] in ("role", "Role") or path[:2] == ("school", "people") for path in paths):
        return []  # most texts name no role or person: nothing to look up
    school = school_file.school
    src = school_file.source
    found = governance.roles(school)
    problems = []
    at_people = ("people",) if school.people else ()
    for path in paths:
        if path[0] == "school" and len(path) > 2 and path[1] == "people" and path[2] not in school.people:
            role = path[2]
            token = f"(school.people.{role})"
            problems.append((token, src.problem(at_people, (
                f"the {policy}'s {where} names the person in the role '{role}' "
                f"{token}, but people: has no '{role}'{suggest(role, school.people)}: "
                f"add '{role}: {{name: ..., title: ...}}' under people:"), key=bool(at_people))))
        elif path[0] in ("role", "Role") and len(path) > 1 and path[1] in ROLES:
            key = path[1]
            if key not in found:
                kind = governance.school_type(school).label
                token = f"({path[0]}.{key})"
                problems.append((token, src.problem(("type",), (
                    f"the {policy}'s {where} refers to {ROLES[key]} {token}, which a "
                    f"{kind} does not have: give its title under roles: (roles: {{{key}: ...}}), "
                    f"or choose wording without it"), key=True)))
            elif len(path) > 2 and path[2] == "name" and not found[key].name:
                keys = governance.PEOPLE_KEYS.get(key, (key,))
                token = f"(role.{key}.name)"
                problems.append((token, src.problem(at_people, (
                    f"the {policy}'s {where} needs the name of {found[key].text} {token}, "
                    f"but people: has nobody in that role: add "
                    f"'{keys[0]}: {{name: ..., title: {found[key].title}}}' under people:"), key=bool(at_people))))
    return problems
