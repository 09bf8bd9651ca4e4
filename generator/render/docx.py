"""Write a resolved :class:`Policy` as a branded Word document.

The house-style template (templates/house-style.docx) is a docxtpl template:
it holds the cover, the governance tables, the header and footer, and a
``{{p body }}`` paragraph where the policy body goes. The body (contents,
sections, appendices, forms) is written by :mod:`generator.render.body` in
the template's own styles, so restyling the template in Word restyles the
policy. This is the only module that uses docxtpl or python-docx's document API.
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

from docx.oxml import parse_xml
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
from markupsafe import Markup, escape

from generator.dates import format_date
from lxml import etree

from generator.errors import ConverterError, InputError, Problem, TemplateError
from generator.files import MAX_TEMPLATE_BYTES, MAX_TEMPLATE_UNPACKED, FileProblem, not_regular, read_regular_file
from generator.logo import LogoProblem, logo_for_document
from generator.sandbox import BoundedSandbox, budget as sandbox_budget
from generator.model import Policy

from generator.render.oxml import elements, markup
from generator.render.brand import apply_brand
from generator.render.body import BodyWriter
from generator.render.redline import Marks, cover_fields
from generator.render.reproducible import document_date, repack_docx, source_date_epoch

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "house-style.docx"

# Styles the house template must define (docs/templates.md).
REQUIRED_STYLES = (
    "Normal", "Title", "Subtitle", "School Name", "Heading 1", "Heading 2", "TOC Heading",
    "TOC 1", "List Bullet", "List Bullet 2", "List Number", "List Number 2", "Table Grid",
    "Table Label", "Table Text", "Hyperlink", "Header", "Footer",
)
LIST_STYLES = ("List Bullet", "List Bullet 2", "List Number", "List Number 2")


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
        return compose_docx(policy, template, lambda doc, house: BodyWriter(doc, policy, house, marks).write(),
                            when=when)
    return compose_docx(policy, template, lambda doc, house: BodyWriter(doc, policy, house, marks).write(),
                        title=comparison.title, when=when, cover=cover_fields(comparison),
                        preface=lambda doc, house: BodyWriter(doc, policy, house, marks).summary())


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
    context = _cover_context(policy, tpl, title) | _literal(cover or {})
    try:
        with sandbox_budget():
            tpl.render(context, jinja_env=_JINJA, autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(f"{template}: unknown placeholder in the house-style template: {exc.message}") from None
    except JinjaTemplateError as exc:
        raise TemplateError(f"{template}: template error in the house-style template: {exc}") from None
    except Exception as exc:  # {{ 1/0 }}, a recursion too deep: one line, not a traceback
        raise TemplateError(f"{template}: template error in the house-style template: "
                            f"{type(exc).__name__}: {exc}") from None
    doc = tpl.docx
    marker = _find_marker(doc)
    if marker is None:
        raise TemplateError(f"{template}: the house-style template has no {{{{p body }}}} paragraph")
    before = marker.getprevious()  # the template's page break after the cover, if it has one
    cover_end = before if before is not None and before.find(f".//{qn('w:br')}") is not None else marker
    for element in markup.parse_body(preface(doc, house) if preface else ""):
        cover_end.addprevious(element)
    body = build_body(doc, house)
    for element in markup.parse_body(body):
        marker.addprevious(element)
    marker.getparent().remove(marker)
    apply_brand(doc, policy.brand, house.style_ids)
    when = when or document_date(policy, source_date_epoch())
    _set_properties(doc, policy, title, when)
    for shape in doc.inline_shapes:
        elements.set_alt_text(shape, policy.brand.logo_alt)
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
        for run in markup.parse_runs(markup.tab() + markup.run(page)):
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
        return markup.paragraph(None, markup.run(BODY_MARKER))

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
    kind = not_regular(stat, "the house-style template")
    if kind:  # a FIFO would hang the read, a device never end it
        raise TemplateError(f"{template}: {kind}")
    return _check_template(template, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _check_template(template: Path, size: int, mtime_ns: int) -> HouseTemplate:
    try:
        data = read_regular_file(template, MAX_TEMPLATE_BYTES, "the house-style template")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateError(f"{template}: not a Word document (no word/document.xml)")
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_TEMPLATE_UNPACKED:
                raise TemplateError(f"{template}: the house-style template unpacks to {unpacked:,} bytes; "
                                    f"at most {MAX_TEMPLATE_UNPACKED:,} are read")
        doc = DocxTemplate(io.BytesIO(data)).get_docx()  # parse now, so a corrupt file fails here
    except FileProblem as exc:
        raise TemplateError(f"{template}: {exc.message}") from None
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
                            {name: elements.style_num_id(styles[name]) for name in LIST_STYLES})


class _HouseDocx(DocxTemplate):
    """A docxtpl template whose preparation of each XML part is done once per process.

    docxtpl rewrites every part with a dozen regular expressions and compiles
    it as a Jinja template on each render; for the same house style the
    result is the same every time, so both are kept (see :data:`_JINJA`).
    """

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        return _remember(self._patched, src_xml, lambda: super(_HouseDocx, self).patch_xml(src_xml))

    def map_tree(self, tree: Any) -> None:
        # docxtpl parses the rendered body with a parser of its own, so its elements are plain lxml
        # elements, not python-docx's classes. Their Python proxies normally die when render()
        # returns; but while anything still holds render's frame (Dask's sampling profiler does,
        # every 10 ms), python-docx is handed the plain body, whose xpath() knows no prefixes:
        # "Undefined namespace prefix" from doc.inline_shapes, in about 1 cluster document in 130.
        # Parsed again by python-docx, no element of the document has a foreign proxy.
        super().map_tree(parse_xml(etree.tostring(tree)))


class _CompilingOnce(BoundedSandbox):
    """A sandboxed Jinja environment (bounded, see :mod:`generator.sandbox`) that compiles each
    distinct template text once."""

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
    status = policy.status
    draft = status.draft and policy.comparison is None  # a redline's cover says what it compares instead
    logo: Any = ""
    if policy.brand.logo:
        try:
            image = logo_for_document(policy.brand.logo)
        except LogoProblem as exc:  # changed since it was checked
            raise InputError(Problem(policy.brand.logo, 0, 0, exc.message)) from None
        logo = InlineImage(tpl, image_descriptor=io.BytesIO(image.data), width=Cm(image.width_cm),
                           height=Cm(image.height_cm))
    if draft:  # the cover, header and footer all say so; never the last approval's date
        version = status.label
        date_approved = "Not yet approved"
        approved_by = f"To be approved by {gov.approving_body}"
        next_review = "To be set when approved"
    else:
        version = gov.version
        date_approved = format_date(current.date) if current else "Not yet approved"
        approved_by = current.by if current else gov.approving_body
        next_review = format_date(current.next_review) if current else "To be set when approved"
    return _literal({
        "logo": logo,
        "school_name": policy.school_name,
        "school_short_name": policy.short_name or policy.school_name,
        "members": _members_line(policy.members),
        "motto": policy.brand.motto,
        "policy_title": (title or policy.title) + (" (Draft)" if draft else ""),
        "index_ref": gov.index_ref,
        "owner": gov.owner,
        "version": version,
        "date_approved": date_approved,
        "approved_by": approved_by,
        "next_review": next_review,
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


def _set_properties(doc: Any, policy: Policy, title: str | None, when: datetime) -> None:
    props = doc.core_properties
    draft = " (Draft)" if policy.status.draft and policy.comparison is None else ""
    props.title = _fit(f"{title or policy.title}{draft} – {policy.school_name}")
    props.subject = _fit(policy.subject)
    props.author = _fit(policy.author)
    props.last_modified_by = "policygen"
    props.language = policy.language
    props.keywords = _fit(f"policy; {policy.policy_id}; {policy.status.label.lower()}" if policy.status.draft
                          else f"policy; {policy.policy_id}; version {policy.governance.version}")
    props.content_status = policy.status.label
    props.comments = _fit(f"Generated by policygen from clause library {policy.library_version}.")
    props.category = "School policy"
    props.identifier = _fit(f"{policy.school_id}-{policy.policy_id}")
    props.revision = 1
    props.created = props.modified = when
    elements.set_document_language(doc.styles.element, policy.language)
    elements.set_update_fields_on_open(doc.settings.element)


CORE_PROPERTY_MAX = 255  # python-docx and Word hold at most this many characters in a core property


def _fit(value: str) -> str:
    """Return ``value`` cut to what a core property holds. check refuses the inputs that would need
    it (school.py and library.py limit names, titles and versions); this only keeps a build whole."""
    return value if len(value) <= CORE_PROPERTY_MAX else value[: CORE_PROPERTY_MAX - 1] + "…"
