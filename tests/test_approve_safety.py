"""`approve` without --policy on a school with several policies: it says what it would do and asks first.

A clerk must not approve a policy nobody reviewed by leaving out --policy.
The command line is driven for real: off a terminal (stdin from /dev/null,
as in a script) and on one (a pseudo-terminal, answering the question).
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from docx import Document

from helpers import policygen

SCHOOL = "schools/holtsmere-end.yaml"
APPROVED = "schools/holtsmere-end.approved"


def state(workspace: Path) -> tuple[bytes, list[str]]:
    """Return what approve writes: the school file's bytes and the snapshots."""
    return ((workspace / SCHOOL).read_bytes(),
            sorted(p.name for p in (workspace / APPROVED).iterdir()))


def on_terminal(cwd: Path, answer: str, *args: str) -> tuple[int, str]:
    """Run ``policygen`` on a pseudo-terminal, answer its question with ``answer``; return exit code and output."""
    main, other = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd,
                            stdin=other, stdout=other, stderr=other, start_new_session=True)
    os.close(other)
    out, answered = b"", False
    try:
        while True:
            ready, _, _ = select.select([main], [], [], 120)
            if not ready:
                raise AssertionError(f"no output for 120 s; so far: {out!r}")
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: the command has ended
                break
            if not chunk:
                break
            out += chunk
            if not answered and b"[y/N]" in out:
                os.write(main, answer.encode() + b"\n")
                answered = True
    finally:
        os.close(main)
        code = proc.wait(timeout=120)
    return code, out.decode().replace("\r\n", "\n")


def test_off_a_terminal_approving_every_policy_is_refused_and_nothing_written(workspace: Path):
    before = state(workspace)
    done = policygen(workspace, "approve", SCHOOL, "--date", "2026-11-20", "--summary", "Annual review")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: schools/holtsmere-end.yaml: no --policy given, so this would approve 2 policies of Holtsmere End "
        "Infant and Nursery School: Social Media Policy: version 3, 20 November 2026, by Full Governing Body "
        "(same wording as version 2, approved 19 June 2017); Staff Acceptable Use of ICT Policy: version 1, "
        "20 November 2026, by Full Governing Body (its first approval). Name one with --policy (social-media, "
        "acceptable-use), or add --yes to go ahead; nothing was written"]
    assert state(workspace) == before


def test_on_a_terminal_it_lists_them_and_asks(workspace: Path):
    before = state(workspace)
    code, out = on_terminal(workspace, "n", "approve", SCHOOL, "--date", "2026-11-20")
    assert code == 1, out
    assert ("No --policy given: this would approve 2 policies of Holtsmere End Infant and Nursery School:\n"
            "  Social Media Policy: version 3, 20 November 2026, by Full Governing Body (same wording as version 2, "
            "approved 19 June 2017)\n"
            "  Staff Acceptable Use of ICT Policy: version 1, 20 November 2026, by Full Governing Body "
            "(its first approval)\n"
            "Record these approvals? [y/N]: n\n") in out
    assert "nothing was written" in out and "Traceback" not in out
    assert state(workspace) == before

    code, out = on_terminal(workspace, "y", "approve", SCHOOL, "--date", "2026-11-20")
    assert code == 0, out
    school, snapshots = state(workspace)
    assert snapshots == ["acceptable-use-v1.json", "social-media-v2.json", "social-media-v3.json"]
    assert b'version: "3", date: 2026-11-20' in school


def test_yes_approves_every_policy_and_the_documents_say_so(workspace: Path):
    done = policygen(workspace, "approve", SCHOOL, "--date", "2026-11-20", "--yes")
    assert done.returncode == 0, done.stderr
    assert [ln for ln in done.stdout.splitlines() if ln.startswith("approved")] == [
        "approved holtsmere-end social-media version 3 on 20 November 2026 by Full Governing Body; "
        "next review 20 November 2028",
        "approved holtsmere-end acceptable-use version 1 on 20 November 2026 by Full Governing Body; "
        "next review 20 November 2027"]
    done = policygen(workspace, "build", SCHOOL, "--format", "docx", "--out", "out")
    assert done.returncode == 0, done.stderr
    for pid in ("social-media", "acceptable-use"):
        doc = Document(workspace / "out" / "holtsmere-end" / f"holtsmere-end-{pid}.docx")
        cover = dict((r.cells[0].text, r.cells[1].text) for r in doc.tables[0].rows)
        assert cover["Date approved"] == "20 November 2026"


def test_one_refusal_stops_them_all_before_anything_is_written(workspace: Path):
    # acceptable-use was approved on the 20th with this wording: approving it again that day repeats it
    assert policygen(workspace, "approve", SCHOOL, "--policy", "acceptable-use", "--date", "2026-11-20").returncode == 0
    before = state(workspace)
    done = policygen(workspace, "approve", SCHOOL, "--date", "2026-11-20", "--yes")
    assert done.returncode == 1 and "approving it again would repeat it" in done.stderr
    assert state(workspace) == before  # social-media, which could be approved, was not


def test_undo_without_policy_takes_back_the_approval_made_last(workspace: Path):
    assert policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-19").returncode == 0
    assert policygen(workspace, "approve", SCHOOL, "--policy", "acceptable-use", "--date", "2026-11-20").returncode == 0
    before = state(workspace)
    done = policygen(workspace, "approve", SCHOOL, "--undo")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: schools/holtsmere-end.yaml: no --policy given, so this would undo the last approval of Holtsmere End "
        "Infant and Nursery School: Staff Acceptable Use of ICT Policy: version 1, approved 20 November 2026 by "
        "Full Governing Body. Name one with --policy (acceptable-use), or add --yes to go ahead; nothing was written"]
    assert state(workspace) == before

    code, out = on_terminal(workspace, "y", "approve", SCHOOL, "--undo")
    assert code == 0, out
    assert "Remove this approval and its snapshot? [y/N]: y" in out
    assert state(workspace)[1] == ["social-media-v2.json", "social-media-v3.json"]

    done = policygen(workspace, "approve", SCHOOL, "--undo", "--yes")  # now social-media's is the last
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("removed holtsmere-end social-media version 3 (approved 19 November 2026 by Full "
                                  "Governing Body) and its snapshot ")
    assert state(workspace)[1] == ["social-media-v2.json"]


def test_undo_without_policy_lists_approvals_made_the_same_day(workspace: Path):
    assert policygen(workspace, "approve", SCHOOL, "--date", "2026-11-20", "--yes").returncode == 0
    before = state(workspace)
    done = policygen(workspace, "approve", SCHOOL, "--undo", "--yes")
    assert done.returncode == 2
    assert ("the last approvals of Holtsmere End Infant and Nursery School were on the same day: Social Media "
            "Policy: version 3, approved 20 November 2026 by Full Governing Body (--policy social-media); Staff "
            "Acceptable Use of ICT Policy: version 1, approved 20 November 2026 by Full Governing Body "
            "(--policy acceptable-use). Name the one to undo with --policy") in " ".join(done.stderr.split())
    assert state(workspace) == before


def test_baseline_of_several_policies_asks_too(workspace: Path):
    assert policygen(workspace, "approve", SCHOOL, "--policy", "acceptable-use", "--date", "2026-11-20").returncode == 0
    before = state(workspace)
    done = policygen(workspace, "approve", SCHOOL, "--baseline")
    assert done.returncode == 1 and "this would take a baseline of 2 policies" in done.stderr
    assert state(workspace) == before
