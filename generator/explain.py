"""``policygen explain``: each value of a school's data, and the file and line it came from.

Values a school inherits from its groups show the group file; values that no
file sets but the school's type decides (employer, approving body, …) say so.
"""

from __future__ import annotations

from pathlib import Path

from generator import governance
from generator.errors import InputError, Problem
from generator.groups import group_layers, group_title, locked_keys, provenance
from generator.school import SchoolFile

DERIVED = ("employer", "approving_body", "reviewing_body", "governing_body")
ROLE_KEYS = ("head", "chair", "ceo")


def explain(school_file: SchoolFile, key: str | None = None, relative_to: Path | None = None) -> str:
    """Return one line per value: ``dotted.key: value  (file:line)``, only under ``key`` when given.

    Raises:
        InputError: ``key`` names nothing in the school's data.
    """
    where = relative_to or Path.cwd()
    wanted = tuple(key.split(".")) if key else ()
    # role.employer is the school's employer: key, role.head its roles.head, wherever a file sets them
    also = {("role", r): (r,) for r in DERIVED} | {("role", r): ("roles", r) for r in ROLE_KEYS}
    under = [wanted, also[wanted]] if wanted in also else [wanted]
    locks = _locks(school_file)
    lines = []
    for path, value, file, line in provenance(school_file.source):
        if not any(path[: len(w)] == w for w in under):
            continue
        lock = next((owner for locked, owner in locks if path[: len(locked)] == locked), None)
        note = f", locked by {lock}" if lock else ""
        lines.append(f"{'.'.join(map(str, path))}: {_show(value)}  ({_relative(file, where)}:{line}{note})")
    school = school_file.school
    kind = governance.school_type(school)
    found = governance.roles(school)
    for role in (*ROLE_KEYS, *DERIVED):
        name = f"role.{role}"
        if wanted and not (name.startswith(".".join(wanted)) or wanted == (role,)):
            continue
        if role not in found or (getattr(school, role) if role in DERIVED else getattr(school.roles, role)):
            continue  # set in a file: listed above with its line
        holder = governance.person(school, role) if role not in DERIVED else None
        why = ("the title of its holder under people:" if holder and holder.title
               else f"default for {_article(kind.label)} {kind.label}")
        lines.append(f"{name}: {found[role].text}  ({why})")
    if not lines:
        known = sorted({str(p[0]) for p, *_ in provenance(school_file.source)} | {"role"})
        raise InputError(Problem(school_file.path, 0, 0, f"no key {key!r} in this school's data; it has: "
                                                         f"{', '.join(known)}"))
    return "\n".join(lines) + "\n"


def _show(value: object) -> str:
    """Return ``value`` as it would be written in a school file (flow style): lists in [], mappings in {}."""
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return "" if value is None else str(value)


def _locks(school_file: SchoolFile) -> list[tuple[tuple[str, ...], str]]:
    """Return each key a group locks, with the group's title."""
    eldest_first = reversed(group_layers(school_file.source))  # the eldest lock is the one that holds
    return [(lock, group_title(group)) for group in eldest_first for lock in locked_keys(group)]


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _relative(path: Path, where: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(where.resolve()))
    except ValueError:
        return str(path)
