"""The school files of a folder as build --all takes them: sorted names, a Path made when asked for."""

from __future__ import annotations

from pathlib import Path

from generator.school_folder import SchoolFolder


def test_a_school_folder_lists_what_glob_finds_sorted(tmp_path: Path):
    for name in ("b.yaml", "a.yaml", "c.yml", "notes.txt", ".hidden.yaml"):
        (tmp_path / name).write_text("x")
    (tmp_path / "logos").mkdir()
    schools = SchoolFolder(tmp_path)
    assert list(schools) == sorted(tmp_path.glob("*.yaml"))
    assert len(schools) == 3 and schools[0] == tmp_path / ".hidden.yaml" and schools[-1] == tmp_path / "b.yaml"
    assert schools[1:] == [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    assert schools.distinct_ids and not SchoolFolder(tmp_path / "logos")
