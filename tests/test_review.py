"""The review cycle, end to end on a copy of an example school."""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

from docx import Document

from generator.review.approve import next_version
from generator.review.due import due_items

from conftest import docx_paragraphs
from helpers import policygen


def tracked_spans(docx: Path) -> list[tuple[str, str, dict]]:
    """Return (insertion or deletion, text, attributes) of every tracked change, as pandoc reads the DOCX."""
    doc = json.loads(subprocess.run(["pandoc", "--track-changes=all", "-f", "docx", "-t", "json", str(docx)],
                                    capture_output=True, check=True, text=True, timeout=120).stdout)
    found: list[tuple[str, str, dict]] = []

    def text(inlines: list) -> str:
        words = {"Str": lambda c: c, "Space": lambda c: " ", "SoftBreak": lambda c: " ",
                 "Span": lambda c: text(c[1]), "Link": lambda c: text(c[1]), "Strong": text, "Emph": text}
        return "".join(words[i["t"]](i.get("c")) for i in inlines if i["t"] in words)

    def walk(node) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "t" in node:
            if node["t"] == "Span" and node["c"][0][1][:1] in (["insertion"], ["deletion"]):
                found.append((node["c"][0][1][0], text(node["c"][1]), dict(node["c"][0][2])))
            walk(node.get("c"))
    walk(doc["blocks"])
    return found


def removed_lines(before: str, after: str) -> list[str]:
    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if ln.startswith("-") and not ln.startswith("---")]


def added_lines(before: str, after: str) -> list[str]:
    return [ln[1:] for ln in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if ln.startswith("+") and not ln.startswith("+++")]


def reword_media_enquiries(workspace: Path) -> None:
    path = workspace / "clauses/social-media/clauses/05-business-use.yaml"
    text = path.read_text()
    old = "they must pass the enquiry to the headteacher and must not respond"
    assert old in text
    text = text.replace(old, "they must pass the enquiry to the headteacher on the same day and must not respond")
    text = text.replace('      - {date: 2026-11-01, summary: "First version."}\n\n  - id: site-creation',
                        '      - {date: 2026-11-01, summary: "First version."}\n'
                        '      - {date: 2026-11-21, summary: "Enquiries must reach the headteacher the same day."}\n\n'
                        '  - id: site-creation')
    assert "2026-11-21" in text
    path.write_text(text)
    lib = workspace / "clauses/library.yaml"
    lib.write_text(lib.read_text().replace('version: "2026.11.23"', 'version: "2026.12"'))


def test_round_trip(workspace: Path):
    school = workspace / "schools" / "roselands-stafford.yaml"
    original = school.read_text()

    # 1. approve: version 2, the file's diff holds only new lines, comments intact
    done = policygen(workspace, "approve", "schools/roselands-stafford.yaml", "--policy", "social-media",
                     "--date", "2026-11-20", "--by", "FGB", "--summary", "Moved to the policygen clause library.")
    assert done.returncode == 0, done.stderr
    assert "version 2 on 20 November 2026 by FGB; next review 20 November 2028" in done.stdout
    first = school.read_text()
    assert removed_lines(original, first) == []
    assert added_lines(original, first) == [
        '        - {version: "2", date: 2026-11-20, by: FGB, summary: Moved to the policygen clause library., '
        'next_review: 2028-11-20}']
    assert "# Roselands & Stafford Federation, East Sussex (seed 001)" in first
    assert "official-sites: allowed              # Appendix A and the approval form" in first
    snapshot = workspace / "schools" / "roselands-stafford.approved" / "social-media-v2.json"
    assert snapshot.exists()

    # nothing changed yet
    done = policygen(workspace, "changes", "schools/roselands-stafford.yaml", "--policy", "social-media")
    assert done.returncode == 0, done.stderr
    assert "No changes: the policy prints exactly as approved." in done.stdout

    # 2. reword one clause in the library, with a changelog line
    reword_media_enquiries(workspace)

    # 3. changes lists exactly that clause, with the changelog summary
    redline = workspace / "redline.docx"
    done = policygen(workspace, "changes", "schools/roselands-stafford.yaml", "--policy", "social-media", "--redline", str(redline),
                     "--today", "2026-12-02")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("Social Media Policy of Roselands & Stafford Federation: changes since version 2, approved "
                        "20 November 2026 by FGB (clause library 2026.11.23; now 2026.12)")
    assert lines[1:4] == ["  7.3 Media enquiries: reworded",
                          "      library, 21 November 2026: Enquiries must reach the headteacher the same day.",
                          "1 reworded."]

    # 4. the redline shows it as a tracked change
    spans = tracked_spans(redline)
    assert [(kind, text) for kind, text, _ in spans] == [("insertion", "on the same day")]
    assert spans[0][2]["date"] == "2026-12-02T00:00:00Z"
    assert "7.3 Media enquiries" in "".join(t for _, t in docx_paragraphs(redline))

    # 5. approving again gives version 3; 7. again only added lines
    done = policygen(workspace, "approve", "schools/roselands-stafford.yaml", "--policy", "social-media",
                     "--date", "2026-11-22", "--by", "FGB")
    assert done.returncode == 0, done.stderr
    second = school.read_text()
    assert removed_lines(first, second) == []
    assert added_lines(first, second) == ['        - {version: "3", date: 2026-11-22, by: FGB, next_review: 2028-11-22}']

    # 6. the rebuilt policy's table of changes and cover show the new approval
    done = policygen(workspace, "build", "schools/roselands-stafford.yaml", "--format", "docx", "--out", "out")
    assert done.returncode == 0, done.stderr
    doc = Document(workspace / "out" / "roselands-stafford" / "roselands-stafford-social-media.docx")
    cover = dict((r.cells[0].text, r.cells[1].text) for r in doc.tables[0].rows)
    assert cover["Version"] == "3" and cover["Date approved"] == "22 November 2026"
    assert cover["Next review date"] == "22 November 2028"
    history = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert history[-1] == ["3", "22 November 2026", "FGB", "22 November 2028"]
    changes = [[c.text for c in r.cells] for r in doc.tables[-1].rows]
    assert changes[0] == ["Date of change", "Paragraphs affected", "Summary of update"]
    assert changes[1] == ["22 November 2026", "7.3", "Enquiries must reach the headteacher the same day."]
    assert changes[2] == ["20 November 2026", "None", "Moved to the policygen clause library."]
    assert changes[3] == ["1 April 2017", "All", "First adoption of the policy."]


def test_redline_opens_in_libreoffice_with_tracked_changes(workspace: Path, tmp_path: Path):
    assert policygen(workspace, "approve", "schools/holtsmere-end.yaml", "--policy", "social-media", "--date", "2026-11-20",
                     "--by", "Full Governing Body").returncode == 0
    reword_media_enquiries(workspace)
    redline = tmp_path / "redline.docx"
    done = policygen(workspace, "changes", "schools/holtsmere-end.yaml", "--policy", "social-media", "--redline", str(redline))
    assert done.returncode == 0, done.stderr
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", "odt",
                    "--outdir", str(tmp_path), str(redline)], capture_output=True, check=True, timeout=120)
    content = zipfile.ZipFile(tmp_path / "redline.odt").read("content.xml").decode()
    assert "<text:tracked-changes" in content
    assert content.count("<text:changed-region") == 1
    assert "on the same day" in content


def test_variant_removed_from_library_is_reported(workspace: Path):
    path = workspace / "clauses/social-media/clauses/04-personal-use.yaml"
    text = path.read_text().replace("      outside-working-hours:\n", "      outside-hours:\n")
    path.write_text(text)
    for command in (["check", "schools/bradley-primary.yaml"],
                    ["build", "schools/bradley-primary.yaml", "--format", "docx", "--out", "out"],
                    ["changes", "schools/bradley-primary.yaml"]):
        done = policygen(workspace, *command)
        assert done.returncode == 1
        assert ("schools/bradley-primary.yaml:21:29: personal-use-at-work: no variant 'outside-working-hours' "
                "(did you mean 'outside-hours'?); choose one of never, designated-place, outside-hours") in done.stderr
        assert "Traceback" not in done.stderr


def test_new_required_choice_is_reported(workspace: Path):
    path = workspace / "clauses/social-media/clauses/04-personal-use.yaml"
    text = path.read_text().replace("    default: strongly-discouraged\n", "    required: true\n")
    path.write_text(text)
    done = policygen(workspace, "check", "schools/holtsmere-end.yaml")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "schools/holtsmere-end.yaml:17:5: missing required choice 'former-pupils' (Former pupils) for the "
        "social-media policy: choose one of must-not, strongly-discouraged"]


def test_approving_a_school_with_no_approvals_yet(workspace: Path):
    school = workspace / "schools" / "model-school.yaml"
    before = school.read_text()
    done = policygen(workspace, "approve", "schools/model-school.yaml", "--policy", "social-media", "--date", "2026-09-01",
                     "--by", "Governing Body")
    assert done.returncode == 0, done.stderr
    after = school.read_text()
    assert removed_lines(before, after) == ["-      approvals: []"]
    assert added_lines(before, after) == ["      approvals:",
                                          '        - version: "1"', "          date: 2026-09-01",
                                          "          by: Governing Body", "          next_review: 2027-09-01"]


def test_approve_refuses_an_earlier_date(workspace: Path):
    done = policygen(workspace, "approve", "schools/roselands-stafford.yaml", "--date", "2010-01-01", "--by", "FGB",
                     "--yes")
    assert done.returncode == 1
    assert "the approval date 1 January 2010 is before the last approval (1 April 2017)" in done.stderr


def test_next_version():
    assert next_version([]) == "1"
    assert next_version(["1"]) == "2"
    assert next_version(["V1"]) == "V2"
    assert next_version(["1", "2.9"]) == "2.10"


def test_due_lists_soonest_first(library, schools):
    items = due_items(library, list(schools.values()), date(2026, 11, 21), within=60)
    assert items[0].due is None  # never approved comes first
    assert ("model-school", "social-media") in {(i.school_id, i.policy_id) for i in items if i.due is None}
    dues = [i.due for i in items if i.due]
    assert dues == sorted(dues)


def test_due_command_reads_well(workspace: Path):
    done = policygen(workspace, "due", "--today", "2026-11-21", "--within", "30")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["Due", "Status", "School", "Policy", "Version"]
    never = [line for line in lines[2:] if line.startswith("-") and "never approved" in line]
    assert lines[2].startswith("-") and lines[2] in never and any("The School" in line for line in never)
    first_due = lines[2 + len(never)]
    assert "1 April 2019" in first_due and "overdue by 7 years 7 months" in first_due
    assert lines[-1] == f"4 overdue, 0 due within 30 days, {len(never)} never approved (as of 21 November 2026)."
    data = json.loads(policygen(workspace, "due", "--today", "2026-11-21", "--format", "json").stdout)
    first = data[len(never)]
    assert first["school_id"] == "roselands-stafford" and first["days_left"] == -2791
    csv_text = policygen(workspace, "due", "--today", "2026-11-21", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == ("\ufeffdue,days_left,status,school_id,school,policy_id,policy,version,"
                                        "last_approved,approved_by,wording_changed")
