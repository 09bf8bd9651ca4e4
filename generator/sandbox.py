"""A Jinja sandbox bounded in time and size.

Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` stops templates from
reaching Python's internals, but not from asking for endless work:
``{{ 9**(9**10) }}``, ``{{ 'x' * 3000000000 }}`` or three nested
``range(100000)`` loops hang a build or exhaust memory. :class:`BoundedSandbox`
adds what the library's templates (clause text and the house-style Word
template) can never legitimately need:

- **work**: each render has a budget of :data:`MAX_STEPS` steps. Every loop
  iteration and block, call, filter, attribute lookup and operator costs a
  step, and a call or filter costs one more per item of the text or list it
  is given; ``range`` costs its length up front.
- **size**: no text or list made by an operator, call, filter or ``~`` may be
  longer than :data:`MAX_TEXT`; no number passed to a call or filter, or
  written as a width in a format string, may exceed :data:`MAX_COUNT`; no
  whole number may grow past :data:`MAX_BITS` bits (``**`` is checked before
  it is computed); the output of one render is at most :data:`MAX_OUTPUT`.
- **time**: a render stops after :data:`MAX_SECONDS` whatever it is doing
  (checked as steps are counted), as a last resort.

Each limit raises :class:`~jinja2.sandbox.SecurityError` with a message for
the adviser who wrote the template.
"""

from __future__ import annotations

import functools
import math
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

MAX_STEPS = 250_000
MAX_TEXT = 100_000
MAX_COUNT = 100_000
MAX_BITS = 4096
MAX_OUTPUT = 1_000_000
MAX_SECONDS = 10.0

# a width or precision of 100000 or more in a %-format or a str.format field
_WIDE = re.compile(r"%[-+ #0]*(\d{6,})|%[-+ #0]*\d*\.(\d{6,})|\{[^{}]*:[^{}]*?(\d{6,})[^{}]*\}")


@dataclass
class _Budget:
    steps: int = 0
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_SECONDS)

    def spend(self, steps: int) -> None:
        before = self.steps
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise SecurityError(f"the template does too much work (more than {MAX_STEPS:,} steps); "
                                "simplify its loops")
        if self.steps // 1000 != before // 1000 and time.monotonic() > self.deadline:
            raise SecurityError(f"the template took longer than {MAX_SECONDS:g} seconds; simplify it")


_BUDGET: ContextVar[_Budget | None] = ContextVar("policygen_template_budget", default=None)


@contextmanager
def budget() -> Iterator[None]:
    """Give the renders inside the ``with`` block one fresh budget of steps and time."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _spend(steps: int = 1) -> None:
    current = _BUDGET.get()
    if current is not None:
        current.spend(steps)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) else 1


def _check_result(value: Any) -> Any:
    if isinstance(value, (str, bytes, list, tuple, dict)) and len(value) > MAX_TEXT:
        raise SecurityError(f"the result would be {len(value):,} characters or items long; at most "
                            f"{MAX_TEXT:,} fit in a clause")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_BITS:
        raise SecurityError(f"a number of {value.bit_length():,} bits is too large")
    return value


def _check_numbers(values: Iterable[Any]) -> None:
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_COUNT:
            raise SecurityError(f"the number {value:,} is too large here; at most {MAX_COUNT:,}")


def _check_formats(values: Iterable[Any]) -> None:
    for value in values:
        if isinstance(value, str) and ("%" in value or "{" in value):
            wide = _WIDE.search(value)
            if wide:
                width = next(g for g in wide.groups() if g)
                raise SecurityError(f"a width of {int(width):,} in a format is too large; at most {MAX_COUNT:,}")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        bits = exponent * math.log2(abs(base))
        if bits > MAX_BITS:
            raise SecurityError(f"{base} ** {exponent} is too large a number to compute")


def _check_repeat(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(count, int) and isinstance(seq, (str, list, tuple)) and len(seq) * count > MAX_TEXT:
            raise SecurityError(f"the result would be {len(seq) * count:,} characters or items long; at most "
                                f"{MAX_TEXT:,} fit in a clause")


def bounded_range(*args: int) -> range:
    """Return ``range(*args)``, at most :data:`MAX_COUNT` long, paid for up front."""
    _check_numbers(args)
    result = range(*args)
    if len(result) > MAX_COUNT:
        raise SecurityError(f"range() of {len(result):,} numbers is too long; at most {MAX_COUNT:,}")
    _spend(len(result))
    return result


def sized_join(text: str) -> str:
    """Check the result of ``~``; the generated code calls this (see :class:`_BoundedCodeGenerator`)."""
    _spend()
    return _check_result(text)


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's compiler, with a step counted at the top of every block (so every loop
    iteration pays) and every ``~`` checked for size."""

    def blockvisit(self, body: Any, frame: Frame) -> None:
        self.writeline("environment.spend_step()")
        super().blockvisit(body, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.sized_join(")
        super().visit_Concat(node, frame)
        self.write(")")


def _bounded_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    value_at = 1 if getattr(func, "jinja_pass_arg", None) else 0  # after the context, when it is passed

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _spend(1 + sum(_size(a) for a in args))
        _check_numbers((*args[value_at + 1:], *kwargs.values()))  # the filtered value itself may be any size
        _check_formats((*args, *kwargs.values()))
        return _check_result(func(*args, **kwargs))

    return bounded


class BoundedSandbox(SandboxedEnvironment):
    """A sandboxed Jinja environment whose templates are bounded in work, size and time."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"**", "*", "+", "-", "/", "//", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}
        # no lipsum, cycler or joiner: a clause needs numbers, namespaces and dicts at most
        self.globals = {"range": bounded_range, "namespace": Namespace, "dict": dict}

    @staticmethod
    def spend_step() -> None:
        _spend()

    sized_join = staticmethod(sized_join)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend()
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repeat(left, right)
        elif operator == "%":
            _check_formats((left,))
        return _check_result(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        _spend(1 + sum(_size(a) for a in args))
        _check_numbers((*args, *kwargs.values()))
        _check_formats((*args, *kwargs.values()))
        return _check_result(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_formats((value.__self__,))  # "{:>999999999}".format(1): refused before it is formatted
        return wrapped

    def getattr(self, obj: Any, attribute: str) -> Any:
        _spend()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _spend()
        return super().getitem(obj, argument)


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """Return ``template`` rendered with ``context`` within one budget, its output at most :data:`MAX_OUTPUT`."""
    with budget():
        parts: list[str] = []
        length = 0
        for part in template.generate(**context):
            length += len(part)
            if length > MAX_OUTPUT:
                raise SecurityError(f"the text would be more than {MAX_OUTPUT:,} characters long")
            parts.append(part)
        return "".join(parts)
