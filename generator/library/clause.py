"""What every clause has, and the questions each kind of clause answers in its own way.

The four kinds (:mod:`generator.library.kinds`) subclass :class:`ClauseBase`,
as copier's ``Question`` owns its answer type: each decides which keys it
takes, how a school's value for it is read and checked, its default, the
wording it prints, and how it describes itself to a person. Callers ask the
clause; nothing outside these two modules asks which kind a clause is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, get_args

from pydantic import Field

from generator.library.fields import Id, Strict, Text
from generator.source import Loc

SWITCHES = {"on": True, "off": False, "yes": True, "no": False}


def read_switch(value: Any) -> bool | None:
    """Return a school's on/off (also yes/no, true/false) as a bool, or None if it is neither."""
    if isinstance(value, bool):
        return value
    return SWITCHES.get(str(value).lower())


class ChangelogEntry(Strict):
    """One line of a clause's changelog."""

    date: date
    summary: Text


class Variant(Strict):
    """One wording of a choice clause."""

    label: Text
    text: Text
    guidance: str = ""


@dataclass(frozen=True)
class Wording:
    """What a clause prints for a school's selection.

    ``at`` is where ``text`` is inside the clause's mapping in the library;
    ``school`` marks the school's own Markdown (``at`` is then empty), which
    is printed literally, never filled in as a template.
    """

    text: str
    at: Loc = ()
    variant: str | None = None
    school: bool = False


@dataclass(frozen=True)
class ClauseOption:
    """One wording a person can pick for a clause (a variant, or the clause's one text)."""

    value: str | bool
    label: str
    text: str
    guidance: str = ""
    default: bool = False


class ClauseBase(Strict):
    """What every clause has: id, title, guidance for advisers and a changelog.

    The answers here are those of a clause with one ``text`` (fixed, optional,
    local); a kind answers differently by overriding them.
    """

    id: Id
    title: Text
    guidance: str = ""
    changelog: list[ChangelogEntry] = Field(default_factory=list)

    label: ClassVar[str]                 # the kind as a person reads it (web library)
    control: ClassVar[str | None] = None  # how the school's editor asks for it: radios, checkbox, textarea
    is_switch: ClassVar[bool] = False     # a school switches it on or off
    school_written: ClassVar[bool] = False  # a school may write its wording

    @classmethod
    def kind_name(cls) -> str:
        """Return the ``kind:`` this class reads (fixed, choice, optional, local)."""
        return get_args(cls.model_fields["kind"].annotation)[0]

    @classmethod
    def misplaced_key(cls, key: str) -> str | None:
        """Return how to word ``key`` when this kind does not take it but another kind does."""
        owners = [kind.kind_name() for kind in ClauseBase.__subclasses__() if kind is not cls and key in kind.model_fields]
        if not owners:
            return None
        return f"only {' and '.join(owners)} clauses have {key!r} (this one is {cls.kind_name()})"

    @property
    def last_changed(self) -> ChangelogEntry | None:
        return max(self.changelog, key=lambda e: e.date) if self.changelog else None

    # --- the library's wording ---
    def wordings(self) -> dict[str | None, str]:
        """Return the library's wordings: by variant id for a choice clause, else its one text (if any)."""
        text = getattr(self, "text", "")
        return {None: text} if text else {}

    def text_at(self, variant: str | None = None) -> Loc:
        """Return where the wording of ``variant`` (None: the clause's one text) is in the clause."""
        return ("text",)

    def texts(self) -> list[tuple[Loc, str]]:
        """Return every library text of the clause with where it is (for checking)."""
        return [(self.text_at(v), text) for v, text in self.wordings().items()]

    def variant_label(self, variant: str | None) -> str | None:
        """Return the label a person reads for ``variant``, or None if the clause has no such variant."""
        return None

    def own_problems(self) -> list[tuple[Loc, str]]:
        """Return problems within the clause that do not stop it loading (located inside it)."""
        return []

    # --- a school's value ---
    def value_problem(self, value: Any) -> str | None:
        """Return what is wrong with a school's ``value`` for this clause, or None."""
        return None

    def select(self, value: Any) -> str | bool | None:
        """Return what the school selects given its ``value`` (None: it says nothing).

        A variant id for a choice clause, True/False for an optional one, the
        school's text (or True/False for the library's default, or left out)
        for a local one, True for a fixed one. None when the school must say
        something and did not (see :meth:`missing_message`).
        """
        return True

    def missing_message(self, policy_id: str) -> str:
        """Return the problem of a school that selects nothing where it must."""
        raise NotImplementedError(self.kind_name())

    def wording(self, selected: str | bool) -> Wording | None:
        """Return what the clause prints for ``selected``, or None when it is left out."""
        return Wording(self.text, self.text_at()) if selected else None

    # --- conditions (``when:``) and a policy type's ``defaults:`` ---
    def condition_problem(self, want: Any, what: str = "conditions") -> str | None:
        """Return what is wrong with ``want`` as a condition on, or default of, this clause."""
        return f"{self.id!r} is a {self.kind_name()} clause; only choice and optional clauses can be {what}"

    def condition(self, want: Any) -> str | bool:
        """Return the selection a (checked) condition ``want`` asks for."""
        return want

    def with_default(self, want: Any) -> ClauseBase | None:
        """Return the clause with a policy type's own default ``want``, or None if it cannot take it."""
        return None

    # --- for a person ---
    def summary(self) -> str:
        """Return its default (or that it has none) in a few words, or "" (``policygen clauses``)."""
        return ""

    def hint(self) -> str:
        """Return what the school's editor says under the clause's title."""
        return self.guidance

    def options(self) -> list[ClauseOption]:
        """Return the wordings a person picks between (none for a fixed or local clause)."""
        return []

    def shown_value(self, value: Any) -> Any:
        """Return what the editor shows for the school's ``value`` (None: the file says nothing)."""
        return value if isinstance(value, str) else ""

    def usage_line(self, counts: Mapping[Any, int], counted: int) -> str:
        """Return how many of ``counted`` schools use it, from their ``counts`` by :meth:`usage_key`, or ""."""
        return ""

    def usage_key(self, selected: str | bool) -> Any:
        """Return what a school's selection counts as in :meth:`usage_line`."""
        return selected
