"""The files the web app works on: the clause library and the school files.

Everything is read through the CLI's own loaders (``load_library``,
``load_school``) and cached by file modification time, so an edit made with
a text editor or through git shows up on the next page; an edit to a group
file (a trust's, a federation's) shows up in every school that inherits it. A school is found
only by its id, matched against the files actually in the schools folder:
no part of a URL becomes a path.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from generator.groups import groups_dir
from generator.library import Library, load_library
from generator.school import SCHOOL_ID, SchoolFile, load_school


class NotFound(Exception):
    """The thing a URL names does not exist (or may not be shown): answer 404."""


@dataclass(frozen=True)
class WebConfig:
    """Where the web app's files are, and who may use it."""

    library_dir: Path
    schools_dir: Path
    out_dir: Path
    users_file: Path
    template: Path | None = None


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


class Workspace:
    """Cached access to the library and the school files."""

    def __init__(self, config: WebConfig):
        self.config = config
        self._lock = threading.Lock()
        self._library: tuple[tuple, Library] | None = None
        self._schools: dict[Path, tuple[tuple, SchoolFile]] = {}
        self._memo: dict[str, tuple[tuple, object]] = {}

    def library(self) -> Library:
        """Return the clause library, reloaded when any of its files changed.

        Raises:
            InputError: the library has errors.
        """
        root = self.config.library_dir
        files = sorted(root.rglob("*.yaml"))
        key = tuple((str(p), *_stamp(p)) for p in files)
        with self._lock:
            if self._library and self._library[0] == key:
                return self._library[1]
        library = load_library(root)
        with self._lock:
            self._library = (key, library)
        return library

    def library_stamps(self) -> tuple:
        """Return the stamps of the library's files as last loaded (a key that changes with them)."""
        with self._lock:
            return self._library[0] if self._library else ()

    def stamps(self) -> tuple:
        """Return (id, modification stamp) of every school file: a key that changes when any does."""
        out = []
        for school_id in self.school_ids():
            try:
                out.append((school_id, _stamp(self.config.schools_dir / f"{school_id}.yaml")))
            except OSError:
                continue
        return tuple(out) + self.group_stamps()

    def group_stamps(self) -> tuple:
        """Return (name, stamp) of every group file: a school inherits from them, so its data changes with them."""
        folder = groups_dir(self.config.schools_dir / "school.yaml")  # groups/ beside the schools folder
        out = []
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                out.append((path.name, *_stamp(path)))
            except OSError:
                continue
        return tuple(out)

    def memo(self, name: str, key: tuple, make):
        """Return ``make()``, remembered under ``name`` until ``key`` changes."""
        with self._lock:
            hit = self._memo.get(name)
            if hit and hit[0] == key:
                return hit[1]
        value = make()
        with self._lock:
            self._memo[name] = (key, value)
        return value

    def school_ids(self) -> list[str]:
        """Return the id of every school file in the schools folder, sorted."""
        return sorted(p.stem for p in self.config.schools_dir.glob("*.yaml") if SCHOOL_ID.match(p.stem))

    def school_path(self, school_id: str) -> Path:
        """Return the file of ``school_id``.

        Raises:
            NotFound: no such school file (an id is never trusted as a path).
        """
        # the pattern allows only lower-case letters, digits and hyphens: no dot, no slash
        if not SCHOOL_ID.match(school_id or ""):
            raise NotFound(school_id)
        path = self.config.schools_dir / f"{school_id}.yaml"
        if not path.is_file():
            raise NotFound(school_id)
        return path

    def school(self, school_id: str) -> SchoolFile:
        """Return the loaded school file of ``school_id`` (cached until the file changes).

        Raises:
            NotFound: no such school.
            InputError: the school file has errors.
        """
        return self.load(self.school_path(school_id))

    def load(self, path: Path) -> SchoolFile:
        """Return the school file at ``path``, from the cache when neither it nor a group file changed."""
        stamp = (_stamp(path), self.group_stamps())
        with self._lock:
            cached = self._schools.get(path)
            if cached and cached[0] == stamp:
                return cached[1]
        school_file = load_school(path)
        with self._lock:
            self._schools[path] = (stamp, school_file)
        return school_file


def last_snapshot_version(school_file: SchoolFile, policy_id: str, version: str,
                          cache: dict[Path, tuple[tuple[int, int], str]]) -> str | None:
    """Return the library version recorded in the snapshot of approval ``version``, or None.

    ``cache`` keeps what was read, keyed by the snapshot file and its stamp.
    """
    from generator.review.snapshot_file import read_snapshot, snapshot_files

    path = snapshot_files(school_file, policy_id).get(version)
    if path is None:
        return None
    try:
        stamp = _stamp(path)
    except OSError:
        return None
    hit = cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    try:
        value = read_snapshot(path).library_version
    except Exception:  # noqa: BLE001 - an unreadable snapshot is reported by the review page
        return None
    cache[path] = (stamp, value)
    return value
