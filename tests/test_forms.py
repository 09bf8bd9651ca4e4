"""The appendix forms as a reader sees them: typographic quotes in every statement. Built by the real
`policygen build` and read back with python-docx."""

from __future__ import annotations

from pathlib import Path

from docx import Document

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
