"""How the DOCX body writer draws a redline: its marks, legend and summary page.

A redline is an ordinary :class:`~generator.model.Policy` whose tree holds
insertions and deletions (see :mod:`generator.compare`); the one body writer
(:mod:`generator.render.body`) draws it, calling :meth:`Marks.run` for each
run. Two looks:

- ``tracked``: real Word tracked changes (``w:ins`` / ``w:del``), which
  Word and LibreOffice let a reader step through, accept or reject;
- ``drawn``: the same changes as formatted text, inserted wording blue,
  double-underlined on a pale blue ground (so it does not read as a link),
  and deleted wording struck through in red, for a PDF, where LibreOffice
  would draw both in one author colour.

The summary (what changed and why, then the legend) goes on the cover page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from generator.dates import format_date
from generator.model import Comparison, Deletion, Inline, Insertion, Run
from generator.render.oxml import markup

INSERTED_COLOUR = "1F4E9E"  # dark blue, 8:1 on white
INSERTED_SHADE = "E3ECFA"  # pale blue behind inserted words, so they do not read as links
DELETED_COLOUR = "B00020"  # dark red, 6:1 on white


@dataclass
class Marks:
    """How to draw insertions and deletions, and who made them."""

    tracked: bool
    author: str
    when: date
    _next_id: int = field(default=100, repr=False)

    @property
    def revision(self) -> markup.Revision:
        return markup.Revision(self.author, f"{self.when.isoformat()}T00:00:00Z")

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def run(self, run: Run, change: str | None, style: str | None = None) -> str:
        """Return ``run`` as WordprocessingML, marked as ``change`` ("ins", "del" or None)."""
        if change is None:
            return markup.run(run.text, bold=run.bold, italic=run.italic, style=style)
        if self.tracked:
            content = markup.run(run.text, bold=run.bold, italic=run.italic, style=style, deleted=change == "del")
            return markup.tracked(change, content, self.new_id(), self.revision)
        core = run.text.strip()
        if not core:  # spaces alone: nothing to see, so drawn plain
            return markup.run(run.text, bold=run.bold, italic=run.italic, style=style)
        lead, trail = run.text[:len(run.text) - len(run.text.lstrip())], run.text[len(run.text.rstrip()):]
        drawn = markup.run(core, bold=run.bold, italic=run.italic, style=style,
                        colour=INSERTED_COLOUR if change == "ins" else DELETED_COLOUR,
                        underline="double" if change == "ins" else None,
                        shade=INSERTED_SHADE if change == "ins" else None, strike=change == "del")
        plain = [markup.run(space, style=style) if space else "" for space in (lead, trail)]
        return plain[0] + drawn + plain[1]

    def paragraph_mark(self, change: str | None) -> tuple[str, int, markup.Revision] | None:
        """Return the tracked mark for a paragraph added or removed whole (None when drawn)."""
        if change is None or not self.tracked:
            return None
        return ("ins" if change == "inserted" else "del", self.new_id(), self.revision)


def change_of(inline: Inline) -> str | None:
    """Return "ins", "del" or None for an inline."""
    return "ins" if isinstance(inline, Insertion) else "del" if isinstance(inline, Deletion) else None


def heading_inlines(number: str, title: str, change: str | None, old_title: str | None) -> tuple[Inline, ...]:
    """Return a heading's inlines: marked whole when its clause or section came or went, or retitled."""
    text = f"{number} {title}".strip()
    if change == "inserted":
        return (Insertion((Run(text),)),)
    if change == "deleted":
        return (Deletion((Run(text),)),)
    if old_title:
        return (Run(f"{number} "), Deletion((Run(old_title),)), Insertion((Run(title),)))
    return (Run(text),)


def summary_of_changes(comparison: Comparison, ids: dict[str, str], marks: Marks,
                 table: Callable[[list[str], list[list[str]]], str]) -> str:
    """Return a redline's summary for its cover: what it compares, each change and its reason, and the legend."""
    p = lambda style, content: markup.paragraph(ids[style], content)  # noqa: E731
    out = [p("TOC Heading", markup.run("Summary of changes")),
           p("Normal", markup.run(f"This document compares {comparison.old} ({comparison.old_detail}) with "
                               f"{comparison.new} ({comparison.new_detail}). It is not an approved policy."))]
    if comparison.notes:
        rows = [[n.clause, n.what, "\n".join(n.why) or "No reason was recorded in the clause library."]
                for n in comparison.notes]
        out.append(table(["Clause", "What changed", "Why"], rows))
    else:
        out.append(p("Normal", markup.run("There are no changes: the wording is the same in both.")))
    drawn = Marks(False, marks.author, marks.when)
    legend = (markup.run("How to read the changes: ", bold=True)
              + drawn.run(Run("new wording is blue and underlined twice"), "ins") + markup.run("; ")
              + drawn.run(Run("removed wording is struck through in red"), "del") + markup.run(". "))
    if marks.tracked:
        legend += markup.run("In this Word file they are tracked changes, which Word's Review tab can step through, "
                          "accept or reject; Word may show them in its own colours. ")
    legend += markup.run(f"Changes by {marks.author}, dated {format_date(marks.when)}.")
    out.append(markup.paragraph(ids["Normal"], legend, space_before_pt=6))
    return "".join(out)


def cover_fields(comparison: Comparison) -> dict[str, str]:
    """Return the cover's fields for a redline, so it never looks like an approved policy."""
    return {
        "version": f"{comparison.old.removeprefix('version ')} compared with {comparison.new}",
        "date_approved": "Not approved: a comparison of two wordings",
        "approved_by": "Not applicable",
        "next_review": "Not applicable",
    }

