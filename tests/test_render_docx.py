"""Every example school's DOCX, read back through python-docx and pandoc."""

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from generator.model import Status
from generator.render.docx import render_docx
from generator.resolve import resolve

from conftest import EXAMPLES, docx_paragraphs, docx_text
from helpers import build_docx, write_school


@pytest.fixture(scope="module")
def built(library, schools, tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    return {name: build_docx(library, schools[name], out) for name in EXAMPLES}


@pytest.mark.parametrize("name", EXAMPLES)
def test_headings_follow_the_resolved_policy(library, schools, built, name):
    policy = resolve(library, schools[name], "social-media")
    expected = []
    for section in policy.sections:
        expected.append(("Heading 1", f"Appendix {section.number}: {section.title}" if section.appendix
                         else f"{section.number} {section.title}"))
        expected += [("Heading 2", f"{c.number} {c.title}") for c in section.clauses]
    headings = [(s, t) for s, t in docx_paragraphs(built[name]) if s.startswith("Heading")]
    assert headings == expected


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_template_leftovers_or_guidance(library, built, name):
    text = docx_text(built[name])
    for leftover in ("{{", "}}", "{%", "%}", "[insert", "insert school name", "delete once adopted"):
        assert leftover not in text
    lib = library.policy("social-media")
    for clause in lib.clauses.values():
        for note in [clause.guidance] + [option.guidance for option in clause.options()]:
            first_line = note.strip().splitlines()[0] if note.strip() else ""
            if len(first_line) > 20:
                assert first_line not in text


def test_chosen_variant_present_and_others_absent(library, built):
    text = docx_text(built["holtsmere-end"])
    variants = library.policy("social-media").clauses["personal-use-at-work"].variants
    assert variants["designated-place"].text.split(".")[0].replace("'", "\u2019") in text
    assert variants["never"].text.split(",")[0] not in text
    assert "Staff must not use social media for personal reasons during their working hours" not in text


def test_cover_governance_table_and_header(library, schools, tmp_path):
    # an approved policy (as build prints one that matches its approval's snapshot; see test_status.py)
    policy = replace(resolve(library, schools["roselands-stafford"], "social-media"), status=Status(draft=False))
    path = tmp_path / "approved.docx"
    path.write_bytes(render_docx(policy))
    doc = Document(path)
    cover = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cover == [["Index ref", "RSF-POL-SM"], ["Policy owner", "Mrs J. Hardy, Executive Headteacher"],
                     ["Version", "1"], ["Date approved", "1 April 2017"], ["Approved by", "FGB"],
                     ["Next review date", "1 April 2019"]]
    history = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert history == [["Version", "Date approved", "Approved by", "Next review date"],
                       ["1", "1 April 2017", "FGB", "1 April 2019"]]
    header = doc.sections[0].header.paragraphs[0].text
    assert header == "Roselands & Stafford\tSocial Media Policy"  # the short name
    footer = doc.sections[0].footer._element.xml
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert "Version 1" in doc.sections[0].footer.paragraphs[0].text


def test_logo_has_alt_text_and_properties_are_set(built):
    doc = Document(built["roselands-stafford"])
    (shape,) = doc.inline_shapes
    assert shape._inline.docPr.get("descr") == "Roselands & Stafford Federation crest"
    props = doc.core_properties
    # resolved without its approval history, the policy is marked draft (see test_status.py)
    assert props.title == "Social Media Policy (Draft) – Roselands & Stafford Federation"
    assert props.subject == "Staff use of social media, the internet and email"
    assert props.author == "Roselands & Stafford Federation"
    assert props.language == "en-GB"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-GB"


def test_table_of_contents_is_a_real_field(built):
    body = Document(built["bradley-primary"]).element.body.xml
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-1" \\h \\z \\u </w:instrText>', body)
    assert 'w:fldCharType="begin"' in body and 'w:fldCharType="end"' in body
    # without LibreOffice's page numbers, Word is asked to fill them in on opening
    assert Document(built["bradley-primary"]).settings.element.find(qn("w:updateFields")) is not None


def test_lists_are_real_word_lists_with_formatting(library, tmp_path: Path):
    doc = Document(build_docx(library, write_school(tmp_path, "lists", choices={"responsibilities": True}), tmp_path))
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets and all(p._p.pPr is not None for p in bullets)
    assert doc.styles["List Bullet"].element.pPr.find(qn("w:numPr")) is not None
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "The headteacher" in bold


def test_forms_are_tables_with_tick_boxes_and_sign_rows(built):
    doc = Document(built["roselands-stafford"])
    form = next(t for t in doc.tables if "TEAM DETAILS" in t.rows[0].cells[0].text)
    texts = [c.text for row in form.rows for c in row.cells]
    assert "\u2610\tPupils of Roselands & Stafford Federation" in texts
    assert texts.count("Signature") == 2 and texts.count("Date") == 2
    adoption = next(t for t in doc.tables if t.rows[0].cells[0].text == "Chair of governors")
    rows = [[c.text for c in row.cells] for row in adoption.rows]
    assert rows[0] == ["Chair of governors", "Name", "Mr P. Ellis"]
    assert rows[3] == ["Headteacher", "Name", "Mrs J. Hardy"]


def test_school_values_are_literal(library, tmp_path: Path):
    nasty = "St Mary's & St John's <Primary> {{ 7*7 }} {% raw %} **not bold** [insert name]"
    path = write_school(tmp_path, "nasty", name=nasty, short_name="")  # the header falls back to the name
    doc = Document(build_docx(library, path, tmp_path))
    text = docx_text(doc)
    assert f"This policy sets out what {nasty} expects" in text
    assert "49" not in text
    assert doc.sections[0].header.paragraphs[0].text.startswith(nasty)


def test_pandoc_reads_the_document(built):
    out = subprocess.run(["pandoc", str(built["flourish-federation"]), "-t", "markdown"],
                         capture_output=True, text=True, check=True).stdout
    assert "# 1 Introduction" in out
    assert "## 10.1 Monitoring of the school's ICT systems" in out
    assert "data protection impact assessment" in out
    assert "-   What is written in an email" in out


def test_links_are_real_hyperlinks(built):
    doc = Document(built["flourish-federation"])
    links = doc.element.body.findall(".//" + qn("w:hyperlink"))
    external = [link for link in links if link.get(qn("r:id"))]
    assert len(external) == 1
    target = doc.part.rels[external[0].get(qn("r:id"))].target_ref
    assert target == "https://saferinternet.org.uk/professionals-online-safety-helpline"
    assert "".join(t.text for t in external[0].iter(qn("w:t"))) == "Professionals Online Safety Helpline"


def test_brand_font_and_colour_win_over_theme_fonts(built):
    doc = Document(built["roselands-stafford"])  # Liberation Sans, #0B5394
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "School Name"):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert dict(fonts.attrib) == {qn(f"w:{a}"): "Liberation Sans" for a in ("ascii", "hAnsi", "eastAsia", "cs")}
    assert str(doc.styles["Heading 1"].font.color.rgb) == "0B5394"
