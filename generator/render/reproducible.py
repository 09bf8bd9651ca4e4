"""Reproducible output: a document's bytes depend on its inputs, never on the clock.

Two builds from the same library, school file, template, fonts and policygen
version give byte-identical files:

- **the document's date** (:func:`document_date`) is ``SOURCE_DATE_EPOCH``
  when that is set (https://reproducible-builds.org/specs/source-date-epoch/),
  else the date of the policy's current approval, else the first day of the
  library version ("2026.11" gives 1 November 2026). It is the DOCX's created
  and modified properties and the time of every entry in its zip;
- **DOCX** zips are written with that time on every entry, in the order
  python-docx writes them (:func:`repack_docx`);
- **PDF**: LibreOffice stamps the wall clock into the Info dictionary's
  ``/CreationDate`` and the XMP ``xmp:CreateDate``, and derives the trailer's
  ``/ID`` and its own ``/DocChecksum`` from it; no export option or document
  property sets them (LibreOffice 7.4 to 24.2 take ``osl_getSystemTime``).
  :func:`pin_pdf` rewrites those four values in place, each to the same
  length. Before that it puts the link annotations, which LibreOffice
  numbers in an order that depends on the process's history, in the order
  of the tagged structure
  (:func:`~generator.render.annotations.order_annotations`: the file keeps
  its length, and only the annotation objects move, with the
  cross-reference table rewritten to match). The rest of LibreOffice's
  output stays exactly as written.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import zipfile
from datetime import date, datetime, timezone

from generator.errors import PolicygenError
from generator.model import Policy
from generator.render.annotations import order_annotations

ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can hold
ZIP_END = datetime(2107, 12, 31, 23, 59, 58)  # and the latest (its year is 7 bits from 1980)
_VERSION_DATE = re.compile(r"^(\d{4})[.-](\d{1,2})(?:[.-](\d{1,2}))?")


def source_date_epoch(environ: dict[str, str] | os._Environ = os.environ) -> datetime | None:
    """Return ``SOURCE_DATE_EPOCH`` as a UTC time without zone, or None when it is unset.

    Raises:
        PolicygenError: the variable is set but is not a whole number of seconds.
    """
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise PolicygenError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds since 1970")
    return datetime.fromtimestamp(int(value), timezone.utc).replace(tzinfo=None)


def document_date(policy: Policy, epoch: datetime | None = None) -> datetime:
    """Return the date a build of ``policy`` carries: ``epoch``, the approval, or the library version."""
    if epoch is not None:
        return max(epoch, ZIP_EPOCH)
    current = policy.governance.current
    if current is not None:
        return max(datetime.combine(current.date, datetime.min.time()), ZIP_EPOCH)
    return library_version_date(policy.library_version)


def library_version_date(version: str) -> datetime:
    """Return the first day a library version such as "2026.11" names (1980-01-01 when it names none)."""
    match = _VERSION_DATE.match(version or "")
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
        try:
            return max(datetime.combine(date(year, month, day), datetime.min.time()), ZIP_EPOCH)
        except ValueError:
            pass
    return ZIP_EPOCH


def repack_docx(data: bytes, when: datetime) -> bytes:
    """Return the zip ``data`` with every entry stamped ``when``, its order and contents kept.

    Each entry's date and time (in its local header and in the central
    directory) are rewritten in place, and it is marked as made on "Unix",
    readable by all (0644), whichever machine builds it; the compressed data
    stays as python-docx wrote it, so nothing is compressed twice.

    Raises:
        ValueError: ``data`` is not a zip file as python-docx writes it (one disk, no comment).
    """
    stamp = min(max(when, ZIP_EPOCH), ZIP_END)  # an approval in 9999 still packs
    time_date = ((stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2),
                 ((stamp.year - 1980) << 9) | (stamp.month << 5) | stamp.day)
    end = len(data) - 22  # the end-of-central-directory record, without a comment
    if end < 0 or data[end:end + 4] != b"PK\x05\x06":
        raise ValueError("not a zip file as python-docx writes it")
    count, _, at = struct.unpack_from("<HII", data, end + 10)
    out = bytearray(data)
    for _ in range(count):
        if data[at:at + 4] != b"PK\x01\x02":
            raise ValueError("not a zip file as python-docx writes it")
        name, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        (local,) = struct.unpack_from("<I", data, at + 42)
        if data[local:local + 4] != b"PK\x03\x04":
            raise ValueError("not a zip file as python-docx writes it")
        out[at + 5] = 3  # "version made by": the system, Unix
        struct.pack_into("<HH", out, at + 12, *time_date)
        struct.pack_into("<I", out, at + 38, 0o644 << 16)  # external attributes: the file's mode
        struct.pack_into("<HH", out, local + 10, *time_date)
        at += 46 + name + extra + comment
    return bytes(out)


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z?</dcterms:modified>")


def docx_date(data: bytes) -> datetime | None:
    """Return the modified date in a DOCX's ``docProps/core.xml``, or None when it has none."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            core = archive.read("docProps/core.xml")
    except (KeyError, zipfile.BadZipFile):
        return None
    match = _MODIFIED.search(core)
    return datetime(*(int(g) for g in match.groups())) if match else None


_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate)\s*(\(D:\d{14}[^)]*\))")
_XMP_DATE = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)([^<]+)(</xmp:)")
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")


def pin_pdf(data: bytes, when: datetime) -> bytes:
    """Return LibreOffice's PDF ``data`` with its dates set to ``when``, its link annotations in a fixed
    order, and its ids derived from its content.

    Every date and id is replaced by one of the same length. Values that do
    not fit (a date written in another form) are left as they are.
    """
    data = order_annotations(data)
    pdf = bytearray(data)
    for match in _PDF_DATE.finditer(data):  # LibreOffice writes (D:YYYYMMDDHHmmSSZ') or +HH'mm'
        old = match.group(1)
        _put(pdf, match.start(1), _same_length(when.strftime("(D:%Y%m%d%H%M%SZ)").encode(), old), len(old))
    for match in _XMP_DATE.finditer(data):  # 2026-11-23T00:00:00Z, or with +01:00
        old = match.group(2)
        zone = b"Z" if len(old) <= 20 else b"+00:00"
        _put(pdf, match.start(2), _same_length(when.strftime("%Y-%m-%dT%H:%M:%S").encode() + zone, old), len(old))
    found_id = _TRAILER_ID.search(pdf)
    found_sum = _CHECKSUM.search(pdf)
    blanked = bytearray(pdf)  # the ids are a digest of everything else
    for found in (found_id, found_sum):
        if found:
            for group in range(1, found.re.groups + 1):
                _put(blanked, found.start(group), b"0" * len(found.group(group)), len(found.group(group)))
    digest = hashlib.md5(bytes(blanked), usedforsecurity=False).hexdigest().upper().encode()
    if found_id:
        for group in (1, 2):
            _put(pdf, found_id.start(group), _same_length(digest, found_id.group(group), b"0"),
                 len(found_id.group(group)))
    if found_sum:
        _put(pdf, found_sum.start(1), _same_length(digest, found_sum.group(1), b"0"), len(found_sum.group(1)))
    return bytes(pdf)


def _same_length(value: bytes, old: bytes, pad: bytes = b" ") -> bytes:
    """Return ``value`` cut or padded to the length of ``old``."""
    return (value + pad * len(old))[:len(old)]


def _put(buffer: bytearray, start: int, value: bytes, length: int) -> None:
    if len(value) == length:
        buffer[start:start + length] = value
