"""Incremental builds: skip the documents whose inputs have not changed since they were written.

A batch asks, for each school in turn:

1. :meth:`Incremental.unchanged`: is this school file, and every file it read
   last time, the same, with the same library, template, fonts, LibreOffice and
   policygen? Then all its documents are skipped without even reading it.
2. :meth:`Incremental.check`: otherwise the school is loaded, checked and
   resolved as usual, noting every file that reads.
3. :meth:`Incremental.current`: is each resolved document's key (see
   :mod:`generator.fingerprint`) the one it was built from? A library change
   thus rebuilds exactly the documents whose printed clauses changed.
4. :meth:`Incremental.close` once the school's documents are all planned, and
   :meth:`Incremental.note` as each finishes: when the last is noted, the
   school's record is written (:mod:`generator.manifest`) and forgotten, so
   only the schools in flight are held in memory.

``--force`` builds everything and records it all again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from generator.build import Job, Outcome
from generator.check import CheckedSchool, Resolver, check_each
from generator.errors import OutputError, Problem
from generator.fingerprint import BuildContext, build_context, document_key, document_parts, input_digests, recording
from generator.library import Library
from generator.manifest import Manifest, SchoolRecord
from generator.resolve import resolve


@dataclass
class _InFlight:
    """A school whose documents are being built: its record, and how many of them are still out."""

    record: SchoolRecord
    outstanding: int = 0
    closed: bool = False  # every document of it has been planned


class Incremental:
    """The manifest of one output folder, and the keys of one build."""

    def __init__(self, out_dir: Path, library_dir: Path, template: Path, formats: set[str],
                 soffice: str | None, *, force: bool = False, policy_id: str | None = None,
                 office_digest: str | None = None):
        self.manifest = Manifest(out_dir)
        self.manifest.sweep()
        self.context: BuildContext = build_context(library_dir, template, formats, soffice, office_digest)
        self.library_dir = library_dir
        self.force = force
        self.policy_id = policy_id
        self.skipped = 0
        self._schools: dict[str, _InFlight] = {}  # school path -> its record, while its documents are built
        self._keys: dict[str, str] = {}  # job name -> key, while it is built
        self._lock = threading.Lock()  # documents are noted from the workers' threads
        self._warning: str | None = None

    def unchanged(self, path: Path) -> int:
        """Return how many documents of the school at ``path`` can be skipped unread (0: read it)."""
        record = self.manifest.load(path)
        count = 0 if self.force else record.unchanged(self.manifest.out_dir, self.context.key, self.policy_id)
        if count:
            self.skipped += count
            self._save(path, record)  # when a touched file's new time was noted
            return count
        with self._lock:
            self._schools[str(path)] = _InFlight(record)
        return 0

    def check(self, library: Library, paths: list[Path], resolver: Resolver = resolve
              ) -> tuple[list[CheckedSchool], list[Problem]]:
        """Load, check and resolve (with ``resolver``) each school as :func:`check_paths` does, noting the
        files each reads."""
        good: list[CheckedSchool] = []
        problems: list[Problem] = []
        schools = check_each(library, paths, resolver)
        while True:
            with recording() as read:  # exactly what this one school's load, check and resolve read
                item = next(schools, None)
            if item is None:
                return good, problems
            path, checked, found = item
            problems += found
            with self._lock:
                flight = self._schools.setdefault(str(path), _InFlight(self.manifest.load(path)))
            if checked is None:  # refused: its record stays as it was
                with self._lock:
                    self._schools.pop(str(path), None)
                continue
            good.append(checked)
            school = checked.school_file
            flight.record.record_school(self.context.key, input_digests(read, exclude=(self.library_dir,)),
                                        [f"{school.id}/{pid}" for pid in school.school.policies])

    def current(self, library: Library, job: Job) -> bool:
        """Return True when ``job``'s document is as its inputs would make it now (and count it skipped).

        Otherwise the job counts as one of its school's documents in flight, until :meth:`note`.
        """
        path = str(job.school_file.path)
        with self._lock:
            flight = self._schools.setdefault(path, _InFlight(self.manifest.load(job.school_file.path)))
        if job.policy is not None:
            parts = document_parts(job.policy, library, job.school_file.path, flight.record.inputs, self.context)
            key = document_key(parts)
            if not self.force and flight.record.document_current(self.manifest.out_dir, job.name, key):
                flight.record.confirm_document(job.name)
                self.skipped += 1
                return True
            self._keys[job.name] = key
        with self._lock:
            flight.outstanding += 1
        return False

    def close(self, path: Path) -> None:
        """Note that every document of the school at ``path`` is planned; write its record once all are done."""
        with self._lock:
            flight = self._schools.get(str(path))
            if flight is None:
                return
            flight.closed = True
            done = flight.outstanding <= 0
            if done:
                del self._schools[str(path)]
        if done:
            self._save(path, flight.record)

    def note(self, outcome: Outcome) -> None:
        """Record a finished document in its school's record; write that record when it was the school's last."""
        job = outcome.job
        path = str(job.school_file.path)
        with self._lock:
            key = self._keys.pop(job.name, None)
            flight = self._schools.get(path)
            if flight is None:
                return
            if outcome.ok and key and outcome.files:
                flight.record.record_document(self.manifest.out_dir, job.name, job.policy_id, key, outcome.files)
            else:
                flight.record.forget_document(job.name)
            flight.outstanding -= 1
            done = flight.closed and flight.outstanding <= 0
            if done:
                del self._schools[path]
        if done:
            self._save(job.school_file.path, flight.record)

    def finish(self) -> str | None:
        """Write the records of schools still in flight (an interrupted build: what finished is kept);
        return a warning when a record cannot be (or could not be) written."""
        with self._lock:
            left, self._schools = self._schools, {}
        for path, flight in left.items():
            self._save(Path(path), flight.record)
        return self._warning

    def _save(self, path: Path | str, record: SchoolRecord) -> None:
        try:
            self.manifest.save(Path(path), record)
        except OutputError as exc:
            self._warning = (f"warning: could not record this build in {self.manifest.folder.name} ({exc}); "
                             "the next build will build these documents again")
