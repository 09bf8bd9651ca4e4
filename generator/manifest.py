"""The build manifest: what each document in OUT was made from, so unchanged ones are skipped.

``OUT/.policygen-manifest.json`` holds, for each school file built into OUT:

- ``context``: the key of the shared inputs (:class:`fingerprint.BuildContext`);
- ``inputs``: the digest of every file read while loading, checking and resolving it;
- ``documents``: for each of its documents, the key of everything it was made
  from, and the size, time of change and hash of each file written.

A document is **current** when its key is unchanged and each of its files is
still as written (same size and time of change, or else the same hash: a file
touched but not changed stays current; a file deleted or edited is rebuilt).
A school is **unchanged** when its context and inputs are: its documents are
then skipped without reading the school file at all.

The manifest is written with :func:`output.write_atomic` (a temporary file,
fsync, rename): an interrupted build leaves the previous manifest, or the one
it last saved, whole. A document missing from it is simply built again.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import FileProblem, read_regular_file
from generator.fingerprint import file_digest
from generator.output import write_atomic

MANIFEST_NAME = ".policygen-manifest.json"
FORMAT = 1


@dataclass
class Manifest:
    """The manifest of one output folder, in memory."""

    out_dir: Path
    schools: dict[str, dict] = field(default_factory=dict)
    dirty: bool = False
    saved_at: float = field(default_factory=time.monotonic)

    @property
    def path(self) -> Path:
        return self.out_dir / MANIFEST_NAME

    # -- reading -------------------------------------------------------------
    def school_unchanged(self, school_path: Path, context_key: str, policy_id: str | None = None) -> int:
        """Return how many documents of ``school_path`` are current without reading it, or 0.

        The school counts as unchanged when its context and every input it
        read last time are the same, and every document it builds (or just
        its ``policy_id`` one) is current on disk.
        """
        entry = self.schools.get(_school_key(school_path))
        if not entry or entry.get("context") != context_key or not entry.get("documents"):
            return 0
        if any(file_digest(path) != digest for path, digest in entry.get("inputs", {}).items()):
            return 0
        wanted = [name for name in entry.get("expects", []) if policy_id is None or name.endswith(f"/{policy_id}")]
        docs = [entry["documents"].get(name) for name in wanted]
        if not docs or not all(doc and self._files_current(doc) for doc in docs):
            return 0
        return len(docs)

    def document_current(self, school_path: Path, name: str, key: str) -> bool:
        """Return True when document ``name`` was built from ``key`` and its files are as written."""
        doc = self.schools.get(_school_key(school_path), {}).get("documents", {}).get(name)
        return bool(doc) and doc.get("key") == key and self._files_current(doc)

    def _files_current(self, doc: dict) -> bool:
        files = doc.get("files") or {}
        if not files:
            return False
        for rel, seen in files.items():
            path = self.out_dir / rel
            try:
                stat = path.stat()
            except OSError:
                return False
            if (stat.st_size, stat.st_mtime_ns) == (seen.get("size"), seen.get("mtime_ns")):
                continue
            if stat.st_size != seen.get("size") or file_digest(path) != seen.get("sha256"):
                return False
            seen["mtime_ns"] = stat.st_mtime_ns  # touched, not changed: remember the new time
            self.dirty = True
        return True

    # -- recording -----------------------------------------------------------
    def record_school(self, school_path: Path, context_key: str, inputs: dict[str, str],
                      documents: list[str]) -> None:
        """Note the shared context, the inputs a school was read from and the documents it builds."""
        entry = self.schools.setdefault(_school_key(school_path), {"documents": {}})
        entry["context"] = context_key
        # a missing input is kept: when it appears (an approval's first snapshot), the school is read again
        entry["inputs"] = dict(inputs)
        entry["expects"] = sorted(documents)
        self.dirty = True

    def record_document(self, school_path: Path, name: str, policy_id: str, key: str, files: list[Path]) -> None:
        """Note that document ``name`` was built from ``key`` into ``files``."""
        entry = self.schools.setdefault(_school_key(school_path), {"documents": {}})
        written = {}
        for path in files:
            stat = path.stat()
            written[os.path.relpath(path, self.out_dir)] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                                              "sha256": file_digest(path)}
        entry["documents"][name] = {"policy": policy_id, "key": key, "files": written}
        self.dirty = True

    def forget_document(self, school_path: Path, name: str) -> None:
        """Drop a document whose build failed, so the next build tries it again."""
        entry = self.schools.get(_school_key(school_path))
        if entry and entry["documents"].pop(name, None) is not None:
            self.dirty = True

    # -- writing -------------------------------------------------------------
    def save(self, every_s: float = 0.0) -> None:
        """Write the manifest atomically when it changed (at most once per ``every_s`` seconds)."""
        if not self.dirty or time.monotonic() - self.saved_at < every_s:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"format": FORMAT, "schools": self.schools}, sort_keys=True, separators=(",", ":"))
        write_atomic(self.path, data.encode())
        self.dirty = False
        self.saved_at = time.monotonic()


MAX_MANIFEST_BYTES = 200_000_000  # about a million documents' entries


def load_manifest(out_dir: Path) -> Manifest:
    """Return the manifest of ``out_dir``; an absent, unreadable or older one is empty (all is rebuilt)."""
    manifest = Manifest(Path(out_dir))
    try:
        data = json.loads(read_regular_file(manifest.path, MAX_MANIFEST_BYTES, "manifest"))
    except (OSError, ValueError, FileProblem):  # a FIFO or device in its place is refused, not read
        return manifest
    if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("schools"), dict):
        manifest.schools = data["schools"]
    return manifest


def _school_key(school_path: Path) -> str:
    return os.path.abspath(school_path)
