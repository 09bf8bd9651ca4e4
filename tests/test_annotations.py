"""Link annotations in a real LibreOffice PDF come out in one order, whichever order the worker wrote them in."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from generator.library import load_library
from generator.render.annotations import order_annotations
from generator.render.docx import render_docx
from generator.render.office import find_libreoffice
from generator.render.reproducible import pin_pdf
from generator.render.worker import Worker
from generator.review.as_built import resolve_as_built
from generator.school import load_school

from conftest import PROJECT, ROOT


@pytest.fixture(scope="module")
def pdf() -> bytes:
    """The fixture model school's acceptable-use policy, as LibreOffice exports it: a contents page of links,
    and a web address in the text that wraps onto a second line (two annotations for one link)."""
    library = load_library(PROJECT / "clauses")
    policy = resolve_as_built(library, load_school(PROJECT / "schools" / "model-school.yaml"), "acceptable-use")
    worker = Worker(find_libreoffice())
    worker.start()
    try:
        return worker.convert(render_docx(policy, ROOT / "templates" / "house-style.docx")).pdf
    finally:
        worker.stop()


def renumber(pdf: bytes) -> bytes:
    """Return ``pdf`` with its link annotations carrying each other's object numbers (rotated by one), listed in
    that order, and the cross-reference table rewritten: the PDF another worker could have written."""
    found = {int(m[1]): m for m in re.finditer(rb"\n(\d+) 0 obj\n(<</Type/Annot/Subtype/Link.*?>>)\nendobj", pdf,
                                                re.DOTALL)}
    numbers = sorted(found)
    to = dict(zip(numbers[1:] + numbers[:1], numbers))  # the annotation that was n_(i+1) is now n_i
    out = re.sub(rb"/Type/OBJR/Obj (\d+) 0 R", lambda m: b"/Type/OBJR/Obj %d 0 R" % to.get(int(m[1]), int(m[1])), pdf)
    def annots(m: re.Match) -> bytes:  # listed by number, as LibreOffice lists them
        refs = iter(sorted(to.get(int(r), int(r)) for r in re.findall(rb"(\d+) 0 R", m[0])))
        return re.sub(rb"(\d+) 0 R", lambda r: b"%d 0 R" % next(refs), m[0])

    out = re.sub(rb"/Annots\[[\d\sR]*\]", annots, out)
    bodies = {to[n]: found[n][2] for n in numbers}
    out = re.sub(rb"\n(\d+) 0 obj\n(<</Type/Annot/Subtype/Link.*?>>)\nendobj",
                 lambda m: b"\n%s 0 obj\n%s\nendobj" % (m[1], bodies[int(m[1])]), out, flags=re.DOTALL)
    xref = out.rindex(b"\nxref\n") + 1
    head, tail = out[:xref], out[xref:]
    starts = {}
    for m in re.finditer(rb"(?<=\n)(\d+) 0 obj\n", head):
        starts.setdefault(int(m[1]), m.start())
    lines = tail.split(b"\n")  # "xref", "0 N", then one entry per object
    for i, line in enumerate(lines[2:], start=0):
        if line.endswith(b" n ") and i in starts:
            lines[i + 2] = b"%010d" % starts[i] + line[10:]
    return head + b"\n".join(lines)


def _annots(data: bytes) -> list[list[int]]:
    reader = PdfReader(io.BytesIO(data), strict=True)
    return [[a.get_object()["/StructParent"] for a in page.get("/Annots", [])] for page in reader.pages]


def _links(data: bytes) -> list[tuple[int, str]]:
    """Return, for each link annotation a structure element holds, its /StructParent and what it says, after
    checking that the structure's parent tree gives that element back for it."""
    reader = PdfReader(io.BytesIO(data), strict=True)
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    parents = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    found, elements = [], [tree]
    while elements:
        element = elements.pop()
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            item = kid.get_object() if hasattr(kid, "get_object") else kid
            if not isinstance(item, dict):
                continue
            if item.get("/Type") == "/OBJR":
                annotation = item["/Obj"].get_object()
                assert parents[annotation["/StructParent"]].idnum == element.indirect_reference.idnum
                found.append((annotation["/StructParent"], annotation["/Contents"]))
            else:
                elements.append(item)
    return sorted(found)


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_another_workers_order_comes_out_the_same(pdf: bytes, tmp_path: Path):
    other = renumber(pdf)
    assert other != pdf and len(other) == len(pdf)
    assert _links(other) == _links(pdf)  # the helper made a sound PDF, in another order
    assert _annots(other) != _annots(pdf)

    ordered = order_annotations(pdf)
    assert order_annotations(other) == ordered
    assert pin_pdf(other, datetime(2024, 1, 1)) == pin_pdf(pdf, datetime(2024, 1, 1))
    pages = _annots(ordered)
    assert sum(map(len, pages)) >= 10 and any(len(page) >= 10 for page in pages)  # the contents page's links
    assert all(page == sorted(page) for page in pages)  # each page lists its links in reading order
    assert _links(ordered) == _links(pdf)  # the same links, each still held by its own structure element
    assert _text(ordered, tmp_path) == _text(pdf, tmp_path)
    assert order_annotations(ordered) == ordered


def test_a_pdf_laid_out_otherwise_is_left_as_it_is(pdf: bytes):
    assert order_annotations(b"not a PDF") == b"not a PDF"
    rewritten = io.BytesIO()
    writer = PdfWriter(clone_from=io.BytesIO(pdf))  # pypdf writes its own layout
    writer.write(rewritten)
    assert order_annotations(rewritten.getvalue()) == rewritten.getvalue()
    cut = pdf[:-40]  # a file cut short: no table to trust
    assert order_annotations(cut) == cut


def test_a_pdf_that_refers_to_an_annotation_elsewhere_or_repeats_a_key_is_left_as_it_is(pdf: bytes):
    """Only an /Annots array and an /OBJR may refer to an annotation, and each /StructParent is one annotation's:
    otherwise renumbering could leave a reference pointing at the wrong one, so nothing is changed."""
    annotations = [(int(m[1]), int(m[2])) for m in re.finditer(
        rb"\n(\d+) 0 obj\n<</Type/Annot/Subtype/Link.*?/StructParent (\d+)>>\nendobj", pdf, re.DOTALL)]
    assert len(annotations) >= 2 and order_annotations(pdf) != pdf
    first, key = annotations[0]
    other = next(k for _, k in annotations[1:] if len(str(k)) == len(str(key)))
    # a link's destination (a page) made to point at an annotation, with the same number of digits
    dest = re.search(rb"/Dest\[(%s) 0 R" % (rb"\d" * len(str(first))), pdf)
    assert dest is not None
    elsewhere = pdf[:dest.start(1)] + str(first).encode() + pdf[dest.end(1):]
    assert len(elsewhere) == len(pdf) and order_annotations(elsewhere) == elsewhere
    # two annotations given one /StructParent
    repeated = pdf.replace(b"/StructParent %d>>" % other, b"/StructParent %d>>" % key, 1)
    assert repeated != pdf and order_annotations(repeated) == repeated
