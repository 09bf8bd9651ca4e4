"""Snapshot format 2: the whole Policy tree, versioned; format 1 still loads; bad files are located."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.model import ListBlock, ListItem, Paragraph, Run
from generator.policy_data import TreeError, policy_from_data, policy_to_data
from generator.review.as_built import resolve_as_built
from generator.review.snapshot_file import load_snapshot
from generator.school import load_school
from helpers import policygen

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"


def test_every_example_policy_survives_a_round_trip_through_json(library, schools):
    for school_file in schools.values():
        for policy_id in school_file.school.policies:
            policy = resolve_as_built(library, school_file, policy_id)
            data = json.loads(json.dumps(policy_to_data(policy)))
            assert policy_from_data(data) == policy


def test_the_tree_keeps_formatting_and_names_block_types(library, schools):
    policy = resolve_as_built(library, schools["roselands-stafford"], "social-media")
    blocks = (Paragraph((Run("Staff "), Run("must", bold=True), Run(" read "), Run("the guide", italic=True,
                                                                                  href="https://example.org/a?b&c"))),
              ListBlock(True, (ListItem((Run("first"),), 0, True), ListItem((Run("nested"),), 1, True))))
    section = policy.sections[0]
    clause = replace(section.clauses[0], blocks=blocks)
    policy = replace(policy, sections=(replace(section, clauses=(clause,) + section.clauses[1:]),) + policy.sections[1:])
    data = json.loads(json.dumps(policy_to_data(policy)))
    assert policy_from_data(data) == policy
    stored = data["sections"][0]["clauses"][0]["blocks"]
    assert stored[0] == {"type": "Paragraph", "runs": [
        {"text": "Staff "}, {"text": "must", "bold": True}, {"text": " read "},
        {"text": "the guide", "italic": True, "href": "https://example.org/a?b&c"}]}  # defaults left out
    assert stored[1]["type"] == "ListBlock" and stored[1]["items"][1] == {"runs": [{"text": "nested"}], "level": 1,
                                                                          "ordered": True}


@pytest.mark.parametrize("broken, where", [
    (lambda d: d["sections"][0]["clauses"][0]["blocks"][0].update(type="Table"), "policy.sections[0].clauses[0].blocks[0]"),
    (lambda d: d["sections"][0].update(number=3), "policy.sections[0].number"),
    (lambda d: d["governance"].pop("owner"), "policy.governance"),
    (lambda d: d["governance"]["history"][0].update(date="last tuesday"), "policy.governance.history[0].date"),
    (lambda d: d.update(colour="red"), "policy.colour"),
])
def test_a_damaged_tree_is_refused_with_where(library, schools, broken, where):
    data = policy_to_data(resolve_as_built(library, schools["holtsmere-end"], "social-media"))
    broken(data)
    with pytest.raises(TreeError) as exc:
        policy_from_data(data)
    assert exc.value.where == where


def test_approve_writes_format_2_with_what_was_frozen(workspace: Path, library):
    done = policygen(workspace, "approve", "schools/holtsmere-end.yaml", "--policy", "social-media", "--date", "2026-11-20",
                     "--by", "Full Governing Body")
    assert done.returncode == 0, done.stderr
    path = workspace / "schools" / "holtsmere-end.approved" / "social-media-v3.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 2
    meta, policy = load_snapshot(path)
    assert (meta.format, meta.version, meta.approved, meta.by) == (2, "3", date(2026, 11, 20), "Full Governing Body")
    assert meta.library_version == library.version
    school_file = load_school(workspace / "schools" / "holtsmere-end.yaml")
    assert meta.choices == dict(school_file.school.policies["social-media"].choices)
    purpose = library.policies["social-media"].clauses["purpose"].changelog
    assert meta.changelog["purpose"] == tuple((e.date.isoformat(), e.summary) for e in purpose) != ()
    now = resolve_as_built(library, school_file, "social-media")
    assert [(c.number, c.title, c.variant, c.blocks) for _, c in policy.clauses()] == \
        [(c.number, c.title, c.variant, c.blocks) for _, c in now.clauses()]
    assert policy.brand.logo == school_file.logo_path  # stored relative, read back beside the school file
    assert '"logo": "logos/holtsmere-end.png"' in path.read_text(encoding="utf-8")


def test_format_1_snapshots_still_load_as_text():
    meta, policy = load_snapshot(FIXTURES / "v1" / "social-media-v2.yaml")
    assert (meta.format, meta.version, meta.approved, meta.by) == (1, "2", date(2017, 6, 19), "Full Governing Body")
    assert meta.changelog is None and meta.changed["purpose"] == date(2026, 11, 1)
    sections = {s.id: s for s in policy.sections}
    assert sections["introduction"].number == "1" and sections["introduction"].title == "Introduction"
    purpose = sections["introduction"].clauses[0]
    assert (purpose.number, purpose.title, purpose.kind) == ("1.1", "Purpose of this policy", "fixed")
    assert isinstance(purpose.blocks[0], Paragraph) and isinstance(purpose.blocks[2], ListBlock)
    assert purpose.blocks[2].items[0].text == "pupils and staff are safeguarded;"
    assert [s.number for s in policy.sections] == [str(n) for n in range(1, 12)]
    assert sections["principles"].title == "Principles – be professional, responsible and respectful"


def test_changes_reads_a_format_1_snapshot(workspace: Path):
    folder = workspace / "schools" / "holtsmere-end.approved"
    shutil.rmtree(folder, ignore_errors=True)  # the shipped baseline (format 2) would be read instead
    folder.mkdir()
    shutil.copy(FIXTURES / "v1" / "social-media-v2.yaml", folder)
    done = policygen(workspace, "changes", "schools/holtsmere-end.yaml")
    assert done.returncode == 0, done.stderr
    assert "changes since version 2, approved 19 June 2017" in done.stdout


BAD_SNAPSHOTS = [
    ("social-media-v2.json", '{"format": 2, "policy_id": "social-media",\n "version": "2",,}', ":2:17: "),
    ("social-media-v2.json", "\x00\x01garbage", ":1:1: "),
    ("social-media-v2.json", '{"format": 7}', "format 7 is not one this policygen reads"),
    ("social-media-v2.yaml", "policy: social-media\nschool: x\nversion: '2'\napproved: last tuesday\nclauses: []\n",
     "'last tuesday' is not a date"),
    ("social-media-v2.yaml", "policy: [unclosed\n", ":2:1: "),
    ("social-media-v2.yaml", b"\xff\xfe\x00bad", ":1:1: "),
]


@pytest.mark.parametrize("name, content, message", BAD_SNAPSHOTS)
def test_a_bad_snapshot_is_one_located_error_in_every_command(workspace: Path, name, content, message):
    folder = workspace / "schools" / "holtsmere-end.approved"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputError):
        load_snapshot(path)
    for command in (["check", "schools/holtsmere-end.yaml"],
                    ["build", "schools/holtsmere-end.yaml", "--format", "docx", "--out", "out"],
                    ["changes", "schools/holtsmere-end.yaml"],
                    ["dump", "schools/holtsmere-end.yaml"]):
        done = policygen(workspace, *command)
        assert done.returncode == 1, (command, done.stdout)
        assert "Traceback" not in done.stderr
        assert f"schools/holtsmere-end.approved/{name}" in done.stderr, done.stderr
        assert message in done.stderr, done.stderr
