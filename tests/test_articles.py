"""A name that starts with "The" reads "the" inside a sentence and keeps its capital at the start of one."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from generator.articles import MARK, running, settle

from conftest import docx_paragraphs
from helpers import policygen

SCHOOL = "schools/model-school.yaml"  # "The School", never approved: no approved wording changes


def test_settle_reads_the_words_before_the_name():
    cases = {MARK + "X": "The X", "Done. " + MARK + "X": "Done. The X", "on behalf of " + MARK + "X": "on behalf of the X",
             "- " + MARK + "X": "- The X", "1. " + MARK + "X": "1. The X", "Para.\n\n" + MARK + "X": "Para.\n\nThe X",
             "a line\n" + MARK + "X": "a line\nthe X", "ends.\n" + MARK + "X": "ends.\nThe X",
             "**" + MARK + "X**": "**The X**", "(see " + MARK + "X)": "(see the X)", "“Done.” " + MARK + "X": "“Done.” The X"}
    assert {text: settle(text) for text in cases} == cases
    assert running("The Riverside Federation") == "the Riverside Federation"
    assert running("Theale Green School") == "Theale Green School" and running("The") == "The"


def test_the_name_reads_the_inside_a_sentence_in_the_built_document(workspace: Path):
    path = workspace / SCHOOL
    text = path.read_text()
    assert "\nname: The School\n" in text
    path.write_text(text.replace("\nname: The School\n", "\nname: The Riverside Federation\n"))
    done = policygen(workspace, "build", SCHOOL, "--policy", "social-media", "--format", "docx", "--out", "out")
    assert done.returncode == 0, done.stderr
    doc = Document(workspace / "out" / "model-school" / "model-school-social-media.docx")
    body = [text for _, text in docx_paragraphs(doc)]
    assert any("the reputation of the Riverside Federation is not harmed" in p for p in body)
    assert any(p.startswith("The Riverside Federation does not wish to discourage staff") for p in body)
    mid = [p for p in body if "The Riverside Federation" in p and not p.startswith("The Riverside Federation")]
    assert mid == []
    # the cover names it as it is written
    cover_text = "\n".join(cell.text for row in doc.tables[0].rows for cell in row.cells) + "\n".join(body[:5])
    assert "The Riverside Federation" in cover_text


def test_an_article_the_wording_puts_before_a_name_is_not_doubled(tmp_path: Path):
    from generator.governance import body_title, roles
    from generator.school import load_school

    from helpers import write_school

    assert body_title("the board of The Oak Trust") == "Board of the Oak Trust"
    assert body_title("the governing body") == "Governing Body"
    school = load_school(write_school(tmp_path, "exec-head", roles={"head": "The Executive Headteacher"})).school
    head = roles(school)["head"]
    assert (str(head), str(head.sentence())) == ("the Executive Headteacher", "The Executive Headteacher")
