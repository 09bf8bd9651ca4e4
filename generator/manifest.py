"""The build manifest: what each document in OUT was made from, so unchanged ones are skipped.

``OUT/.policygen-manifest/`` holds one small record per school built into
OUT, ``<school-id>.json``:

- ``school``: the school file's absolute path (a record of another file with
  the same id is not used);
- ``context``: the key of the shared inputs (:class:`fingerprint.BuildContext`);
- ``inputs``: the digest of every file read while loading, checking and resolving it;
- ``expects``: the documents the school builds;
- ``documents``: for each of its documents, the key of everything it was made
  from, the ``basis`` (context and inputs) under which that key was last
  confirmed, and the size, time of change and hash of each file written.

A document is **current** when its key is unchanged and each of its files is
still as written (same size and time of change, or else the same hash: a file
touched but not changed stays current; a file deleted or edited is rebuilt).
A school is **unchanged** when its context and inputs are, and every document
it builds was confirmed under them and is current: its documents are then
skipped without reading the school file at all. A document built under an
older context or school file (by a ``--policy`` build of another of its
policies, or a build stopped half-way) never counts as unchanged: the school
is read, and that document's key decides.

One record per school keeps a build's memory flat however many schools OUT
holds: a record is read when its school comes up, and written as soon as that
school's documents are finished (a temporary file, fsync, rename), then
forgotten. A killed build loses at most the records of the schools in flight,
whose documents are then simply built again. The temporary file of a record
carries its writer's process id, so the next build removes those a dead build
left.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import OutputError
from generator.files import FileProblem, read_regular_file
from generator.fingerprint import digest, file_digest
from generator.output import output_path, sweep_parts, temporary_file, write_file

MANIFEST_NAME = ".policygen-manifest"
LEGACY_NAME = ".policygen-manifest.json"  # format 1: one file for the whole of OUT, no longer read
FORMAT = 2
MAX_RECORD_BYTES = 1_000_000


def basis(context_key: str, inputs: dict[str, str]) -> str:
    """Return the digest of a school's context and inputs: what its documents were confirmed under."""
    return digest(context_key, json.dumps(inputs, sort_keys=True))


@dataclass
class SchoolRecord:
    """The manifest's record of one school, in memory while its documents are built."""

    school: str  # the school file's absolute path
    data: dict = field(default_factory=lambda: {"documents": {}})
    dirty: bool = False

    @property
    def inputs(self) -> dict[str, str]:
        return self.data.get("inputs", {})

    # -- reading -------------------------------------------------------------
    def unchanged(self, out_dir: Path, context_key: str, policy_id: str | None = None) -> int:
        """Return how many documents of the school are current without reading it, or 0.

        The school counts as unchanged when its context and every input it
        read last time are the same, and every document it builds (or just
        its ``policy_id`` one) was confirmed under them and is current on disk.
        """
        documents = self.data.get("documents") or {}
        if self.data.get("context") != context_key or not documents:
            return 0
        if any(file_digest(path) != seen for path, seen in self.inputs.items()):
            return 0
        now = basis(context_key, self.inputs)
        wanted = [name for name in self.data.get("expects", []) if policy_id is None or name.endswith(f"/{policy_id}")]
        docs = [documents.get(name) for name in wanted]
        if not docs or not all(doc and doc.get("basis") == now and self._files_current(out_dir, doc) for doc in docs):
            return 0
        return len(docs)

    def document_current(self, out_dir: Path, name: str, key: str) -> bool:
        """Return True when document ``name`` was built from ``key`` and its files are as written."""
        doc = (self.data.get("documents") or {}).get(name)
        return bool(doc) and doc.get("key") == key and self._files_current(out_dir, doc)

    def _files_current(self, out_dir: Path, doc: dict) -> bool:
        files = doc.get("files") or {}
        if not files:
            return False
        for rel, seen in files.items():
            path = out_dir / rel
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
    def record_school(self, context_key: str, inputs: dict[str, str], documents: list[str]) -> None:
        """Note the shared context, the inputs the school was read from and the documents it builds."""
        # a missing input is kept: when it appears (an approval's first snapshot), the school is read again
        self.data.update(context=context_key, inputs=dict(inputs), expects=sorted(documents))
        self.data.setdefault("documents", {})
        self.dirty = True

    def confirm_document(self, name: str) -> None:
        """Note that document ``name``, found current, holds under the school's present context and inputs."""
        doc = self.data["documents"][name]
        doc["basis"] = basis(self.data["context"], self.inputs)
        self.dirty = True

    def record_document(self, out_dir: Path, name: str, policy_id: str, key: str, files: list[Path]) -> None:
        """Note that document ``name`` was built from ``key`` into ``files``."""
        written = {}
        for path in files:
            stat = path.stat()
            written[os.path.relpath(path, out_dir)] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                                         "sha256": file_digest(path)}
        self.data.setdefault("documents", {})[name] = {
            "policy": policy_id, "key": key, "basis": basis(self.data.get("context", ""), self.inputs),
            "files": written}
        self.dirty = True

    def forget_document(self, name: str) -> None:
        """Drop a document whose build failed, so the next build tries it again."""
        if self.data.get("documents", {}).pop(name, None) is not None:
            self.dirty = True


class Manifest:
    """The manifest folder of one output folder: school records read and written one at a time."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)

    @property
    def folder(self) -> Path:
        return self.out_dir / MANIFEST_NAME

    def load(self, school_path: Path) -> SchoolRecord:
        """Return the record of the school at ``school_path``; an absent, torn or foreign one is empty."""
        record = SchoolRecord(os.path.abspath(school_path))
        try:
            data = json.loads(read_regular_file(self._file(school_path), MAX_RECORD_BYTES, "manifest record"))
        except (OSError, ValueError, FileProblem):  # a FIFO or device in its place is refused, not read
            return record
        if (isinstance(data, dict) and data.get("format") == FORMAT and data.get("school") == record.school
                and isinstance(data.get("documents"), dict)):
            record.data = data
        return record

    def save(self, school_path: Path, record: SchoolRecord) -> None:
        """Write ``record`` atomically, when it changed.

        Raises:
            OutputError: it cannot be written (the disk is full, say).
        """
        if not record.dirty:
            return
        target = output_path(self.out_dir, MANIFEST_NAME, self._file(school_path).name)
        data = json.dumps({**record.data, "format": FORMAT, "school": record.school}, sort_keys=True,
                          separators=(",", ":")).encode()
        try:
            # the guardian (if one runs) removes it should policygen be killed while it exists; the folder
            # is swept once per build (sweep), not at every record, which would read it thousands of times
            with temporary_file(target, sweep=False) as tmp:
                write_file(tmp, data, target)
                os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        record.dirty = False

    def sweep(self) -> None:
        """Remove what dead builds left here: records' temporary files, and the one-file manifest of format 1."""
        sweep_parts(self.folder)  # their names say which process wrote them (earlier versions' names too)
        legacy = self.out_dir / LEGACY_NAME
        if legacy.is_file() and not legacy.is_symlink():
            try:
                os.unlink(legacy)
            except OSError:
                pass

    def _file(self, school_path: Path) -> Path:
        return self.folder / f"{Path(school_path).stem}.json"
