"""Saving through the editor: the CLI's round trip and checks, and nothing written on a problem."""

from __future__ import annotations

from generator.library import load_library
from generator.web.edit import REMOVE, fingerprint, save_school
from web.conftest import copy_fixture

CHOICE = ("policies", "social-media", "choices", "monitoring")
PRIMARY = ("branding", "colours", "primary")


def test_a_good_edit_keeps_comments_and_changes_one_line(tmp_path):
    root = copy_fixture(tmp_path)
    library = load_library(root / "clauses")
    path = root / "schools" / "roselands-stafford.yaml"
    before = path.read_text()
    result = save_school(library, path, {CHOICE: "occasional"}, fingerprint(before), {"monitoring": CHOICE})
    assert result.saved and result.changed
    after = path.read_text()
    assert "      monitoring: occasional               # without prior notification" in after.splitlines()
    removed = set(before.splitlines()) - set(after.splitlines())
    assert removed == {"      monitoring: routine                  # without prior notification"}


def test_a_bad_value_is_placed_on_its_field_and_nothing_is_written(tmp_path):
    root = copy_fixture(tmp_path)
    library = load_library(root / "clauses")
    path = root / "schools" / "roselands-stafford.yaml"
    before = path.read_bytes()
    fields = {"branding.colours.primary": PRIMARY, "branding.colours.accent": ("branding", "colours", "accent"),
              "monitoring": CHOICE}
    result = save_school(library, path, {PRIMARY: "blue", CHOICE: "sometimes"}, fingerprint(before.decode()), fields)
    assert not result.saved
    assert result.field_problems["branding.colours.primary"] == [
        "colour 'blue' must be written #RRGGBB, for example #1F3864"]
    assert "branding.colours.accent" not in result.field_problems  # same line, other column
    assert path.read_bytes() == before


def test_a_choice_the_library_does_not_have_is_refused_on_its_field(tmp_path):
    root = copy_fixture(tmp_path)
    library = load_library(root / "clauses")
    path = root / "schools" / "roselands-stafford.yaml"
    before = path.read_bytes()
    result = save_school(library, path, {CHOICE: "sometimes"}, fingerprint(before.decode()), {"monitoring": CHOICE})
    assert "no variant 'sometimes'" in result.field_problems["monitoring"][0]
    assert path.read_bytes() == before


def test_a_file_changed_since_the_page_loaded_is_not_overwritten(tmp_path):
    root = copy_fixture(tmp_path)
    library = load_library(root / "clauses")
    path = root / "schools" / "roselands-stafford.yaml"
    seen = fingerprint(path.read_text())
    path.write_text(path.read_text() + "# edited in another window\n")
    changed = path.read_bytes()
    result = save_school(library, path, {CHOICE: "occasional"}, seen, {"monitoring": CHOICE})
    assert result.conflict and not result.saved
    assert path.read_bytes() == changed


def test_emptying_a_list_removes_its_key(tmp_path):
    root = copy_fixture(tmp_path)
    library = load_library(root / "clauses")
    path = root / "schools" / "roselands-stafford.yaml"
    loc = ("policies", "social-media", "related_policies")
    switch = ("policies", "social-media", "choices", "related-policies")
    result = save_school(library, path, {loc: REMOVE, switch: "off"}, fingerprint(path.read_text()), {})
    assert result.saved, result
    assert "related_policies:" not in path.read_text()
