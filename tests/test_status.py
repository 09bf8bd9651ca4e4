"""Draft or approved, always visible; baselines; build --approved; a safer, all-or-nothing approve."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from docx import Document
from ruamel.yaml import YAML

from conftest import docx_text
from helpers import policygen

SCHOOL = "schools/holtsmere-end.yaml"
OLD = "they must pass the enquiry to the headteacher and must not respond"
NEW = "they must pass the enquiry to the headteacher on the same day and must not respond"


def reword(workspace: Path, changelog_date: str) -> None:
    """Reword one printed clause, with a changelog line dated ``changelog_date``."""
    path = workspace / "clauses/social-media/clauses/05-business-use.yaml"
    text = path.read_text()
    assert OLD in text
    head, sep, tail = text.partition("  - id: media-enquiries")
    tail = tail.replace(OLD, NEW).replace(
        "    changelog:\n", f'    changelog:\n      - {{date: {changelog_date}, summary: "Same-day reply."}}\n', 1)
    path.write_text(head + sep + tail)
    lib = workspace / "clauses/library.yaml"
    lib.write_text(re.sub(r'(?m)^version: .*$', 'version: "2099.1"', lib.read_text()))


def build(workspace: Path, *extra: str) -> tuple[subprocess.CompletedProcess, Document]:
    done = policygen(workspace, "build", SCHOOL, "--policy", "social-media", "--format", "docx", "--out", "out", *extra)
    assert done.returncode == 0, done.stderr
    return done, Document(workspace / "out" / "holtsmere-end" / "holtsmere-end-social-media.docx")


def core_xml(workspace: Path) -> str:
    # read raw: python-docx reads the keywords and status back empty from today's core.xml (issue 11 item 7)
    docx = workspace / "out" / "holtsmere-end" / "holtsmere-end-social-media.docx"
    return zipfile.ZipFile(docx).read("docProps/core.xml").decode("utf-8")


def cover(doc: Document) -> dict[str, str]:
    return {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}


def test_shipped_baselines_make_the_examples_approved(workspace: Path):
    done, doc = build(workspace)
    assert "draft" not in done.stdout.lower()
    assert cover(doc)["Version"] == "2" and cover(doc)["Date approved"] == "19 June 2017"
    assert "Draft" not in docx_text(doc)
    assert "<cp:contentStatus" in core_xml(workspace) and ">Approved</cp:contentStatus>" in core_xml(workspace)


def test_reworded_wording_is_a_draft_in_all_three_places_and_build_approved_gives_the_approved(workspace: Path):
    reword(workspace, "2017-06-19")  # dated the approval day: still after the approval's library version
    done, doc = build(workspace)
    assert "1 of 1 document(s) built are drafts" in done.stdout
    assert "holtsmere-end/social-media: Draft revising version 2" in done.stdout
    # the cover: Draft, the version it revises, not yet approved
    assert cover(doc)["Version"] == "Draft revising version 2"
    assert cover(doc)["Date approved"] == "Not yet approved"
    assert "Social Media Policy (Draft)" in [p.text for p in doc.paragraphs]
    # header and footer
    assert doc.sections[0].header.paragraphs[0].text.endswith("Social Media Policy (Draft)")
    assert "Version Draft revising version 2" in doc.sections[0].footer.paragraphs[0].text
    # document properties (LibreOffice carries title and keywords into the PDF)
    props = doc.core_properties
    assert props.title.startswith("Social Media Policy (Draft)")
    assert ">Draft revising version 2</cp:contentStatus>" in core_xml(workspace)
    assert "; draft revising version 2</cp:keywords>" in core_xml(workspace)
    assert NEW.split(" and must")[0] in docx_text(doc)

    done, approved = build(workspace, "--approved")
    assert "draft" not in done.stdout.lower()
    text = docx_text(approved)
    assert OLD in text and NEW not in text and "Draft" not in text
    assert cover(approved)["Version"] == "2"
    assert ">Approved</cp:contentStatus>" in core_xml(workspace)

    # changes quotes the same-day changelog line, by library version
    done = policygen(workspace, "changes", SCHOOL)
    assert done.returncode == 0, done.stderr
    assert "library, 19 June 2017: Same-day reply." in done.stdout


def test_a_changed_choice_is_a_draft(workspace: Path):
    path = workspace / SCHOOL
    path.write_text(path.read_text().replace("personal-use-at-work: designated-place", "personal-use-at-work: never"))
    done, doc = build(workspace)
    assert cover(doc)["Version"] == "Draft revising version 2"


def test_draft_marks_reach_the_pdf(workspace: Path, tmp_path: Path):
    reword(workspace, "2026-11-01")
    _, doc = build(workspace)
    docx = workspace / "out" / "holtsmere-end" / "holtsmere-end-social-media.docx"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], capture_output=True, check=True, timeout=180)
    pdf = tmp_path / "holtsmere-end-social-media.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Social Media Policy (Draft)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Draft revising version 2" in text and "Not yet approved" in text


def test_baseline_records_the_latest_approval_without_a_new_version(workspace: Path):
    shutil.rmtree(workspace / "schools" / "holtsmere-end.approved")
    before = (workspace / SCHOOL).read_text()
    done, doc = build(workspace)
    assert cover(doc)["Version"] == "Draft revising version 2"  # no snapshot: cannot be shown as approved
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--baseline")
    assert done.returncode == 0, done.stderr
    assert "version 2" in done.stdout
    assert (workspace / SCHOOL).read_text() == before
    data = json.loads((workspace / "schools/holtsmere-end.approved/social-media-v2.json").read_text())
    assert (data["version"], data["approved"]) == ("2", "2017-06-19")
    _, doc = build(workspace)
    assert cover(doc)["Version"] == "2"
    again = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--baseline")
    assert again.returncode == 1 and "nothing to do" in again.stderr
    reword(workspace, "2026-11-01")
    again = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--baseline")
    assert again.returncode == 1 and "--force" in again.stderr


def test_approve_guards(workspace: Path):
    future = (date.today() + timedelta(days=1)).isoformat()
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", future)
    assert done.returncode == 1 and "in the future" in done.stderr
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--by", "")
    assert done.returncode == 1 and "--by is empty" in done.stderr and "Traceback" not in done.stderr
    # --by defaults to the approving body; back-dating says which library it freezes
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02")
    assert done.returncode == 0, done.stderr
    assert "version 3 on 2 November 2026 by Full Governing Body" in done.stdout
    assert "note: back-dated to 2 November 2026: this freezes the wording as it prints today, from clause library" \
        in done.stdout
    # the same approval again needs --force
    again = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02")
    assert again.returncode == 1 and "--force" in again.stderr
    assert 'version: "3"' in (workspace / SCHOOL).read_text() and '"4"' not in (workspace / SCHOOL).read_text()
    assert policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02", "--force").returncode == 0


def test_undo_removes_the_last_approval_and_its_snapshot(workspace: Path):
    before = (workspace / SCHOOL).read_text()
    assert policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02").returncode == 0
    snap = workspace / "schools/holtsmere-end.approved/social-media-v3.json"
    assert snap.exists()
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--undo")
    assert done.returncode == 0, done.stderr
    assert (workspace / SCHOOL).read_text() == before and not snap.exists()
    # once the wording has moved on, undo would lose what was approved
    assert policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02").returncode == 0
    reword(workspace, "2026-11-03")
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--undo")
    assert done.returncode == 1 and "have changed since version 3" in done.stderr and snap.exists()


def approvals(path: Path) -> list[str]:
    data = YAML(typ="safe").load(path.read_text())
    return [a["version"] for a in data["policies"]["social-media"]["governance"]["approvals"]]


def test_six_concurrent_approves_give_six_versions(workspace: Path):
    days = [f"2026-11-{d:02d}" for d in range(3, 9)]
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda d: policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", d), days))
    ok = [r for r in results if r.returncode == 0]
    refused = [r for r in results if r.returncode != 0]
    assert all("Traceback" not in r.stderr for r in results)
    assert all("before the last approval" in r.stderr for r in refused)  # a later date got there first
    versions = approvals(workspace / SCHOOL)
    assert len(versions) == len(set(versions)) == 2 + len(ok)
    folder = workspace / "schools/holtsmere-end.approved"
    # the shipped baseline of version 2, and one snapshot per new approval; no stray temporary file
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"social-media-v{v}.json" for v in versions[1:])
    for v in versions[2:]:
        assert json.loads((folder / f"social-media-v{v}.json").read_text())["version"] == v


def test_approve_keeps_permissions_links_and_line_endings(workspace: Path):
    real = workspace / "schools" / "holtsmere-end.yaml"
    real.write_bytes(real.read_bytes().replace(b"\n", b"\r\n"))
    os.chmod(real, 0o640)
    done = policygen(workspace, "approve", str(real), "--policy", "social-media", "--date", "2026-11-02")
    assert done.returncode == 0, done.stderr
    data = real.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") and b'version: "3"' in data
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_approve_through_a_symlink_writes_the_target(workspace: Path):
    real = workspace / "schools" / "holtsmere-end.yaml"
    store = workspace / "store"
    store.mkdir()
    moved = store / "holtsmere-end.yaml"
    shutil.move(real, moved)
    shutil.move(workspace / "schools" / "holtsmere-end.approved", store / "holtsmere-end.approved")
    (store / "logos").symlink_to(workspace / "schools" / "logos")
    real.symlink_to(moved)
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02")
    assert done.returncode == 0, done.stderr
    assert real.is_symlink() and 'version: "3"' in moved.read_text()


def test_a_read_only_school_file_or_unwritable_snapshot_changes_nothing(workspace: Path):
    path = workspace / SCHOOL
    before = path.read_bytes()
    os.chmod(path, 0o444)
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02")
    assert done.returncode == 1 and "read-only" in done.stderr and "Traceback" not in done.stderr
    os.chmod(path, 0o644)
    folder = workspace / "schools" / "holtsmere-end.approved"
    shutil.rmtree(folder)
    folder.write_text("a file where the snapshot folder should be")
    done = policygen(workspace, "approve", SCHOOL, "--policy", "social-media", "--date", "2026-11-02")
    assert done.returncode == 1 and "nothing was changed" in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_build_approved_needs_a_snapshot_and_leaves_out_a_never_approved_policy(workspace: Path):
    shutil.rmtree(workspace / "schools" / "holtsmere-end.approved")
    done = policygen(workspace, "build", SCHOOL, "--approved", "--format", "docx", "--out", "out")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "version 2 of the social-media policy (its last approval) has no snapshot" in done.stderr
    # asked for one policy that was never approved: nothing to build, nothing written, exit 1
    done = policygen(workspace, "build", "schools/model-school.yaml", "--approved", "--policy", "social-media",
                     "--format", "docx", "--out", "out")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    first, second = done.stderr.splitlines()
    assert first == ("not built model-school/social-media: the Social Media Policy has never been approved, so "
                     "there is no approved wording to build; build it without --approved for a draft")
    assert re.fullmatch(r"nothing built: none of the policies asked for has been approved; [0-9.]+s", second)
    assert not (workspace / "out" / "model-school").exists()


def test_build_approved_builds_the_approved_policies_and_no_draft_among_them(workspace: Path):
    # holtsmere-end's social-media policy is approved (version 2); its acceptable-use policy never was
    reword(workspace, "2026-11-03")  # today's social-media wording is a draft: --approved must not print it
    done = policygen(workspace, "build", SCHOOL, "--approved", "--format", "docx", "--out", "out")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "not built holtsmere-end/acceptable-use: the Staff Acceptable Use of ICT Policy has never been approved, "
        "so there is no approved wording to build; build it without --approved for a draft"]
    lines = done.stdout.splitlines()
    assert lines[0] == "ok      holtsmere-end/social-media (docx)" and lines[1].startswith("built 1 of 1 policies")
    assert lines[2:] == ["1 policy(ies) not built because never approved (build them without --approved for drafts):",
                         "  holtsmere-end/acceptable-use"]
    folder = workspace / "out" / "holtsmere-end"
    assert sorted(p.name for p in folder.iterdir()) == ["holtsmere-end-social-media.docx"]
    doc = Document(folder / "holtsmere-end-social-media.docx")
    text = docx_text(doc)
    assert "Draft" not in text and OLD in text and NEW not in text
    assert cover(doc)["Version"] == "2" and cover(doc)["Date approved"] == "19 June 2017"
    # run again: the approved document is up to date, and the summary still says what was left out
    again = policygen(workspace, "build", SCHOOL, "--approved", "--format", "docx", "--out", "out")
    assert again.returncode == 0, again.stderr
    assert "skipped 1 unchanged" in again.stdout and "holtsmere-end/acceptable-use" in again.stdout


def test_a_first_approval_without_by_names_the_schools_approving_body(workspace: Path):
    school = workspace / "schools" / "model-school.yaml"
    school.write_text(school.read_text().replace("      approving_body: Governing Body\n", "", 1))
    done = policygen(workspace, "approve", "schools/model-school.yaml", "--policy", "social-media",
                     "--date", "2026-11-02")
    assert done.returncode == 0, done.stderr
    assert "version 1 on 2 November 2026 by Governing Body;" in done.stdout  # a community school: its governing body
    assert "          by: Governing Body\n" in school.read_text()
    assert policygen(workspace, "check", "schools/model-school.yaml").returncode == 0


def test_a_first_approval_that_cannot_be_written_leaves_no_snapshot_folder(workspace: Path):
    # model-school has never been approved: its first approval creates schools/model-school.approved/.
    # The disk "fills up" (a file-size limit) while the snapshot is written, so the approval fails.
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))  # Python ignores SIGXFSZ: writes fail with EFBIG

    path = workspace / "schools" / "model-school.yaml"
    before = path.read_bytes()
    done = subprocess.run([sys.executable, "-m", "generator", "approve", "schools/model-school.yaml",
                           "--policy", "social-media", "--date", "2026-11-02"],
                          cwd=workspace, capture_output=True, text=True, preexec_fn=small_files)
    assert done.returncode == 1 and "nothing was changed" in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == before
    assert not (workspace / "schools" / "model-school.approved").exists()


def test_an_approval_added_by_hand_is_named_where_its_wording_is_not_known(workspace: Path):
    # version 3 typed into the school file, not recorded by approve: no snapshot keeps its wording
    path = workspace / SCHOOL
    v2 = '        - {version: "2", date: 2017-06-19, by: Full Governing Body, summary: Reviewed in June 2017; no change to content.}\n'
    path.write_text(path.read_text().replace(v2, v2 + '        - {version: "3", date: 2026-10-01, by: Full Governing Body}\n'))
    assert 'version: "3"' in path.read_text()
    done = policygen(workspace, "changes", SCHOOL, "--policy", "social-media")
    assert done.returncode == 0, done.stderr
    assert ("Note: version 3 (approved 1 October 2026) has no snapshot, so its wording is not known; these are "
            "the changes since version 2") in done.stdout
    done, doc = build(workspace)
    assert cover(doc)["Version"] != "3"  # never printed as approved: its wording is not known
    done = policygen(workspace, "build", SCHOOL, "--approved", "--format", "docx", "--out", "out")
    assert done.returncode == 1 and "version 3 of the social-media policy (its last approval) has no snapshot" \
        in done.stderr
