"""How the real LibreOffice lays our documents out: headings keep with what follows them, and the same
document always comes out the same (never mocked, never skipped)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from generator.library import load_library
from generator.render.docx import fill_toc, render_docx
from generator.render.pdf import Worker, find_libreoffice
from generator.render.reproducible import pin_pdf
from generator.resolve import resolve
from generator.school import load_school

from conftest import LIBRARY_DIR, SCHOOLS_DIR
from pdf_text import body_lines, contents, docx_headings, docx_toc_entries, heading_pages, pages_ending_with_a_heading, pdf_pages

# Fixture policies cut short after the section where LibreOffice 7.4, left to itself, ends a page
# with a heading and starts the next with what the heading keeps with: a Heading 2 before a
# three-line paragraph that widow and orphan control cannot split, and a Heading 1 before its
# first Heading 2 and a sentence that introduces a list.
STRANDED = [
    ("bradley-primary", "social-media", 7, "6.3 Media enquiries"),
    ("holtsmere-end", "social-media", 7, "6 Using social media on behalf of the school"),
    ("model-school", "acceptable-use", 11, "10 Reporting concerns and incidents"),
]


@pytest.fixture(scope="module")
def worker():
    office = find_libreoffice()
    assert office is not None, "LibreOffice with python3-uno must be installed (make test installs it)"
    with Worker(office) as running:
        yield running


def _docx(school: str, policy: str, sections: int | None = None) -> bytes:
    resolved = resolve(load_library(LIBRARY_DIR), load_school(SCHOOLS_DIR / f"{school}.yaml"), policy)
    if sections is not None:
        resolved = replace(resolved, sections=resolved.sections[:sections])
    return render_docx(resolved)


@pytest.mark.parametrize("school, policy, sections, heading", STRANDED)
def test_no_page_ends_with_a_heading(worker, tmp_path: Path, school, policy, sections, heading):
    docx = _docx(school, policy, sections)
    converted = worker.convert(docx)
    # the fixture does put a heading at a page's foot: LibreOffice left it there, and it was moved
    assert converted.moved == [heading]
    pdf = tmp_path / "laid-out.pdf"
    pdf.write_bytes(converted.pdf)
    pages = pdf_pages(pdf)
    assert pages_ending_with_a_heading(pages, docx_headings(docx)) == []
    moved_to = next(number for number, text in enumerate(pages, start=1) if heading in body_lines(text))
    assert body_lines(pages[moved_to - 1])[1] == heading, "the heading does not start its page (after the header)"
    # the contents page gives the pages where the headings are now, in the PDF and in the DOCX
    number, entries = contents(pages)
    assert entries == [(title, int(page)) for title, page in converted.toc]
    assert dict(entries) == heading_pages(pages, [title for title, _ in entries], number + 1)
    (tmp_path / "filled.docx").write_bytes(fill_toc(docx, converted.toc))
    assert docx_toc_entries(tmp_path / "filled.docx") == entries


def test_a_document_that_needs_no_move_is_laid_out_as_it_is(worker, tmp_path: Path):
    docx = _docx("roselands-stafford", "social-media")
    converted = worker.convert(docx)
    assert converted.moved == []
    pdf = tmp_path / "laid-out.pdf"
    pdf.write_bytes(converted.pdf)
    assert pages_ending_with_a_heading(pdf_pages(pdf), docx_headings(docx)) == []


def test_the_same_document_is_laid_out_the_same_every_time(tmp_path: Path):
    # LibreOffice laid this draft out one way or another from run to run (section 10 on page 7 or
    # 8) when it updated the contents itself; a fresh worker and a warm one must agree, every time
    docx = _docx("model-school", "acceptable-use")
    when = datetime(2026, 11, 1)
    results = set()
    for _ in range(2):
        with Worker(find_libreoffice()) as fresh:
            for _ in range(3):
                converted = fresh.convert(docx)
                results.add((tuple(converted.toc), tuple(converted.moved), pin_pdf(converted.pdf, when)))
    assert len(results) == 1, f"{len(results)} different layouts of one document in six conversions"
