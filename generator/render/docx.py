"""Write a resolved :class:`Policy` as a branded Word document.

The house-style template (templates/house-style.docx) is a docxtpl template:
it holds the cover, the governance tables, the header and footer, and a
``{{p body }}`` paragraph where the policy body goes. The body (contents,
sections, appendices, forms) is built here with python-docx in the
template's own styles, so restyling the template in Word restyles the policy.
This is the only module that uses docxtpl or python-docx's document API.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError as JinjaTemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from generator.dates import format_date
from generator.errors import TemplateError
from generator.model import Block, Clause, Form, ListBlock, Paragraph, Policy, Run, Section
from generator.render import oxml

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "house-style.docx"

# Styles the house template must define (docs/templates.md).
REQUIRED_STYLES = (
    "Normal", "Title", "Subtitle", "School Name", "Heading 1", "Heading 2", "TOC Heading",
    "TOC 1", "List Bullet", "List Bullet 2", "List Number", "List Number 2", "Table Grid",
    "Table Label", "Table Text", "Hyperlink", "Header", "Footer",
)
BRANDED_FONT_STYLES = ("Normal", "Title", "Subtitle", "School Name", "Heading 1", "Heading 2",
                       "TOC Heading", "TOC 1", "Header", "Footer", "Table Label", "Table Text")
PRIMARY_COLOUR_STYLES = ("Title", "School Name", "Heading 1", "Heading 2", "TOC Heading")
TOC_LEVELS = 1
TICK_BOX = "\u2610"
TICK_FONT = "DejaVu Sans"


def render_docx(policy: Policy, template: Path = DEFAULT_TEMPLATE) -> bytes:
    """Return ``policy`` as the bytes of a .docx file built on ``template``.

    Raises:
        TemplateError: the template is missing, not a Word file, lacks a
            required style, or uses a placeholder that does not exist.
    """
    tpl = open_template(template)
    doc = tpl.get_docx()
    missing = [s for s in REQUIRED_STYLES if s not in [st.name for st in doc.styles]]
    if missing:
        raise TemplateError(f"{template}: the house-style template lacks the style(s) {', '.join(missing)} (see docs/templates.md)")
    body = tpl.new_subdoc()
    _BodyWriter(body.subdocx, policy).write()
    context = _cover_context(policy, tpl, body)
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(f"{template}: unknown placeholder in the house-style template: {exc.message}") from None
    except JinjaTemplateError as exc:
        raise TemplateError(f"{template}: template error in the house-style template: {exc}") from None
    doc = tpl.docx
    _apply_brand(doc, policy)
    _set_properties(doc, policy)
    for shape in doc.inline_shapes:
        oxml.set_alt_text(shape, policy.brand.logo_alt)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def open_template(template: Path) -> DocxTemplate:
    template = Path(template)
    if not template.is_file():
        raise TemplateError(f"{template}: house-style template not found")
    try:
        with zipfile.ZipFile(template) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateError(f"{template}: not a Word document (no word/document.xml)")
        tpl = DocxTemplate(str(template))
        tpl.get_docx()  # parse now, so a corrupt file fails here
        tpl.init_docx()
    except TemplateError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateError(f"{template}: the house-style template is corrupt or not a .docx file ({exc})") from None
    except Exception as exc:  # lxml and docx parse errors
        raise TemplateError(f"{template}: the house-style template cannot be read ({type(exc).__name__}: {exc})") from None
    return tpl


def _cover_context(policy: Policy, tpl: DocxTemplate, body: Any) -> dict[str, Any]:
    gov = policy.governance
    current = gov.current
    logo: Any = ""
    if policy.brand.logo:
        logo = InlineImage(tpl, image_descriptor=str(policy.brand.logo), height=Cm(3.2))
    return {
        "logo": logo,
        "school_name": policy.school_name,
        "motto": policy.brand.motto,
        "policy_title": policy.title,
        "index_ref": gov.index_ref,
        "owner": gov.owner,
        "version": gov.version,
        "date_approved": format_date(current.date) if current else "Not yet approved",
        "approved_by": current.by if current else gov.approving_body,
        "next_review": format_date(current.next_review) if current else "To be set when approved",
        "history": [
            {"version": a.version, "date": format_date(a.date), "by": a.by, "summary": a.summary,
             "next_review": format_date(a.next_review)}
            for a in gov.history
        ],
        "body": body,
    }


class _BodyWriter:
    """Builds the policy body into a python-docx document sharing the template's parts."""

    def __init__(self, doc: Any, policy: Policy):
        self.doc = doc
        self.policy = policy
        self.bookmark = 0
        self.num_ids = {name: oxml.style_num_id(doc.styles[name])
                        for name in ("List Number", "List Number 2")}
        # python-docx looks styles up by scanning them all; look each up once
        self.style_ids = {s.name: s.style_id for s in doc.styles}

    def _para(self, style: str, text: str = "", container: Any = None) -> Any:
        """Add a paragraph in ``style`` (to ``container`` or the body)."""
        paragraph = (container or self.doc).add_paragraph()
        paragraph._p.style = self.style_ids[style]
        if text:
            paragraph.add_run(text)
        return paragraph

    def write(self) -> None:
        self._contents()
        for section in self.policy.sections:
            self._section(section)

    # contents -------------------------------------------------------------
    def _contents(self) -> None:
        self._para("TOC Heading", "Contents")
        entries = [s for s in self.policy.sections]
        first = self._para("TOC 1")
        oxml.begin_complex_field(first, f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u')
        paragraph = first
        for i, section in enumerate(entries):
            if i:
                paragraph = self._para("TOC 1")
            oxml.add_hyperlink(paragraph, _heading_text(section), anchor=_anchor(section), style=None)
        oxml.end_complex_field(paragraph)
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # sections -------------------------------------------------------------
    def _section(self, section: Section) -> None:
        if section.appendix:
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        heading = self._para("Heading 1", _heading_text(section))
        self.bookmark += 1
        oxml.add_bookmark(heading, _anchor(section), self.bookmark)
        for clause in section.clauses:
            self._clause(clause)
        if section.form:
            self._form(section.form)
        if section.changes is not None:
            self._changes(section)

    def _clause(self, clause: Clause) -> None:
        self._para("Heading 2", f"{clause.number} {clause.title}")
        self._blocks(clause.blocks)

    def _blocks(self, blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self._runs(self._para("Normal"), block.runs)
            elif isinstance(block, ListBlock):
                self._list(block)

    def _list(self, block: ListBlock) -> None:
        current: dict[int, int | None] = {}
        for item in block.items:
            level = min(item.level, 1)
            name = ("List Number" if item.ordered else "List Bullet") + (" 2" if level else "")
            paragraph = self._para(name)
            if item.ordered:
                if current.get(level) is None:
                    current[level] = oxml.restart_numbering(paragraph, self.num_ids[name])
                else:
                    oxml.set_paragraph_numbering(paragraph, current[level], 0)
            # a deeper list ends when we return to a shallower level
            for deeper in [k for k in current if k > level]:
                current[deeper] = None
            self._runs(paragraph, item.runs)

    def _runs(self, paragraph: Any, runs: tuple[Run, ...]) -> None:
        for run in runs:
            if run.href:
                oxml.add_hyperlink(paragraph, run.text, url=run.href, bold=run.bold, italic=run.italic)
            else:
                r = paragraph.add_run(run.text)
                r.bold = run.bold or None
                r.italic = run.italic or None

    # forms and tables -----------------------------------------------------
    def _form(self, form: Form) -> None:
        self._blocks(form.intro)
        rows = form.rows
        count = sum(3 if r.kind == "sign" else 1 for r in rows)
        table = self.doc.add_table(rows=count, cols=3)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        oxml.fix_column_widths(table, (Cm(6.2), Cm(2.8), Cm(7.6)))
        lines = list(table.rows)
        grid = [list(line.cells) for line in lines]
        r = 0
        for row in rows:
            cells, line = grid[r], lines[r]
            if row.kind == "heading":
                self._cell_text(cells[0], row.label.upper(), bold=True, colour="FFFFFF")
                oxml.shade_cell(cells[0], self.policy.brand.primary)
                oxml.span_columns(line, 0, 3)
            elif row.kind == "field":
                self._cell_text(cells[0], row.label, bold=True)
                self._cell_text(cells[1], "")
                oxml.span_columns(line, 1, 2)
                line.height = Cm(1.1)
            elif row.kind == "tick":
                paragraph = cells[0].paragraphs[0]
                paragraph._p.style = self.style_ids["Table Text"]
                box = paragraph.add_run(TICK_BOX + " ")
                box.font.name = TICK_FONT
                paragraph.add_run(row.label)
                oxml.span_columns(line, 0, 3)
            elif row.kind == "sign":
                role = cells[0]
                self._cell_text(role, row.label, bold=True)
                if row.detail:
                    self._para("Table Text", row.detail, container=role)
                oxml.merge_down([grid[r + k][0] for k in range(3)])
                for offset, (label, value) in enumerate((("Name", row.value), ("Signature", ""), ("Date", ""))):
                    self._cell_text(grid[r + offset][1], label, bold=True)
                    self._cell_text(grid[r + offset][2], value)
                    lines[r + offset].height = Cm(0.9)
                    oxml.keep_row_together(lines[r + offset])
                r += 2
            r += 1

    def _changes(self, section: Section) -> None:
        rows = section.changes or ()
        table = self.doc.add_table(rows=1 + max(len(rows), 1), cols=3)
        table.style = self.doc.styles["Table Grid"]
        for cell, label in zip(table.rows[0].cells, ("Date of change", "Paragraphs affected", "Summary of update")):
            self._cell_text(cell, label, bold=True)
            oxml.shade_cell(cell, "D9E2F3")
        oxml.mark_header_row(table.rows[0])
        if not rows:
            self._cell_text(table.rows[1].cells[0], "None yet")
            self._cell_text(table.rows[1].cells[1], "")
            self._cell_text(table.rows[1].cells[2], "No approved changes have been recorded.")
        for line, change in zip(table.rows[1:], rows):
            self._cell_text(line.cells[0], change.date.strftime("%d/%m/%Y"))
            self._cell_text(line.cells[1], change.paragraphs)
            self._cell_text(line.cells[2], change.summary)
        oxml.fix_column_widths(table, (Cm(3.0), Cm(4.0), Cm(9.6)))

    def _cell_text(self, cell: Any, text: str, bold: bool = False, colour: str | None = None) -> None:
        paragraph = cell.paragraphs[0]
        paragraph._p.style = self.style_ids["Table Label" if bold else "Table Text"]
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)


def _heading_text(section: Section) -> str:
    return f"Appendix {section.number}: {section.title}" if section.appendix else f"{section.number} {section.title}"


def _anchor(section: Section) -> str:
    return f"_Toc_{section.id.replace('-', '_')}"


def _apply_brand(doc: Any, policy: Policy) -> None:
    brand = policy.brand
    primary = RGBColor.from_string(brand.primary.lstrip("#"))
    accent = RGBColor.from_string(brand.accent.lstrip("#"))
    names = {s.name for s in doc.styles}
    oxml.set_default_font(doc.styles.element, brand.font)
    for name in BRANDED_FONT_STYLES:
        if name in names:
            style = doc.styles[name]
            style.font.name = brand.font
            rfonts = style.element.rPr.find(qn("w:rFonts"))
            for attr in ("w:eastAsia", "w:cs"):
                rfonts.set(qn(attr), brand.font)
    for name in PRIMARY_COLOUR_STYLES:
        if name in names:
            doc.styles[name].font.color.rgb = primary
    if "Subtitle" in names:
        doc.styles["Subtitle"].font.color.rgb = accent


def _set_properties(doc: Any, policy: Policy) -> None:
    props = doc.core_properties
    props.title = f"{policy.title} – {policy.school_name}"
    props.subject = policy.subject
    props.author = policy.author
    props.last_modified_by = "policygen"
    props.language = policy.language
    props.keywords = f"policy; {policy.policy_id}; version {policy.governance.version}"
    props.comments = f"Generated by policygen from clause library {policy.library_version}."
    props.category = "School policy"
    props.revision = 1
    current = policy.governance.current
    stamp = datetime.combine(current.date, datetime.min.time()) if current else datetime(2026, 1, 1)
    props.created = props.modified = stamp
    oxml.set_document_language(doc.styles.element, policy.language)
    oxml.set_update_fields_on_open(doc.settings.element)
