"""Library format gaps (issue 13 item 5) and commands over all of a school's policies.

Run on the tiny two-policy library in tests/fixtures/governance/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from generator.library import load_library
from generator.school import load_school

from conftest import FIXTURES, docx_text
from helpers import build_docx, policygen

GOVERNANCE = FIXTURES / "governance"
SCHOOL = "schools/st-marys-va.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(GOVERNANCE, tmp_path / "project")
    return tmp_path / "project"


def set_choices(project: Path, lines: str) -> None:
    path = project / SCHOOL
    path.write_text(path.read_text().replace("  visitors:\n", f"  visitors:\n    choices:\n{lines}"))


def visitors_text(project: Path, tmp_path: Path) -> str:
    doc = build_docx(load_library(project / "clauses"), load_school(project / SCHOOL), tmp_path, "visitors")
    return docx_text(Document(doc))


def test_a_local_clause_prints_the_librarys_default_text(project: Path, tmp_path: Path):
    text = visitors_text(project, tmp_path)
    assert "Our arrangements" in text
    assert "Visitors wait at reception until the Headteacher or a member of staff meets them." in text


def test_a_local_clause_prints_the_schools_own_text_literally(project: Path, tmp_path: Path):
    set_choices(project, "      local-arrangements: Visitors wait in the {{ library }} & sign *twice*.\n")
    text = visitors_text(project, tmp_path)
    assert "Visitors wait in the {{ library }} & sign twice." in text  # Markdown, never template code
    assert "until the Headteacher" not in text


def test_a_local_clause_switched_off_is_left_out(project: Path, tmp_path: Path):
    set_choices(project, "      local-arrangements: off\n")
    text = visitors_text(project, tmp_path)
    assert "Our arrangements" not in text and "Visitors wait" not in text


def test_a_required_local_clause_must_be_written(project: Path):
    clauses = project / "clauses/visitors/clauses/visitors.yaml"
    clauses.write_text(clauses.read_text().replace(
        "    prompt: Where visitors wait, and who meets them.\n    text: |\n"
        "      Visitors wait at reception until {{ role.head }} or a member of staff meets them.\n",
        "    prompt: Where visitors wait, and who meets them.\n    required: true\n"))
    done = policygen(project, "check", SCHOOL)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"{SCHOOL}:14:3: missing required local text 'local-arrangements' (Our arrangements)")
    set_choices(project, "      local-arrangements: Visitors wait in the hall.\n")
    assert policygen(project, "check", SCHOOL).returncode == 0


def test_a_local_clause_with_neither_text_nor_required_is_refused(project: Path):
    clauses = project / "clauses/visitors/clauses/visitors.yaml"
    clauses.write_text(clauses.read_text().replace(
        "    text: |\n      Visitors wait at reception until {{ role.head }} or a member of staff meets them.\n", ""))
    done = policygen(project, "check", "--library")
    assert done.returncode == 1
    assert "a local clause needs a default 'text'" in done.stderr


def test_when_takes_on_and_off_like_school_files(project: Path, tmp_path: Path):
    assert "Escort rules" not in visitors_text(project, tmp_path)
    set_choices(project, "      escorts: on\n")
    assert "Escort rules" in visitors_text(project, tmp_path)
    policy = project / "clauses/visitors/policy.yaml"
    policy.write_text(policy.read_text().replace("when: {escorts: on}", "when: {escorts: sometimes}"))
    done = policygen(project, "check", "--library")
    assert done.returncode == 1
    assert "'escorts' is optional: the value must be on or off (found 'sometimes')" in done.stderr


def test_a_clause_listing_an_empty_school_list_is_named_whatever_its_id(project: Path):
    school = project / SCHOOL
    school.write_text(school.read_text().replace("    contacts:\n      - {name: Reception, details: 01992 555556}\n",
                                                 "    contacts: []\n"))
    done = policygen(project, "check", SCHOOL)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert "the clause 'Who to ask' (who-to-ask) lists policy.contacts, but 'contacts' is empty" in line


def test_one_bad_key_in_a_clause_file_is_one_error(project: Path):
    clauses = project / "clauses/visitors/clauses/visitors.yaml"
    clauses.write_text(clauses.read_text().replace("    title: Signing in\n", "    title: Signing in\n    titel: x\n"))
    done = policygen(project, "check", "--library")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "unknown key 'titel'" in lines[0] and "unknown clause" not in done.stderr


def test_clauses_shows_labels_and_with_text_each_variants_wording():
    done = policygen(GOVERNANCE, "clauses", "--policy", "staff-code")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"  {'':34}   head: With the head  (default)" in lines
    assert f"  {'':34}   head-by-name: With the head, by name" in lines
    assert "Raise a concern" not in done.stdout
    done = policygen(GOVERNANCE, "clauses", "--text")
    assert "          Raise a concern with {{ role.head }}, or with {{ role.chair }} if it is about" in done.stdout
    assert "          Raise a concern with {{ role.head.name }} ({{ role.head.title }})." in done.stdout
    assert "  local-arrangements                 local    Our arrangements  [the school's own text, or this default]" in done.stdout


@pytest.mark.parametrize("command", [["clauses"], ["dump", SCHOOL], ["changes", SCHOOL]])
def test_a_typo_in_policy_gets_did_you_mean(command):
    done = policygen(GOVERNANCE, *command, "--policy", "staff-cod")
    assert done.returncode == 2
    assert "no policy 'staff-cod' in the library (did you mean 'staff-code'?)" in done.stderr


def test_dump_covers_every_policy_of_the_school_by_default():
    done = policygen(GOVERNANCE, "dump", SCHOOL, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [p["policy_id"] for p in json.loads(done.stdout)] == ["staff-code", "visitors"]
    done = policygen(GOVERNANCE, "dump", "schools/oak-academy.yaml")
    assert done.stdout.startswith("Policy 'staff-code'") and "Policy 'visitors'" not in done.stdout


def test_a_school_without_the_policy_says_so():
    done = policygen(GOVERNANCE, "dump", "schools/oak-academy.yaml", "--policy", "visitors")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "schools/oak-academy.yaml:15:1: Oak & Ash Academy has no 'visitors' policy (it has: staff-code): "
        "add 'visitors:' under policies: to adopt it"]


def test_approve_and_changes_act_on_every_policy_by_default(project: Path):
    before = (project / SCHOOL).read_bytes()
    done = policygen(project, "approve", SCHOOL, "--date", "2026-11-01", "--by", "Governing body")
    assert done.returncode == 1 and "add --yes to go ahead" in done.stderr  # every policy only when asked for
    assert (project / SCHOOL).read_bytes() == before
    done = policygen(project, "approve", SCHOOL, "--date", "2026-11-01", "--by", "Governing body", "--yes")
    assert done.returncode == 0, done.stderr
    assert [ln.split()[2] for ln in done.stdout.splitlines() if ln.startswith("approved")] == ["staff-code", "visitors"]
    done = policygen(project, "changes", SCHOOL)
    assert done.returncode == 0, done.stderr
    assert "Staff Code" in done.stdout and "Visitors Policy" in done.stdout
    done = policygen(project, "changes", SCHOOL, "--redline", "r.docx")
    assert done.returncode == 2 and "name the one to redline with --policy" in done.stderr
