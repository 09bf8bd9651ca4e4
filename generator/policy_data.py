"""A :class:`~generator.model.Policy` as plain data (dicts, lists, strings) and back.

The snapshot of an approval stores the whole resolved tree this way, so the
approved document can be rebuilt and compared block by block. The mapping
follows the dataclasses in :mod:`generator.model` field by field, so a field
added there is stored without a change here:

- a dataclass becomes a mapping of its fields, leaving out fields that hold
  their default (``{"text": "Staff must"}`` for a plain run);
- where a field may hold one of several dataclasses (a ``Block``), the
  mapping names it: ``{"type": "Paragraph", "runs": [...]}``; a plain ``Run``
  is never named, so runs are stored as they were before a redline's
  ``Insertion`` and ``Deletion`` inlines joined them;
- tuples become lists, dates ISO strings, paths strings.

:func:`policy_from_data` checks every value against the field's type and
raises :class:`TreeError` naming where the data went wrong.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator import model
from generator.model import Policy

TYPE_KEY = "type"


class TreeError(ValueError):
    """Data that is not a Policy tree; ``where`` is the path to the bad value."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


def policy_to_data(policy: Policy) -> dict[str, Any]:
    """Return ``policy`` as JSON-ready data."""
    return _encode(policy, Policy)


def policy_from_data(data: Any) -> Policy:
    """Return the Policy that :func:`policy_to_data` gave ``data`` for.

    Raises:
        TreeError: ``data`` does not hold a Policy.
    """
    return _decode(data, Policy, "policy")


def _encode(value: Any, hint: Any) -> Any:
    if dataclasses.is_dataclass(value):
        out: dict[str, Any] = {}
        options = _dataclass_options(hint)
        if len(options) > 1 and type(value) is not model.Run:
            out[TYPE_KEY] = type(value).__name__
        hints = _hints(type(value))
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and item == f.default:
                continue
            out[f.name] = _encode(item, hints[f.name])
        return out
    if isinstance(value, (tuple, list)):
        inner = _sequence_item(hint)
        return [_encode(v, inner) for v in value]
    if isinstance(value, dict):
        inner = _mapping_value(hint)
        return {str(k): _encode(v, inner) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def _decode(data: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        classes = [a for a in options if dataclasses.is_dataclass(a)]
        if len(classes) > 1:
            return _decode_tagged(data, classes, where)
        last: TreeError | None = None
        for option in options:
            try:
                return _decode(data, option, where)
            except TreeError as exc:
                last = exc
        raise last or TreeError(where, "no value")
    if origin is tuple:
        if not isinstance(data, list):
            raise TreeError(where, f"expected a list, found {_what(data)}")
        return tuple(_decode(v, args[0], f"{where}[{i}]") for i, v in enumerate(data))
    if origin is dict:
        if not isinstance(data, dict):
            raise TreeError(where, f"expected a mapping, found {_what(data)}")
        return {str(k): _decode(v, args[1], f"{where}.{k}") for k, v in data.items()}
    if dataclasses.is_dataclass(hint):
        return _decode_dataclass(data, hint, where)
    if hint is date:
        if isinstance(data, date):
            return data
        try:
            return date.fromisoformat(data)
        except (TypeError, ValueError):
            raise TreeError(where, f"expected a date written YYYY-MM-DD, found {_what(data)}") from None
    if hint is Path:
        if not isinstance(data, str):
            raise TreeError(where, f"expected a path, found {_what(data)}")
        return Path(data)
    if hint is bool:
        if not isinstance(data, bool):
            raise TreeError(where, f"expected true or false, found {_what(data)}")
        return data
    if hint is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise TreeError(where, f"expected a whole number, found {_what(data)}")
        return data
    if hint is str:
        if not isinstance(data, str):
            raise TreeError(where, f"expected text, found {_what(data)}")
        return data
    if hint is Any:
        return data
    raise TreeError(where, f"cannot read a value of type {hint!r}")


def _decode_tagged(data: Any, classes: list[type], where: str) -> Any:
    if not isinstance(data, dict):
        raise TreeError(where, f"expected a mapping, found {_what(data)}")
    name = data.get(TYPE_KEY, model.Run.__name__ if model.Run in classes else None)
    by_name = {c.__name__: c for c in classes}
    if name not in by_name:
        raise TreeError(where, f"{TYPE_KEY} {name!r} is not one of {', '.join(by_name)}")
    return _decode_dataclass({k: v for k, v in data.items() if k != TYPE_KEY}, by_name[name], where)


def _decode_dataclass(data: Any, cls: type, where: str) -> Any:
    if not isinstance(data, dict):
        raise TreeError(where, f"expected a mapping, found {_what(data)}")
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [k for k in data if k not in fields and k != TYPE_KEY]
    if unknown:
        raise TreeError(f"{where}.{unknown[0]}", f"unknown field for {cls.__name__}")
    values = {}
    for name, f in fields.items():
        if name in data:
            values[name] = _decode(data[name], hints[name], f"{where}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise TreeError(where, f"missing {name!r} ({cls.__name__})")
    return cls(**values)


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _dataclass_options(hint: Any) -> list[type]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(hint) if dataclasses.is_dataclass(a)]
    return [hint] if dataclasses.is_dataclass(hint) else []


def _sequence_item(hint: Any) -> Any:
    for option in (typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)):
        if typing.get_origin(option) in (tuple, list):
            return typing.get_args(option)[0]
    return Any


def _mapping_value(hint: Any) -> Any:
    for option in (typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)):
        if typing.get_origin(option) is dict:
            return typing.get_args(option)[1]
    return Any


def _what(data: Any) -> str:
    if data is None:
        return "nothing"
    text = repr(data)
    return f"{type(data).__name__} {text if len(text) <= 40 else text[:37] + '...'}"
