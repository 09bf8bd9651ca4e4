"""`policygen changes --redline`: end to end on the fixture libraries, PDF through the real LibreOffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

FIXTURES = Path(__file__).parent / "fixtures" / "redline"


def policygen(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    temp = cwd / "tmp"  # LibreOffice's profile goes here, so its processes can be told from other tests'
    temp.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "generator", *args, "--library-dir", "lib"], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env={**os.environ, "TMPDIR": str(temp)})


def processes_using(folder: Path) -> list[str]:
    """Return the command lines of running processes that name ``folder``."""
    out = subprocess.run(["ps", "-ww", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines()[1:] if str(folder) in line]


@pytest.fixture
def approved(tmp_path: Path) -> Path:
    """A school that approved version 1 under the old library, now on the new one with another choice."""
    shutil.copytree(FIXTURES / "old", tmp_path / "lib")
    shutil.copytree(FIXTURES / "schools", tmp_path / "schools")
    school = tmp_path / "schools" / "test-school.yaml"
    school.write_text(school.read_text().replace(
        '        - {version: "1", date: 2025-03-10, by: Full Governing Body, summary: First adoption.}\n', ""))
    done = policygen(tmp_path, "approve", "schools/test-school.yaml", "--policy", "conduct", "--date", "2025-03-10",
                     "--by", "Full Governing Body")
    assert done.returncode == 0, done.stderr
    shutil.rmtree(tmp_path / "lib")
    shutil.copytree(FIXTURES / "new", tmp_path / "lib")
    school.write_text(school.read_text().replace("hours: flexible", "hours: fixed"))
    return tmp_path


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_a_pdf_redline_opens_with_the_changes_and_their_reasons(approved: Path):
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct",
                     "--redline", "out/redline.pdf", "--today", "2025-06-02")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("redline (Comparison of version 1 with the draft): out/redline.pdf\n")
    assert ("  2.1 Working hours: variant changed (“Flexible hours agreed with the line manager” → "
            "“Fixed hours set by the school”)") in done.stdout.splitlines()  # labels, not ids
    assert processes_using(approved / "tmp") == [], "a LibreOffice process outlived the command"
    assert sorted(p.name for p in (approved / "out").iterdir()) == ["redline.pdf"]  # no temporary file left
    assert not [p for p in (approved / "tmp").iterdir() if p.name.startswith("policygen-")]  # nor profile or DOCX
    pages = pdf_pages(approved / "out" / "redline.pdf")
    first = " ".join(pages[0].split())
    assert "Comparison of version 1 with the draft" in first
    assert "Not approved: a comparison of two wordings" in first
    assert "Summary of changes" in first
    for cell in ("1.1 Duties of all staff Reworded 1 June 2025: Concerns go to the designated safeguarding lead",
                 "1.3 Social media accounts New clause 1 June 2025: New clause on accounts in the school's name.",
                 "2.1 Working hours Choice changed from “Flexible hours agreed with the line manager” to “Fixed "
                 "hours set by the school” The school chose a different wording.",
                 "1.3 Fax use Removed It is no longer in the clause library."):
        assert cell in first, cell
    assert "new wording is blue and underlined twice; removed wording is struck through in red" in first
    assert "Changes by Test Schools HR Service, dated 2 June 2025." in first
    everything = " ".join(" ".join(pages).split())
    assert "on every school account they use for work" in everything
    assert "wherever the school has an account with a provider" in everything  # deleted, but shown
    for absent in ("2025-06-02", "Next change", "Review ›", "policygen", "flexible →", "fixed →"):
        assert absent not in everything


def test_the_redline_file_type_follows_its_extension(approved: Path):
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct", "--redline", "out.txt")
    assert done.returncode == 2
    assert "name the redline FILE.pdf or FILE.docx" in done.stderr
    assert not (approved / "out.txt").exists()
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct", "--redline", "r.docx")
    assert done.returncode == 0, done.stderr
    assert (approved / "r.docx").read_bytes()[:2] == b"PK"
    props = Document(approved / "r.docx").core_properties
    assert props.author == "Test Schools HR Service"
    assert props.title == "Comparison of version 1 with the draft – Test School"


def test_from_and_to_compare_two_approved_versions(approved: Path):
    done = policygen(approved, "approve", "schools/test-school.yaml", "--policy", "conduct", "--date", "2025-07-01",
                     "--by", "Full Governing Body")
    assert done.returncode == 0, done.stderr
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct", "--from", "1", "--to", "2",
                     "--redline", "v1-v2.docx", "--today", "2025-07-02")
    assert done.returncode == 0, done.stderr
    read = subprocess.run(["pandoc", "--track-changes=all", "-f", "docx", "-t", "json", "v1-v2.docx"], cwd=approved,
                          capture_output=True, check=True, text=True)
    doc = json.loads(read.stdout)
    paragraphs = [" ".join(c["c"] for c in b["c"] if c["t"] == "Str") for b in doc["blocks"] if b["t"] == "Para"]
    assert "Comparison of version 1 with version 2" in paragraphs
    assert any(p.startswith("This document compares version 1 (approved 10 March 2025 by Full Governing Body) "
                            "with version 2 (approved 1 July 2025 by Full Governing Body).") for p in paragraphs)
    assert '"insertion"' in read.stdout and '"deletion"' in read.stdout
    # --to alone compares with the approval before it; --from must come before --to
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct", "--to", "2",
                     "--redline", "to2.docx")
    assert done.returncode == 0 and "Comparison of version 1 with version 2" in done.stdout, done.stderr
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct", "--from", "2", "--to", "1",
                     "--redline", "back.docx")
    assert done.returncode == 1 and not (approved / "back.docx").exists()
    assert "--from 2 must be an approved version earlier than --to 1" in done.stderr
    # now that version 2 is approved, the same comparison of version 2 with the draft has nothing to show
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct", "--redline", "none.docx")
    assert done.returncode == 0, done.stderr
    none = subprocess.run(["pandoc", "--track-changes=all", "-f", "docx", "-t", "plain", "none.docx"], cwd=approved,
                          capture_output=True, check=True, text=True).stdout
    assert "There are no changes: the wording is the same in both." in " ".join(none.split())


def test_a_version_never_approved_is_one_located_error(approved: Path):
    done = policygen(approved, "changes", "schools/test-school.yaml", "--policy", "conduct", "--from", "7",
                     "--redline", "x.pdf")
    assert done.returncode == 1
    assert done.stderr.startswith("schools/test-school.yaml:")
    assert "no approval of version 7 of the conduct policy (approved versions: 1)" in done.stderr
    assert "Traceback" not in done.stderr and not (approved / "x.pdf").exists()
