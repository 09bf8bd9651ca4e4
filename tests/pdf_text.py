"""Reading a laid-out PDF back as text, page by page (pdftotext), to check its contents page and page breaks."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

DOT_LEADER = re.compile(r"^(?P<title>.+?)\s*\.{3,}\s*(?P<page>\d+)$")
FOOTER = re.compile(r"Page \d+ of \d+$")  # the house template's footer ends every page with it


def pdf_pages(pdf: Path) -> list[str]:
    """Return the text of each page of ``pdf`` (``pdftotext -layout -f N -l N``)."""
    count = len(PdfReader(pdf).pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, count + 1)]


def toc_entries(lines: list[str]) -> list[tuple[str, int]]:
    """Return the (title, page) of each dotted contents line among ``lines``."""
    entries = []
    for line in lines:
        match = DOT_LEADER.match(line.strip())
        if match:
            entries.append((re.sub(r"\s+", " ", match["title"]), int(match["page"])))
    return entries


def contents(pages: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """Return the contents page's number and its (title, page) entries."""
    number = next(i for i, text in enumerate(pages, start=1) if "Contents" in text)
    return number, toc_entries(pages[number - 1].splitlines())


def heading_pages(pages: list[str], titles: list[str], start: int) -> dict[str, int]:
    """Return the page (1-based) where each title first starts a line, from page ``start`` on."""
    found = {}
    for title in titles:
        # a heading starts a line; a long one may wrap onto the next line
        pattern = re.compile(r"^\s*" + r"\s+".join(map(re.escape, title.split())) + r"\s*$", re.MULTILINE)
        for number, text in enumerate(pages[start - 1:], start=start):
            if pattern.search(text):
                found[title] = number
                break
    return found


def docx_toc_lines(docx: Path) -> list[str]:
    """Return the text of the TOC paragraphs, including those LibreOffice puts in a content control."""
    doc = Document(docx)
    styles = {s.style_id: s.name for s in doc.styles}
    lines = []
    for p in doc.element.body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = styles.get(style.get(qn("w:val")), "") if style is not None else ""
        if name.lower().startswith(("toc ", "contents ")):
            text = "".join(t.text or "" if t.tag == qn("w:t") else "\t"
                           for t in p.iter(qn("w:t"), qn("w:tab")))
            lines.append(text)
    return lines


def docx_toc_entries(docx: Path) -> list[tuple[str, int]]:
    """Return the (title, page) entries of the DOCX's filled-in contents page."""
    return [(re.sub(r"\s+", " ", t.rsplit("\t", 1)[0]).strip(), int(t.rsplit("\t", 1)[1]))
            for t in docx_toc_lines(docx) if "\t" in t]


def docx_headings(docx: Path | bytes) -> list[str]:
    """Return the text of every Heading 1 and Heading 2 paragraph of a DOCX."""
    doc = Document(io.BytesIO(docx) if isinstance(docx, bytes) else docx)
    return [re.sub(r"\s+", " ", p.text).strip() for p in doc.paragraphs
            if p.style.name in ("Heading 1", "Heading 2") and p.text.strip()]


def body_lines(page: str) -> list[str]:
    """Return the lines of text of a page, spaces collapsed, without its footer line."""
    lines = [line for line in (re.sub(r"\s+", " ", raw).strip() for raw in page.splitlines()) if line]
    return lines[:-1] if lines and FOOTER.search(lines[-1]) else lines


def pages_ending_with_a_heading(pages: list[str], headings: list[str]) -> list[tuple[int, str]]:
    """Return (page, heading) for each page whose text ends with one of ``headings`` (on one line or two)."""
    found = []
    for number, page in enumerate(pages, start=1):
        lines = body_lines(page)
        ends = {" ".join(lines[-2:]), lines[-1]} if lines else set()
        found += [(number, heading) for heading in headings if heading in ends]
    return found
