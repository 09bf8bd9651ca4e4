"""One error hierarchy for policygen.

Errors carry structured fields and build their own message; they never print.
The CLI decides how they look and which exit code they give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator


class PolicygenError(Exception):
    """Base of every error policygen raises on purpose (shown to the user, exit 1)."""


@dataclass(frozen=True)
class Problem:
    """One located finding in an input file: ``path:line:col: message``.

    ``line`` and ``col`` are 1-based; 0 means "the whole file".
    """

    path: Path
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        # the whole file (missing, a folder, too big): "file: message", as compilers write it
        where = f"{_show(self.path)}:{self.line}:{self.col}" if self.line else _show(self.path)
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


def _show(path: Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it.

    Control characters in the name (a file called "evil\\n.yaml") are shown
    escaped, so one problem is always one line.
    """
    try:
        shown = str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        shown = str(path)
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], shown)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Findings:
    """The problems a check found, errors and warnings together: each once, in the order found.

    Checks return this instead of raising or filtering on severity; the
    caller decides what fails. ``--strict`` (warnings count as errors) is
    applied once, by the command line, through :meth:`failed` and
    :meth:`raise_if_errors`.
    """

    __slots__ = ("_problems",)

    def __init__(self, problems: Iterable[Problem] = ()):
        self._problems: tuple[Problem, ...] = tuple(dict.fromkeys(problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self._problems if p.severity != "warning")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self._problems if p.severity == "warning")

    def failed(self, strict: bool = False) -> bool:
        """Return True when there is an error (or, when ``strict``, any warning)."""
        return bool(self._problems) if strict else bool(self.errors)

    def raise_if_errors(self, strict: bool = False) -> None:
        """Raise :class:`InputError` with every problem, warnings too, when :meth:`failed`."""
        if self.failed(strict):
            raise InputError(self._problems)

    def sorted(self) -> "Findings":
        """Return the same problems in file order: by path, then line and column."""
        return Findings(sorted(self._problems, key=lambda p: (str(p.path), p.line, p.col)))

    def by_file(self) -> dict[Path, "Findings"]:
        """Return the problems grouped by the file they are in, files in the order first found."""
        grouped: dict[Path, list[Problem]] = {}
        for problem in self._problems:
            grouped.setdefault(problem.path, []).append(problem)
        return {path: Findings(found) for path, found in grouped.items()}

    def lines(self) -> list[str]:
        """Return each problem as its located line, ``file:line:col: [warning: ]message``."""
        return [str(p) for p in self._problems]

    def __add__(self, other: Iterable[Problem]) -> "Findings":
        return Findings((*self._problems, *other))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._problems)

    def __len__(self) -> int:
        return len(self._problems)

    def __bool__(self) -> bool:
        return bool(self._problems)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Findings) and self._problems == other._problems

    def __hash__(self) -> int:
        return hash(self._problems)

    def __repr__(self) -> str:
        return f"Findings({list(self._problems)!r})"


class InputError(PolicygenError):
    """One or more located problems in the input files."""

    def __init__(self, problems: Iterable[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def findings(self) -> Findings:
        return Findings(self.problems)


class TemplateError(PolicygenError):
    """The house-style Word template is missing, corrupt or unusable."""


class ConverterError(PolicygenError):
    """LibreOffice is missing, or failed to convert a document."""


class ConversionCancelled(ConverterError):
    """The LibreOffice workers were stopped (the build was interrupted) before the document was done."""


class Interrupted(BaseException):
    """A signal (Ctrl-C, SIGTERM, SIGHUP) asked policygen to stop; ``signum`` says which.

    A BaseException, like KeyboardInterrupt, so that ``except Exception``
    around one school's build never swallows it.
    """

    def __init__(self, signum: int):
        self.signum = signum
        self.summary: str | None = None  # how far the work got, filled in by whoever knows
        super().__init__(signum)


class OutputError(PolicygenError):
    """An output path is unsafe or could not be written."""
