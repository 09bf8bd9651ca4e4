"""Clause kinds as types (issue 11, item 3): each kind takes its own keys, reads a school's value
and describes itself. Run on the tiny two-policy library in tests/fixtures/governance/ through
the real command line, as an adviser would meet each message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.library import load_library
from generator.listing import describe_library

from conftest import FIXTURES
from helpers import policygen

GOVERNANCE = FIXTURES / "governance"
SCHOOL = "schools/st-marys-va.yaml"
CLAUSES = "clauses/visitors/clauses/visitors.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(GOVERNANCE, tmp_path / "project")
    return tmp_path / "project"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def check_library(project: Path) -> list[str]:
    done = policygen(project, "check", "--library")
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    return done.stderr.splitlines()


SIGNING_IN = "    kind: fixed\n    text: |\n      Every visitor signs in"
ESCORTS = "    kind: optional\n    default: false\n"


@pytest.mark.parametrize("old, new, expected", [
    # a key only another kind takes is named as such, at the key
    (SIGNING_IN, "    kind: fixed\n    variants: {a: {label: A, text: A.}}\n    text: |\n      Every visitor signs in",
     f"{CLAUSES}:5:5: only choice clauses have 'variants' (this one is fixed)"),
    (SIGNING_IN, "    kind: fixed\n    required: true\n    text: |\n      Every visitor signs in",
     f"{CLAUSES}:5:5: only choice and local clauses have 'required' (this one is fixed)"),
    (ESCORTS, ESCORTS + "    prompt: Say who escorts.\n",
     f"{CLAUSES}:21:5: only local clauses have 'prompt' (this one is optional)"),
    # a typo is suggested from the keys of the clause's own kind
    (ESCORTS, ESCORTS + "    guidence: Most schools switch it on.\n",
     f"{CLAUSES}:21:5: unknown key 'guidence' (did you mean 'guidance'?)"),
    # the kind itself: unknown, missing, or not a mapping at all
    ("    kind: fixed\n    text: |\n      Every visitor", "    kind: fixd\n    text: |\n      Every visitor",
     f"{CLAUSES}:4:11: clauses[0].kind: must be one of 'fixed', 'choice', 'optional' or 'local' (found 'fixd') "
     "(did you mean 'fixed'?)"),
    ("    title: Signing in\n    kind: fixed\n", "    title: Signing in\n",
     f"{CLAUSES}:2:5: missing required key 'kind' in clauses[0]"),
    # an optional clause's default is true or false, nothing else
    (ESCORTS, "    kind: optional\n    default: on\n",
     f"{CLAUSES}:20:14: clauses[2].default: expected true or false (found 'on')"),
    (ESCORTS, "    kind: optional\n",
     f"{CLAUSES}:17:5: clauses[2]: an optional clause needs 'default: true' or 'default: false'"),
])
def test_each_kind_takes_its_own_keys(project: Path, old: str, new: str, expected: str):
    edit(project / CLAUSES, old, new)
    assert check_library(project) == [expected]  # one error: the clause's uses are not "unknown clause"


def test_a_choice_clause_keeps_its_wording_under_variants(project: Path):
    code = project / "clauses/staff-code/clauses/code.yaml"
    text = code.read_text()
    start = text.index("kind: choice")
    code.write_text(text[:start] + "kind: choice\n    text: Stray wording.\n" + text[start + len("kind: choice\n"):])
    [line] = check_library(project)
    assert line.endswith(": a choice clause keeps its wording under 'variants', not 'text'")
    assert line.startswith("clauses/staff-code/clauses/code.yaml:")


def test_a_clause_that_is_not_a_mapping(project: Path):
    edit(project / CLAUSES, "clauses:\n", "clauses:\n  - just a line\n")
    assert check_library(project) == [f"{CLAUSES}:2:5: clauses[0]: expected a mapping of keys to values (found 'just a line')"]


def test_a_policy_default_must_fit_the_kind(project: Path):
    policy = project / "clauses/visitors/policy.yaml"
    edit(policy, "sections:", "defaults: {signing-in: on}\nsections:")
    [line] = check_library(project)
    assert line.endswith("'signing-in' is a fixed clause; only choice and optional clauses can be defaults")


def test_a_policy_default_switches_an_optional_clause(project: Path):
    policy = project / "clauses/visitors/policy.yaml"
    edit(policy, "sections:", "defaults: {escorts: on}\nsections:")
    library = load_library(project / "clauses")
    assert library.policy("visitors").clauses["escorts"].select(None) is True
    assert "escorts                            optional Escorts  [on by default]" in describe_library(library, "visitors")


@pytest.mark.parametrize("value, printed, absent", [
    (None, "Visitors wait at reception until", None),             # the library's default text
    ("on", "Visitors wait at reception until", None),
    ("off", None, "Our arrangements"),                            # left out
    ("Visitors wait in the hall.", "Visitors wait in the hall.", "Visitors wait at reception"),
])
def test_a_local_clause_reads_the_schools_value(project: Path, value, printed, absent):
    if value is not None:
        edit(project / SCHOOL, "  visitors:\n", f"  visitors:\n    choices:\n      local-arrangements: {value}\n")
    done = policygen(project, "dump", SCHOOL, "--policy", "visitors")
    assert done.returncode == 0, done.stderr
    if printed:
        assert printed in done.stdout
    if absent:
        assert absent not in done.stdout
    origin = ", from the school file" if value and value not in ("on", "off") else ""
    if printed:
        assert f"[local-arrangements: local{origin}]" in done.stdout


def test_a_value_that_does_not_fit_the_kind_is_located_at_the_school(project: Path):
    edit(project / SCHOOL, "  visitors:\n", "  visitors:\n    choices:\n      escorts: sometimes\n      signing-in: on\n")
    done = policygen(project, "check", SCHOOL)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(line.endswith("escorts: expected on or off (found 'sometimes')") for line in lines), lines
    assert any(line.endswith("signing-in: this clause is fixed (always printed); remove it from choices")
               for line in lines), lines
    assert all(line.startswith(f"{SCHOOL}:") for line in lines)


def test_the_listing_describes_each_kind_by_its_default():
    library = load_library(GOVERNANCE / "clauses")
    lines = describe_library(library, "visitors").splitlines()
    assert f"  {'signing-in':34} fixed    Signing in" in lines
    assert f"  {'escorts':34} optional Escorts  [off by default]" in lines
    assert (f"  {'local-arrangements':34} local    Our arrangements  [the school's own text, or this default]"
            in lines)
