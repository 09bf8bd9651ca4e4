"""One error hierarchy for policygen.

Errors carry structured fields and build their own message; they never print.
The CLI decides how they look and which exit code they give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


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


class InputError(PolicygenError):
    """One or more located problems in the input files."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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
