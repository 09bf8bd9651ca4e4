"""Groups with inheritance and locks, and `policygen explain` (issue 13 item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from generator.errors import InputError
from generator.library import load_library
from generator.school import load_school

from conftest import FIXTURES, docx_text
from helpers import build_docx, policygen

GOVERNANCE = FIXTURES / "governance"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(GOVERNANCE, tmp_path / "project")
    return tmp_path / "project"


def test_a_school_inherits_from_its_group_and_the_groups_parent(tmp_path: Path):
    school = load_school(GOVERNANCE / "schools" / "birch-academy.yaml").school
    assert school.trust == "Greenfields Learning Trust"            # from its trust
    assert school.hr_service == "Hertfordshire HR"                 # from the trust's parent
    assert school.branding.colours.primary == "#2E7D32"            # the nearer file wins …
    assert school.branding.colours.accent == "#2E75B6"             # … key by key
    assert set(school.people) == {"chair_of_trustees", "ceo", "head"}
    assert school.policies["staff-code"].governance.review_cycle_months == 12
    doc = Document(build_docx(load_library(GOVERNANCE / "clauses"),
                              load_school(GOVERNANCE / "schools" / "birch-academy.yaml"), tmp_path, "staff-code"))
    text = docx_text(doc)
    assert "all staff employed by Greenfields Learning Trust." in text
    assert "Dr R. Singh" in text and "Mr T. Bell" in text  # the trust's signatories, inherited


def test_explain_shows_an_inherited_values_file_and_line():
    done = policygen(GOVERNANCE, "explain", "schools/birch-academy.yaml")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "trust: Greenfields Learning Trust  (groups/greenfields.yaml:6)" in lines
    assert "hr_service: Hertfordshire HR  (groups/herts-hr.yaml:4)" in lines
    assert "branding.colours.primary: #2E7D32  (groups/greenfields.yaml:11)" in lines
    assert "people.head.name: Mrs K. Lowe  (schools/birch-academy.yaml:8)" in lines
    assert "role.employer: Greenfields Learning Trust  (default for an academy)" in lines
    # the line named really holds the value
    group_lines = (GOVERNANCE / "groups" / "greenfields.yaml").read_text().splitlines()
    assert "trust: Greenfields Learning Trust" in group_lines[6 - 1]


def test_explain_one_key_and_an_unknown_key():
    done = policygen(GOVERNANCE, "explain", "schools/birch-academy.yaml", "branding.colours")
    assert done.stdout.splitlines() == ["branding.colours.primary: #2E7D32  (groups/greenfields.yaml:11)",
                                        "branding.colours.accent: #2E75B6  (groups/herts-hr.yaml:8)"]
    done = policygen(GOVERNANCE, "explain", "schools/birch-academy.yaml", "colours")
    assert done.returncode == 1 and "no key 'colours'" in done.stderr and "Traceback" not in done.stderr


def test_explain_marks_locked_values_and_answers_for_roles_set_in_a_file():
    done = policygen(GOVERNANCE, "explain", "schools/birch-academy.yaml", "policies.staff-code.choices")
    assert done.stdout.splitlines() == [
        "policies.staff-code.choices.concerns: head  (groups/greenfields.yaml:15, locked by Greenfields Learning Trust)"]
    # role.head is the school's own roles.head; role.employer is decided by the type, in no file
    done = policygen(GOVERNANCE, "explain", "schools/birch-academy.yaml", "role.head")
    assert done.stdout.splitlines() == ["roles.head: Head of School  (schools/birch-academy.yaml:6)"]
    done = policygen(GOVERNANCE, "explain", "schools/birch-academy.yaml", "people.chair_of_trustees")
    assert done.stdout.splitlines() == ["people.chair_of_trustees.name: Dr R. Singh  (groups/greenfields.yaml:8)"]


def test_explain_shows_lists_of_mappings_as_a_school_file_writes_them(tmp_path: Path):
    shutil.copytree(GOVERNANCE, tmp_path / "p")
    school = tmp_path / "p" / "schools" / "birch-academy.yaml"
    school.write_text(school.read_text() + "    contacts:\n      - {name: HR & Payroll, details: hr@example.org}\n")
    done = policygen(tmp_path / "p", "explain", "schools/birch-academy.yaml", "policies.staff-code.contacts")
    assert done.stdout.splitlines() == [
        "policies.staff-code.contacts: [{name: HR & Payroll, details: hr@example.org}]  (schools/birch-academy.yaml:13)"]


def test_overriding_a_locked_choice_is_one_located_error(project: Path):
    school = project / "schools" / "birch-academy.yaml"
    school.write_text(school.read_text().replace("  staff-code:\n", "  staff-code:\n    choices:\n      concerns: head-by-name\n"))
    done = policygen(project, "check", "schools/birch-academy.yaml")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "schools/birch-academy.yaml:12:7: policies.staff-code.choices.concerns is locked by Greenfields Learning "
        "Trust (groups/greenfields.yaml:19): remove it from this file, or ask Greenfields Learning Trust to change it"]
    assert school.read_text().splitlines()[12 - 1] == "      concerns: head-by-name"


def test_a_problem_in_an_inherited_value_is_reported_in_the_group_file(project: Path):
    group = project / "groups" / "greenfields.yaml"
    group.write_text(group.read_text().replace('primary: "#2E7D32"', 'primary: "green"'))
    done = policygen(project, "check", "schools/birch-academy.yaml")
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("groups/greenfields.yaml:11:")
    assert "colour 'green' must be written #RRGGBB" in line


@pytest.mark.parametrize("edit, expected", [
    (("group: greenfields", "group: greenfeilds"), "schools/birch-academy.yaml:4:8: no group 'greenfeilds' (did you mean 'greenfields'?): "
     "expected groups/greenfeilds.yaml"),
    (("parent: herts-hr", "parent: greenfields"), "groups/greenfields.yaml:4:9: groups loop: greenfields -> greenfields"),
    (("kind: trust", "knid: trust"), "groups/greenfields.yaml:2:1: unknown key 'knid' (did you mean 'kind'?)"),
])
def test_bad_groups_are_located(project: Path, edit, expected):
    for path in [project / "schools" / "birch-academy.yaml", project / "groups" / "greenfields.yaml"]:
        path.write_text(path.read_text().replace(*edit))
    done = policygen(project, "check", "schools/birch-academy.yaml")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [expected]


def test_approve_still_edits_the_school_file_alone(project: Path):
    before = (project / "groups" / "greenfields.yaml").read_text()
    done = policygen(project, "approve", "schools/birch-academy.yaml", "--policy", "staff-code",
                     "--library-dir", "clauses", "--date", "2026-11-01", "--by", "Trust board")
    assert done.returncode == 0, done.stderr
    assert "approvals:" in (project / "schools" / "birch-academy.yaml").read_text()
    assert (project / "groups" / "greenfields.yaml").read_text() == before
    assert load_school(project / "schools" / "birch-academy.yaml").school.policies["staff-code"].governance.approvals


def test_a_federation_prints_one_policy_naming_its_members_on_the_cover(tmp_path: Path):
    school = load_school(GOVERNANCE / "schools" / "oakwood-federation.yaml")
    doc = Document(build_docx(load_library(GOVERNANCE / "clauses"), school, tmp_path, "staff-code"))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    cover = paragraphs[: next(i for i, (_, t) in enumerate(paragraphs) if t.startswith("Staff Code")) + 1]
    assert ("School Name", "The Oakwood Federation of Infant and Junior Schools") in cover
    assert ("Subtitle", "Oakwood Infant School, Oakwood Junior School and Oakwood Nursery & Pre-School") in cover
    assert not any("{%" in t or "members" in t for _, t in paragraphs)
    text = docx_text(doc)
    assert "adopted by the Federation Governing Body" in text and "employed by Hertfordshire County Council" in text


def test_the_header_uses_the_short_name_and_a_school_without_members_has_no_members_line(tmp_path: Path):
    library = load_library(GOVERNANCE / "clauses")
    doc = Document(build_docx(library, load_school(GOVERNANCE / "schools" / "oakwood-federation.yaml"), tmp_path,
                              "staff-code"))
    assert doc.sections[0].header.paragraphs[0].text.startswith("Oakwood Federation\tStaff Code")
    plain = Document(build_docx(library, load_school(GOVERNANCE / "schools" / "oak-academy.yaml"), tmp_path,
                                "staff-code"))
    assert plain.sections[0].header.paragraphs[0].text.startswith("Oak & Ash\tStaff Code")
    cover = [p.text for p in plain.paragraphs[:6]]
    assert cover[:3] == ["", "Oak & Ash Academy", ""]  # logo, name, motto: no members line


def test_check_all_checks_group_files_no_school_uses(project: Path):
    (project / "groups" / "unused.yaml").write_text("kind: trust\ntitel: Nobody's Trust\n")
    done = policygen(project, "check", "--all")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["groups/unused.yaml:2:1: unknown key 'titel' (did you mean 'title'?)"]


def test_a_broken_group_file_is_shown_once_and_its_schools_are_named_as_failed(project: Path):
    shutil.copy(project / "schools" / "birch-academy.yaml", project / "schools" / "birch-two.yaml")
    group = project / "groups" / "greenfields.yaml"
    group.write_text(group.read_text().replace('primary: "#2E7D32"', 'primary: "green"'))
    done = policygen(project, "build", "--all", "--library-dir", "clauses", "--format", "docx", "--out", "out")
    assert done.returncode == 1
    assert done.stderr.count("groups/greenfields.yaml:11:22: branding.colours.primary: colour 'green'") == 1
    assert "  birch-academy: 1 input error(s), listed above" in done.stderr.splitlines()
    assert "  birch-two: 1 input error(s), listed above" in done.stderr.splitlines()
    assert "greenfields:" not in done.stderr
