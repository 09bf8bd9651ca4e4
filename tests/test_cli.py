import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, ROOT


def policygen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=PROJECT, capture_output=True, text=True)


def test_check_all_examples_is_clean():
    done = policygen("check", "--all")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "ok: the library and 5 school file(s) checked, 0 warning(s)\n"


def test_check_library_only():
    done = policygen("check", "--library")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("ok: the library checked")


def test_dump_prints_the_resolved_policy():
    done = policygen("dump", "schools/holtsmere-end.yaml")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Policy 'social-media' 'Social Media Policy' for 'holtsmere-end' (Holtsmere End Infant and Nursery School)"
    assert "  5.1 Personal use at work [personal-use-at-work: choice = designated-place]" in lines
    assert any(line == "Appendix B: Table of changes [changes]" for line in lines)


def test_dump_json_round_trips():
    done = policygen("dump", "schools/roselands-stafford.yaml", "--policy", "social-media", "--format", "json")
    data = json.loads(done.stdout)
    assert data["school_name"] == "Roselands & Stafford Federation"
    assert data["sections"][0]["clauses"][0]["number"] == "1.1"


def test_clauses_lists_variants():
    done = policygen("clauses")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip().startswith("personal-use-at-work"))
    assert lines[at].endswith("[required]")
    # each variant: the id a school file uses, and the label a person reads
    assert [ln.split(":")[0].strip() for ln in lines[at + 1:at + 4]] == ["never", "designated-place",
                                                                        "outside-working-hours"]
    assert all(ln.split(":", 1)[1].strip() for ln in lines[at + 1:at + 4])


def test_python_dash_m_and_console_script_agree():
    script = Path(sys.executable).parent / "policygen"  # the console script beside this Python
    done = subprocess.run([str(script), "--version"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "policygen" in done.stdout


def test_progress_bar_on_a_terminal(tmp_path):
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--all", "--format", "docx", "--out",
                             str(tmp_path)], cwd=PROJECT, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    output = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0
    assert "building" in output and "10/10" in output
    assert "ok      bradley-primary" not in output  # one line per school only when not a terminal


def test_build_policy_typo_is_a_usage_error_with_a_suggestion(tmp_path: Path):
    done = policygen("build", "--all", "--policy", "socal-media", "--format", "docx", "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no policy 'socal-media' in the library (did you mean 'social-media'?)" in done.stderr
    assert not any(tmp_path.iterdir())


def test_build_summary_counts_the_schools_refused_by_the_checks(tmp_path: Path):
    schools = tmp_path / "schools"
    shutil.copytree(PROJECT / "schools", schools)
    school = schools / "bradley-primary.yaml"
    text = school.read_text()
    chair = next(line for line in text.splitlines(keepends=True) if line.strip().startswith("chair"))
    school.write_text(text.replace(chair, ""))
    done = policygen("build", "--all", "--schools-dir", str(schools), "--format", "docx", "--out", str(tmp_path / "o"))
    assert done.returncode == 1
    summary = next(line for line in done.stdout.splitlines() if line.startswith("built "))
    assert summary.endswith("; 1 school(s) not built because of input errors"), summary
    assert "  bradley-primary: 2 input error(s), listed above" in done.stderr


def test_reports_are_written_as_bytes_without_deprecated_click_calls():
    # the CSV's byte-order mark reaches the file whatever the terminal's encoding; DeprecationWarning is an error
    done = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-m", "generator", "due", "--format",
                           "csv", "--today", "2026-11-23"], cwd=PROJECT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith("\ufeffdue,days_left,status,".encode("utf-8")) and done.stderr == b""
