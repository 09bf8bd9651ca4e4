"""One result type for problems (issue 11, item 5): errors and warnings together, --strict applied once.

The type's own rules are checked directly; what a user sees (the located
lines, the exit codes, --strict) is checked through the command line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import Findings, InputError, Problem
from helpers import write_school

from conftest import PROJECT

ERROR = Problem(Path("b.yaml"), 4, 3, "unknown clause 'x'")
WARNING = Problem(Path("a.yaml"), 2, 1, "no policies chosen", "warning")
LATER = Problem(Path("a.yaml"), 9, 5, "owner 'bursar' is not one of the people in this file")


def policygen(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


def test_errors_and_warnings_are_kept_apart_each_once_in_the_order_found():
    findings = Findings([ERROR, WARNING, ERROR, LATER])
    assert list(findings) == [ERROR, WARNING, LATER] and len(findings) == 3
    assert findings.errors == (ERROR, LATER) and findings.warnings == (WARNING,)
    assert findings.lines() == ["b.yaml:4:3: unknown clause 'x'", "a.yaml:2:1: warning: no policies chosen",
                                "a.yaml:9:5: owner 'bursar' is not one of the people in this file"]


def test_merging_keeps_order_and_drops_repeats():
    merged = Findings([ERROR]) + Findings([WARNING, ERROR]) + [LATER]
    assert list(merged) == [ERROR, WARNING, LATER]
    assert not Findings() and Findings() + [] == Findings()


def test_sorted_is_file_order_and_by_file_groups():
    findings = Findings([LATER, ERROR, WARNING])
    assert list(findings.sorted()) == [WARNING, LATER, ERROR]
    assert {path: list(found) for path, found in findings.by_file().items()} == {
        Path("a.yaml"): [LATER, WARNING], Path("b.yaml"): [ERROR]}


def test_strict_makes_warnings_fail_and_the_error_carries_every_problem():
    warnings_only = Findings([WARNING])
    assert not warnings_only.failed() and warnings_only.failed(strict=True)
    warnings_only.raise_if_errors()  # not strict: passes
    with pytest.raises(InputError) as raised:
        warnings_only.raise_if_errors(strict=True)
    assert raised.value.problems == [WARNING]
    with pytest.raises(InputError) as raised:
        Findings([WARNING, ERROR]).raise_if_errors()
    assert raised.value.problems == [WARNING, ERROR]
    assert raised.value.findings == Findings([WARNING, ERROR])


def test_check_prints_a_warning_located_and_passes_but_strict_fails(workspace: Path):
    school = write_school(workspace / "schools", "no-policies", policies={})
    done = policygen("check", str(school))
    assert done.returncode == 0, done.stderr
    warning = (f"{school}:1:1: warning: no policies chosen: add a 'policies:' mapping, "
               "e.g. 'social-media:'")
    assert done.stderr.splitlines() == [warning]
    assert done.stdout == "ok: the library and 1 school file(s) checked, 1 warning(s)\n"
    strict = policygen("check", "--strict", str(school))
    assert (strict.returncode, strict.stdout) == (1, "")
    assert strict.stderr.splitlines() == [warning]  # the same line, once, and no traceback


def test_check_reports_errors_and_warnings_of_every_school_in_one_run(workspace: Path):
    quiet = write_school(workspace / "schools", "no-policies", policies={})
    bad = write_school(workspace / "schools", "bad-choice", choices={"personal-use-at-work": "sometimes"})
    done = policygen("check", str(quiet), str(bad))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{quiet}:1:1: warning: no policies chosen")
    assert len(lines) == 2 and lines[1].startswith(f"{bad}:") and "sometimes" in lines[1], lines
    assert done.stdout == ""


def test_build_lists_a_schools_problems_once_and_counts_its_errors(workspace: Path):
    bad = write_school(workspace / "schools", "bad-choice", choices={"personal-use-at-work": "sometimes"})
    done = policygen("build", str(bad), "--format", "docx", "--out", str(workspace / "out"))
    assert done.returncode == 1
    located = [line for line in done.stderr.splitlines() if line.startswith(f"{bad}:")]
    assert len(located) == 1 and "sometimes" in located[0]
    assert "  bad-choice: 1 input error(s), listed above" in done.stderr
