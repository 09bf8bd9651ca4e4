"""The house style: brand colours reach every accent, and the layout keeps things together.

Renders a real DOCX from the small library in tests/fixtures/shared-clauses/
and reads its XML back.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from generator.library import load_library
from generator.render.brand import HOUSE_SHADE, tint
from generator.render.docx import render_docx
from generator.resolve import resolve
from generator.school import load_school

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "shared-clauses"
PRIMARY = "7F0000"


@pytest.fixture(scope="module")
def doc():
    library = load_library(FIXTURE / "clauses")
    policy = resolve(library, load_school(FIXTURE / "schools" / "brand.yaml"), "devices")
    return Document(io.BytesIO(render_docx(policy)))


def _style(doc, name):
    return next(s for s in doc.styles if s.name == name)


def test_tint_mixes_the_colour_with_white():
    assert tint("#000000", 0.18) == "D1D1D1"
    assert tint("#FFFFFF") == "FFFFFF"
    assert tint("#7F0000", 1.0) == "7F0000"


def test_the_title_rule_and_links_take_the_primary_colour(doc):
    border = _style(doc, "Title").element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    assert border.get(qn("w:color")) == PRIMARY
    assert border.get(qn("w:themeColor")) is None  # a theme colour would win in Word
    assert str(_style(doc, "Hyperlink").font.color.rgb) == PRIMARY
    assert str(_style(doc, "Heading 1").font.color.rgb) == PRIMARY


def test_every_shaded_cell_is_a_tint_of_the_primary_colour(doc):
    fills = {shd.get(qn("w:fill")).upper() for shd in doc.element.body.iter(qn("w:shd"))}
    assert HOUSE_SHADE not in fills
    assert tint("#" + PRIMARY) in fills  # cover table labels and the version history header


def test_paragraphs_never_leave_a_lone_line_or_a_lone_bullet(doc):
    assert _style(doc, "Normal").element.find(f"{qn('w:pPr')}/{qn('w:widowControl')}") is not None
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Staff must:")
    block = paragraphs[start:start + 4]
    keeps = [p.paragraph_format.keep_with_next for p in block]
    # the sentence that introduces the list, the first item and the second-last keep with the next
    assert [p.text for p in block][1:] == ["lock their screen;", "keep passwords private;", "report a lost device."]
    assert keeps == [True, True, True, None]
    heading = next(p for p in paragraphs if p.style.name == "Heading 2")
    assert _style(doc, "Heading 2").paragraph_format.keep_with_next and heading.text


def test_an_appendix_starts_on_a_new_page_without_an_empty_paragraph(doc):
    appendix = next(p for p in doc.paragraphs if p.style.name == "Heading 1" and p.text.startswith("Appendix A"))
    assert appendix.paragraph_format.page_break_before
    before = appendix._p.getprevious()
    assert before is not None and not before.findall(f".//{qn('w:br')}")
