"""Turn pydantic validation errors into located, readable problems.

Models declare the shape of each file; this module maps each pydantic error
back to the YAML node it is about and words it for a person editing YAML.
A discriminated union (a clause's ``kind:``) is followed through its tag, so
an unknown key is suggested from its own member's keys, and a model may word
a key it refuses itself, through a ``misplaced_key(key)`` class method
(``variants`` on a fixed clause).
"""

from __future__ import annotations

import copy
import difflib
import typing
from typing import Any, Iterable, TypeVar

from pydantic import BaseModel, ValidationError

from generator.errors import InputError, Problem
from generator.source import Source

M = TypeVar("M", bound=BaseModel)


PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "must be an id of lower-case letters, digits and hyphens, such as social-media",
    r"^[a-z][a-z0-9_]*$": "must be a role name of lower-case letters, digits and underscores, such as chair_of_governors",
}


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for a near miss of ``word``, else ""."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validate_source(source: Source, model: type[M], context: dict[str, Any] | None = None) -> M:
    """Return ``source`` validated as ``model``.

    Raises:
        InputError: every problem found, each located in ``source``.
    """
    try:
        return model.model_validate(source.data(), context=context)
    except ValidationError as exc:
        raise InputError(_problems(source, model, exc.errors(include_url=False))) from None


def _problems(source: Source, model: type[BaseModel], errors: list[dict[str, Any]]) -> list[Problem]:
    """Return pydantic's ``errors`` as located problems, each once, in file order."""
    return sorted({_problem(source, model, err) for err in errors}, key=lambda p: (p.line, p.col, p.message))


def validate_leniently(source: Source, model: type[M], vital: tuple[str, ...] = ()
                       ) -> tuple[M | None, list[Problem], list[tuple]]:
    """Return ``source`` validated as ``model`` with the keys that fail left out, their problems, and those keys.

    Each refused value's key is left out (for a value inside a list, the whole
    list), so later checks can still run on the rest and every problem is
    reported at once. Returns None for the model when that cannot work: a
    required key is missing, a top-level key in ``vital`` is refused (one whose
    absence would change what the rest means), or the rest still fails.
    """
    try:
        return model.model_validate(source.data()), [], []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    problems = _problems(source, model, errors)
    data = copy.deepcopy(source.data())
    left_out = []
    for err in errors:
        loc = tuple(part for part in err["loc"] if not _is_union_tag(part) and part != "[key]")
        key = loc[: next((i for i, part in enumerate(loc) if isinstance(part, int)), len(loc))]
        if err["type"] == "missing" or not key or key[0] in vital:
            return None, problems, []
        _delete(data, key)
        left_out.append(key)
    try:
        return model.model_validate(data), problems, left_out
    except ValidationError:
        return None, problems, []


def _delete(data: Any, key: tuple) -> None:
    for part in key[:-1]:
        data = data.get(part) if isinstance(data, dict) else None
    if isinstance(data, dict):
        data.pop(key[-1], None)


def _problem(source: Source, model: type[BaseModel], err: dict[str, Any]) -> Problem:
    loc, reached = _walk(model, err["loc"])
    kind = err["type"]
    where = _dotted(loc)
    if kind == "extra_forbidden":
        parent = reached[len(loc) - 1]
        misplaced = getattr(parent, "misplaced_key", None) if _is_model(parent) else None
        message = misplaced(str(loc[-1])) if misplaced else None
        if message:  # a key another member of a union takes (``variants`` on a fixed clause)
            return source.problem(loc, message, key=True)
        known = list(parent.model_fields) if _is_model(parent) else []
        return source.problem(loc, f"unknown key {loc[-1]!r}{suggest(str(loc[-1]), known)}", key=True)
    if kind == "missing":
        parent = _dotted(loc[:-1]) or "the top level"
        return source.problem(loc[:-1], f"missing required key {loc[-1]!r} in {parent}", key=True)
    if kind in ("union_tag_not_found", "union_tag_invalid"):  # ``kind:`` of a clause, missing or unknown
        key = str(err.get("ctx", {}).get("discriminator", "")).strip("'")
        if kind == "union_tag_not_found":
            return source.problem(loc, f"missing required key {key!r} in {where or 'the top level'}", key=True)
        tags = list(_tagged_members(reached[len(loc)]) or {})
        tag = err.get("ctx", {}).get("tag")
        expected = ", ".join(repr(t) for t in tags[:-1]) + f" or {tags[-1]!r}" if len(tags) > 1 else repr(tags)
        return source.problem(loc + (key,), f"{_dotted(loc + (key,))}: must be one of {expected} (found {tag!r})"
                                            f"{suggest(str(tag), tags)}")
    message = _wording(err)
    is_key = "[key]" in err["loc"]  # a mapping's key was refused: point at the key, not its value
    return source.problem(loc, f"{where}: {message}" if where else message, key=is_key)


def _walk(model: type[BaseModel], raw: tuple) -> tuple[tuple, list[Any]]:
    """Return pydantic's error location without union tags, and the annotation reached at each step.

    ``reached[i]`` is what ``loc[:i]`` leads to (a model, a container or None). The tag of
    a discriminated union (a clause's kind) picks the member the rest of the path is in.
    """
    loc: list[Any] = []
    reached: list[Any] = [model]
    for part in raw:
        members = _tagged_members(reached[-1])
        if members is not None and part in members:
            reached[-1] = members[part]
            continue
        if _is_union_tag(part):
            continue
        loc.append(part)
        reached.append(_step(reached[-1], part) if reached[-1] is not None else None)
    return tuple(loc), reached


def _tagged_members(annotation: Any) -> dict[str, type[BaseModel]] | None:
    """Return the members of a discriminated union by tag, or None if ``annotation`` is not one."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return None
    inner, *meta = typing.get_args(annotation)
    key = next((m.discriminator for m in meta if isinstance(getattr(m, "discriminator", None), str)), None)
    if key is None:
        return None
    members = {}
    for member in typing.get_args(inner):
        if _is_model(member) and key in member.model_fields:
            members.update((tag, member) for tag in typing.get_args(member.model_fields[key].annotation))
    return members


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the member type name ("str", "list[...]") to union locations
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "bool"})


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _wording(err: dict[str, Any]) -> str:
    kind, msg = err["type"], err["msg"]
    got = err.get("input")
    shown = f" (found {got!r})" if isinstance(got, (str, int, float, bool)) else ""
    simple = {
        "string_type": "expected text",
        "int_type": "expected a whole number",
        "int_parsing": "expected a whole number",
        "bool_type": "expected true or false",
        "bool_parsing": "expected true or false",
        "list_type": "expected a list",
        "dict_type": "expected a mapping of keys to values",
        "model_type": "expected a mapping of keys to values",
        "model_attributes_type": "expected a mapping of keys to values",
        "date_type": "expected a date written YYYY-MM-DD",
        "date_parsing": "expected a date written YYYY-MM-DD",
        "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
        "string_too_short": "must not be empty",
        "too_short": "must not be empty",
        "greater_than": f"must be greater than {err.get('ctx', {}).get('gt')}",
        "less_than_equal": f"must be at most {err.get('ctx', {}).get('le')}",
    }
    if kind in simple:
        return simple[kind] + shown
    if kind == "string_too_long":
        limit = err.get("ctx", {}).get("max_length")
        return f"is {len(got)} characters long; at most {limit} fit" if isinstance(got, str) else msg
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        what = PATTERNS.get(pattern, f"must match {pattern}")
        return what + shown
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", msg))
    if kind == "literal_error":
        return f"must be one of {err.get('ctx', {}).get('expected')}{shown}"
    return msg[0].lower() + msg[1:] + shown


def _step(annotation: Any, part: Any) -> Any:
    """Return the annotation reached from ``annotation`` by one path step."""
    if _is_model(annotation):
        field = annotation.model_fields.get(part)
        return _unwrap(field.annotation) if field else None
    origin = getattr(annotation, "__origin__", None)
    args = getattr(annotation, "__args__", ()) or ()
    if origin is dict and len(args) == 2:
        return _unwrap(args[1])
    if origin in (list, tuple) and args:
        return _unwrap(args[0])
    return None


def _unwrap(annotation: Any) -> Any:
    """Return the model or container inside an Optional/Union annotation."""
    if _is_model(annotation) or _tagged_members(annotation) is not None \
            or getattr(annotation, "__origin__", None) in (dict, list, tuple):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
