"""The policy body in WordprocessingML: contents, sections, clauses, lists, forms, tables.

The one body writer: :func:`generator.render.docx.render_docx` puts what it
writes into the house template, in the template's own styles. A redline's
insertions and deletions are drawn through :class:`~generator.render.redline.Marks`,
so a redline keeps every format a policy has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from generator.dates import format_date
from generator.model import Block, Form, Inline, ListBlock, Paragraph, Policy, Run, Section, revision_of
from generator.render.oxml import elements, markup
from generator.render.redline import Marks, change_of, heading_inlines, summary_of_changes

if TYPE_CHECKING:
    from generator.render.template import HouseTemplate

TOC_LEVELS = 1
TEXT_WIDTH_CM = 16.6
TICK_BOX = "\u2610"
TICK_FONT = "DejaVu Sans"
TICK_INDENT_CM = 0.55  # the box and a gap: a tick row's wrapped lines start under its text, not under the box


class BodyWriter:
    """Builds the policy body as WordprocessingML text in the template's styles."""

    def __init__(self, doc: Any, policy: Policy, template: "HouseTemplate", marks: Marks):
        self.marks = marks
        self.doc = doc
        self.part = doc.part
        self.policy = policy
        self.ids = template.style_ids
        self.out: list[str] = []
        self.bookmark = 0
        self.list_styles = template.list_styles

    def write(self) -> str:
        self._contents()
        for section in self.policy.sections:
            self._section(section)
        return "".join(self.out)

    def _p(self, style: str, content: str = "", **kwargs: Any) -> str:
        return markup.paragraph(self.ids[style], content, **kwargs)

    # contents -------------------------------------------------------------
    def _contents(self) -> None:
        self.out.append(self._p("TOC Heading", markup.run("Contents")))
        sections = self.policy.sections
        for i, section in enumerate(sections):
            content = markup.field_begin(f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u') if i == 0 else ""
            content += markup.hyperlink(markup.run(section.heading), anchor=_anchor(section))
            if i == len(sections) - 1:
                content += markup.field_end()
            self.out.append(self._p("TOC 1", content, right_tab_cm=TEXT_WIDTH_CM))
        self.out.append(markup.page_break())

    # sections -------------------------------------------------------------
    def _section(self, section: Section) -> None:
        self.bookmark += 1
        prefix = f"Appendix {section.number}:" if section.appendix else section.number
        inlines = (heading_inlines(prefix, section.title, None, section.old_title) if section.old_title
                   else heading_inlines("", section.heading, section.change, None))
        heading = markup.bookmark(self._runs(inlines), _anchor(section), self.bookmark)
        self.out.append(self._p("Heading 1", heading, mark=self.marks.paragraph_mark(section.change),
                                page_break_before=section.appendix))
        for clause in section.clauses:
            inlines = heading_inlines(clause.number, clause.title, clause.change, clause.old_title)
            self.out.append(self._p("Heading 2", self._runs(inlines), mark=self.marks.paragraph_mark(clause.change)))
            self._blocks(clause.blocks)
        if section.form:
            self._form(section.form)
        if section.changes is not None:
            self._changes(section)

    def _blocks(self, blocks: tuple[Block, ...]) -> None:
        for i, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                introduces_list = i + 1 < len(blocks) and isinstance(blocks[i + 1], ListBlock)
                self.out.append(self._p("Normal", self._runs(block.runs), keep_next=introduces_list,
                                        mark=self.marks.paragraph_mark(revision_of(block.runs))))
            elif isinstance(block, ListBlock):
                self._list(block)

    def _list(self, block: ListBlock) -> None:
        current: dict[int, int] = {}
        last = len(block.items) - 1
        for index, item in enumerate(block.items):
            level = min(item.level, 1)
            name = ("List Number" if item.ordered else "List Bullet") + (" 2" if level else "")
            for deeper in [k for k in current if k > level]:
                del current[deeper]  # a nested list ends when a shallower item follows
            num = None
            if item.ordered:
                if level not in current:
                    current[level] = elements.new_list_instance(self.part, self.list_styles[name])
                num = (current[level], 0)
            # the first two items and the last two share a page: no bullet stands alone
            keep = index in (0, last - 1) and index < last
            self.out.append(self._p(name, self._runs(item.runs), num=num, keep_next=keep,
                                    mark=self.marks.paragraph_mark(revision_of(item.runs))))

    def _runs(self, inlines: tuple[Inline, ...]) -> str:
        out = []
        for inline in inlines:
            change = change_of(inline)
            for r in (inline,) if isinstance(inline, Run) else inline.runs:
                if r.href:
                    rel = self.part.relate_to(r.href, RT.HYPERLINK, is_external=True)
                    out.append(markup.hyperlink(self.marks.run(r, change, style=self.ids.get("Hyperlink")), rel_id=rel))
                else:
                    out.append(self.marks.run(r, change))
        return "".join(out)

    # forms and tables -----------------------------------------------------
    def _cell(self, text: str, bold: bool = False, colour: str | None = None) -> str:
        return self._p("Table Label" if bold else "Table Text",
                       markup.run(text, bold=bold, colour=colour) if text else "")

    def _form(self, form: Form) -> None:
        self._blocks(form.intro)
        widths = (6.2, 2.8, 7.6)
        full = sum(widths)
        rows: list[tuple[list[markup.Cell], dict]] = []
        for row in form.rows:
            if row.kind == "heading":
                rows.append(([markup.Cell(self._cell(row.label.upper(), bold=True, colour="FFFFFF"), full, span=3,
                                       fill=self.policy.brand.primary)], {}))
            elif row.kind == "field":
                rows.append(([markup.Cell(self._cell(row.label, bold=True), widths[0]),
                              markup.Cell(self._cell(""), widths[1] + widths[2], span=2)], {"height_cm": 1.1}))
            elif row.kind == "tick":
                box = markup.run(TICK_BOX, font=TICK_FONT) + markup.tab() + markup.run(row.label)
                rows.append(([markup.Cell(self._p("Table Text", box, hanging_cm=TICK_INDENT_CM), full, span=3)], {}))
            elif row.kind == "sign":
                role = self._cell(row.label, bold=True) + (self._cell(row.detail) if row.detail else "")
                for offset, (label, value) in enumerate((("Name", row.value), ("Signature", ""), ("Date", ""))):
                    first = markup.Cell(role if offset == 0 else "", widths[0],
                                     merge="restart" if offset == 0 else "continue")
                    rows.append(([first, markup.Cell(self._cell(label, bold=True), widths[1]),
                                  markup.Cell(self._cell(value), widths[2])], {"height_cm": 0.9, "keep": True}))
        self.out.append(markup.table(self.ids["Table Grid"], widths, rows))

    def summary(self) -> str:
        """Return a redline's summary of changes and legend, for its cover page."""
        assert self.policy.comparison is not None
        return summary_of_changes(self.policy.comparison, self.ids, self.marks, self._table)

    def _table(self, header: list[str], rows: list[list[str]]) -> str:
        """Return a plain table with a shaded header row; a cell's lines become paragraphs."""
        widths = {3: (4.0, 5.4, 7.2)}.get(len(header)) or tuple(16.6 / len(header) for _ in header)
        cells = [([markup.Cell(self._cell(v, bold=True), w, fill="D9E2F3") for v, w in zip(header, widths)],
                  {"header": True})]
        for row in rows:
            cells.append(([markup.Cell("".join(self._cell(line) for line in v.split("\n")), w)
                           for v, w in zip(row, widths)], {"keep": True}))
        return markup.table(self.ids["Table Grid"], widths, cells)

    def _changes(self, section: Section) -> None:
        widths = (3.0, 4.0, 9.6)
        header = [markup.Cell(self._cell(label, bold=True), w, fill="D9E2F3")
                  for label, w in zip(("Date of change", "Paragraphs affected", "Summary of update"), widths)]
        rows: list[tuple[list[markup.Cell], dict]] = [(header, {"header": True})]
        for change in section.changes or ():
            values = (format_date(change.date), change.paragraphs, change.summary)
            rows.append(([markup.Cell(self._cell(v), w) for v, w in zip(values, widths)], {}))
        if not section.changes:
            rows.append(([markup.Cell(self._cell(v), w) for v, w in
                          zip(("None yet", "", "No approved changes have been recorded."), widths)], {}))
        self.out.append(markup.table(self.ids["Table Grid"], widths, rows))


def _anchor(section: Section) -> str:
    return f"_Toc_{section.id.replace('-', '_')}"
