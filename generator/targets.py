"""Which of a school's policies a command acts on: all it has, or the one named with --policy."""

from __future__ import annotations

from generator.errors import InputError
from generator.library import Library
from generator.school import SchoolFile
from generator.validate import suggest


class UnknownPolicy(ValueError):
    """--policy names no policy type in the library (a usage error)."""


def check_policy_id(library: Library, policy_id: str) -> None:
    """Raise :class:`UnknownPolicy`, with a "did you mean", when the library has no such policy."""
    if policy_id not in library.policies:
        raise UnknownPolicy(f"no policy {policy_id!r} in the library{suggest(policy_id, library.policies)}; "
                            f"it has: {', '.join(sorted(library.policies))}")


def policy_ids(library: Library, school_file: SchoolFile, policy_id: str | None) -> list[str]:
    """Return the policies to act on: ``policy_id``, or every policy the school has.

    Raises:
        UnknownPolicy: ``policy_id`` is not in the library.
        InputError: the school does not have ``policy_id``, or has no policies.
    """
    have = list(school_file.school.policies)
    if policy_id is not None:
        check_policy_id(library, policy_id)
        if policy_id not in have:
            raise InputError(school_file.source.problem(("policies",), (
                f"{school_file.school.name} has no {policy_id!r} policy"
                + (f" (it has: {', '.join(have)})" if have else "")
                + f": add '{policy_id}:' under policies: to adopt it"), key=True))
        return [policy_id]
    if not have:
        raise InputError(school_file.source.problem((), "this school has no policies: add a 'policies:' mapping"))
    return have
