"""The resolved policy: a neutral document tree between the inputs and the writers.

``resolve`` builds a :class:`Policy` from the clause library and a school file;
every writer (DOCX, redline, dump) reads only this tree. Everything here is
frozen and holds plain values, so a Policy can be printed, compared and
snapshotted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Insertion:
    """Runs a redline marks as added (pandoc's ``Span [insertion]``)."""

    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Deletion:
    """Runs a redline marks as removed (pandoc's ``Span [deletion]``); they read as absent."""

    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return ""


# A policy holds only runs; a redline (see generator.compare) also holds insertions and deletions.
Inline = Run | Insertion | Deletion


def revision_of(inlines: tuple[Inline, ...]) -> str | None:
    """Return "inserted" or "deleted" when every inline is one, else None (a paragraph added or removed whole)."""
    if inlines and all(isinstance(i, Insertion) for i in inlines):
        return "inserted"
    if inlines and all(isinstance(i, Deletion) for i in inlines):
        return "deleted"
    return None


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph made of runs."""

    runs: tuple[Inline, ...]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class ListItem:
    """One list item; ``level`` 0 is the outer list."""

    runs: tuple[Inline, ...]
    level: int = 0
    ordered: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list."""

    ordered: bool
    items: tuple[ListItem, ...]


Block = Paragraph | ListBlock


@dataclass(frozen=True)
class Clause:
    """A clause as printed: numbered, with its chosen wording."""

    id: str
    number: str
    title: str
    kind: str
    variant: str | None
    blocks: tuple[Block, ...]
    origin: str = "library"  # "library" or "school" (a local addition)
    change: str | None = None  # in a redline: "inserted" or "deleted" (the whole clause)
    old_title: str | None = None  # in a redline: the title it had, when it was retitled


@dataclass(frozen=True)
class FormRow:
    """One row of an appendix form: heading, field, tick or sign."""

    kind: str
    label: str
    detail: str = ""
    value: str = ""


@dataclass(frozen=True)
class Form:
    """A form printed as a table (approval form, adoption sign-off)."""

    id: str
    intro: tuple[Block, ...]
    rows: tuple[FormRow, ...]


@dataclass(frozen=True)
class Section:
    """A numbered section (``number`` "3") or an appendix (``number`` "A")."""

    id: str
    number: str
    title: str
    clauses: tuple[Clause, ...]
    appendix: bool = False
    form: Form | None = None
    changes: tuple["ChangeRow", ...] | None = None
    change: str | None = None  # in a redline: "inserted" or "deleted" (the whole section)
    old_title: str | None = None  # in a redline: the title it had, when it was retitled

    @property
    def heading(self) -> str:
        """Return the heading as printed: "3 Legal framework" or "Appendix A: …"."""
        return f"Appendix {self.number}: {self.title}" if self.appendix else f"{self.number} {self.title}"


@dataclass(frozen=True)
class ApprovalRecord:
    """One approval of the policy by the governing body."""

    version: str
    date: date
    by: str
    summary: str
    next_review: date


@dataclass(frozen=True)
class ChangeRow:
    """A row of the table of changes: date, paragraphs affected, summary."""

    date: date
    paragraphs: str
    summary: str


@dataclass(frozen=True)
class DocumentControl:
    """The policy's document control, as printed: reference, owner, approving body, review cycle, approvals.

    Resolved from the school file's :class:`generator.school.PolicyGovernance`
    (which holds what the school chose and recorded); the school's type and
    bodies are worked out in :mod:`generator.governance`.
    """

    index_ref: str
    owner: str
    approving_body: str
    review_cycle_months: int
    history: tuple[ApprovalRecord, ...]

    @property
    def current(self) -> ApprovalRecord | None:
        return self.history[-1] if self.history else None

    @property
    def version(self) -> str:
        return self.current.version if self.current else "Draft"


@dataclass(frozen=True)
class Status:
    """Whether the printed wording is what the governors last approved.

    ``draft`` is True unless the wording and choices were compared with the
    last approval's snapshot and found the same; ``revises`` is the approved
    version a draft revises (None before the first approval).
    """

    draft: bool = True
    revises: str | None = None

    @property
    def label(self) -> str:
        """Return "Approved", "Draft" or "Draft revising version 2"."""
        if not self.draft:
            return "Approved"
        return f"Draft revising version {self.revises}" if self.revises else "Draft"


@dataclass(frozen=True)
class ChangeNote:
    """One line of a redline's summary: which clause changed, how, and why."""

    clause: str  # number and title, "6.2 Personal use of social media"
    what: str  # "Reworded", "New clause", "Removed", "Choice changed from “A” to “B”"
    why: tuple[str, ...] = ()  # the library's changelog lines, dated


@dataclass(frozen=True)
class Comparison:
    """What a redline compares, for its cover and summary page."""

    old: str  # "version 2"
    new: str  # "version 3" or "the draft"
    old_detail: str  # "approved 10 March 2025 by the Full Governing Body"
    new_detail: str  # "approved …" or "as it would print on 23 November 2026"
    notes: tuple[ChangeNote, ...]

    @property
    def title(self) -> str:
        return f"Comparison of {self.old} with {self.new}"


@dataclass(frozen=True)
class Brand:
    """How the school's documents look."""

    logo: Path | None
    logo_alt: str
    primary: str
    accent: str
    font: str
    motto: str


@dataclass(frozen=True)
class Policy:
    """A school's policy, resolved and ready to write."""

    policy_id: str
    title: str
    library_version: str
    school_id: str
    school_name: str
    brand: Brand
    governance: DocumentControl
    sections: tuple[Section, ...]
    language: str = "en-GB"
    author: str = ""
    subject: str = ""
    status: Status = Status()
    comparison: Comparison | None = None  # set on a redline: the tree then holds insertions and deletions
    short_name: str = ""  # for the running header (the name when empty)
    members: tuple[str, ...] = ()  # a federation's schools, named on the cover

    @property
    def body(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if not s.appendix)

    @property
    def appendices(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.appendix)

    def clauses(self) -> list[tuple[Section, Clause]]:
        """Return every printed clause with its section, in document order."""
        return [(s, c) for s in self.sections for c in s.clauses]
