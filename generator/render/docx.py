"""Write a resolved :class:`Policy` as a branded Word document.

The house-style template (:mod:`generator.render.template`) holds the cover,
the governance tables, the header and footer, and a ``{{p body }}``
paragraph where the policy body goes. Rendering fills the cover
(:mod:`generator.render.cover`), puts the body that
:mod:`generator.render.body` writes in the template's own styles where the
marker paragraph was (so restyling the template in Word restyles the
policy), brands the styles (:mod:`generator.render.brand`) and sets the
properties (:mod:`generator.render.properties`). The contents page's page
numbers are added after LibreOffice has laid the document out
(:mod:`generator.render.toc`).
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from docx.oxml.ns import qn
from jinja2 import TemplateError as JinjaTemplateError, UndefinedError

from generator.errors import TemplateError
from generator.model import Policy
from generator.render.body import BodyWriter
from generator.render.brand import apply_brand
from generator.render.cover import cover_context, find_marker, literal
from generator.render.oxml import elements, markup
from generator.render.properties import set_properties
from generator.render.redline import Marks, cover_fields
from generator.render.reproducible import document_date, repack_docx, source_date_epoch
from generator.render.template import (DEFAULT_TEMPLATE, JINJA, HouseDocx, HouseTemplate, checked_template,
                                       open_template)
from generator.render.toc import fill_toc
from generator.sandbox import budget as sandbox_budget

# the names other modules import from here
__all__ = ["DEFAULT_TEMPLATE", "HouseTemplate", "compose_docx", "fill_toc", "open_template", "render_docx"]


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


BodyBuilder = Callable[[Any, HouseTemplate], str]


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
    house = checked_template(Path(template))
    tpl = HouseDocx(io.BytesIO(house.data))
    context = cover_context(policy, tpl, title) | literal(cover or {})
    try:
        with sandbox_budget():
            tpl.render(context, jinja_env=JINJA, autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(f"{template}: unknown placeholder in the house-style template: {exc.message}") from None
    except JinjaTemplateError as exc:
        raise TemplateError(f"{template}: template error in the house-style template: {exc}") from None
    except Exception as exc:  # {{ 1/0 }}, a recursion too deep: one line, not a traceback
        raise TemplateError(f"{template}: template error in the house-style template: "
                            f"{type(exc).__name__}: {exc}") from None
    doc = tpl.docx
    marker = find_marker(doc)
    if marker is None:
        raise TemplateError(f"{template}: the house-style template has no {{{{p body }}}} paragraph")
    before = marker.getprevious()  # the template's page break after the cover, if it has one
    cover_end = before if before is not None and before.find(f".//{qn('w:br')}") is not None else marker
    for element in markup.parse_body(preface(doc, house) if preface else ""):
        cover_end.addprevious(element)
    for element in markup.parse_body(build_body(doc, house)):
        marker.addprevious(element)
    marker.getparent().remove(marker)
    apply_brand(doc, policy.brand, house.style_ids)
    when = when or document_date(policy, source_date_epoch())
    set_properties(doc, policy, title, when)
    for shape in doc.inline_shapes:
        elements.set_alt_text(shape, policy.brand.logo_alt)
    out = io.BytesIO()
    doc.save(out)
    return repack_docx(out.getvalue(), when)
