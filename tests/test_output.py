import os
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.output import output_path, write_atomic


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
