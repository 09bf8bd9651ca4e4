"""PDF through the real LibreOffice that `make test` installs (never mocked, never skipped)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.batch import run_build
from generator.plan import plan_build
from generator.errors import ConverterError
from generator.render.pdf import Worker, find_libreoffice
from generator.render.processes import group_members

from conftest import EXAMPLES, LIBRARY_DIR, PROJECT, ROOT, SCHOOLS_DIR
from office_processes import soffice_bin_pids, soffice_pids
from pdf_text import contents, docx_headings, docx_toc_entries, heading_pages, pages_ending_with_a_heading, pdf_pages


def libreoffice():
    office = find_libreoffice()
    assert office is not None, "LibreOffice with python3-uno must be installed (make test installs it)"
    return office


def soffice_bin(worker: Worker) -> int:
    """Return the soffice.bin of ``worker`` (oosplash's child, in the worker's process group)."""
    return next(pid for pid in group_members(worker.group) if pid in soffice_bin_pids())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    before = soffice_pids()
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--all", "--out", str(out), "--jobs", "2"],
        cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert soffice_pids() - before == set(), "a LibreOffice process outlived the command"
    return out, done.stdout


def paths(out: Path, name: str) -> tuple[Path, Path]:
    return out / name / f"{name}-social-media.docx", out / name / f"{name}-social-media.pdf"


def paths_of(out: Path, name: str, policy: str) -> tuple[Path, Path]:
    return out / name / f"{name}-{policy}.docx", out / name / f"{name}-{policy}.pdf"


@pytest.mark.parametrize("policy", ["social-media", "acceptable-use"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_toc_page_numbers_match_where_headings_land(built, name, policy):
    out, _ = built
    docx, pdf = paths_of(out, name, policy)
    pages = pdf_pages(pdf)
    contents_page, entries = contents(pages)
    assert len(entries) >= 10
    landed = heading_pages(pages, [title for title, _ in entries], contents_page + 1)
    assert {t: p for t, p in entries} == landed
    # the saved DOCX carries the same, filled-in table of contents
    assert "updateFields" not in zipfile.ZipFile(docx).read("word/settings.xml").decode()
    assert docx_toc_entries(docx) == entries
    # and no page ends with a heading whose text starts the next
    assert pages_ending_with_a_heading(pages, docx_headings(docx)) == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_is_accessible(built, library, schools, name):
    out, _ = built
    _, pdf = paths(out, name)
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    school = schools[name].school
    draft = "" if school.policies["social-media"].governance.approvals else " (Draft)"  # never approved: a draft
    assert reader.metadata.title == f"Social Media Policy{draft} – {school.name}"
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert outline[0] == "1 Introduction"
    assert any(t.startswith("Appendix") for t in outline)
    assert _figure_alts(root["/StructTreeRoot"]) == [school.branding.logo_alt or f"{school.name} logo"]
    for base_font, embedded in _fonts(reader):
        assert embedded, f"font {base_font} is not embedded"


def _figure_alts(node) -> list[str]:
    node = node.get_object()
    found = []
    if isinstance(node, dict):
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt")))
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            found += _figure_alts(kid)
    return found


def _fonts(reader: PdfReader):
    seen = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for f in descendants:
                desc = f.get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                seen[str(f["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert seen
    return seen.items()


def test_build_reports_one_line_per_school(built):
    _, stdout = built
    lines = [ln for ln in stdout.splitlines() if ln.startswith("ok")]
    assert len(lines) == 10 and all("(docx, pdf)" in ln for ln in lines)  # two policy types each
    assert re.search(r"built 10 of 10 policies into .+ in \d+\.\ds", stdout)


def test_killed_worker_is_restarted_and_the_document_retried(built):
    out, _ = built
    docx, _ = paths(out, "bradley-primary")
    with Worker(libreoffice(), timeout=30) as worker:
        worker.convert(docx.read_bytes())
        os.kill(soffice_bin(worker), signal.SIGKILL)  # soffice dies between documents
        converted = worker.convert(docx.read_bytes())
        assert worker.restarts == 1 and worker.recycles == 0
        assert converted.pdf.startswith(b"%PDF") and len(converted.pdf) > 10_000


def test_a_crash_mid_document_is_retried_and_a_kill_is_not_held_against_it(built):
    out, _ = built
    data = paths(out, "bradley-primary")[0].read_bytes()
    with Worker(libreoffice(), timeout=30, max_losses=1) as worker:
        # SIGSEGV is a crash, which a document could cause: with max_losses=1 it fails the document
        os.kill(soffice_bin(worker), signal.SIGSEGV)
        with pytest.raises(ConverterError, match=r"LibreOffice crashed or hung 1 time\(s\) on this document"):
            worker.convert(data)
        # SIGKILL comes from outside (kill -9, the OOM killer): retried without counting against it
        worker.start()
        os.kill(soffice_bin(worker), signal.SIGKILL)
        assert worker.convert(data).pdf.startswith(b"%PDF")
        assert worker.restarts == 2


def test_hung_worker_times_out_and_recovers(built):
    out, _ = built
    docx, _ = paths(out, "holtsmere-end")
    with Worker(libreoffice(), timeout=8) as worker:
        hung = soffice_bin(worker)
        os.kill(hung, signal.SIGSTOP)  # soffice hangs
        converted = worker.convert(docx.read_bytes())
        assert worker.restarts == 1
        assert converted.pdf.startswith(b"%PDF")
        assert not _alive(hung), "the stopped soffice.bin was not killed"


def test_killing_workers_mid_batch_still_yields_every_document(tmp_path: Path, monkeypatch):
    original = Worker.convert
    killed = []

    def convert_and_sometimes_die(self, docx):
        if self.converted == 1 and len(killed) < 2:  # kill each worker's soffice once, mid-batch
            killed.append(self.pids[0])
            os.killpg(self.group, signal.SIGKILL)
        return original(self, docx)

    monkeypatch.setattr(Worker, "convert", convert_and_sometimes_die)
    lines: list[str] = []
    plan = plan_build({"docx", "pdf"}, library_dir=LIBRARY_DIR, out_dir=tmp_path, jobs=2)
    ok = run_build(sorted((SCHOOLS_DIR).glob("*.yaml")), plan, echo=lambda msg="", err=False: lines.append(msg))
    assert ok, lines
    assert killed
    assert len(list(tmp_path.glob("*/*.pdf"))) == 10 and len(list(tmp_path.glob("*/*.docx"))) == 10
    assert any("LibreOffice crashed or hung and was restarted" in ln for ln in lines)
    assert not list(tmp_path.glob("*/.*.part*")), "temporary files were left behind"


def test_without_libreoffice_docx_is_still_written(tmp_path: Path):
    lines: list[tuple[str, bool]] = []
    no_office = plan_build(library_dir=LIBRARY_DIR, out_dir=tmp_path, jobs=1, find_office=lambda: None)
    ok = run_build([SCHOOLS_DIR / "bradley-primary.yaml"], no_office,
                   echo=lambda msg="", err=False: lines.append((msg, err)))
    assert ok
    assert (tmp_path / "bradley-primary" / "bradley-primary-social-media.docx").exists()
    assert not list(tmp_path.glob("*/*.pdf"))
    hints = [msg for msg, err in lines if err and "LibreOffice was not found" in msg]
    assert len(hints) == 1 and "make setup" in hints[0]
    # asking for PDF explicitly without LibreOffice fails, after writing the DOCX
    asked = plan_build({"pdf"}, library_dir=LIBRARY_DIR, out_dir=tmp_path, jobs=1, find_office=lambda: None)
    assert not run_build([SCHOOLS_DIR / "bradley-primary.yaml"], asked, echo=lambda msg="", err=False: None)


def test_workers_are_recycled(built):
    out, _ = built
    docx, _ = paths(out, "model-school")
    with Worker(libreoffice(), recycle_after=2) as worker:
        first_pids = worker.pids
        assert group_members(worker.group) and soffice_bin(worker)
        for _ in range(3):
            assert worker.convert(docx.read_bytes()).pdf.startswith(b"%PDF")
        assert worker.recycles == 1 and worker.pids != first_pids
        assert worker.restarts == 0, "routine recycling is not a restart"
    assert all(not Path(f"/proc/{pid}").exists() for pid in first_pids)


def test_stopping_a_worker_waits_until_soffice_bin_is_gone():
    # a recycled worker must not start a new LibreOffice while the old one still holds its memory
    for _ in range(3):
        worker = Worker(libreoffice())
        worker.start()
        group = set(group_members(worker.group))
        assert soffice_bin(worker) in group
        worker.stop()
        assert not {pid for pid in group if _alive(pid)}


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def test_the_school_font_is_the_one_in_the_pdf(built):
    out, _ = built
    _, pdf = paths(out, "roselands-stafford")  # branding.font: Liberation Sans
    families = {name.split("+", 1)[-1].lstrip("/").split("-")[0] for name, _ in _fonts(PdfReader(pdf))}
    # bullets come from OpenSymbol and tick boxes from DejaVu Sans; all text is the school's font
    assert families <= {"LiberationSans", "OpenSymbol", "DejaVuSans"}
    assert "LiberationSans" in families


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_no_libreoffice_outlives_a_killed_build(tmp_path: Path, sig):
    """Nothing of a killed build outlives it; the next build into the same folder leaves nothing either.

    After SIGTERM the build cleans up itself. After SIGKILL its guardian
    kills LibreOffice and removes the temporary files, which are registered
    with it before they exist; once the guardian has exited no ``.part`` file
    is left. Should one be (the guardian killed too), the next build removes
    it, since its name says its writer is dead: that build must leave none.
    The builds have their own TMPDIR, so only their LibreOffice is looked at.
    """
    tmp, out = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    tmp = Path(os.path.realpath(tmp))
    env = {**os.environ, "TMPDIR": str(tmp)}
    command = [sys.executable, "-m", "generator", "build", "--all", "--out", str(out)]
    proc = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while not soffice_pids(tmp) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert soffice_pids(tmp), f"the build never started LibreOffice: {proc.poll()} {proc.stderr.read() if proc.poll() is not None else ''}"
    time.sleep(1.0)  # mid-batch
    guardians = [pid for pid in _children(proc.pid) if "guardian.py" in _cmdline(pid)]
    assert guardians, "the build has no guardian"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    while (soffice_pids(tmp) or any("guardian.py" in _cmdline(pid) for pid in guardians)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert soffice_pids(tmp) == set()
    assert not any("guardian.py" in _cmdline(pid) for pid in guardians), "the guardian did not finish"
    assert not _parts(out), "the killed build (or its guardian) left temporary files"
    again = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0, again.stderr
    assert not _parts(out), "the next build left the killed one's temporary files"
    assert soffice_pids(tmp) == set() and not list(tmp.glob("policygen-lo-*")) and not list(tmp.glob("lu*.tmp"))


def _parts(out: Path) -> list[Path]:
    return sorted(out.rglob("*.part*"))


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid,ppid"], capture_output=True, text=True, check=True).stdout
    return [int(f[0]) for f in (line.split() for line in out.splitlines()[1:]) if int(f[1]) == pid]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_soffice_runs_with_tcmalloc(tmp_path: Path):
    office = libreoffice()
    assert office.preload, "make test installs libtcmalloc-minimal4; find_libreoffice should preload it"
    with Worker(office) as worker:
        mapped = {pid for pid in group_members(worker.group)
                  if "libtcmalloc_minimal" in Path(f"/proc/{pid}/maps").read_text()}
        assert mapped, "no process of the worker has tcmalloc loaded"


def test_the_system_allocator_can_be_kept(monkeypatch):
    from generator.render.pdf import find_fast_malloc

    monkeypatch.setenv("POLICYGEN_LO_MALLOC", "system")
    assert find_fast_malloc() is None
    monkeypatch.delenv("POLICYGEN_LO_MALLOC")
    assert find_fast_malloc() == "libtcmalloc_minimal.so.4"


def test_the_conversion_runs_inside_soffice_and_the_remote_fallback_agrees(tmp_path: Path, built):
    # make test installs LibreOffice's Python script provider, so the worker runs its steps as a
    # macro inside soffice; without it, the helper drives the same steps over the pipe
    out, _ = built
    docx, _ = paths(out, "roselands-stafford")
    tocs, pages = {}, {}
    for in_office in (True, False):
        with Worker(libreoffice(), in_office=in_office) as worker:
            assert worker.in_office is in_office
            converted = worker.convert(docx.read_bytes())
        tocs[in_office] = converted.toc
        (tmp_path / f"{in_office}.pdf").write_bytes(converted.pdf)
        pages[in_office] = [re.sub(r"\s+", " ", page) for page in pdf_pages(tmp_path / f"{in_office}.pdf")]
    assert tocs[True] == tocs[False] and len(tocs[True]) >= 10
    assert pages[True] == pages[False]


@pytest.mark.parametrize("in_office", [True, False])
def test_a_document_libreoffice_cannot_read_fails_alone(built, in_office):
    out, _ = built
    with Worker(libreoffice(), in_office=in_office) as worker:
        with pytest.raises(ConverterError, match="LibreOffice could not convert it"):
            worker.convert(b"PK\x03\x04 not really a zip")
        good = worker.convert(paths(out, "model-school")[0].read_bytes())
        assert worker.restarts == 0, "a document LibreOffice rejects is not a lost LibreOffice"
    assert len(good.pdf) > 10_000


def test_the_worker_profile_turns_off_what_a_converter_does_not_need():
    # word completion and spell checking run in Writer's idle loop; each setting must name a real
    # boolean in the installed LibreOffice's configuration schema, or LibreOffice ignores it silently
    import xml.etree.ElementTree as ET

    from generator.render.profile import SETTINGS

    oor = "{http://openoffice.org/2001/registry}"
    program = Path(os.path.realpath(libreoffice().soffice)).parent
    schemas = {}
    for xcd in (program.parent / "share" / "registry").glob("*.xcd"):
        for schema in ET.parse(xcd).getroot().iter(f"{oor}component-schema"):
            schemas[f"/{schema.get(f'{oor}package')}.{schema.get(f'{oor}name')}"] = schema
    for path, name, value in SETTINGS:
        component, *groups = path.split("/")[1:]
        node = schemas[f"/{component}"].find("component")
        for group in groups:
            node = next(g for g in node if g.get(f"{oor}name") == group)
        prop = next(p for p in node if p.get(f"{oor}name") == name)
        assert prop.get(f"{oor}type") == "xs:boolean" and value in ("true", "false")

    with Worker(libreoffice()) as worker:
        written = Path(worker.folder, "profile", "user", "registrymodifications.xcu")
        items = ET.parse(written).getroot()
        # LibreOffice has started on them and kept them
        assert {(i.get(f"{oor}path"), i[0].get(f"{oor}name"), i[0][0].text) for i in items} >= set(SETTINGS)
