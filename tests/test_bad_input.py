"""Bad input: one clear, located message, exit 1, no traceback, output untouched."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

from generator.manifest import MANIFEST_NAME

from generator.cli import main

from bad_input_cases import LIBRARY_CASES, SCHOOL_CASES
from conftest import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "bad-input"
LIBRARY = FIXTURE / "clauses"  # a copy of the library as it was, so edits to clauses/ never move a line here


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Run ``policygen ARGS`` in process; return (exit code, stdout, stderr)."""
    old = sys.argv
    sys.argv = ["policygen", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, str]:
    """Return the digest of every document under ``folder`` (the incremental-build manifest aside)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".policygen-manifest" not in p.parts}


@pytest.fixture
def case_dir(tmp_path: Path, monkeypatch) -> Path:
    shutil.copy(FIXTURE / "logo.png", tmp_path / "logo.png")
    (tmp_path / "notes.txt").write_text("not an image\n")
    previous = tmp_path / "output" / "school" / "school-social-media.docx"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"the previous, good document")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_case(folder: Path, edits) -> Path:
    path = folder / "school.yaml"
    if isinstance(edits, bytes):
        path.write_bytes(edits)
        return path
    if isinstance(edits, str):
        path.write_text(edits)
        return path
    text = (FIXTURE / "base.yaml").read_text()
    for old, new in edits:
        assert old in text, f"edit target {old!r} not in base.yaml"
        text = text.replace(old, new, 1)
    path.write_text(text)
    return path


def test_the_base_school_is_valid(case_dir: Path, capsys):
    write_case(case_dir, [])
    code, out, err = run_cli(["check", "school.yaml", "--library-dir", str(LIBRARY)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("ok: the library and 1 school file(s) checked")


def test_corpus_is_large_enough():
    assert len(SCHOOL_CASES) + len(LIBRARY_CASES) >= 110  # and the file, path, logo and template cases


@pytest.mark.parametrize("case_id, edits, expected", SCHOOL_CASES, ids=[c[0] for c in SCHOOL_CASES])
def test_bad_school_file(case_dir: Path, capsys, case_id, edits, expected):
    write_case(case_dir, edits)
    before = snapshot(case_dir / "output")
    library = str(LIBRARY)

    code, out, err = run_cli(["check", "school.yaml", "--library-dir", library], capsys)
    assert code == 1
    assert err.splitlines() == expected
    assert "Traceback" not in err + out

    code, out, err = run_cli(["build", "school.yaml", "--format", "docx", "--out", "output",
                              "--library-dir", library], capsys)
    assert code == 1
    assert err.splitlines()[: len(expected)] == expected
    assert "Traceback" not in err + out
    assert snapshot(case_dir / "output") == before


@pytest.mark.parametrize("case_id, target, edits, expected", LIBRARY_CASES, ids=[c[0] for c in LIBRARY_CASES])
def test_bad_library(case_dir: Path, capsys, case_id, target, edits, expected):
    shutil.copytree(LIBRARY, case_dir / "clauses")
    path = case_dir / "clauses" / "social-media" / target
    if isinstance(edits, str):
        path.write_text(edits)
    else:
        text = path.read_text()
        for old, new in edits:
            assert old in text
            text = text.replace(old, new, 1)
        path.write_text(text)
    write_case(case_dir, [])
    before = snapshot(case_dir / "output")

    code, out, err = run_cli(["check", "--library", "--library-dir", "clauses"], capsys)
    assert code == 1
    assert [ln for ln in err.splitlines() if "warning:" not in ln] == expected
    assert "Traceback" not in err + out

    code, out, err = run_cli(["build", "school.yaml", "--format", "docx", "--out", "output",
                              "--library-dir", "clauses"], capsys)
    assert code == 1
    assert [ln for ln in err.splitlines() if "warning:" not in ln] == expected
    assert snapshot(case_dir / "output") == before


@pytest.mark.parametrize("content, expected", [
    (b"this is not a Word file", "error: bad.docx: the house-style template is corrupt or not a .docx file (File is not a zip file)"),
    (None, "error: bad.docx: house-style template not found"),
])
def test_bad_template_is_one_line(case_dir: Path, capsys, content, expected):
    write_case(case_dir, [])
    if content is not None:
        (case_dir / "bad.docx").write_bytes(content)
    before = snapshot(case_dir / "output")
    code, out, err = run_cli(["build", "school.yaml", "--format", "docx", "--out", "output", "--template", "bad.docx",
                              "--library-dir", str(LIBRARY)], capsys)
    assert (code, err.splitlines()) == (1, [expected])
    assert snapshot(case_dir / "output") == before


def test_template_without_a_required_style(case_dir: Path, capsys):
    from docx import Document

    doc = Document(ROOT / "templates" / "house-style.docx")
    style = doc.styles["Table Label"]
    style.element.getparent().remove(style.element)
    doc.save(case_dir / "nostyle.docx")
    write_case(case_dir, [])
    code, _, err = run_cli(["build", "school.yaml", "--format", "docx", "--out", "output", "--template", "nostyle.docx",
                            "--library-dir", str(LIBRARY)], capsys)
    assert (code, err.splitlines()) == (1, [
        "error: nostyle.docx: the house-style template lacks the style(s) Table Label (see docs/templates.md)"])


@pytest.mark.parametrize("args, message", [
    (["build"], "name one or more school files, or use --all"),
    (["build", "--all", "school.yaml"], "give school files or --all, not both"),
    (["build", "--jobs", "0", "--all"], "Invalid value for '--jobs'"),
    (["build", "--format", "rtf", "--all"], "Invalid value for '--format'"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_usage_errors_exit_2(case_dir: Path, capsys, args, message):
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(case_dir: Path, capsys):
    write_case(case_dir, [("type: school", "type: college")])
    code, _, err = run_cli(["--debug", "dump", "school.yaml", "--library-dir", str(LIBRARY)], capsys)
    assert code == 1
    assert "Traceback" in err
    assert err.rstrip().endswith("school.yaml:2:7: type: unknown school type 'college'; choose one of community, "
                                 "voluntary-controlled, voluntary-aided, foundation, academy, free-school, federation, "
                                 "maintained-nursery, independent")


def test_missing_school_file(case_dir: Path, capsys):
    code, _, err = run_cli(["check", "nowhere.yaml", "--library-dir", str(LIBRARY)], capsys)
    assert (code, err.splitlines()) == (1, ["nowhere.yaml: file not found"])


def test_a_font_that_is_not_installed_is_a_warning(case_dir: Path, capsys):
    write_case(case_dir, [("font: Carlito", "font: Carlitto")])
    code, out, err = run_cli(["check", "school.yaml", "--library-dir", str(LIBRARY)], capsys)
    assert code == 0
    assert err.splitlines() == ["school.yaml:7:9: warning: font 'Carlitto' is not installed (did you mean 'carlito'?); "
                                "LibreOffice will substitute another in the PDF (see docs/templates.md)"]
    code, _, _ = run_cli(["check", "--strict", "school.yaml", "--library-dir", str(LIBRARY)], capsys)
    assert code == 1


def test_metric_compatible_fonts_are_accepted(case_dir: Path, capsys):
    write_case(case_dir, [("font: Carlito", "font: Calibri")])
    code, out, err = run_cli(["check", "school.yaml", "--library-dir", str(LIBRARY)], capsys)
    assert (code, err) == (0, "")


def test_template_without_the_body_placeholder(case_dir: Path, capsys):
    from docx import Document

    doc = Document(ROOT / "templates" / "house-style.docx")
    for paragraph in doc.paragraphs:
        if "{{p body }}" in paragraph.text:
            paragraph.text = "the body goes here"
    doc.save(case_dir / "nobody.docx")
    write_case(case_dir, [])
    code, _, err = run_cli(["build", "school.yaml", "--format", "docx", "--out", "output", "--template", "nobody.docx",
                            "--library-dir", str(LIBRARY)], capsys)
    assert (code, err.splitlines()) == (1, [
        "error: nobody.docx: the house-style template has no {{p body }} paragraph for the policy body "
        "(see docs/templates.md)"])


@pytest.mark.parametrize("expression, expected", [
    ("{{ 1/0 }}", "template error in the house-style template: ZeroDivisionError: division by zero"),
    ("{{ 9**(9**10) }}", "template error in the house-style template: 9 ** 3486784401 is too large a number to compute"),
    ("{{ 'x' * 3000000000 }}", "template error in the house-style template: the result would be 3,000,000,000 "
                               "characters or items long; at most 100,000 fit in a clause"),
    ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
     "template error in the house-style template: the template does too much work (more than 250,000 steps); "
     "simplify its loops"),
], ids=["division-by-zero", "huge-power", "huge-repeat", "nested-ranges"])
def test_a_house_template_that_fails_for_every_school(case_dir: Path, capsys, expression, expected):
    """check tries the template, so it fails there, as one line; build fails the same way, before any school."""
    from docx import Document

    doc = Document(ROOT / "templates" / "house-style.docx")
    doc.paragraphs[0].insert_paragraph_before(expression)
    doc.save(case_dir / "bad.docx")
    write_case(case_dir, [])
    before = snapshot(case_dir / "output")
    code, out, err = run_cli(["check", "--library", "--template", "bad.docx", "--library-dir", str(LIBRARY)], capsys)
    assert (code, err.splitlines()) == (1, [f"error: bad.docx: {expected}"])
    code, out, err = run_cli(["build", "school.yaml", "--format", "docx", "--out", "output", "--template", "bad.docx",
                              "--library-dir", str(LIBRARY)], capsys)
    assert code == 1
    assert "Traceback" not in out + err
    assert f"bad.docx: {expected}" in out + err
    assert snapshot(case_dir / "output") == before
