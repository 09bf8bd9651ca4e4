"""Reproducible output: the same inputs give the same bytes, whenever and however often they are built."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from lxml import etree
from pypdf import PdfReader

from generator.library import load_library
from generator.render.docx import render_docx
from generator.render.reproducible import ZIP_END, ZIP_EPOCH, pin_pdf, repack_docx
from generator.review.as_built import resolve_as_built
from generator.school import load_school

from conftest import ROOT

CORE_NS = {
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
}


def _docx(workspace: Path, school: str, environ: dict[str, str] | None = None) -> bytes:
    library = load_library(workspace / "clauses")
    # as build resolves it: with its approval history, so approved where it matches its snapshot
    policy = resolve_as_built(library, load_school(workspace / "schools" / f"{school}.yaml"), "social-media")
    old = dict(os.environ)
    try:
        os.environ.update(environ or {})
        return render_docx(policy, workspace / "templates" / "house-style.docx")
    finally:
        os.environ.clear()
        os.environ.update(old)


def test_core_properties_are_valid_and_read_back(workspace: Path):
    data = _docx(workspace, "bradley-primary")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = etree.fromstring(archive.read("docProps/core.xml"))
    tags = [child.tag for child in core]
    assert len(tags) == len(set(tags)), f"a core property is written twice: {tags}"
    assert {etree.QName(tag).namespace for tag in tags} <= CORE_NS, tags
    assert not any(child.text is None or not child.text.strip() for child in core), "an empty core property"
    props = Document(io.BytesIO(data)).core_properties
    assert props.keywords == "policy; social-media; version 1"
    assert props.category == "School policy"
    assert props.last_modified_by == "policygen"
    assert props.identifier == "bradley-primary-social-media"
    assert props.title == "Social Media Policy – Bradley Primary School"
    assert props.created == props.modified == datetime(2023, 5, 15, tzinfo=timezone.utc)  # the approval's date


def _stamps(data: bytes) -> set[tuple[int, ...]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.date_time for info in archive.infolist()}


def test_docx_date_is_the_approval_then_the_library_version_then_source_date_epoch(workspace: Path):
    assert _stamps(_docx(workspace, "bradley-primary")) == {(2023, 5, 15, 0, 0, 0)}
    version = load_library(workspace / "clauses").version  # "2026.11": a draft is dated 1 November 2026
    year, month, *day = (int(part) for part in version.split(".")[:3])  # "2026.11.23": 23 November
    assert _stamps(_docx(workspace, "model-school")) == {(year, month, day[0] if day else 1, 0, 0, 0)}
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}  # 14 November 2023 22:13:20 UTC
    pinned = _docx(workspace, "bradley-primary", epoch)
    assert _stamps(pinned) == {(2023, 11, 14, 22, 13, 20)}
    assert Document(io.BytesIO(pinned)).core_properties.modified == datetime(2023, 11, 14, 22, 13, 20,
                                                                            tzinfo=timezone.utc)


def test_docx_is_byte_identical_across_renders(workspace: Path):
    first = _docx(workspace, "holtsmere-end")
    time.sleep(1.1)  # a zip or property stamped with the clock would now differ
    assert _docx(workspace, "holtsmere-end") == first


def test_repack_stamps_every_entry_as_zipfile_would_write_it(workspace: Path):
    """The in-place stamp gives the bytes zipfile itself writes for entries of that date, mode and system."""
    document = Document(str(workspace / "templates" / "house-style.docx"))
    document.add_paragraph("Policies & <procedures>")
    written = io.BytesIO()
    document.save(written)  # python-docx stamps each entry with the wall clock
    for when in (datetime(2026, 11, 23, 13, 45, 17), datetime(1970, 1, 1), datetime(9999, 12, 31)):
        stamp = min(max(when, ZIP_EPOCH), ZIP_END).timetuple()[:6]
        expected = io.BytesIO()
        with zipfile.ZipFile(written) as source, zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=stamp)
                entry.compress_type, entry.external_attr, entry.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
                target.writestr(entry, source.read(info.filename))
        packed = repack_docx(written.getvalue(), when)
        assert packed == expected.getvalue(), when
        with zipfile.ZipFile(io.BytesIO(packed)) as archive:
            assert archive.testzip() is None
            assert {(i.date_time, i.external_attr >> 16, i.create_system) for i in archive.infolist()} == {
                (stamp[:5] + (stamp[5] // 2 * 2,), 0o644, 3)}


def test_pin_pdf_keeps_every_offset_and_sets_dates_and_ids():
    body = (b"%PDF-1.6\n1 0 obj\n<</Producer(LibreOffice 7.4)/CreationDate(D:20261123032354+01'00')>>\nendobj\n"
            b"2 0 obj\n<</Type/Metadata/Length 60>>stream\n<xmp:CreateDate>2026-11-23T03:23:54+01:00</xmp:CreateDate>"
            b"\nendstream\nendobj\n")
    trailer = (b"trailer\n<</Size 3/ID [ <18ECE849A37EAE0FE51E9C7D5D8721C1>\n<18ECE849A37EAE0FE51E9C7D5D8721C1> ]\n"
               b"/DocChecksum /D1C8C5834C4F1B20132DD7BADDBC2B4C\n>>\nstartxref\n0\n%%EOF\n")
    pinned = pin_pdf(body + trailer, datetime(2023, 5, 15))
    assert len(pinned) == len(body + trailer)
    assert b"/CreationDate(D:20230515000000Z)      >>" in pinned
    assert b"<xmp:CreateDate>2023-05-15T00:00:00+00:00</xmp:CreateDate>" in pinned
    assert b"18ECE849" not in pinned and b"D1C8C583" not in pinned
    # the ids are a digest of the content: other content, other ids; the same content, the same ids
    assert pin_pdf(body.replace(b"7.4", b"7.5") + trailer, datetime(2023, 5, 15))[-150:] != pinned[-150:]
    assert pin_pdf(body + trailer.replace(b"18ECE849", b"00000000"), datetime(2023, 5, 15)) == pinned


def _own_soffice(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines()[1:] if marker in line and "soffice" in line]


def _build(workspace: Path, out: Path, tmp: Path) -> None:
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run(
        # every policy of every fixture school: the acceptable-use drafts too, which LibreOffice laid out
        # one way or another from run to run while it updated their contents itself
        [sys.executable, "-m", "generator", "build", "--all", "--format", "docx", "--format", "pdf",
         "--library-dir", str(workspace / "clauses"), "--schools-dir", str(workspace / "schools"),
         "--template", str(workspace / "templates" / "house-style.docx"), "--out", str(out), "--jobs", "1"],
        cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert _own_soffice(str(tmp)) == [], "a LibreOffice process of this build outlived it"


def test_two_builds_give_identical_docx_and_pdf(workspace: Path, tmp_path: Path):
    _build(workspace, tmp_path / "first", tmp_path / "tmp")
    time.sleep(1.1)  # LibreOffice stamps the second; make sure the clock has moved on
    _build(workspace, tmp_path / "second", tmp_path / "tmp")
    first = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*.*[fx]"))
    second = sorted(p.relative_to(tmp_path / "second") for p in (tmp_path / "second").rglob("*.*[fx]"))
    assert first == second
    assert {p.suffix for p in first} == {".docx", ".pdf"} and len(first) >= 2
    for policy in ("social-media", "acceptable-use"):  # both policy types are compared
        assert any(p.name.endswith(f"-{policy}.pdf") for p in first), policy
    for name in first:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name
    pdf = PdfReader(tmp_path / "first" / "bradley-primary" / "bradley-primary-social-media.pdf")
    assert pdf.metadata.creation_date == datetime(2023, 5, 15, tzinfo=timezone.utc)
    assert b"<xmp:CreateDate>2023-05-15T00:00:00Z</xmp:CreateDate>" in pdf.xmp_metadata.stream.get_data()
