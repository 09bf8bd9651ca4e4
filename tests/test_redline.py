"""The redline: changes marked in the document tree, drawn by the one body writer.

Built from two versions of a tiny fixture library (tests/fixtures/redline/),
written as DOCX and read back through pandoc's tracked-change reader, which
gives insertion and deletion spans around ordinary inlines.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from generator.compare import mark_changes
from generator.dump import dump_text
from generator.library import load_library
from generator.model import ChangeNote, Comparison, Deletion, Insertion, Run
from generator.phrases import diff_runs
from generator.render.docx import render_docx
from generator.render.redline import Marks
from generator.resolve import resolve
from generator.school import load_school

FIXTURES = Path(__file__).parent / "fixtures" / "redline"
COMPARISON = Comparison("version 1", "the draft", "approved 10 March 2025 by Full Governing Body",
                        "as it would print on 2 June 2025, not yet approved",
                        (ChangeNote("1.1 Duties of all staff", "Reworded", ("1 June 2025: Concerns go to the DSL.",)),))


def marked(inlines) -> str:
    """Return inlines as text with [-deleted-] and {+inserted+} stretches."""
    out = []
    for i in inlines:
        text = "".join(r.text for r in i.runs) if not isinstance(i, Run) else i.text
        out.append(f"[-{text}-]" if isinstance(i, Deletion) else f"{{+{text}+}}" if isinstance(i, Insertion) else text)
    return "".join(out)


def test_a_reworded_phrase_is_marked_whole_not_word_by_word():
    old = (Run("Staff must not post wherever the school has an account. They should ask first."),)
    new = (Run("Staff must not post on every school account without permission. They should ask first."),)
    assert marked(diff_runs(old, new)) == ("Staff must not post [-wherever the school has an account-]"
                                           "{+on every school account without permission+}. They should ask first.")


def test_changes_a_few_words_apart_join_into_one_phrase():
    old = (Run("one two three four five six seven"),)
    new = (Run("one two THREE four SIX seven"),)
    assert marked(diff_runs(old, new)) == "one two [-three four five six-]{+THREE four SIX+} seven"


def test_a_rewritten_sentence_is_replaced_whole():
    old = (Run("Keep it short. The cat sat on the mat."),)
    new = (Run("Keep it short. Dogs are entirely different animals altogether."),)
    assert marked(diff_runs(old, new)) == ("Keep it short. [-The cat sat on the mat.-]"
                                           "{+Dogs are entirely different animals altogether.+}")


def test_an_added_sentence_leaves_its_neighbours_unmarked():
    old = (Run("Concerns are reported in writing. The head replies within a week. Anonymous reports are refused."),)
    new = (Run("Concerns are reported in writing. Urgent ones may be telephoned. The head replies within a week."),)
    result = diff_runs(old, new)
    assert [marked((i,)) for i in result if not isinstance(i, Run)] == [
        "{+Urgent ones may be telephoned. +}", "[- Anonymous reports are refused.-]"]


def test_formatting_and_links_survive_inside_and_around_a_change():
    old = (Run("Read the "), Run("guidance", href="https://example.org"), Run(" now, "), Run("always", bold=True), Run("."))
    new = (Run("Read the "), Run("guidance", href="https://example.org"), Run(" before you post, "),
           Run("always", bold=True), Run("."))
    result = diff_runs(old, new)
    assert Run("guidance", href="https://example.org") in result
    assert Run("always", bold=True) in result
    assert marked(result) == "Read the guidance [-now-]{+before you post+}, always."


@pytest.fixture(scope="module")
def policies(tmp_path_factory):
    """The fixture school's policy under the old library, and under the new one with another choice."""
    school = load_school(FIXTURES / "schools" / "test-school.yaml")
    old = resolve(load_library(FIXTURES / "old"), school, "conduct")
    folder = tmp_path_factory.mktemp("school")
    changed = folder / "test-school.yaml"
    changed.write_text((FIXTURES / "schools" / "test-school.yaml").read_text().replace("hours: flexible", "hours: fixed"))
    new = resolve(load_library(FIXTURES / "new"), load_school(changed), "conduct")
    return old, new


def test_the_tree_marks_clauses_added_removed_and_variants_switched(policies):
    old, new = policies
    redline = mark_changes(old, new, COMPARISON)
    clauses = {c.id: c for _, c in redline.clauses()}
    assert list(clauses) == ["duties", "reporting", "retired", "new-duty", "hours"]
    assert clauses["retired"].change == "deleted" and clauses["new-duty"].change == "inserted"
    hours = clauses["hours"].blocks
    assert [marked(b.runs) for b in hours] == ["[-Staff agree their hours with their line manager.-]",
                                               "{+Staff work the hours the school sets, from 8.30am to 4.30pm.+}"]
    assert redline.comparison == COMPARISON
    assert clauses["reporting"].change is None and clauses["duties"].old_title is None
    sections = {s.id: s for s in redline.sections}
    assert (sections["working-time"].old_title, sections["working-time"].title) == ("Working time",
                                                                                   "Working time and hours")
    assert marked(sections["adoption"].form.intro[0].runs) == (
        "This policy was adopted by the governing body of Test School[-.-]{+, and is signed on its behalf by:+}")


def test_dump_prints_a_redlines_marks(policies):
    old, new = policies
    text = dump_text(mark_changes(old, new, COMPARISON))
    assert ('"report concerns to the " Deletion["headteacher"] Insertion["designated safeguarding lead the same day"] ";"'
            in text)


def pandoc_json(path: Path) -> dict:
    done = subprocess.run(["pandoc", "--track-changes=all", "-f", "docx", "-t", "json", str(path)],
                          capture_output=True, check=True, timeout=120)
    return json.loads(done.stdout)


def stringify(inlines: list) -> str:
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Strong", "Emph", "Underline", "Strikeout"):
            out.append(stringify(content))
        elif kind in ("Span", "Link"):
            out.append(stringify(content[1]))
    return "".join(out)


def walk(node, found: list, inside: tuple = ()) -> None:
    """Collect (kind, text, the node types it sits inside) for every Span, Strong, Link and list."""
    if isinstance(node, list):
        for child in node:
            walk(child, found, inside)
    elif isinstance(node, dict) and "t" in node:
        kind, content = node["t"], node.get("c")
        if kind == "Span":
            classes = content[0][1]
            found.append(("Span " + " ".join(classes), stringify(content[1]), inside))
        elif kind == "Strong":
            found.append(("Strong", stringify(content), inside))
        elif kind == "Link":
            found.append(("Link " + content[2][0], stringify(content[1]), inside))
        elif kind == "OrderedList":
            found.append(("OrderedList", "", inside))
        walk(content, found, inside + (kind,))


def test_a_docx_redline_keeps_bold_links_and_numbered_lists_as_tracked_changes(policies, tmp_path: Path):
    old, new = policies
    path = tmp_path / "redline.docx"
    path.write_bytes(render_docx(mark_changes(old, new, COMPARISON), marks=Marks(True, "Test Schools HR Service",
                                                                                 date(2025, 6, 2))))
    found: list = []
    walk(pandoc_json(path)["blocks"], found)
    spans = [(kind, text) for kind, text, _ in found if kind.startswith("Span")]
    assert ("Span deletion", "wherever the school has an account with a provider") in spans
    assert ("Span insertion", "on every school account they use for work") in spans
    # the bold run and the link are still there, unmarked, in the same paragraph
    assert ("Strong", "must act with integrity") in [(k, t) for k, t, _ in found]
    assert ("Link https://www.gov.uk/guidance", "DfE guidance") in [(k, t) for k, t, _ in found]
    # the numbered list stays numbered, with its changed and added items marked inside it
    in_list = [(k, t) for k, t, inside in found if "OrderedList" in inside and k.startswith("Span")]
    assert ("Span deletion", "headteacher") in in_list
    assert ("Span insertion", "designated safeguarding lead the same day") in in_list
    assert ("Span insertion", "complete safeguarding training every year.") in in_list
    # whole clauses and a switched choice
    assert ("Span deletion", "1.3 Fax use") in spans
    assert ("Span insertion", "1.3 Social media accounts") in spans
    assert ("Span deletion", "Staff agree their hours with their line manager.") in spans
    assert ("Span insertion", "Staff work the hours the school sets, from 8.30am to 4.30pm.") in spans
    # a retitled section, and a form whose introduction changed, with its table kept
    assert ("Span deletion", "Working time") in spans and ("Span insertion", "Working time and hours") in spans
    assert ("Span insertion", ", and is signed on its behalf by:") in spans
    assert ("Strong", "Chair of governors") in [(k, t) for k, t, _ in found]
    # the author is the HR service, on every tracked change
    xml_authors = {dict(attr[2])["author"] for attr, _ in _spans(pandoc_json(path)["blocks"])}
    assert xml_authors == {"Test Schools HR Service"}


def _spans(node) -> list:
    out = []
    if isinstance(node, list):
        for child in node:
            out += _spans(child)
    elif isinstance(node, dict) and "t" in node:
        if node["t"] == "Span" and node["c"][0][1] and node["c"][0][1][0] in ("insertion", "deletion"):
            out.append(node["c"])
        out += _spans(node.get("c"))
    return out


def test_a_redline_starts_with_its_summary_and_legend(policies, tmp_path: Path):
    old, new = policies
    path = tmp_path / "redline.docx"
    path.write_bytes(render_docx(mark_changes(old, new, COMPARISON), marks=Marks(False, "HR", date(2025, 6, 2))))
    blocks = pandoc_json(path)["blocks"]
    text = [stringify(b["c"][2]) if b["t"] == "Header" else stringify(b["c"]) if b["t"] == "Para" else b["t"]
            for b in blocks]
    first = text.index("Summary of changes")
    assert first < text.index("Contents")
    legend = next(t for t in text if t.startswith("How to read the changes"))
    assert "blue and underlined twice" in legend and "struck through in red" in legend
    assert "Review tab" not in legend  # that note is for the Word file only
    # drawn, not tracked: no tracked change is left for a PDF to colour by author
    assert _spans(blocks) == []
