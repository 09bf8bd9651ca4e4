"""Governance models and roles: who employs, approves, reviews and signs (issue 13, items 1 and 2).

Each test builds a real DOCX from a tiny library (tests/fixtures/governance/)
whose text speaks only through roles, and reads it back.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from generator.errors import InputError
from generator.governance import TYPES
from generator.library import load_library
from generator.school import load_school

from conftest import FIXTURES, docx_text
from helpers import build_docx

GOVERNANCE = FIXTURES / "governance"
SCHOOLS = GOVERNANCE / "schools"
POLICY = "staff-code"


@pytest.fixture(scope="module")
def roles_library():
    return load_library(GOVERNANCE / "clauses")


@pytest.fixture
def roles_workspace(tmp_path: Path) -> Path:
    shutil.copytree(GOVERNANCE, tmp_path / "project")
    return tmp_path / "project"


def build(library, path: Path, out: Path):
    return Document(build_docx(library, load_school(path), out, POLICY))


def adoption_table(doc) -> list[str]:
    """Return the text of every cell of the tables after the 'Policy adoption' heading."""
    body = doc.element.body
    cells, seen = [], False
    for child in body.iterchildren():
        text = "".join(t.text or "" for t in child.iter("{*}t"))
        heading = child.tag.endswith("}p") and child.xpath("string(.//w:pStyle/@w:val)").startswith("Heading")
        if heading and seen:
            break
        if heading and text.strip().endswith("Policy adoption"):
            seen = True
        elif seen and child.tag.endswith("}tbl"):
            cells += ["".join(t.text or "" for t in tc.iter("{*}t")) for tc in child.iter("{*}tc")]
    return cells


def test_an_academy_names_the_trust_as_employer_and_the_trust_board_as_approver(roles_library, tmp_path: Path):
    doc = build(roles_library, SCHOOLS / "oak-academy.yaml", tmp_path)
    text = docx_text(doc)
    assert "Greenfields Learning Trust could be held responsible" in text
    assert "all staff employed by Greenfields Learning Trust." in text
    assert "The local governing body reviews it, and the trust board approves it." in text
    assert "This policy was adopted by the trust board for Oak & Ash Academy" in text
    # the trust decides: no governing body approves, adopts or signs
    assert "governing body approves" not in text.lower() and "adopted by the governing body" not in text.lower()
    assert "Chair of Governors" not in text and "the Chair of Trustees if it is about the Principal" in text
    cells = adoption_table(doc)
    assert "Chair of Trustees" in cells and "Chief Executive Officer" in cells
    assert "Dr R. Singh" in cells and "Mr T. Bell" in cells
    assert "Headteacher" not in " ".join(cells)
    # the head's title is the school's own, everywhere
    assert "The Principal makes sure" in text and "headteacher" not in text.lower()


def test_a_voluntary_aided_school_names_its_governing_body_as_employer(roles_library, tmp_path: Path):
    doc = build(roles_library, SCHOOLS / "st-marys-va.yaml", tmp_path)
    text = docx_text(doc)
    assert "The governing body could be held responsible" in text
    assert "all staff employed by the governing body." in text
    assert "Hertfordshire County Council" not in text
    cells = adoption_table(doc)
    assert "Chair of Governors" in cells and "Headteacher" in cells
    assert "Sister M. Kelly" in cells and "Mr J. Byrne" in cells


def test_a_community_school_is_employed_by_its_local_authority(roles_library, tmp_path: Path):
    path = tmp_path / "community.yaml"
    path.write_text((SCHOOLS / "st-marys-va.yaml").read_text().replace("type: voluntary aided", "type: community"))
    text = docx_text(build(roles_library, path, tmp_path))
    assert "all staff employed by Hertfordshire County Council." in text
    assert "Hertfordshire County Council could be held responsible" in text


def test_defaults_are_overridable(roles_library, tmp_path: Path):
    data = (SCHOOLS / "oak-academy.yaml").read_text()
    data = data.replace("type: academy\n", "type: academy\nemployer: the Diocese of Ely Multi-Academy Trust\n"
                        "approving_body: the local governing body\nsignatories: [chair, head]\n")
    data = data.replace("chair_of_trustees:", "chair:")
    path = tmp_path / "overridden.yaml"
    path.write_text(data)
    doc = build(roles_library, path, tmp_path)
    text = docx_text(doc)
    assert "all staff employed by the Diocese of Ely Multi-Academy Trust." in text
    assert "adopted by the local governing body" in text
    cells = adoption_table(doc)
    assert "Principal" in cells and "Ms A. Okafor" in cells


@pytest.mark.parametrize("written, kind", [("voluntary aided", "voluntary-aided"), ("Free School", "free-school"),
                                           ("school", "community"), ("nursery", "maintained-nursery")])
def test_types_are_read_in_any_spelling(tmp_path: Path, written, kind):
    path = tmp_path / "x.yaml"
    path.write_text(f"name: X\ntype: {written}\n")
    assert load_school(path).school.type == kind


def test_an_unknown_type_is_one_located_error_with_a_suggestion(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("name: X\ntype: acadamy\n")
    with pytest.raises(InputError) as caught:
        load_school(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (2, 7)
    assert "did you mean 'academy'?" in problem.message and "voluntary-aided" in problem.message


def test_every_type_is_explained_in_the_school_file_docs():
    docs = (Path(__file__).parent.parent / "docs" / "school-file.md").read_text()
    for kind in TYPES.values():
        assert f"`{kind.id}`" in docs and kind.explanation in docs


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


def test_a_missing_person_is_reported_at_the_school_file_with_the_fix(roles_workspace: Path):
    school = roles_workspace / "schools" / "st-marys-va.yaml"
    school.write_text(school.read_text().replace("  chair_of_governors: {name: Sister M. Kelly}\n", ""))
    done = _cli(roles_workspace, "check", "schools/st-marys-va.yaml")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "schools/st-marys-va.yaml:7:1: the Staff Code's form 'adoption-sign-off' needs the name of the "
        "Chair of Governors (role.chair.name), but people: has nobody in that role: add "
        "'chair: {name: ..., title: Chair of Governors}' under people:"]


def test_a_missing_name_is_one_error_however_many_texts_need_it(roles_workspace: Path):
    school = roles_workspace / "schools" / "st-marys-va.yaml"
    school.write_text(school.read_text().replace("  headteacher: {name: Mr J. Byrne}\n", "")
                      .replace("    governance:", "    choices: {concerns: head-by-name}\n    governance:"))
    done = _cli(roles_workspace, "check", "schools/st-marys-va.yaml")
    assert done.returncode == 1
    [line] = [ln for ln in done.stderr.splitlines() if "role.head.name" in ln]
    assert line.startswith("schools/st-marys-va.yaml:7:1: the Staff Code's clause 'Raising a concern' needs the name")
    assert "not defined on" not in done.stderr and "clauses/" not in done.stderr


def test_a_role_the_school_type_lacks_is_one_error_at_the_school_file(roles_workspace: Path):
    clause = roles_workspace / "clauses/staff-code/clauses/code.yaml"
    clause.write_text(clause.read_text().replace("{{ Role.head }} makes sure", "{{ Role.ceo }} makes sure")
                      .replace("Raise a concern with {{ role.head }}", "Raise a concern with {{ role.ceo }}"))
    done = _cli(roles_workspace, "check", "schools/st-marys-va.yaml")
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("schools/st-marys-va.yaml:4:1: ")
    assert "refers to the trust's chief executive (Role.ceo), which a voluntary-aided school does not have" in line
    assert "roles:" in line
    # a school in a trust has one: the same library builds for it
    assert _cli(roles_workspace, "check", "schools/oak-academy.yaml").returncode == 0


def test_an_unknown_role_in_the_library_gets_a_suggestion(roles_workspace: Path):
    clause = roles_workspace / "clauses/staff-code/clauses/code.yaml"
    clause.write_text(clause.read_text().replace("{{ Role.head }} makes sure", "{{ Role.heed }} makes sure"))
    done = _cli(roles_workspace, "check", "--library")
    assert done.returncode == 1
    assert "unknown role 'Role.heed' (did you mean 'head'?)" in done.stderr

