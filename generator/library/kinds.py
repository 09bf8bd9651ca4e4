"""The four kinds of clause: fixed, choice, optional and local.

A clause file's ``kind:`` picks the class: :data:`ClauseSpec` is a pydantic
union discriminated by ``kind``. Each class holds the keys its kind takes,
the rules between them (a located problem when the file loads), and its
answers to the questions of :class:`~generator.library.clause.ClauseBase`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import Field, StrictBool, TypeAdapter, model_validator

from generator.library.clause import ClauseBase, ClauseOption, Variant, Wording, read_switch
from generator.library.fields import Id
from generator.validate import suggest


def _is_condition_switch(value: Any) -> bool:
    """Return whether ``value`` is on/off as policy.yaml writes it (true/false, on, off)."""
    return isinstance(value, bool) or str(value).lower() in ("on", "off")


def _schools(n: int) -> str:
    return f"{n} school{'' if n == 1 else 's'}"


class FixedClause(ClauseBase):
    """A clause every school prints as written (e.g. union-agreed wording)."""

    kind: Literal["fixed"]
    text: str = ""

    label: ClassVar[str] = "Always included"

    @model_validator(mode="after")
    def _has_text(self) -> FixedClause:
        if not self.text.strip():
            raise ValueError("a fixed clause needs 'text'")
        return self

    def value_problem(self, value: Any) -> str | None:
        return "this clause is fixed (always printed); remove it from choices"


class ChoiceClause(ClauseBase):
    """A clause whose school picks one of its variants (or takes the default)."""

    kind: Literal["choice"]
    variants: dict[Id, Variant] = Field(default_factory=dict)
    default: str | None = None
    required: bool = False

    label: ClassVar[str] = "Choice"
    control: ClassVar[str | None] = "radios"

    @model_validator(mode="after")
    def _has_variants(self) -> ChoiceClause:
        if len(self.variants) < 2:
            raise ValueError("a choice clause needs at least two 'variants'")
        if self.default is None and not self.required:
            raise ValueError("a choice clause needs a 'default' variant or 'required: true'")
        return self

    @classmethod
    def misplaced_key(cls, key: str) -> str | None:
        if key == "text":
            return "a choice clause keeps its wording under 'variants', not 'text'"
        return super().misplaced_key(key)

    def wordings(self) -> dict[str | None, str]:
        return {vid: variant.text for vid, variant in self.variants.items()}

    def text_at(self, variant: str | None = None) -> Loc:
        return ("variants", variant, "text")

    def variant_label(self, variant: str | None) -> str | None:
        return self.variants[variant].label if variant in self.variants else None

    def own_problems(self) -> list[tuple[Loc, str]]:
        if self.default is not None and self.default not in self.variants:
            return [(("default",), f"default {self.default!r} is not a variant{suggest(self.default, self.variants)}")]
        return []

    def value_problem(self, value: Any) -> str | None:
        if not isinstance(value, str) or value not in self.variants:
            return (f"no variant {value!r}{suggest(str(value), self.variants)}; "
                    f"choose one of {', '.join(self.variants)}")
        return None

    def select(self, value: Any) -> str | bool | None:
        return value if value is not None else self.default

    def missing_message(self, policy_id: str) -> str:
        return (f"missing required choice {self.id!r} ({self.title}) for the {policy_id} policy: "
                f"choose one of {', '.join(self.variants)}")

    def wording(self, selected: str | bool) -> Wording | None:
        return Wording(self.variants[str(selected)].text, self.text_at(str(selected)), str(selected))

    def condition_problem(self, want: Any, what: str = "conditions") -> str | None:
        if want not in self.variants:
            return f"{self.id!r} has no variant {want!r}{suggest(str(want), self.variants)}"
        return None

    def with_default(self, want: Any) -> ClauseBase | None:
        return self.model_copy(update={"default": want}) if want in self.variants else None

    def summary(self) -> str:
        return "required" if self.required else f"default “{self.variants[self.default].label}”"

    def options(self) -> list[ClauseOption]:
        return [ClauseOption(vid, v.label, v.text, v.guidance, vid == self.default) for vid, v in self.variants.items()]

    def shown_value(self, value: Any) -> Any:
        return value if value is not None else self.default


class OptionalClause(ClauseBase):
    """A clause a school switches on or off (or takes the default)."""

    kind: Literal["optional"]
    text: str = ""
    default: StrictBool | None = None

    label: ClassVar[str] = "Optional"
    control: ClassVar[str | None] = "checkbox"
    is_switch: ClassVar[bool] = True

    @model_validator(mode="after")
    def _has_text_and_default(self) -> OptionalClause:
        if not self.text.strip():
            raise ValueError("an optional clause needs 'text'")
        if self.default is None:
            raise ValueError("an optional clause needs 'default: true' or 'default: false'")
        return self

    def value_problem(self, value: Any) -> str | None:
        return f"expected on or off (found {value!r})" if read_switch(value) is None else None

    def select(self, value: Any) -> str | bool | None:
        return read_switch(value) if value is not None else bool(self.default)

    def condition_problem(self, want: Any, what: str = "conditions") -> str | None:
        if not _is_condition_switch(want):
            return f"{self.id!r} is optional: the value must be on or off (found {want!r})"
        return None

    def condition(self, want: Any) -> str | bool:
        return read_switch(want)

    def with_default(self, want: Any) -> ClauseBase | None:
        if isinstance(want, str) and want.lower() in ("on", "off"):
            want = want.lower() == "on"  # on/off as in school files
        return self.model_copy(update={"default": want}) if isinstance(want, bool) else None

    def summary(self) -> str:
        return f"{'on' if self.default else 'off'} by default"

    def shown_value(self, value: Any) -> Any:
        return read_switch(value) if value is not None else bool(self.default)

    def usage_line(self, counts: Mapping[Any, int], counted: int) -> str:
        return f"Included by {counts.get(True, 0)} of {_schools(counted)}."


class LocalClause(ClauseBase):
    """Wording each school writes for itself, else the library's default text."""

    kind: Literal["local"]
    text: str = ""
    required: bool = False
    prompt: str = ""

    label: ClassVar[str] = "School's own text"
    control: ClassVar[str | None] = "textarea"
    school_written: ClassVar[bool] = True

    @model_validator(mode="after")
    def _text_or_required(self) -> LocalClause:
        if not self.text.strip() and not self.required:
            raise ValueError("a local clause needs a default 'text' (printed when a school writes none) "
                             "or 'required: true' (every school must write its own)")
        if self.text.strip() and self.required:
            raise ValueError("a required local clause has no default: remove 'text' or 'required: true'")
        return self

    def value_problem(self, value: Any) -> str | None:
        if not (isinstance(value, str) and value.strip()) and read_switch(value) is None:
            return "a local clause takes the school's own text (Markdown), or on or off"
        return None

    def select(self, value: Any) -> str | bool | None:
        switch = read_switch(value) if value is not None else None
        if switch is None and isinstance(value, str) and value.strip():
            return value                      # the school's own text
        if self.required:
            return None                       # nothing written, or only switched
        return True if value is None else switch  # on: the library's default text; off: left out

    def missing_message(self, policy_id: str) -> str:
        return (f"missing required local text {self.id!r} ({self.title}) for the {policy_id} policy: "
                f"write the school's own wording under choices, e.g. {self.id}: |")

    def wording(self, selected: str | bool) -> Wording | None:
        if isinstance(selected, str):
            return Wording(selected, school=True)
        return super().wording(selected)

    def hint(self) -> str:
        return self.prompt or self.guidance  # what to write comes first

    def summary(self) -> str:
        return "the school's own text; required" if self.required else "the school's own text, or this default"

    def usage_key(self, selected: str | bool) -> Any:
        return "text" if isinstance(selected, str) else selected

    def usage_line(self, counts: Mapping[Any, int], counted: int) -> str:
        return f"Written by {counts.get('text', 0)} of {_schools(counted)}."


ClauseSpec = Annotated[Union[FixedClause, ChoiceClause, OptionalClause, LocalClause], Field(discriminator="kind")]
"""A clause as the library defines it: one of the four kinds, picked by its ``kind:``."""

CLAUSE_KINDS: dict[str, type[ClauseBase]] = {
    kind.kind_name(): kind for kind in (FixedClause, ChoiceClause, OptionalClause, LocalClause)
}

_ADAPTER = TypeAdapter(ClauseSpec)


def read_clause(data: Any) -> ClauseBase:
    """Return ``data`` (one clause's mapping) as its kind.

    Raises:
        pydantic.ValidationError: the clause breaks its kind's rules.
    """
    return _ADAPTER.validate_python(data)


def kind_named(name: str) -> type[ClauseBase] | None:
    """Return the class of the kind called ``name`` (as a snapshot records it), or None."""
    return CLAUSE_KINDS.get(name)
