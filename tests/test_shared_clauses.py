"""Shared clauses and forms: defined once under clauses/shared/, placed by several policy types.

Runs on the small library in tests/fixtures/shared-clauses/: two policy types
(devices, email) that share monitoring, passwords, a review statement and a
sign-off form.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.library import load_library
from generator.resolve import resolve
from generator.school import load_school

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "shared-clauses"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "work")
    return tmp_path / "work"


def policygen(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args, "--library-dir", "clauses"],
                          cwd=cwd, capture_output=True, text=True)


def paragraphs(policy) -> dict[str, str]:
    return {c.id: " ".join(b.text for b in c.blocks) for s in policy.sections for c in s.clauses}


def test_both_policies_print_the_one_shared_clause():
    library = load_library(FIXTURE / "clauses")
    devices, email = library.policy("devices"), library.policy("email")
    assert devices.clauses["review"] is email.clauses["review"]
    assert devices.locate_clause("review")[0].path == email.locate_clause("review")[0].path
    assert devices.forms["sign-off"] is library.policy("devices").forms["sign-off"]
    assert "sign-off" not in email.forms  # only what a policy names is taken
    school = load_school(FIXTURE / "schools" / "oak.yaml")
    assert paragraphs(resolve(library, school, "devices"))["review"] == "This policy is reviewed every two years."
    assert paragraphs(resolve(library, school, "email"))["review"] == "This policy is reviewed every three years."


def test_a_policy_gives_a_shared_clause_its_own_default():
    library = load_library(FIXTURE / "clauses")
    school = load_school(FIXTURE / "schools" / "oak.yaml")
    devices = paragraphs(resolve(library, school, "devices"))
    email = paragraphs(resolve(library, school, "email"))
    assert "passwords" not in devices and "passwords" in email
    assert devices["monitoring"].startswith("The school\u2019s systems are monitored routinely")
    assert email["monitoring"] == "Monitoring happens only when misuse is suspected."


def test_library_quotes_are_typographic_and_school_data_literal():
    library = load_library(FIXTURE / "clauses")
    policy = resolve(library, load_school(FIXTURE / "schools" / "oak.yaml"), "email")
    assert paragraphs(policy)["passwords"] == (
        "Never share a \u201cpassword\u201d with O'Brien's \"Oak\" School\u2019s visitors.")
    titles = [c.title for s in policy.sections for c in s.clauses]
    assert "Monitoring of the school\u2019s systems" in titles


def test_a_policy_may_not_redefine_a_shared_clause(copy: Path):
    path = copy / "clauses" / "email" / "clauses" / "rules.yaml"
    path.write_text(path.read_text() + (
        "  - id: review\n    title: Review\n    kind: fixed\n    text: Reviewed yearly.\n"))
    with pytest.raises(InputError) as caught:
        load_library(copy / "clauses")
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:8:9: duplicate clause id 'review' (first defined at shared/clauses/common.yaml:20)"]


def test_a_shared_clause_no_policy_places_is_a_warning(copy: Path):
    path = copy / "clauses" / "shared" / "clauses" / "common.yaml"
    path.write_text(path.read_text() + (
        "  - id: spare\n    title: Spare\n    kind: fixed\n    text: Unused.\n"))
    library = load_library(copy / "clauses")
    assert [(p.severity, p.message) for p in library.warnings] == [
        ("warning", "shared clause 'spare' is not placed in any policy.yaml")]


def test_a_bad_default_for_a_shared_clause_is_located(copy: Path):
    path = copy / "clauses" / "email" / "policy.yaml"
    path.write_text(path.read_text().replace("monitoring: occasional", "monitoring: sometimes"))
    with pytest.raises(InputError) as caught:
        load_library(copy / "clauses")
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:6:15: 'monitoring' has no variant 'sometimes'"]


def test_a_reworded_shared_clause_shows_in_changes_for_both_policies(copy: Path):
    for policy in ("devices", "email"):
        done = policygen(copy, "approve", "schools/oak.yaml", "--policy", policy,
                         "--date", "2026-02-01", "--by", "Governors")
        assert done.returncode == 0, done.stderr
    shared = copy / "clauses" / "shared" / "clauses" / "common.yaml"
    text = shared.read_text()
    shared.write_text(text.replace(
        "      This policy is reviewed every {{ policy.review_cycle }}.\n"
        "    changelog:\n      - {date: 2026-01-01, summary: \"First version.\"}\n",
        "      This policy is reviewed every {{ policy.review_cycle }}, or sooner.\n"
        "    changelog:\n      - {date: 2026-01-01, summary: \"First version.\"}\n"
        "      - {date: 2026-03-01, summary: \"Reviewed sooner when needed.\"}\n"))
    (copy / "clauses" / "library.yaml").write_text('version: "2"\n')
    for policy in ("devices", "email"):
        done = policygen(copy, "changes", "schools/oak.yaml", "--policy", policy)
        assert done.returncode == 0, done.stderr
        assert "Review: reworded" in done.stdout
        assert "Reviewed sooner when needed." in done.stdout
