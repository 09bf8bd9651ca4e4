"""Incremental builds: skip the documents whose inputs have not changed since they were written.

A batch asks, in order:

1. :meth:`Incremental.unchanged`: is this school file, and every file it read
   last time, the same, with the same library, template, fonts, LibreOffice and
   policygen? Then all its documents are skipped without even reading it.
2. :meth:`Incremental.check`: otherwise the school is loaded, checked and
   resolved as usual, noting every file that reads.
3. :meth:`Incremental.current`: is each resolved document's key (see
   :mod:`generator.fingerprint`) the one it was built from? A library change
   thus rebuilds exactly the documents whose printed clauses changed.

``--force`` builds everything and records it all again.
"""

from __future__ import annotations

from pathlib import Path

from generator.build import Job, Outcome
from generator.check import CheckedSchool, Resolver, check_each
from generator.errors import OutputError, Problem
from generator.fingerprint import (BuildContext, build_context, document_key, document_parts, input_digests,
                                   recording)
from generator.library import Library
from generator.manifest import Manifest, load_manifest
from generator.resolve import resolve


class Incremental:
    """The manifest of one output folder, and the keys of one build."""

    def __init__(self, out_dir: Path, library_dir: Path, template: Path, formats: set[str],
                 soffice: str | None, *, force: bool = False, policy_id: str | None = None,
                 office_digest: str | None = None):
        self.manifest: Manifest = load_manifest(out_dir)
        self.context: BuildContext = build_context(library_dir, template, formats, soffice, office_digest)
        self.library_dir = library_dir
        self.force = force
        self.policy_id = policy_id
        self.skipped = 0
        self._inputs: dict[str, dict[str, str]] = {}  # school path -> its input digests
        self._documents: dict[str, list[str]] = {}  # school path -> the documents it builds
        self._warning: str | None = None
        self._keys: dict[str, str] = {}  # job name -> key

    def unchanged(self, path: Path) -> int:
        """Return how many documents of the school at ``path`` can be skipped unread (0: read it)."""
        if self.force:
            return 0
        count = self.manifest.school_unchanged(path, self.context.key, self.policy_id)
        self.skipped += count
        return count

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
            if checked is not None:
                good.append(checked)
                self._inputs[str(path)] = input_digests(read, exclude=(self.library_dir,))
                school = checked.school_file
                self._documents[str(path)] = [f"{school.id}/{pid}" for pid in school.school.policies]

    def current(self, library: Library, job: Job) -> bool:
        """Return True when ``job``'s document is as its inputs would make it now (and count it skipped)."""
        path = job.school_file.path
        if job.policy is None:
            return False
        parts = document_parts(job.policy, library, path, self._inputs.get(str(path), {}), self.context)
        key = self._keys[job.name] = document_key(parts)
        if self.force or not self.manifest.document_current(path, job.name, key):
            return False
        del self._keys[job.name]
        self._record_school(str(path))
        self.skipped += 1
        return True

    def note(self, outcome: Outcome) -> None:
        """Record a finished document in the manifest (saved every few seconds), then forget it here."""
        job = outcome.job
        key = self._keys.pop(job.name, None)
        if outcome.ok and key and outcome.files:
            self._record_school(str(job.school_file.path))
            self.manifest.record_document(job.school_file.path, job.name, job.policy_id, key, outcome.files)
        else:
            self.manifest.forget_document(job.school_file.path, job.name)
        self._save(every_s=5.0)

    def _record_school(self, path: str) -> None:
        inputs = self._inputs.pop(path, None)
        if inputs is not None:  # the first of its documents built (or found current)
            self.manifest.record_school(Path(path), self.context.key, inputs, self._documents.pop(path, []))

    def finish(self) -> str | None:
        """Write the manifest atomically; return a warning when it cannot be (or could not be) written."""
        self._save()
        return self._warning

    def _save(self, every_s: float = 0.0) -> None:
        try:
            self.manifest.save(every_s)
        except OutputError as exc:
            self._warning = (f"warning: could not record this build in {self.manifest.path.name} ({exc}); "
                             "the next build will build these documents again")
