"""Link annotations in LibreOffice's PDF, put in one order whatever the worker converted before.

LibreOffice writes a page's link annotations (the contents page's entries,
the links in the text) as numbered objects, in an order that depends on the
worker's history: the same DOCX converted by two workers can give two PDFs
with the same pages, text and structure tree, whose annotation objects carry
each other's numbers (object 364 is "9 Recruitment" in one and
"8 Safeguarding" in the other), listed in another order in the page's
``/Annots``. :func:`order_annotations` renumbers them by their
``/StructParent`` (the tagged structure's own, stable, reading order), so a
build's bytes depend on its inputs alone (docs/performance.md, session 7).

The file is edited in place, as :mod:`reproducible` does, only where every
condition below holds, and otherwise left exactly as it was:

- one cross-reference table, with one section that starts at object 0 (what
  LibreOffice writes), and no object streams;
- every annotation with a ``/StructParent`` is a plain dictionary object,
  and is referred to only from one ``/Annots`` array and one ``/OBJR``;
- the numbers being swapped all have the same count of digits, so every
  reference keeps its length. (A document whose annotations straddle
  object 999 or 9999 keeps LibreOffice's order; the examples' sit at
  about 350–640 of 700–1,200 objects.)

Each object then keeps its place in the file, the total length stays the
same, and the cross-reference table is rewritten with the moved offsets;
before returning, every entry that moved is checked to point at its object.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SECTION = re.compile(rb"xref\r?\n0 (\d+)\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])[ \r]\n")  # always 20 bytes
_ANNOTATION = re.compile(rb"<</Type/Annot/Subtype/Link\b.*/StructParent (\d+)>>", re.DOTALL)
_ANNOTS = re.compile(rb"/Annots\s*\[([\d\sR]*)\]")
_OBJR = re.compile(rb"/Type/OBJR/Obj (\d+) 0 R")
_REF = re.compile(rb"(\d+) 0 R")


@dataclass(frozen=True)
class _Annotation:
    number: int
    start: int  # where "N 0 obj" begins
    end: int  # just after its "endobj"
    body: bytes  # the dictionary
    key: int  # its /StructParent


def order_annotations(data: bytes) -> bytes:
    """Return the PDF ``data`` with its link annotations numbered and listed in /StructParent order.

    Returns ``data`` unchanged when its annotations already are in that
    order, or when the file is not laid out as this function expects (see
    the module's description).
    """
    table = _read_xref(data)
    if table is None:
        return data
    xref_at, offsets = table
    found = _annotations(data, offsets)
    if len(found) < 2 or len({a.key for a in found}) != len(found) or \
            len({len(str(a.number)) for a in found}) != 1:
        return data
    numbers = sorted(a.number for a in found)
    renumber = {a.number: new for a, new in zip(sorted(found, key=lambda a: a.key), numbers)}
    if all(old == new for old, new in renumber.items()) and _annots_sorted(data):
        return data
    body_of = {renumber[a.number]: a.body for a in found}
    text = _rewrite_references(data[:xref_at], renumber)
    if text is None:
        return data
    # each slot in the file keeps its number: object n now holds the annotation renumbered n
    pieces, cursor, length, shifts = [], 0, 0, []  # shifts: (old end of a slot, how far what follows moves)
    new_offsets = list(offsets)
    for a in found:  # in file order, as found
        piece = b"%d 0 obj\n%s\nendobj" % (a.number, body_of[a.number])
        pieces += [text[cursor:a.start], piece]
        length += a.start - cursor
        new_offsets[a.number] = length
        length += len(piece)
        shifts.append((a.end, length - a.end))
        cursor = a.end
    pieces.append(text[cursor:])
    out = b"".join(pieces)
    if len(out) != xref_at:
        return data
    ends = [end for end, _ in shifts]
    for number, start in enumerate(offsets):
        if start is not None and number not in renumber:
            slot = bisect.bisect_right(ends, start)  # the slots that end before this object
            new_offsets[number] = start + (shifts[slot - 1][1] if slot else 0)
    result = out + _write_xref(data[xref_at:], new_offsets)
    moved = [(n, at) for n, (at, was) in enumerate(zip(new_offsets, offsets)) if at != was]
    return result if all(result.startswith(b"%d 0 obj" % n, at) for n, at in moved) else data


def _read_xref(data: bytes) -> tuple[int, list[int | None]] | None:
    """Return where the cross-reference table starts and each object's offset (None: free), or None."""
    end = _STARTXREF.search(data[-64:])
    if end is None or data.count(b"startxref") != 1 or b"/ObjStm" in data:
        return None
    at = int(end.group(1))
    section = _SECTION.match(data, at)
    if section is None:
        return None
    count = int(section.group(1))
    table = data[section.end():section.end() + 20 * count]
    if len(_ENTRY.findall(table)) != count or not data.startswith(b"trailer", section.end() + 20 * count):
        return None
    return at, [int(table[i:i + 10]) if table[i + 17] == ord("n") else None for i in range(0, len(table), 20)]


def _annotations(data: bytes, offsets: list[int | None]) -> list[_Annotation]:
    """Return every link annotation object with a /StructParent (found by its opening, checked against the table)."""
    found = []
    at = data.find(b"<</Type/Annot")
    while at >= 0:
        line = data.rfind(b"\n", 0, at - 1) + 1  # the object's "N 0 obj" line
        number = data[line:at - len(b" 0 obj\n")]
        close = data.find(b"\nendobj", at)
        if number.isdigit() and data[line + len(number):at] == b" 0 obj\n" and close > 0 \
                and int(number) < len(offsets) and offsets[int(number)] == line:
            match = _ANNOTATION.fullmatch(data, at, close)
            if match:
                found.append(_Annotation(int(number), line, close + len(b"\nendobj"), data[at:close],
                                         int(match.group(1))))
        at = data.find(b"<</Type/Annot", at + 1)
    return found


def _rewrite_references(text: bytes, renumber: dict[int, int]) -> bytes | None:
    """Renumber the references in /Annots arrays (sorted) and /OBJR objects, or None if any is elsewhere."""
    seen = {n: 0 for n in renumber}

    def annots(match: re.Match) -> bytes:
        refs = [int(n) for n in _REF.findall(match.group(1))]
        if not any(n in renumber for n in refs):
            return match.group(0)
        new = iter(sorted(renumber.get(n, n) for n in refs))
        for n in refs:
            if n in seen:
                seen[n] += 1
        return _REF.sub(lambda ref: b"%d 0 R" % next(new), match.group(0))

    def objr(match: re.Match) -> bytes:
        n = int(match.group(1))
        if n not in renumber:
            return match.group(0)
        seen[n] += 1
        return b"/Type/OBJR/Obj %d 0 R" % renumber[n]

    out = _OBJR.sub(objr, _ANNOTS.sub(annots, text))
    if any(seen[n] != 2 for n in renumber) or _references(text, renumber) != {n: 2 for n in renumber}:
        return None
    return out if len(out) == len(text) else None


def _references(text: bytes, numbers: dict[int, int]) -> dict[int, int]:
    """Return how often ``text`` refers to each of ``numbers`` ("N 0 R"), all of one length.

    An /Annots array and an /OBJR must refer to each annotation, and nothing
    else may. Splitting at " 0 R" is many times faster than a regular
    expression over the file; a chance match inside a stream's data, or a
    longer number ending in the same digits, only makes a count too high,
    and the file is then left as it is.
    """
    width = len(str(next(iter(numbers))))
    tails = Counter(map(itemgetter(slice(-width, None)), text.split(b" 0 R")[:-1]))
    return {n: tails[b"%d" % n] for n in numbers}


def _annots_sorted(data: bytes) -> bool:
    return all(refs == sorted(refs) for refs in
               ([int(n) for n in _REF.findall(m.group(1))] for m in _ANNOTS.finditer(data)))


def _write_xref(tail: bytes, offsets: list[int | None]) -> bytes:
    """Return the cross-reference table ``tail`` (from "xref" to the end) with ``offsets`` written in."""
    start = _SECTION.match(tail).end()  # read by _read_xref
    table = tail[start:start + 20 * len(offsets)]
    entries = [table[i * 20:i * 20 + 20] if at is None else b"%010d" % at + table[i * 20 + 10:i * 20 + 20]
               for i, at in enumerate(offsets)]
    return tail[:start] + b"".join(entries) + tail[start + len(table):]
