"""The appendix forms as a reader sees them: typographic quotes in every statement, and tick rows whose
wrapped lines start under their text, not under the box. Built by the real `policygen build` (DOCX read
back with python-docx; the PDF laid out by the real LibreOffice and read back with pdftotext)."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from docx import Document
from docx.shared import Length

from helpers import policygen

SCHOOL = "roselands-stafford"  # its social-media policy is approved and prints the site-creation form


def form_cells(docx: Path) -> list[str]:
    """Return the text of every cell of the document's tables, each once."""
    seen: list[str] = []
    for table in Document(docx).tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.text not in seen:
                    seen.append(cell.text)
    return seen


def test_form_statements_use_typographic_apostrophes_and_stay_approved(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    done = policygen(workspace, "build", f"schools/{SCHOOL}.yaml", "--format", "docx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    social = out / SCHOOL / f"{SCHOOL}-social-media.docx"
    use = out / SCHOOL / f"{SCHOOL}-acceptable-use.docx"
    statements = {cell for cell in form_cells(social) + form_cells(use) if "\n" in cell}  # a sign row: role, statement
    assert "Headteacher\nI approve the aims and content of the proposed site and the use of the school\u2019s " \
           "name, brand and logo." in statements
    assert "For the school\nAccess to the school\u2019s systems has been set up for this member of staff." in statements
    assert [cell for cell in form_cells(social) + form_cells(use) if "'" in cell] == []
    # the quotes changed, not the words: the approval frozen with straight ones still holds
    assert Document(social).core_properties.content_status == "Approved"
    assert "as approved" in policygen(workspace, "changes", "--all").stdout.splitlines()[-1]
    assert policygen(workspace, "check", "--all", "--strict").returncode == 0


def test_a_statement_is_library_text_checked_where_it_is_written(workspace: Path):
    form = workspace / "clauses/acceptable-use/forms/ict-user-agreement.yaml"
    text = form.read_text()
    old = "    statement: Access to the school's systems has been set up for this member of staff.\n"
    assert old in text
    form.write_text(text.replace(old, "    statement: Access to {{ school.nmae }} systems has been set up.\n"))
    done = policygen(workspace, "check", "--library")
    assert done.returncode == 1
    line = text.splitlines().index(old.rstrip("\n")) + 1
    [message] = done.stderr.splitlines()
    assert message.startswith(f"clauses/acceptable-use/forms/ict-user-agreement.yaml:{line}:")
    assert "school.nmae" in message and "Traceback" not in done.stderr


def test_tick_rows_hang_their_wrapped_lines_under_the_text(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    done = policygen(workspace, "build", f"schools/{SCHOOL}.yaml", "--policy", "acceptable-use",
                     "--format", "docx", "--format", "pdf", "--out", str(out))
    assert done.returncode == 0, done.stderr
    docx, pdf = (out / SCHOOL / f"{SCHOOL}-acceptable-use.{ext}" for ext in ("docx", "pdf"))
    ticks = [p for table in Document(docx).tables for row in table.rows for p in row.cells[0].paragraphs
             if p.text.startswith("\u2610")]
    assert len({p.text for p in ticks}) == 9
    for p in ticks:  # box, tab, text: the tab reaches the indent every later line starts at
        assert p.paragraph_format.left_indent == -p.paragraph_format.first_line_indent > Length(0)
        assert p.text.startswith("\u2610\t") and p.runs[0].text == "\u2610"

    # in the laid-out PDF, each wrapped line starts where its row's text starts, clear of the box
    page = next(i for i in range(1, 20) if "\u2610" in _page_text(pdf, i))
    lines = _lines(pdf, page)
    start = next(i for i, words in enumerate(lines) if " ".join(w for _, w in words) == "I UNDERSTAND AND AGREE THAT")
    end = next(i for i, words in enumerate(lines) if i > start and words[0][1] == "SIGNATURES")
    rows = lines[start + 1:end]
    boxed = [words for words in rows if words[0][1] == "\u2610"]
    wrapped = [words for words in rows if words[0][1] != "\u2610"]
    assert len(boxed) == 9 and len(wrapped) >= 4
    box_x = boxed[0][0][0]
    text_x = {round(words[1][0]) for words in boxed}
    assert len(text_x) == 1
    for words in wrapped:
        assert abs(words[0][0] - boxed[0][1][0]) < 1.0, (words, box_x)


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _lines(pdf: Path, page: int) -> list[list[tuple[float, str]]]:
    """Return the page's lines top to bottom, each its words (x, text) left to right (``pdftotext -bbox``)."""
    xhtml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    by_y: dict[float, list[tuple[float, str]]] = {}
    for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', xhtml):
        by_y.setdefault(round(float(y), 1), []).append((float(x), html.unescape(word)))
    return [sorted(words) for _, words in sorted(by_y.items())]
