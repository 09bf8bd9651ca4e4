"""One build plan (issue 11, item 6): what a build makes is decided once, in plan_build, and passed down.

The rule: no --format means DOCX, plus PDF when LibreOffice is installed;
--format pdf without LibreOffice writes the DOCX and then fails. The plan's
decisions are checked directly; that the build does what the plan says is
checked through the command line and the web app's "build all", reading the
written files.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document

from generator.plan import DOCX_AND_PDF, DOCX_ONLY, plan_build
from generator.render.office import INSTALL_HINT, LibreOffice, find_libreoffice

from conftest import LIBRARY_DIR, PROJECT, SCHOOLS_DIR

OFFICE = LibreOffice("/usr/bin/soffice", "/usr/bin/python3")


def _plan(formats=(), office: LibreOffice | None = OFFICE, **options):
    asked = []

    def find() -> LibreOffice | None:
        asked.append(True)
        return office

    plan = plan_build(formats, library_dir=LIBRARY_DIR, out_dir=Path("out"), find_office=find, **options)
    return plan, bool(asked)


def test_no_format_means_docx_plus_pdf_when_libreoffice_is_there():
    plan, looked = _plan()
    assert looked and plan.formats == DOCX_AND_PDF and plan.office == OFFICE
    assert not plan.office_missing and not plan.failed_without_pdf


def test_no_format_without_libreoffice_means_docx_and_the_hint_but_no_failure():
    plan, _ = _plan(office=None)
    assert plan.formats == DOCX_ONLY and plan.office is None
    assert plan.office_missing and not plan.failed_without_pdf


def test_asking_for_pdf_without_libreoffice_fails_after_the_docx():
    plan, _ = _plan({"pdf"}, office=None)
    assert plan.formats == DOCX_ONLY and plan.office_missing and plan.failed_without_pdf
    plan, _ = _plan({"pdf"})
    assert plan.formats == DOCX_AND_PDF and not plan.failed_without_pdf


def test_docx_only_never_looks_for_libreoffice_and_starts_no_worker():
    plan, looked = _plan({"docx"})
    assert not looked and plan.formats == DOCX_ONLY and plan.workers(50) == 0 and not plan.office_missing


def test_a_cluster_brings_its_own_libreoffice():
    plan, looked = _plan(cluster="tcp://127.0.0.1:8786")
    assert not looked and plan.office is None and plan.formats == DOCX_AND_PDF and plan.workers(9) == 0
    plan, _ = _plan({"docx"}, cluster="tcp://127.0.0.1:8786")
    assert plan.formats == DOCX_ONLY


def test_workers_are_at_most_jobs_and_never_more_than_schools():
    plan, _ = _plan(jobs=3)
    assert (plan.workers(1), plan.workers(2), plan.workers(10)) == (1, 2, 3)


def policygen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=PROJECT, capture_output=True, text=True)


def test_build_format_docx_writes_word_only(tmp_path: Path):
    done = policygen("build", "schools/holtsmere-end.yaml", "--format", "docx", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("[!.]*/*.*")) == ["holtsmere-end-acceptable-use.docx",
                                                                 "holtsmere-end-social-media.docx"]
    assert INSTALL_HINT not in done.stderr
    assert "built 2 of 2 policies" in done.stdout


def test_build_format_pdf_writes_both_through_libreoffice(tmp_path: Path):
    assert find_libreoffice() is not None, "LibreOffice with python3-uno must be installed (make test installs it)"
    done = policygen("build", "schools/holtsmere-end.yaml", "--policy", "social-media", "--format", "pdf",
                     "--jobs", "1", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "holtsmere-end"
    assert sorted(p.name for p in folder.iterdir()) == ["holtsmere-end-social-media.docx",
                                                        "holtsmere-end-social-media.pdf"]
    assert (folder / "holtsmere-end-social-media.pdf").read_bytes().startswith(b"%PDF")
    # the contents page was laid out by LibreOffice and written back: page numbers, not placeholders
    toc = [p.text for p in Document(folder / "holtsmere-end-social-media.docx").paragraphs
           if p.style.name.startswith("TOC") and "\t" in p.text]
    assert toc[0].startswith("1 Introduction\t") and all(line.split("\t")[-1].isdigit() for line in toc), toc


def test_web_build_all_follows_the_plan_without_libreoffice(tmp_path: Path):
    from generator.web.accounts import User
    from generator.web.jobs import BuildAll, run_build_all
    from generator.web.office import OfficePool
    from generator.web.workspace import WebConfig, Workspace

    workspace = Workspace(WebConfig(LIBRARY_DIR, SCHOOLS_DIR, tmp_path, tmp_path / "users.yaml"))
    job = BuildAll("t", "clara")
    clerk = User("clara", "clerk", ("holtsmere-end",))
    run_build_all(job, workspace, OfficePool(), tmp_path, clerk, None)  # never started: no LibreOffice here
    assert job.finished and job.failures == [] and job.done == job.total == 2
    assert job.note == "LibreOffice is not installed on this server, so only the Word files were built."
    with zipfile.ZipFile(job.zip_path) as archive:
        assert sorted(archive.namelist()) == ["holtsmere-end/holtsmere-end-acceptable-use.docx",
                                              "holtsmere-end/holtsmere-end-social-media.docx"]
        doc = Document(io.BytesIO(archive.read("holtsmere-end/holtsmere-end-social-media.docx")))
        assert any("Holtsmere End" in p.text for p in doc.paragraphs)
