"""Governance models: who employs the staff, who approves and who reviews a policy.

A school's ``type`` gives defaults for its employer, approving body,
reviewing body and role titles; the school file can override each one
(``employer:``, ``approving_body:``, ``reviewing_body:``, ``roles:``). The
adoption form's signatories follow from the approving body: the chair and the
headteacher where a governing body approves, the chair of trustees and the
chief executive where a trust board does. Pure functions of the school data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.articles import running

if TYPE_CHECKING:
    from generator.school import Person, School


@dataclass(frozen=True)
class SchoolType:
    """One governance model, and the defaults it gives."""

    id: str
    label: str
    employer: str           # "local-authority", "governing-body", "trust" or "proprietor"
    trust_approves: bool    # the trust board approves policies (academies, free schools)
    explanation: str        # one sentence for docs/school-file.md and messages


TYPES: dict[str, SchoolType] = {t.id: t for t in (
    SchoolType("community", "community school", "local-authority", False,
               "A maintained school run by the local authority, which employs the staff; "
               "the governing body approves its policies."),
    SchoolType("voluntary-controlled", "voluntary-controlled school", "local-authority", False,
               "A maintained school, usually with a church foundation, whose staff the local authority "
               "employs; the governing body approves its policies."),
    SchoolType("voluntary-aided", "voluntary-aided school", "governing-body", False,
               "A maintained school, usually with a church foundation, whose governing body employs the "
               "staff and approves its policies."),
    SchoolType("foundation", "foundation school", "governing-body", False,
               "A maintained school whose governing body employs the staff and approves its policies."),
    SchoolType("academy", "academy", "trust", True,
               "A state school funded directly by the government and run by an academy trust, which "
               "employs the staff; the trust board approves policies and a local governing body may "
               "review them."),
    SchoolType("free-school", "free school", "trust", True,
               "An academy opened as a new school: the trust employs the staff and its board approves "
               "policies."),
    SchoolType("federation", "federation", "local-authority", False,
               "Several maintained schools sharing one governing body, which approves their policies; "
               "the local authority employs the staff (set employer: for voluntary-aided or foundation "
               "members)."),
    SchoolType("maintained-nursery", "maintained nursery school", "local-authority", False,
               "A nursery school maintained by the local authority, which employs the staff; the "
               "governing body approves its policies."),
    SchoolType("independent", "independent school", "proprietor", False,
               "A fee-charging school whose proprietor (often a board of governors or trustees) "
               "employs the staff and approves its policies."),
)}

# Older spellings, still accepted in school files.
TYPE_ALIASES = {"school": "community", "nursery": "maintained-nursery", "multi-academy-trust": "academy",
                "va": "voluntary-aided", "vc": "voluntary-controlled"}


def normalise_type(value: str) -> str:
    """Return the type id for ``value`` ("Voluntary aided" gives "voluntary-aided")."""
    key = "-".join(str(value).strip().lower().replace("_", " ").split())
    return TYPE_ALIASES.get(key, key)


@dataclass(frozen=True)
class Role:
    """A role as clause text sees it: a running phrase, a title, and who holds it.

    ``str(role)`` is the phrase for running text ("the Headteacher"); the
    sentence form capitalises its first letter ("The Headteacher").
    """

    key: str
    text: str
    title: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    starts_sentence: bool = False  # Role.…: written for the start of a sentence, so a leading "The" stays

    def __str__(self) -> str:
        return self.text

    def sentence(self) -> "Role":
        return Role(self.key, _first_upper(self.text), _first_upper(self.title), self.name, self.email, self.phone,
                    starts_sentence=True)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


# The roles every school has, what each means, and who can hold it.
ROLES: dict[str, str] = {
    "head": "the head of the school: Headteacher, Principal, Head of School or Executive Headteacher",
    "chair": "the chair of the approving body (chair of governors, or chair of trustees)",
    "ceo": "the trust's chief executive",
    "employer": "who employs the staff: the local authority, the governing body, the trust or the proprietor",
    "approving_body": "the body that approves the policy (the governing body, or the trust board)",
    "reviewing_body": "the body that reviews the policy (often the approving body, or a local governing body)",
    "governing_body": "the school's own governing body (a local governing body in a trust)",
}
PERSON_ROLES = ("head", "chair", "ceo")
# Keys in people: that hold each person role, first match wins.
PEOPLE_KEYS = {"head": ("head", "headteacher", "principal", "head_of_school", "executive_headteacher"),
               "ceo": ("ceo", "chief_executive")}


def school_type(school: "School") -> SchoolType:
    return TYPES[normalise_type(school.type)]


def trust_approves(school: "School") -> bool:
    """Return whether the trust board (rather than a governing body) approves the school's policies."""
    if school.approving_body:
        return False if not school_type(school).trust_approves else _names_trust(school.approving_body)
    return school_type(school).trust_approves


def _names_trust(phrase: str) -> bool:
    return any(word in phrase.lower() for word in ("trust", "trustee"))


def governing_body(school: "School") -> str:
    if school.governing_body:
        return school.governing_body
    return "the local governing body" if school_type(school).trust_approves else "the governing body"


def approving_body(school: "School") -> str:
    """Return the phrase for the body that approves the school's policies."""
    if school.approving_body:
        return school.approving_body
    if school_type(school).trust_approves:
        return "the trust board"
    return governing_body(school)


def reviewing_body(school: "School") -> str:
    return school.reviewing_body or (governing_body(school) if school_type(school).trust_approves
                                     else approving_body(school))


def employer(school: "School") -> str:
    """Return who employs the staff: from ``employer:``, else from the school's type."""
    if school.employer:
        return school.employer
    kind = school_type(school).employer
    if kind == "trust":
        return school.trust or "the trust"
    if kind == "local-authority":
        return school.local_authority or "the local authority"
    if kind == "governing-body":
        return governing_body(school)
    return "the proprietor"


def default_title(school: "School", key: str) -> str:
    if key == "head":
        return "Headteacher"
    if key == "chair":
        return "Chair of Trustees" if trust_approves(school) else "Chair of Governors"
    if key == "ceo":
        return "Chief Executive Officer" if school_type(school).trust_approves else ""
    return ""


def person(school: "School", key: str) -> "Person | None":
    """Return who holds a person role, from ``people:`` (e.g. ``head:`` or ``headteacher:``)."""
    names = PEOPLE_KEYS.get(key, (key,))
    if key == "chair":  # the chair of the approving body
        names = ("chair_of_trustees", "chair") if trust_approves(school) else ("chair", "chair_of_governors")
    for name in names:
        if name in school.people:
            return school.people[name]
    return None


def roles(school: "School") -> dict[str, Role]:
    """Return every role the school has, by key. A role the school lacks is absent."""
    out: dict[str, Role] = {}
    titles = school.roles
    for key in PERSON_ROLES:
        holder = person(school, key)
        title = getattr(titles, key) or (holder.title if holder else "") or default_title(school, key)
        if not title:
            continue
        out[key] = Role(key, running(title) if title.startswith("The ") else f"the {title}", title,
                        holder.name if holder else "",
                        holder.email if holder else "", holder.phone if holder else "")
    for key, phrase in (("employer", employer(school)), ("approving_body", approving_body(school)),
                        ("reviewing_body", reviewing_body(school)), ("governing_body", governing_body(school))):
        out[key] = Role(key, phrase, body_title(phrase))
    return out


def policy_approver(school: "School", governance) -> str:  # noqa: ANN001 (a policy's governance, or None)
    """Return the approving body as a cover and an approval name it: the policy's own, else the school's, titled."""
    if governance is not None and governance.approving_body:
        return governance.approving_body
    return body_title(approving_body(school))


SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})


def body_title(phrase: str) -> str:
    """Return a body's phrase as a title, as a cover or an approval names it.

    "the governing body" gives "Governing Body", "the board of Chiltern Valley
    Learning Trust" gives "Board of Chiltern Valley Learning Trust"; small words
    stay lower case after the first, and a word already capitalised stays as
    written, but for a name's "The" ("the board of The Oak Trust" gives "Board
    of the Oak Trust").
    """
    words = (phrase[4:] if phrase.lower().startswith("the ") else phrase).split(" ")
    return " ".join("the" if i and w == "The" else
                    w if (i and w.lower() in SMALL_WORDS) or not w[:1].islower() else _first_upper(w)
                    for i, w in enumerate(words))


def signatories(school: "School") -> list[Role]:
    """Return who signs the adoption form: chair and head, or chair of trustees and CEO."""
    keys = list(school.signatories) if school.signatories else (
        ["chair", "ceo"] if trust_approves(school) else ["chair", "head"])
    found = roles(school)
    return [found[k] for k in keys if k in found]
