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
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from docx.oxml.ns import nsmap, qn
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

# Importing docxtpl imports docxcompose, which maps python-docx's "cp" prefix to the
# custom-properties namespace for the whole process; core properties set after that
# (keywords, category, last modified by) land in the wrong namespace and core.xml is
# malformed (docxtpl issue 471, docxcompose issue 101). Put the core-properties
# namespace back: policygen writes no custom properties.
nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
from jinja2 import StrictUndefined, TemplateError as JinjaTemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from generator.dates import format_date
from lxml import etree

from generator.errors import ConverterError, TemplateError
from generator.model import Block, Form, Inline, ListBlock, Paragraph, Policy, Run, Section, revision_of
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from generator.render import oxml, wml
from generator.render.brand import apply_brand
from generator.render.redline import Marks, change_of, cover_fields, heading_inlines, summary_of_changes
from generator.render.reproducible import document_date, repack_docx, source_date_epoch

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "house-style.docx"

# Styles the house template must define (docs/templates.md).
REQUIRED_STYLES = (
    "Normal", "Title", "Subtitle", "School Name", "Heading 1", "Heading 2", "TOC Heading",
    "TOC 1", "List Bullet", "List Bullet 2", "List Number", "List Number 2", "Table Grid",
    "Table Label", "Table Text", "Hyperlink", "Header", "Footer",
)
LIST_STYLES = ("List Bullet", "List Bullet 2", "List Number", "List Number 2")
TOC_LEVELS = 1
TEXT_WIDTH_CM = 16.6
TICK_BOX = "\u2610"
TICK_FONT = "DejaVu Sans"


def render_docx(policy: Policy, template: Path = DEFAULT_TEMPLATE, when: datetime | None = None,
                marks: Marks | None = None) -> bytes:
    """Return ``policy`` as the bytes of a .docx file built on ``template``.

    ``when`` is the document's date (default: :func:`reproducible.document_date`);
    the same policy, template and date always give the same bytes.

    A redline (``policy.comparison`` set) has its summary on the cover page,
    and its insertions and deletions drawn as ``marks`` says (by default as
    tracked changes by the policy's author, on the document's date).

    Raises:
        TemplateError: the template is missing, not a Word file, lacks a
            required style, or uses a placeholder that does not exist.
    """
    comparison = policy.comparison
    marks = marks or Marks(True, policy.author, (when or document_date(policy, source_date_epoch())).date())
    if comparison is None:
        return compose_docx(policy, template, lambda doc, house: _BodyWriter(doc, policy, house, marks).write(),
                            when=when)
    return compose_docx(policy, template, lambda doc, house: _BodyWriter(doc, policy, house, marks).write(),
                        title=comparison.title, when=when, cover=cover_fields(comparison),
                        preface=lambda doc, house: _BodyWriter(doc, policy, house, marks).summary())


BodyBuilder = Callable[[Any, "HouseTemplate"], str]


def compose_docx(policy: Policy, template: Path, build_body: BodyBuilder, title: str | None = None,
                 when: datetime | None = None, cover: dict[str, str] | None = None,
                 preface: BodyBuilder | None = None) -> bytes:
    """Return a .docx: ``policy``'s cover from ``template``, and the body ``build_body`` writes.

    ``build_body(doc, template)`` returns the body as WordprocessingML text
    in the template's styles (``template.style_ids`` maps names to ids).
    ``title`` replaces the policy title on the cover, and ``cover`` any other
    of the cover's fields; ``when`` is as for :func:`render_docx`. ``preface``
    writes more of the cover page, after its tables (a redline's summary).

    Raises:
        TemplateError: as for :func:`render_docx`.
    """
    house = _checked_template(Path(template))
    tpl = _HouseDocx(io.BytesIO(house.data))
    try:
        tpl.render(_cover_context(policy, tpl, title) | _literal(cover or {}), jinja_env=_JINJA, autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(f"{template}: unknown placeholder in the house-style template: {exc.message}") from None
    except JinjaTemplateError as exc:
        raise TemplateError(f"{template}: template error in the house-style template: {exc}") from None
    doc = tpl.docx
    marker = _find_marker(doc)
    if marker is None:
        raise TemplateError(f"{template}: the house-style template has no {{{{p body }}}} paragraph")
    before = marker.getprevious()  # the template's page break after the cover, if it has one
    cover_end = before if before is not None and before.find(f".//{qn('w:br')}") is not None else marker
    for element in wml.parse_body(preface(doc, house) if preface else ""):
        cover_end.addprevious(element)
    body = build_body(doc, house)
    for element in wml.parse_body(body):
        marker.addprevious(element)
    marker.getparent().remove(marker)
    apply_brand(doc, policy.brand, house.style_ids)
    when = when or document_date(policy, source_date_epoch())
    _set_properties(doc, policy, title, when)
    for shape in doc.inline_shapes:
        oxml.set_alt_text(shape, policy.brand.logo_alt)
    out = io.BytesIO()
    doc.save(out)
    return repack_docx(out.getvalue(), when)


def fill_toc(data: bytes, toc: list[tuple[str, str]]) -> bytes:
    """Return the DOCX ``data`` with page numbers added to its table of contents.

    ``toc`` holds (title, page) pairs as LibreOffice laid the document out;
    each of the contents page's entries gets a dotted tab and its page, and
    Word is no longer asked to update fields on opening. Only document.xml
    and settings.xml are rewritten; every other part is copied as it is.

    Raises:
        ConverterError: the laid-out contents do not match the document's.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: (info, archive.read(info.filename)) for info in archive.infolist()}
    styles = etree.fromstring(parts["word/styles.xml"][1])
    toc_ids = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))
               if (name := s.find(qn("w:name"))) is not None and name.get(qn("w:val")) in ("TOC 1", "toc 1")}
    document = etree.fromstring(parts["word/document.xml"][1])
    entries = [p for p in document.iter(qn("w:p"))
               if (style := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
               and style.get(qn("w:val")) in toc_ids]
    titles = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in entries]
    if titles != [title for title, _ in toc]:
        raise ConverterError(f"the laid-out table of contents does not match the document's "
                             f"({len(toc)} entries for {len(titles)})")
    for paragraph, (_, page) in zip(entries, toc):
        end = paragraph.find(f".//{qn('w:fldChar')}[@{qn('w:fldCharType')}='end']")
        field_end = end.getparent() if end is not None else None
        for run in wml.parse_runs(wml.tab() + wml.run(page)):
            if field_end is not None:
                field_end.addprevious(run)
            else:
                paragraph.append(run)
    parts["word/document.xml"] = (parts["word/document.xml"][0],
                                  etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True))
    # the contents page is complete now, so Word need not offer to update fields on opening
    settings = etree.fromstring(parts["word/settings.xml"][1])
    for flag in settings.findall(qn("w:updateFields")):
        settings.remove(flag)
    parts["word/settings.xml"] = (parts["word/settings.xml"][0],
                                  etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (info, content) in parts.items():
            archive.writestr(info, content)
    return out.getvalue()


BODY_MARKER = "__policygen_body__"
BODY_TAG = re.compile(r"\{\{\s*p\s+body\s*\}\}")


class _BodyMarker:
    """What ``{{p body }}`` renders to: a paragraph replaced by the body afterwards."""

    def __html__(self) -> str:
        return f"<w:p><w:r><w:t>{BODY_MARKER}</w:t></w:r></w:p>"

    __str__ = __html__


def _find_marker(doc: Any) -> Any:
    for p in doc.element.body.iter(qn("w:p")):
        if "".join(t.text or "" for t in p.iter(qn("w:t"))) == BODY_MARKER:
            return p
    return None


def open_template(template: Path) -> DocxTemplate:
    """Return a fresh docxtpl template of ``template``, checked for what policygen needs.

    The file is read and checked once per version (path, size and time of
    change); each call then parses a fresh copy from memory, since rendering
    changes the document.

    Raises:
        TemplateError: the template is missing, not a Word file, lacks a
            required style or the ``{{p body }}`` paragraph.
    """
    return _HouseDocx(io.BytesIO(_checked_template(Path(template)).data))


@dataclass(frozen=True)
class HouseTemplate:
    """A house-style template, read and checked once: its bytes, style ids and list numbering."""

    data: bytes
    style_ids: dict[str, str]  # style name -> style id
    list_styles: dict[str, int]  # list style name -> its numbering definition


def _checked_template(template: Path) -> HouseTemplate:
    try:
        stat = template.stat()
    except OSError:
        raise TemplateError(f"{template}: house-style template not found") from None
    if not template.is_file():
        raise TemplateError(f"{template}: house-style template not found")
    return _check_template(template, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _check_template(template: Path, size: int, mtime_ns: int) -> HouseTemplate:
    try:
        data = template.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateError(f"{template}: not a Word document (no word/document.xml)")
        doc = DocxTemplate(io.BytesIO(data)).get_docx()  # parse now, so a corrupt file fails here
    except TemplateError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateError(f"{template}: the house-style template is corrupt or not a .docx file ({exc})") from None
    except Exception as exc:  # lxml and docx parse errors
        raise TemplateError(f"{template}: the house-style template cannot be read ({type(exc).__name__}: {exc})") from None
    styles = {s.name: s for s in doc.styles}
    missing = [name for name in REQUIRED_STYLES if name not in styles]
    if missing:
        raise TemplateError(f"{template}: the house-style template lacks the style(s) {', '.join(missing)} "
                            "(see docs/templates.md)")
    if not any(BODY_TAG.search(p.text) for p in doc.paragraphs):
        raise TemplateError(f"{template}: the house-style template has no {{{{p body }}}} paragraph for the policy "
                            "body (see docs/templates.md)")
    return HouseTemplate(data, {name: style.style_id for name, style in styles.items()},
                            {name: oxml.style_num_id(styles[name]) for name in LIST_STYLES})


class _HouseDocx(DocxTemplate):
    """A docxtpl template whose preparation of each XML part is done once per process.

    docxtpl rewrites every part with a dozen regular expressions and compiles
    it as a Jinja template on each render; for the same house style the
    result is the same every time, so both are kept (see :data:`_JINJA`).
    """

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        return _remember(self._patched, src_xml, lambda: super(_HouseDocx, self).patch_xml(src_xml))


class _CompilingOnce(SandboxedEnvironment):
    """A sandboxed Jinja environment that compiles each distinct template text once."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return _remember(self._compiled, source, lambda: super(_CompilingOnce, self).from_string(source))


_JINJA = _CompilingOnce()


def _remember(cache: dict[str, Any], key: str, make: Callable[[], Any], limit: int = 64) -> Any:
    """Return ``cache[key]``, made by ``make()`` the first time; past ``limit`` entries the cache starts over."""
    if key not in cache:
        if len(cache) >= limit:
            cache.clear()
        cache[key] = make()
    return cache[key]


def _cover_context(policy: Policy, tpl: DocxTemplate, title: str | None = None) -> dict[str, Any]:
    gov = policy.governance
    current = gov.current
    logo: Any = ""
    if policy.brand.logo:
        logo = InlineImage(tpl, image_descriptor=str(policy.brand.logo), height=Cm(3.2))
    return _literal({
        "logo": logo,
        "school_name": policy.school_name,
        "school_short_name": policy.short_name or policy.school_name,
        "members": _members_line(policy.members),
        "motto": policy.brand.motto,
        "policy_title": title or policy.title,
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
        "body": _BodyMarker(),
    })


def _members_line(members: tuple[str, ...]) -> str:
    """Return a federation's schools for the cover: "Ash Primary, Beech Infant and Cedar Junior"."""
    if len(members) < 2:
        return "".join(members)
    return f"{', '.join(members[:-1])} and {members[-1]}"


def _literal(value: Any) -> Any:
    """Return ``value`` with its text escaped for the template's XML, to print exactly as written.

    docxtpl turns ``{_{``, ``}_}``, ``{_%`` and ``%_}`` in its output into
    Jinja braces; writing every ``_`` of school data as ``&#95;`` keeps them
    literal (a school named "A %_} B" stays so).
    """
    if isinstance(value, str):
        return Markup(str(escape(value)).replace("_", "&#95;"))
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return value


class _BodyWriter:
    """Builds the policy body as WordprocessingML text in the template's styles."""

    def __init__(self, doc: Any, policy: Policy, template: HouseTemplate, marks: Marks):
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
        return wml.paragraph(self.ids[style], content, **kwargs)

    # contents -------------------------------------------------------------
    def _contents(self) -> None:
        self.out.append(self._p("TOC Heading", wml.run("Contents")))
        sections = self.policy.sections
        for i, section in enumerate(sections):
            content = wml.field_begin(f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u') if i == 0 else ""
            content += wml.hyperlink(wml.run(section.heading), anchor=_anchor(section))
            if i == len(sections) - 1:
                content += wml.field_end()
            self.out.append(self._p("TOC 1", content, right_tab_cm=TEXT_WIDTH_CM))
        self.out.append(wml.page_break())

    # sections -------------------------------------------------------------
    def _section(self, section: Section) -> None:
        self.bookmark += 1
        prefix = f"Appendix {section.number}:" if section.appendix else section.number
        inlines = (heading_inlines(prefix, section.title, None, section.old_title) if section.old_title
                   else heading_inlines("", section.heading, section.change, None))
        heading = wml.bookmark(self._runs(inlines), _anchor(section), self.bookmark)
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
                    current[level] = oxml.new_list_instance(self.part, self.list_styles[name])
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
                    out.append(wml.hyperlink(self.marks.run(r, change, style=self.ids.get("Hyperlink")), rel_id=rel))
                else:
                    out.append(self.marks.run(r, change))
        return "".join(out)

    # forms and tables -----------------------------------------------------
    def _cell(self, text: str, bold: bool = False, colour: str | None = None) -> str:
        return self._p("Table Label" if bold else "Table Text",
                       wml.run(text, bold=bold, colour=colour) if text else "")

    def _form(self, form: Form) -> None:
        self._blocks(form.intro)
        widths = (6.2, 2.8, 7.6)
        full = sum(widths)
        rows: list[tuple[list[wml.Cell], dict]] = []
        for row in form.rows:
            if row.kind == "heading":
                rows.append(([wml.Cell(self._cell(row.label.upper(), bold=True, colour="FFFFFF"), full, span=3,
                                       fill=self.policy.brand.primary)], {}))
            elif row.kind == "field":
                rows.append(([wml.Cell(self._cell(row.label, bold=True), widths[0]),
                              wml.Cell(self._cell(""), widths[1] + widths[2], span=2)], {"height_cm": 1.1}))
            elif row.kind == "tick":
                box = wml.run(TICK_BOX + " ", font=TICK_FONT) + wml.run(row.label)
                rows.append(([wml.Cell(self._p("Table Text", box), full, span=3)], {}))
            elif row.kind == "sign":
                role = self._cell(row.label, bold=True) + (self._cell(row.detail) if row.detail else "")
                for offset, (label, value) in enumerate((("Name", row.value), ("Signature", ""), ("Date", ""))):
                    first = wml.Cell(role if offset == 0 else "", widths[0],
                                     merge="restart" if offset == 0 else "continue")
                    rows.append(([first, wml.Cell(self._cell(label, bold=True), widths[1]),
                                  wml.Cell(self._cell(value), widths[2])], {"height_cm": 0.9, "keep": True}))
        self.out.append(wml.table(self.ids["Table Grid"], widths, rows))

    def summary(self) -> str:
        """Return a redline's summary of changes and legend, for its cover page."""
        assert self.policy.comparison is not None
        return summary_of_changes(self.policy.comparison, self.ids, self.marks, self._table)

    def _table(self, header: list[str], rows: list[list[str]]) -> str:
        """Return a plain table with a shaded header row; a cell's lines become paragraphs."""
        widths = {3: (4.0, 5.4, 7.2)}.get(len(header)) or tuple(16.6 / len(header) for _ in header)
        cells = [([wml.Cell(self._cell(v, bold=True), w, fill="D9E2F3") for v, w in zip(header, widths)],
                  {"header": True})]
        for row in rows:
            cells.append(([wml.Cell("".join(self._cell(line) for line in v.split("\n")), w)
                           for v, w in zip(row, widths)], {"keep": True}))
        return wml.table(self.ids["Table Grid"], widths, cells)

    def _changes(self, section: Section) -> None:
        widths = (3.0, 4.0, 9.6)
        header = [wml.Cell(self._cell(label, bold=True), w, fill="D9E2F3")
                  for label, w in zip(("Date of change", "Paragraphs affected", "Summary of update"), widths)]
        rows: list[tuple[list[wml.Cell], dict]] = [(header, {"header": True})]
        for change in section.changes or ():
            values = (change.date.strftime("%d/%m/%Y"), change.paragraphs, change.summary)
            rows.append(([wml.Cell(self._cell(v), w) for v, w in zip(values, widths)], {}))
        if not section.changes:
            rows.append(([wml.Cell(self._cell(v), w) for v, w in
                          zip(("None yet", "", "No approved changes have been recorded."), widths)], {}))
        self.out.append(wml.table(self.ids["Table Grid"], widths, rows))


def _anchor(section: Section) -> str:
    return f"_Toc_{section.id.replace('-', '_')}"


def _set_properties(doc: Any, policy: Policy, title: str | None, when: datetime) -> None:
    props = doc.core_properties
    props.title = f"{title or policy.title} – {policy.school_name}"
    props.subject = policy.subject
    props.author = policy.author
    props.last_modified_by = "policygen"
    props.language = policy.language
    props.keywords = f"policy; {policy.policy_id}; version {policy.governance.version}"
    props.comments = f"Generated by policygen from clause library {policy.library_version}."
    props.category = "School policy"
    props.identifier = f"{policy.school_id}-{policy.policy_id}"
    props.revision = 1
    props.created = props.modified = when
    oxml.set_document_language(doc.styles.element, policy.language)
    oxml.set_update_fields_on_open(doc.settings.element)
