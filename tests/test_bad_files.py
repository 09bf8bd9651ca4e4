"""Bad files and output paths: one line, exit 1, no traceback, nothing written or lost.

The school-file corpus (test_bad_input.py) edits a file's text; these cases
change what kind of file it is, what it is called, or where the output goes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT
from test_bad_input import FIXTURE, LIBRARY, case_dir, run_cli, snapshot, write_case  # noqa: F401 - fixture

LIB = ["--library-dir", str(LIBRARY)]
XML_MESSAGE = ("the character {} cannot go into a Word document; remove it "
               "(control characters often come from text copied out of another program)")
LINK_MESSAGE = "is not allowed: a link must start https://, http:// or mailto: (write other addresses as plain text)"


def check(capsys, *paths: str) -> tuple[int, list[str]]:
    code, out, err = run_cli(["check", *paths, *LIB], capsys)
    assert "Traceback" not in out + err
    return code, err.splitlines()


def build(capsys, *args: str) -> tuple[int, list[str]]:
    code, out, err = run_cli(["build", "--format", "docx", *args, *LIB], capsys)
    assert "Traceback" not in out + err
    return code, (out + err).splitlines()


# --- what kind of file a school file is (issue 10, item 6) ---

def make_fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.yaml")


def make_zero_link(folder: Path) -> None:
    (folder / "pipe.yaml").symlink_to("/dev/zero")


def make_folder(folder: Path) -> None:
    (folder / "pipe.yaml").mkdir()


def make_null_link(folder: Path) -> None:
    (folder / "pipe.yaml").symlink_to("/dev/null")


FILE_KINDS = [
    ("fifo", make_fifo, "pipe.yaml: file is a named pipe (FIFO), not a regular file"),
    ("dev-zero-link", make_zero_link, "pipe.yaml: file is a device, not a regular file"),
    ("dev-null-link", make_null_link, "pipe.yaml: file is a device, not a regular file"),
    ("folder", make_folder, "pipe.yaml: file is a folder, not a regular file"),
]


@pytest.mark.parametrize("kind, make, expected", FILE_KINDS, ids=[k[0] for k in FILE_KINDS])
def test_only_regular_files_are_read(case_dir: Path, capsys, kind, make, expected):
    write_case(case_dir, [])
    make(case_dir)
    before = snapshot(case_dir / "output")
    assert check(capsys, "pipe.yaml") == (1, [expected])
    # --all reads the folder: the good school is still checked and built, the special file refused
    code, lines = check(capsys, "--all", "--schools-dir", ".")
    assert (code, lines) == (1, [expected])
    code, lines = build(capsys, "--all", "--schools-dir", ".", "--out", "output")
    assert code == 1 and expected in lines
    assert "ok      school/social-media (docx)" in lines
    assert snapshot(case_dir / "output")["school/school-social-media.docx"] != before["school/school-social-media.docx"]


def test_a_file_name_with_a_newline_is_not_an_id(case_dir: Path, capsys):
    (case_dir / "evil\n.yaml").write_text((FIXTURE / "base.yaml").read_text())
    assert check(capsys, "evil\n.yaml") == (1, [
        "evil\\n.yaml: school file name 'evil\\n.yaml' must be lower-case letters, digits and hyphens "
        "(it is the school id)"])


def test_a_school_id_longer_than_60_characters(case_dir: Path, capsys):
    name = "a" * 61 + ".yaml"
    (case_dir / name).write_text((FIXTURE / "base.yaml").read_text())
    assert check(capsys, name) == (1, [
        f"{name}: school file name '{name}' is longer than 60 characters (it is the school id, and names "
        "its output files)"])


def test_two_schools_with_one_id_in_a_batch(case_dir: Path, capsys):
    for folder in ("a", "b"):
        (case_dir / folder).mkdir()
        shutil.copy(FIXTURE / "logo.png", case_dir / folder / "logo.png")
        (case_dir / folder / "school.yaml").write_text((FIXTURE / "base.yaml").read_text())
    before = snapshot(case_dir / "output")
    message = ("each school in one build needs an id (file name) of its own, or one would overwrite the "
               "other's documents")
    assert check(capsys, "a/school.yaml", "b/school.yaml", "a/school.yaml") == (1, [
        f"b/school.yaml: this file has the same school id as a/school.yaml; {message}",
        f"a/school.yaml: this file is given twice; {message}"])
    code, lines = build(capsys, "a/school.yaml", "b/school.yaml", "--out", "output")
    assert code == 1
    assert f"b/school.yaml: this file has the same school id as a/school.yaml; {message}" in lines
    assert "ok      school/social-media (docx)" in lines  # the first is built; the second overwrites nothing
    assert "  school: 1 input error(s), listed above" in lines
    assert snapshot(case_dir / "output").keys() == before.keys()


def test_an_approval_in_year_9999_builds_and_is_due(case_dir: Path, capsys):
    write_case(case_dir, [("date: 2025-09-01", "date: 9999-12-31")])
    code, lines = build(capsys, "school.yaml", "--out", "output")
    assert code == 0, lines
    code, out, err = run_cli(["due", "--schools-dir", ".", "--today", "2026-01-01", "--within", "100000000",
                              "--format", "csv", *LIB], capsys)
    assert (code, err) == (0, "")
    assert "9999-12-31" in out


# --- where the output goes (issue 10, item 5) ---

def test_a_symlinked_school_folder_inside_out_is_refused(case_dir: Path, capsys):
    write_case(case_dir, [])
    victim = case_dir / "output" / "victim"
    victim.mkdir()
    (victim / "victim-social-media.docx").write_bytes(b"the victim's document")
    shutil.rmtree(case_dir / "output" / "school")
    (case_dir / "output" / "school").symlink_to("victim")
    before = snapshot(case_dir / "output")
    code, lines = build(capsys, "school.yaml", "--out", "output")
    assert code == 1
    assert lines[0] == (f"FAILED  school/social-media: refusing to write through the symbolic link "
                        f"{case_dir / 'output' / 'school'}: replace it with a real folder or file")
    assert snapshot(case_dir / "output") == before
    assert sorted(p.name for p in victim.iterdir()) == ["victim-social-media.docx"]


def test_a_symlinked_document_inside_out_is_refused(case_dir: Path, capsys):
    write_case(case_dir, [])
    victim = case_dir / "output" / "victim.docx"
    victim.write_bytes(b"the victim's document")
    target = case_dir / "output" / "school" / "school-social-media.docx"
    target.unlink()
    target.symlink_to(victim)
    code, lines = build(capsys, "school.yaml", "--out", "output")
    assert code == 1
    assert lines[0] == (f"FAILED  school/social-media: refusing to write through the symbolic link {target}: "
                        "replace it with a real folder or file")
    assert victim.read_bytes() == b"the victim's document"
    assert sorted(p.name for p in target.parent.iterdir()) == ["school-social-media.docx"]


def test_an_out_folder_that_is_itself_a_link_is_fine(case_dir: Path, capsys):
    write_case(case_dir, [])
    (case_dir / "elsewhere").mkdir()
    (case_dir / "linked").symlink_to("elsewhere")
    code, lines = build(capsys, "school.yaml", "--out", "linked")
    assert code == 0, lines
    assert (case_dir / "elsewhere" / "school" / "school-social-media.docx").is_file()


@pytest.mark.parametrize("out, expected", [
    ("afile", "error: the output folder afile is a file; give a folder with --out"),
    ("afile/sub", "error: cannot create the output folder afile/sub: Not a directory"),
    ("/proc", "error: cannot write in the output folder /proc: No such file or directory"),
    ("/proc/self/new", "error: cannot create the output folder /proc/self/new: No such file or directory"),
], ids=["file", "below-a-file", "proc", "below-proc"])
def test_an_unusable_out_is_one_line(case_dir: Path, capsys, out, expected):
    write_case(case_dir, [])
    (case_dir / "afile").write_text("a file, not a folder\n")
    before = snapshot(case_dir)
    code, lines = build(capsys, "school.yaml", "--out", out)
    assert (code, lines) == (1, [expected])
    assert snapshot(case_dir) == before


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
                          capture_output=True)
    return done.returncode == 0


def _policygen_in_tmpfs(case_dir: Path, options: str, out: str) -> subprocess.CompletedProcess:
    """Run ``policygen build`` with ``out`` a fresh tmpfs of its own (mounted in a private namespace)."""
    policygen = Path(sys.executable).parent / "policygen"
    lib = " ".join(LIB)
    script = (f"mount -t tmpfs -o {options} tmpfs {out} && "
              f"{policygen} build school.yaml --format docx --out {out} {lib}; code=$?; "
              f"find {out} -type f ! -path '*/.policygen-manifest/*'; exit $code")
    return subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=case_dir, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.skipif(not _can_mount(), reason="mounting a tmpfs needs root and unshare (the ENOSPC case "
                                              "below simulates a full disk without it)")
def test_a_full_disk_and_a_read_only_disk(case_dir: Path):
    write_case(case_dir, [])
    (case_dir / "small").mkdir()
    done = _policygen_in_tmpfs(case_dir, "size=12k", "small")
    assert done.returncode == 1
    target = case_dir / "small" / "school" / "school-social-media.docx"
    assert done.stderr.splitlines() == [
        "1 failed:", f"  school/social-media: cannot write {target}: No space left on device"]
    assert done.stdout.splitlines() == [
        f"FAILED  school/social-media: cannot write {target}: No space left on device",
        "built 0 of 1 policies into small/ in " + done.stdout.splitlines()[1].split(" in ")[-1]]  # no file listed
    done = _policygen_in_tmpfs(case_dir, "ro,size=12k", "small")
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "", "error: cannot write in the output folder small: Read-only file system\n")


def test_a_file_size_limit_fails_the_write_cleanly(case_dir: Path):
    """Simulates a full disk without root: RLIMIT_FSIZE makes the write fail (EFBIG, not ENOSPC)."""
    write_case(case_dir, [])
    policygen = Path(sys.executable).parent / "policygen"
    script = ("import resource, signal, subprocess, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
              "resource.setrlimit(resource.RLIMIT_FSIZE, (10000, 10000)); "
              "sys.exit(subprocess.call(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", script, str(policygen), "build", "school.yaml", "--format", "docx",
                           "--out", "output", *LIB], cwd=case_dir, capture_output=True, text=True, timeout=300)
    target = case_dir / "output" / "school" / "school-social-media.docx"
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == f"FAILED  school/social-media: cannot write {target}: File too large"
    assert sorted(p.name for p in target.parent.iterdir()) == ["school-social-media.docx"]
    assert target.read_bytes() == b"the previous, good document"


@pytest.mark.parametrize("redline, expected", [
    ("afolder.docx", "error: afolder.docx is a folder; give the name of a file to write"),
    ("afile.txt/changes.docx", "error: cannot create the folder afile.txt: File exists"),
    ("afile.txt/changes.pdf", "error: cannot create the folder afile.txt: File exists"),
    ("afolder.pdf", "error: afolder.pdf is a folder; give the name of a file to write"),
    ("/proc/changes.docx", "error: cannot write in /proc: No such file or directory"),
    ("/proc/changes.pdf", "error: cannot write in /proc: No such file or directory"),
], ids=["folder", "below-a-file", "below-a-file-pdf", "folder-pdf", "proc", "proc-pdf"])
def test_changes_redline_at_an_unusable_path(case_dir: Path, capsys, redline, expected):
    write_case(case_dir, [])
    code, _, err = run_cli(["approve", "school.yaml", "--by", "Full Governing Body", "--date", "2025-10-01", *LIB],
                           capsys)
    assert code == 0, err
    (case_dir / "afolder.docx").mkdir()
    (case_dir / "afolder.pdf").mkdir()
    (case_dir / "afile.txt").write_text("a file\n")
    before = snapshot(case_dir)
    code, out, err = run_cli(["changes", "school.yaml", "--redline", redline, *LIB], capsys)
    assert (code, err.splitlines()) == (1, [expected])
    assert "Traceback" not in out + err
    assert snapshot(case_dir) == before


# --- logos (issue 10, items 3 and 10) ---

def png(path: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    from PIL import Image

    Image.new(mode, size, 0).save(path, "PNG")
    return path


def zero_by_zero_png(path: Path) -> Path:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0))
                     + chunk(b"IEND", b""))
    return path


def truncated_png(path: Path) -> Path:
    from PIL import Image
    import random

    noise = bytes(random.Random(1).randrange(256) for _ in range(300 * 100 * 3))
    Image.frombytes("RGB", (300, 100), noise).save(path, "PNG")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def padded_png(path: Path) -> Path:
    png(path, (10, 10))
    with open(path, "ab") as handle:
        handle.write(b"\0" * 11_000_000)
    return path


def logo_cases(folder: Path) -> list[tuple[str, str, str]]:
    """Return (id, logo: value, expected message) for each bad logo, made in ``folder``."""
    outside = folder.parent / f"{folder.name}-outside"
    outside.mkdir()
    png(outside / "crest.png", (10, 10))
    (folder / "linked.png").symlink_to(outside / "crest.png")
    (folder / "broken.png").symlink_to(folder / "gone.png")
    os.mkfifo(folder / "pipe.png")
    (folder / "folder.png").mkdir()
    zero_by_zero_png(folder / "zero.png")
    truncated_png(folder / "cut.png")
    padded_png(folder / "big.png")
    png(folder / "wide.png", (100_000, 1), "1")
    png(folder / "tall.png", (50, 2_000), "1")
    png(folder / "huge.png", (8_000, 6_000), "1")
    (folder / "crest.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    absolute = str(FIXTURE / "logo.png")
    return [
        ("absolute-path", absolute, f"logo {absolute!r} is an absolute path; give a path relative to the school file, "
                                    "and keep the logo in the school's folder"),
        ("link-out-of-folder", "linked.png",
         "logo linked.png is outside the school's folder (through '..' or a symbolic link); copy the file in"),
        ("dot-dot", f"../{outside.name}/crest.png", f"logo ../{outside.name}/crest.png is outside the school's "
                                                   "folder (through '..' or a symbolic link); copy the file in"),
        ("broken-link", "broken.png", "logo broken.png is a broken symbolic link"),
        ("fifo", "pipe.png", "logo pipe.png is a named pipe (FIFO), not a regular file"),
        ("folder", "folder.png", "logo folder.png is a folder, not a regular file"),
        ("zero-by-zero", "zero.png", "logo zero.png is 0×0 pixels; it has no picture to show"),
        ("truncated", "cut.png", "logo cut.png is not a readable PNG image (image file is truncated)"),
        ("over-10-mb", "big.png", "logo big.png is 11 MB; policygen reads at most 10 MB"),
        ("hundred-thousand-by-one", "wide.png", "logo wide.png is 100000×1 pixels; a logo may be at most 20 times "
                                                "wider than it is high, or higher than wide"),
        ("one-by-forty", "tall.png", "logo tall.png is 50×2000 pixels; a logo may be at most 20 times wider than "
                                     "it is high, or higher than wide"),
        ("48-megapixels", "huge.png", "logo huge.png is 8000×6000 pixels; at most 40 megapixels are read (a logo "
                                      "needs about 2000×400)"),
        ("svg", "crest.svg", "logo crest.svg is not a PNG, JPEG, GIF, BMP or TIFF image"),
    ]


def test_bad_logos(case_dir: Path, capsys):
    cases = logo_cases(case_dir)
    for case_id, logo, expected in cases:
        write_case(case_dir, [("logo: logo.png", f"logo: '{logo}'")])
        before = snapshot(case_dir / "output")
        assert check(capsys, "school.yaml") == (1, [f"school.yaml:5:9: {expected}"]), case_id
        code, lines = build(capsys, "school.yaml", "--out", "output")
        assert code == 1 and lines[-1] == "  school: 1 input error(s), listed above", case_id
        assert snapshot(case_dir / "output") == before, case_id
    assert len(cases) == 13


def embedded_images(docx: Path) -> list[tuple[object, object, object]]:
    """Return (Pillow image, shown width, shown height) of each picture in ``docx``."""
    import io

    from docx import Document
    from PIL import Image

    doc = Document(docx)
    found = []
    for shape in doc.inline_shapes:
        rel = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = Image.open(io.BytesIO(doc.part.related_parts[rel].blob))
        found.append((image, shape.width, shape.height))
    return found


def cmyk_jpeg(path: Path) -> None:
    from PIL import Image

    Image.new("CMYK", (300, 150), (0, 80, 160, 0)).save(path, "JPEG")


@pytest.mark.parametrize("name, make, mode, pixels, shown_cm", [
    ("crest.jpg", cmyk_jpeg, "RGB", (300, 150), (6.4, 3.2)),
    ("crest.png", lambda p: png(p, (6_000, 3_000)), "RGB", (800, 400), (6.4, 3.2)),
    ("crest.png", lambda p: png(p, (2_000, 100), "RGBA"), "RGBA", (2_000, 100), (16.6, 0.83)),
    ("crest.png", lambda p: png(p, (200, 200), "P"), "P", (200, 200), (3.2, 3.2)),
], ids=["cmyk-jpeg-becomes-rgb", "large-is-scaled-down", "wide-fits-the-text-width", "small-is-kept-as-it-is"])
def test_logos_that_are_accepted(case_dir: Path, capsys, name, make, mode, pixels, shown_cm):
    from docx.shared import Cm

    make(case_dir / name)
    write_case(case_dir, [("logo: logo.png", f"logo: {name}")])
    assert check(capsys, "school.yaml") == (0, [])
    code, lines = build(capsys, "school.yaml", "--out", "output")
    assert code == 0, lines
    [(image, width, height)] = embedded_images(case_dir / "output" / "school" / "school-social-media.docx")
    assert (image.mode, image.size) == (mode, pixels)
    assert (round(width / Cm(1), 2), round(height / Cm(1), 2)) == shown_cm


# --- through the real LibreOffice: what used to fail only at PDF time (issue 10, item 3) ---

def own_soffice() -> set[int]:
    """Return the LibreOffice processes with a profile under this test run's TMPDIR (others share the machine)."""
    ps = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return {int(line.split()[0]) for line in ps.splitlines()[1:]
            if "soffice" in line and tempfile.gettempdir() in line}


def test_bad_schools_fail_alone_in_a_pdf_build(case_dir: Path):
    from generator.render.pdf import find_libreoffice

    assert find_libreoffice() is not None, "LibreOffice with python3-uno must be installed (make test installs it)"
    base = (FIXTURE / "base.yaml").read_text()
    zero_by_zero_png(case_dir / "zero.png")
    schools = {
        "good": base,
        "late": base.replace("date: 2025-09-01", "date: 9999-12-31"),
        "vtab": base.replace("name: Test School", 'name: "Test\\vSchool"'),
        "long": base.replace("name: Test School", "name: " + "A" * 246),
        "zero": base.replace("logo: logo.png", "logo: zero.png"),
        "link": base.replace("    related_policies:", "    additions:\n      - {section: breaches, title: Extra, "
                                                     "text: '[x](smb://server/share)'}\n    related_policies:"),
    }
    for stem, text in schools.items():
        (case_dir / f"{stem}.yaml").write_text(text)
    before = own_soffice()
    done = subprocess.run([sys.executable, "-m", "generator", "build", *(f"{s}.yaml" for s in schools),
                           "--out", "output", "--jobs", "1", *LIB], cwd=case_dir, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    errors = done.stderr.splitlines()
    assert errors[:4] == [
        "vtab.yaml:1:7: " + XML_MESSAGE.format("U+000B"),
        "long.yaml:1:7: name: is 246 characters long; at most 150 fit",
        "zero.yaml:5:9: logo zero.png is 0×0 pixels; it has no picture to show",
        f"link.yaml:17:49: link to 'smb://server/share' {LINK_MESSAGE}",
    ]
    assert errors[4] == "4 failed:"
    for stem in ("good", "late"):
        folder = case_dir / "output" / stem
        assert sorted(p.name for p in folder.iterdir()) == [f"{stem}-social-media.docx", f"{stem}-social-media.pdf"]
        assert (folder / f"{stem}-social-media.pdf").read_bytes().startswith(b"%PDF")
    for stem in ("vtab", "long", "zero", "link"):
        assert not (case_dir / "output" / stem).exists()
    assert own_soffice() - before == set(), "LibreOffice outlived the build"
    assert not [p for p in (case_dir / "output").rglob("*") if ".part" in p.name or p.name.startswith(".~lock")]


# --- every other file policygen reads goes through the same door (item 6) ---

@pytest.mark.parametrize("make, kind", [
    (lambda p: os.mkfifo(p), "a named pipe (FIFO)"),
    (lambda p: p.symlink_to("/dev/zero"), "a device"),
    (lambda p: p.mkdir(), "a folder"),
], ids=["fifo", "dev-zero", "folder"])
def test_a_house_template_that_is_not_a_file(case_dir: Path, capsys, make, kind):
    write_case(case_dir, [])
    make(case_dir / "odd.docx")
    before = snapshot(case_dir / "output")
    expected = f"error: odd.docx: the house-style template is {kind}, not a regular file"
    code, _, err = run_cli(["check", "school.yaml", "--template", "odd.docx", *LIB], capsys)
    assert (code, err.splitlines()) == (1, [expected])
    code, lines = build(capsys, "school.yaml", "--out", "output", "--template", "odd.docx")
    assert (code, lines) == (1, [expected])
    assert snapshot(case_dir / "output") == before


def test_a_house_template_that_unpacks_too_large(case_dir: Path, capsys):
    import zipfile

    write_case(case_dir, [])
    with zipfile.ZipFile(ROOT / "templates" / "house-style.docx") as source, \
            zipfile.ZipFile(case_dir / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("word/media/padding.bin", b"\0" * 210_000_000)  # a few hundred KB packed
    code, lines = build(capsys, "school.yaml", "--out", "output", "--template", "bomb.docx")
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("error: bomb.docx: the house-style template unpacks to 210,")
    assert lines[0].endswith("bytes; at most 200,000,000 are read")


def test_a_fifo_in_place_of_the_build_manifest_is_not_read(case_dir: Path, capsys):
    write_case(case_dir, [])
    (case_dir / "output" / ".policygen-manifest").mkdir(parents=True)
    os.mkfifo(case_dir / "output" / ".policygen-manifest" / "school.json")  # the school's record
    code, lines = build(capsys, "school.yaml", "--out", "output")
    assert code == 0, lines  # an unreadable record means "rebuild the school", as an absent one does
    assert (case_dir / "output" / ".policygen-manifest" / "school.json").is_file()


def test_a_fifo_in_place_of_an_approval_snapshot(case_dir: Path, capsys):
    write_case(case_dir, [])
    code, _, err = run_cli(["approve", "school.yaml", "--by", "Full Governing Body", "--date", "2025-10-01", *LIB],
                           capsys)
    assert code == 0, err
    [snap] = [p for p in case_dir.rglob("*") if p.is_file() and "approv" in str(p.parent) + p.name
              and p.suffix in (".json", ".yaml") and p.name != "school.yaml"]
    snap.unlink()
    os.mkfifo(snap)
    code, out, err = run_cli(["changes", "school.yaml", *LIB], capsys)
    assert code == 1
    assert err.splitlines() == [f"{snap.relative_to(case_dir)}: approval snapshot is a named pipe (FIFO), "
                                "not a regular file"]
