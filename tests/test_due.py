"""due, for people: 100 columns, ages in years and months, CSV for Excel, JSON nulls, one bad school alone."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from generator.review.due import age, safe_cell


def policygen(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True)


def set_in_school(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_ages_read_in_years_and_months():
    assert age(date(2019, 4, 1), date(2026, 11, 21)) == "7 years 7 months"
    assert age(date(2026, 2, 1), date(2026, 2, 28)) == "3 weeks"
    assert age(date(2026, 1, 31), date(2026, 3, 1)) == "1 month"
    assert age(date(2025, 11, 21), date(2026, 11, 21)) == "1 year"
    assert age(date(2026, 11, 20), date(2026, 11, 21)) == "1 day"
    assert age(date(9999, 1, 1), date(9999, 12, 31)) == "11 months"


def test_formula_cells_are_neutralised_as_owasp_advises():
    for bad in ("=1+1", "+44 1234", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("Ysgol Gymraeg – Llanfair") == "Ysgol Gymraeg – Llanfair"
    assert safe_cell(-5) == -5  # numbers policygen computes stay numbers


def test_the_table_fits_100_columns_and_ages_read_well(workspace: Path):
    school = workspace / "schools" / "holtsmere-end.yaml"
    long_name = "Ysgol Gynradd Gymraeg Llanfairpwllgwyngyll a Ffederasiwn Ysgolion Ynys Môn – Campws y Gogledd"
    set_in_school(school, "name: Holtsmere End Infant and Nursery School", f"name: {long_name}")
    done = policygen(workspace, "due", "--today", "2026-11-21", "--within", "30")
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0].split() == ["Due", "Status", "School", "Policy", "Version"]
    assert any("1 April 2019" in line and "overdue by 7 years 7 months" in line for line in lines)
    assert any("Ysgol Gynradd Gymraeg" in line and "…" in line for line in lines)
    assert not any(re.search(r"\d{3,} days", line) for line in lines)


def test_csv_opens_in_excel_and_runs_no_formula(workspace: Path):
    school = workspace / "schools" / "holtsmere-end.yaml"
    set_in_school(school, "name: Holtsmere End Infant and Nursery School", 'name: "=HYPERLINK(\\"http://x\\")"')
    set_in_school(school, "by: Full Governing Body, summary: Reviewed", "by: \"@Governors – Môn\", summary: Reviewed")
    done = policygen(workspace, "due", "--today", "2026-11-21", "--format", "csv")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"))))
    holtsmere = next(r for r in rows if r["school_id"] == "holtsmere-end" and r["policy_id"] == "social-media")
    assert holtsmere["school"] == "'=HYPERLINK(\"http://x\")"
    assert holtsmere["approved_by"] == "'@Governors – Môn"
    assert holtsmere["status"] == "overdue by 7 years 5 months"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r.values()
               if cell and not cell.lstrip("-").isdigit())


def test_json_has_nulls_and_marks_changed_wording(workspace: Path):
    path = workspace / "clauses/social-media/clauses/05-business-use.yaml"
    old = "they must pass the enquiry to the headteacher and must not respond"
    set_in_school(path, old, old.replace("headteacher", "headteacher on the same day"))
    done = policygen(workspace, "due", "--today", "2026-11-21", "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    never = [d for d in data if d["due"] is None]
    assert never and all(d["version"] is None and d["last_approved"] is None and d["approved_by"] is None
                         and d["days_left"] is None and d["wording_changed"] is None for d in never)
    holtsmere = next(d for d in data if d["school_id"] == "holtsmere-end" and d["policy_id"] == "social-media")
    assert holtsmere["wording_changed"] is True and holtsmere["version"] == "2"
    table = policygen(workspace, "due", "--today", "2026-11-21").stdout.decode()
    assert "overdue by 7 years 5 months *" in table
    assert "* the wording has changed since it was approved: see policygen changes" in table


def test_far_dates_and_one_bad_school_never_break_due(workspace: Path):
    school = workspace / "schools" / "bradley-primary.yaml"
    text = school.read_text()
    text = re.sub(r"date: \d{4}-\d\d-\d\d", "date: 9999-12-31", text, count=1)
    school.write_text(text)
    (workspace / "schools" / "broken.yaml").write_text("name: [unclosed\n")
    done = policygen(workspace, "due", "--today", "2026-11-21", "--within", "100000000", "--format", "json")
    assert done.returncode == 1
    err = done.stderr.decode()
    assert "Traceback" not in err and re.search(r"schools/broken\.yaml:\d+:\d+: ", err)
    data = json.loads(done.stdout)
    bradley = next(d for d in data if d["school_id"] == "bradley-primary" and d["policy_id"] == "social-media")
    assert bradley["due"] == "9999-12-31"
    assert {d["school_id"] for d in data} >= {"bradley-primary", "holtsmere-end", "roselands-stafford"}
