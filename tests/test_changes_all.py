"""`policygen changes --all` (issue 12 item 5) and labels, not ids, in `changes` and `clauses` (item 6).

On the redline fixture: a school approved version 1 under the old library,
then the library moved to the new one and the school switched a choice.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "redline"
HOURS = "2.1 Working hours"
SWITCH = "Choice changed from “Flexible hours agreed with the line manager” to “Fixed hours set by the school”"


def policygen(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args, "--library-dir", "lib"], cwd=cwd,
                          capture_output=True, timeout=600, env={**os.environ, "TMPDIR": str(cwd)})


@pytest.fixture
def schools(tmp_path: Path) -> Path:
    """Three schools: one approved then changed, one never approved, one approved as it prints today."""
    shutil.copytree(FIXTURES / "old", tmp_path / "lib")
    shutil.copytree(FIXTURES / "schools", tmp_path / "schools")
    school = tmp_path / "schools" / "test-school.yaml"
    text = school.read_text().replace(
        '        - {version: "1", date: 2025-03-10, by: Full Governing Body, summary: First adoption.}\n', "")
    school.write_text(text)
    done = policygen(tmp_path, "approve", "schools/test-school.yaml", "--policy", "conduct", "--date", "2025-03-10",
                     "--by", "Full Governing Body")
    assert done.returncode == 0, done.stderr
    shutil.rmtree(tmp_path / "lib")
    shutil.copytree(FIXTURES / "new", tmp_path / "lib")
    school.write_text(school.read_text().replace("hours: flexible", "hours: fixed"))
    never = text.replace("name: Test School", 'name: "=Ysgol Ŵy – never"').replace("approvals:\n", "approvals: []\n")
    (tmp_path / "schools" / "never.yaml").write_text(never, encoding="utf-8")
    (tmp_path / "schools" / "current.yaml").write_text(text.replace("name: Test School", "name: Current School"))
    done = policygen(tmp_path, "approve", "schools/current.yaml", "--policy", "conduct", "--date", "2025-07-01",
                     "--by", "Full Governing Body")
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_the_table_lists_each_change_with_labels_and_reasons(schools: Path):
    done = policygen(schools, "changes", "--all")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == "=Ysgol Ŵy – never: Staff Conduct Policy (never approved)"
    assert lines[1] == "Test School: Staff Conduct Policy (version 1, approved 10 March 2025)"
    changes = lines[2:lines.index("")]
    assert changes == [
        "  1.1 Duties of all staff: Reworded",
        "      1 June 2025: Concerns go to the designated safeguarding lead, the same day.",
        "  1.2 Reporting concerns: Reworded",
        "      1 June 2025: Urgent concerns by telephone; anonymous reports are now considered.",
        "  1.3 Social media accounts: New clause",
        "      1 June 2025: New clause on accounts in the school's name.",
        f"  {HOURS}: {SWITCH}",
        "      The school chose a different wording.",
        "  1.3 Fax use: Removed",
        "      It is no longer in the clause library."]
    assert "Current School" not in done.stdout.decode()  # prints as approved: not affected
    assert lines[-1] == "1 changed since approval, 1 never approved, 1 as approved (clause library 2025.2)."
    assert "flexible" not in done.stdout.decode() and "fixed" not in done.stdout.decode()  # labels, not ids


def test_csv_is_for_excel_and_json_has_nulls(schools: Path):
    done = policygen(schools, "changes", "--all", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"))))
    assert rows[0]["school"] == "'=Ysgol Ŵy – never"  # the due writer: no formula runs in Excel
    assert rows[0]["change"] == "never approved" and rows[0]["version"] == ""
    hours = next(r for r in rows if r["clause"] == HOURS)
    assert (hours["school_id"], hours["version"], hours["last_approved"]) == ("test-school", "1", "2025-03-10")
    assert hours["change"] == SWITCH and hours["why"] == "The school chose a different wording."
    assert len(rows) == 1 + 5

    data = json.loads(policygen(schools, "changes", "--all", "--format", "json").stdout)
    assert [(d["school_id"], d["status"]) for d in data] == [("never", "never approved"), ("test-school", "changed")]
    assert data[0]["version"] is None and data[0]["last_approved"] is None and data[0]["changes"] == []
    assert {"clause": HOURS, "change": SWITCH, "why": ["The school chose a different wording."]} in data[1]["changes"]


def test_one_unreadable_school_is_reported_at_its_place_and_the_others_listed(schools: Path):
    (schools / "schools" / "broken.yaml").write_text("name: Broken\npolicies: [\n")
    (schools / "schools" / "gone.yaml").write_text(
        (schools / "schools" / "test-school.yaml").read_text().replace("hours: fixed", "hours: part-time"))
    done = policygen(schools, "changes", "--all")
    assert done.returncode == 1
    errors = done.stderr.decode().splitlines()
    assert any(e.startswith("schools/broken.yaml:") for e in errors), errors
    assert any(e.startswith("schools/gone.yaml:") and "part-time" in e for e in errors), errors
    assert "Traceback" not in done.stderr.decode()
    assert "Test School: Staff Conduct Policy (version 1" in done.stdout.decode()


def test_usage_errors_are_told_apart(schools: Path):
    assert policygen(schools, "changes", "--all", "schools/test-school.yaml").returncode == 2
    assert policygen(schools, "changes").returncode == 2


def test_changes_and_clauses_show_variant_labels_not_ids(schools: Path):
    done = policygen(schools, "changes", "schools/test-school.yaml", "--policy", "conduct")
    assert done.returncode == 0, done.stderr
    assert ("  2.1 Working hours: variant changed (“Flexible hours agreed with the line manager” → "
            "“Fixed hours set by the school”)") in done.stdout.decode().splitlines()
    assert "flexible →" not in done.stdout.decode()
    listing = policygen(schools, "clauses").stdout.decode()
    hours = next(line for line in listing.splitlines() if line.strip().startswith("hours "))
    assert hours.endswith("[default “Flexible hours agreed with the line manager”]")
    assert "default flexible" not in listing
