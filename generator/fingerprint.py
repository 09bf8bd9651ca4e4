"""Fingerprints: hashes of everything a document is made from, so an unchanged one can be skipped.

A document's **key** hashes its parts:

- ``policy``: the resolved Policy tree (every word it prints, its tables and brand);
- ``clauses``: each library clause it prints, as written in the library;
- ``school``: the school file; ``inputs``: every other file read while loading,
  checking and resolving it (its group, logo, approval snapshots);
- ``template``, ``fonts`` (every installed font file, when PDF is built),
  ``office`` (the LibreOffice build), ``policygen`` (version and code),
  ``formats`` and ``SOURCE_DATE_EPOCH``.

Which files a school reads is not listed by hand: :func:`recording` notes
every file the current thread opens and every folder it lists (Python's audit
hooks), so a new kind of input (a group file, a new snapshot) is covered the
day it is read. A school whose files and :class:`BuildContext` are unchanged
can then be skipped without reading it at all (:mod:`generator.manifest`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterator

from generator.library import Library
from generator.model import Policy

MISSING = "missing"
_PACKAGE = Path(__file__).resolve().parent
_SYSTEM = tuple(str(Path(p).resolve()) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}) + (
    str(_PACKAGE), "/usr/", "/etc/", "/proc/", "/sys/", "/dev/")


def digest(*chunks: bytes | str) -> str:
    """Return the SHA-256 of ``chunks``, each length-prefixed so no two lists collide."""
    h = hashlib.sha256()
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path | str) -> str:
    """Return the hash of a file's bytes, a folder's sorted names, or :data:`MISSING`."""
    try:
        if os.path.isdir(path):
            return digest("dir", *sorted(os.listdir(path)))
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return MISSING


# -- what a school reads ------------------------------------------------------

_recording: dict[int, set[str]] = {}
_hooked = False


def _audit(event: str, args: tuple) -> None:
    if _recording and event in ("open", "os.listdir", "os.scandir"):
        found = _recording.get(threading.get_ident())
        if found is not None and args and isinstance(args[0], (str, Path)):
            found.add(os.path.abspath(args[0]))


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the absolute paths this thread opens or lists inside the ``with`` block."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)  # hooks cannot be removed; outside a block it returns at once
        _hooked = True
    found: set[str] = set()
    _recording[threading.get_ident()] = found
    try:
        yield found
    finally:
        _recording.pop(threading.get_ident(), None)


def input_digests(paths: set[str], exclude: tuple[Path, ...] = ()) -> dict[str, str]:
    """Return the digests of the data files among ``paths``: not Python, the system, or ``exclude``."""
    skip = _SYSTEM + tuple(str(Path(p).resolve()) for p in exclude)
    return {path: file_digest(path) for path in sorted(paths)
            if not path.startswith(skip) and not path.endswith((".py", ".pyc"))}


# -- what every document of a build shares ------------------------------------

@dataclass(frozen=True)
class BuildContext:
    """The inputs every document of a build shares, each as a digest."""

    library: str
    template: str
    fonts: str
    office: str
    policygen: str
    formats: tuple[str, ...]
    epoch: str

    @property
    def key(self) -> str:
        return digest(json.dumps(self.__dict__, sort_keys=True))


def build_context(library_dir: Path, template: Path, formats: set[str], soffice: str | None,
                  office: str | None = None) -> BuildContext:
    """Return the shared inputs of a build writing ``formats`` (PDF through ``soffice``, or ``office``'s digest)."""
    pdf = "pdf" in formats
    return BuildContext(
        library=tree_digest(library_dir),
        template=file_digest(template),
        fonts=fonts_digest() if pdf else "",
        office=office if office is not None else office_digest(soffice) if pdf and soffice else "",
        policygen=policygen_digest(),
        formats=tuple(sorted(formats)),
        epoch=os.environ.get("SOURCE_DATE_EPOCH", "").strip(),
    )


def tree_digest(root: Path) -> str:
    """Return a digest of every file under ``root``: names and bytes."""
    parts: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            parts += [os.path.relpath(path, root), file_digest(path)]
    return digest(*parts)


@lru_cache(maxsize=1)
def fonts_digest() -> str:
    """Return a digest of every font fontconfig knows: path, size and time of change."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return MISSING
    parts = []
    for path in sorted(set(listed.stdout.splitlines())):
        try:
            stat = os.stat(path)
            parts.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
        except OSError:
            continue
    return digest(*parts)


@lru_cache(maxsize=4)
def office_digest(soffice: str) -> str:
    """Return a digest of the LibreOffice build at ``soffice``: its version file and main library."""
    program = Path(os.path.realpath(soffice)).parent
    parts = [str(program), file_digest(program / "versionrc")]
    for name in ("libmergedlo.so", "libsofficeapp.so"):
        try:
            stat = (program / name).stat()
            parts.append(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}")
        except OSError:
            pass
    return digest(*parts)


@lru_cache(maxsize=1)
def policygen_digest() -> str:
    """Return a digest of policygen's version and its code (so a changed generator rebuilds)."""
    try:
        version = metadata.version("policygen")
    except metadata.PackageNotFoundError:
        version = "unknown"
    code = sorted(p for p in _PACKAGE.rglob("*.py"))
    return digest(version, *(f"{p.relative_to(_PACKAGE)}\0{file_digest(p)}" for p in code))


# -- one document --------------------------------------------------------------

def document_parts(policy: Policy, library: Library, school_path: Path, inputs: dict[str, str],
                   context: BuildContext) -> dict[str, str]:
    """Return the digest of each part a document is made from (see the module's docstring)."""
    specs = _library_clauses(library, policy.policy_id)
    printed = [c.id for _, c in policy.clauses() if c.origin == "library"]
    clauses = digest(*(f"{cid}\0{_spec_digest(specs.get(cid))}" for cid in printed))
    logo = file_digest(policy.brand.logo) if policy.brand.logo else ""
    return {"policy": digest(repr(policy)), "clauses": clauses, "school": file_digest(school_path),
            "inputs": digest(*(f"{p}\0{h}" for p, h in sorted(inputs.items()))), "logo": logo,
            **{name: str(value) for name, value in context.__dict__.items() if name != "library"}}


def document_key(parts: dict[str, str]) -> str:
    """Return the one key of a document's parts."""
    return digest(json.dumps(parts, sort_keys=True))


def _library_clauses(library: Library, policy_id: str) -> dict:
    try:
        return dict(library.policy(policy_id).clauses)
    except Exception:  # an unknown policy was already reported by the check
        return {}


def _spec_digest(spec: object) -> str:
    if spec is None:
        return MISSING
    dump = getattr(spec, "model_dump_json", None)
    return digest(dump() if dump else repr(spec))
