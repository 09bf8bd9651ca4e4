"""Incremental builds: unchanged documents are skipped, changed inputs rebuild exactly their documents."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ruamel.yaml import YAML

from generator.batch import run_build
from generator.plan import plan_build
from generator.library import load_library
from generator.manifest import MANIFEST_NAME
from generator.resolve import resolve
from generator.school import load_school

from conftest import ROOT


def _build(workspace: Path, out: Path, *, force: bool = False, paths: list[Path] | None = None,
           policy_id: str | None = None) -> tuple[bool, list[str]]:
    lines: list[str] = []
    plan = plan_build({"docx"}, library_dir=workspace / "clauses", out_dir=out,
                      template=workspace / "templates" / "house-style.docx", force=force, policy_id=policy_id)
    ok = run_build(paths or sorted((workspace / "schools").glob("*.yaml")), plan,
                   echo=lambda line="", err=False: lines.append(line))
    return ok, lines


def _built(lines: list[str]) -> set[str]:
    return {m[1] for line in lines if (m := re.match(r"ok\s+(\S+) \(", line))}


def _skipped(lines: list[str]) -> int:
    found = [int(m[1]) for line in lines if (m := re.search(r"skipped (\d+) unchanged", line))]
    return found[0] if found else 0


def _mtimes(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")}


def test_a_second_build_skips_every_document_and_writes_nothing(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    ok, first = _build(workspace, out)
    count = len(_built(first))
    assert ok and count >= 5 and _skipped(first) == 0
    before = _mtimes(out)
    ok, second = _build(workspace, out)
    assert ok and _built(second) == set()
    assert _skipped(second) == count
    assert _mtimes(out) == before
    ok, forced = _build(workspace, out, force=True)
    assert ok and len(_built(forced)) == count and _skipped(forced) == 0


def _printed_by(workspace: Path) -> dict[str, set[str]]:
    library = load_library(workspace / "clauses")
    printed: dict[str, set[str]] = {}
    for path in sorted((workspace / "schools").glob("*.yaml")):
        school = load_school(path)
        for policy_id in school.school.policies:
            for _, clause in resolve(library, school, policy_id).clauses():
                if clause.origin == "library":
                    printed.setdefault(clause.id, set()).add(f"{school.id}/{policy_id}")
    return printed


def _change_clause_text(workspace: Path, clause_id: str) -> None:
    yaml = YAML()
    for path in sorted((workspace / "clauses").rglob("*.yaml")):
        data = yaml.load(path.read_text())
        for clause in (data.get("clauses") or []) if isinstance(data, dict) else []:
            if clause.get("id") == clause_id:
                clause["text"] = clause["text"].rstrip() + " This sentence was added by the adviser.\n"
                with path.open("w") as handle:
                    yaml.dump(data, handle)
                return
    raise AssertionError(f"clause {clause_id} not found")


def _clause_with_text(workspace: Path, ids: set[str]) -> str | None:
    yaml = YAML(typ="safe")
    for path in sorted((workspace / "clauses").rglob("*.yaml")):
        data = yaml.load(path.read_text())
        for clause in (data.get("clauses") or []) if isinstance(data, dict) else []:
            if clause.get("id") in ids and isinstance(clause.get("text"), str):
                return clause["id"]
    return None


def test_a_library_change_rebuilds_exactly_the_documents_that_print_the_clause(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    ok, first = _build(workspace, out)
    everything = _built(first)
    printed = _printed_by(workspace)
    some = {cid for cid, docs in printed.items() if 0 < len(docs) < len(everything)}
    clause_id = _clause_with_text(workspace, some)
    assert clause_id, "the fixture library has a clause printed by some schools and not others"
    _change_clause_text(workspace, clause_id)
    ok, second = _build(workspace, out)
    assert ok
    assert _built(second) == printed[clause_id]  # exactly those, counted by resolving every school
    assert _skipped(second) == len(everything) - len(printed[clause_id])
    ok, third = _build(workspace, out)
    assert _built(third) == set() and _skipped(third) == len(everything)


def test_a_deleted_or_edited_output_is_rebuilt_and_a_touched_one_is_not(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    _build(workspace, out)
    docs = sorted(out.rglob("*.docx"))
    deleted, edited, touched = docs[0], docs[1], docs[2]
    deleted.unlink()
    edited.write_bytes(edited.read_bytes() + b"\0")
    os.utime(touched, ns=(time.time_ns(), time.time_ns()))
    ok, lines = _build(workspace, out)
    assert ok and _built(lines) == {f"{p.parent.name}/{p.stem[len(p.parent.name) + 1:]}" for p in (deleted, edited)}
    assert deleted.exists()


def test_a_changed_school_file_or_logo_rebuilds_that_school(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    _build(workspace, out)
    school = workspace / "schools" / "bradley-primary.yaml"
    school.write_text(school.read_text().replace("motto: Learning together", "motto: Learning always"))
    ok, lines = _build(workspace, out)
    assert _built(lines) == {"bradley-primary/social-media", "bradley-primary/acceptable-use"}  # both show the motto
    logo = load_school(workspace / "schools" / "holtsmere-end.yaml").logo_path
    logo.write_bytes(logo.read_bytes() + b"\0")  # PNG readers ignore bytes after IEND
    ok, lines = _build(workspace, out)
    assert _built(lines) == {"holtsmere-end/social-media", "holtsmere-end/acceptable-use"}


def _records(out: Path) -> dict[str, dict]:
    """Return the manifest's record of each school, by file name."""
    return {path.name: json.loads(path.read_text()) for path in sorted((out / MANIFEST_NAME).glob("*.json"))}


def test_a_torn_manifest_means_a_full_rebuild_not_an_error(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    ok, first = _build(workspace, out)
    records = _records(out)
    assert len(records) == len(list((workspace / "schools").glob("*.yaml")))  # one record per school
    for name in records:
        (out / MANIFEST_NAME / name).write_text('{"format": 2, "documents": {')
    ok, lines = _build(workspace, out)
    assert ok and _built(lines) == _built(first)
    assert all(record["format"] == 2 for record in _records(out).values())


def test_what_dead_builds_left_in_the_manifest_is_removed(workspace: Path, tmp_path: Path):
    out = tmp_path / "out"
    _build(workspace, out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # a process id that has ended
    stray = out / MANIFEST_NAME / f".bradley-primary.json.{dead}.x1y2.part"
    stray.write_text("{")
    legacy = out / ".policygen-manifest.json"  # the one-file manifest of earlier versions
    legacy.write_text('{"format": 1, "schools": {}}')
    ok, lines = _build(workspace, out)
    assert ok and _built(lines) == set()
    assert not stray.exists() and not legacy.exists()


def test_a_policy_built_alone_does_not_vouch_for_the_others(workspace: Path, tmp_path: Path):
    """--policy records the school under the new library; its other documents must still be checked."""
    out = tmp_path / "out"
    ok, first = _build(workspace, out)
    printed = _printed_by(workspace)
    policy_of = {name: name.split("/")[1] for name in _built(first)}
    one_policy = {cid: docs for cid, docs in printed.items()
                  if docs and len({policy_of[d] for d in docs}) == 1 and len(docs) < len(first)}
    clause_id = _clause_with_text(workspace, set(one_policy))
    assert clause_id, "the fixture library has a clause printed by one policy type only"
    changed = printed[clause_id]
    other = next(pid for pid in set(policy_of.values()) if pid not in {policy_of[d] for d in changed})
    _change_clause_text(workspace, clause_id)
    ok, lines = _build(workspace, out, policy_id=other)
    assert ok and _built(lines) == set()  # the other policy does not print the clause
    ok, lines = _build(workspace, out)
    assert ok and _built(lines) == changed


def test_an_interrupted_build_keeps_what_it_finished(workspace: Path, tmp_path: Path):
    """Ctrl-C mid-batch: the manifest names only finished documents, and the next build does the rest."""
    base = (workspace / "schools" / "roselands-stafford.yaml").read_text()
    schools = workspace / "many"
    schools.mkdir()
    count = 300  # enough that the build cannot finish before the interrupt reaches it
    for i in range(count):
        (schools / f"school-{i:03d}.yaml").write_text(base.replace("name: ", f"name: No. {i} ", 1))
    shutil.copytree(workspace / "schools" / "logos", schools / "logos")  # a logo lives in its school's folder
    out = tmp_path / "out"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    cmd = [sys.executable, "-m", "generator", "build", "--all", "--format", "docx", "--schools-dir", str(schools),
           "--library-dir", str(workspace / "clauses"), "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp)})
    finished = 0
    for line in proc.stdout:
        finished += line.startswith("ok ")
        if finished == 3:
            proc.send_signal(signal.SIGINT)
            break
    proc.communicate(timeout=120)
    assert proc.returncode != 0  # interrupted (the exit code is the signal handling's business)
    recorded = _records(out)
    names = [name for entry in recorded.values() for name in entry["documents"]]
    total = count * len(load_school(schools / "school-000.yaml").school.policies)
    assert 3 <= len(names) < total
    for entry in recorded.values():
        for doc in entry["documents"].values():
            assert all((out / rel).is_file() for rel in doc["files"])
    assert not list(out.rglob(".*.part*")), "a temporary file was left behind"
    assert len(recorded) < count  # written school by school as they finish, not all at once
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp)})
    assert done.returncode == 0, done.stderr
    assert _skipped(done.stdout.splitlines()) == len(names)
    assert len(_built(done.stdout.splitlines())) == total - len(names)
