import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.output import output_path, write_atomic

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("parts", [("..", "x.docx"), ("a/b", "x.docx"), ("", "x.docx"), ("school", "..")])
def test_output_path_refuses_to_leave_the_folder(tmp_path: Path, parts):
    with pytest.raises(OutputError):
        output_path(tmp_path, *parts)


def test_output_path_inside(tmp_path: Path):
    assert output_path(tmp_path, "school", "school-social-media.docx") == (tmp_path / "school" / "school-social-media.docx").resolve()


def test_write_atomic_leaves_the_old_file_when_interrupted(tmp_path: Path, monkeypatch):
    target = tmp_path / "school" / "policy.docx"
    target.parent.mkdir()
    target.write_bytes(b"old")

    def fail(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert list(target.parent.iterdir()) == [target]


def test_write_atomic_replaces_and_keeps_normal_permissions(tmp_path: Path):
    target = tmp_path / "policy.docx"
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o644 == 0o644


def test_temporaries_left_by_a_killed_build_are_cleared(tmp_path: Path):
    from generator.output import temp_path_for

    target = tmp_path / "school" / "school-social-media.docx"
    target.parent.mkdir()
    old = target.parent / ".school-social-media.abc123.part.docx"
    recent = target.parent / ".school-social-media.def456.part.docx"
    old.write_bytes(b"left by a killed build")
    recent.write_bytes(b"a build running now")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    fresh = temp_path_for(target)
    assert not old.exists() and recent.exists() and fresh.exists()


def _ended_pid() -> int:
    """Return the id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_temporary_file_whose_writer_died_is_cleared_by_the_next_write(tmp_path: Path):
    """A build killed outright (SIGKILL, no guardian: a DOCX-only build) leaves its .part; the next write removes it."""
    target = tmp_path / "school" / "school-social-media.docx"
    target.parent.mkdir()
    dead = target.parent / f".school-social-media.{_ended_pid()}.0123456789ab.part.pdf"
    running = target.parent / f".school-social-media.{os.getpid()}.ba9876543210.part.pdf"  # a write going on now
    dead.write_bytes(b"half a PDF")
    running.write_bytes(b"a PDF being written")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert not dead.exists() and running.exists()


def test_the_guardian_removes_a_temporary_file_of_a_policygen_killed_while_writing_it(tmp_path: Path):
    target = tmp_path / "school" / "school-social-media.pdf"
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from generator.output import temporary_file\n"
            "from generator.render.processes import guardian\n"
            "guardian()\n"
            "with temporary_file(Path(sys.argv[1])) as tmp:\n"
            "    tmp.write_bytes(b'half')\n"
            "    print(tmp, flush=True)\n"
            "    time.sleep(600)\n")
    writer = subprocess.Popen([sys.executable, "-c", code, str(target)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        tmp = Path(writer.stdout.readline().strip())
        assert tmp.parent == target.parent and tmp.exists()
    finally:
        writer.kill()  # SIGKILL: the writer cannot clean up
        writer.wait()
        writer.stdout.close()
    deadline = time.monotonic() + 30  # the guardian sees its pipe close, then removes what was registered
    while tmp.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not tmp.exists()
    assert not target.exists()
