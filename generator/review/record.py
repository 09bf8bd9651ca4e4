"""Write an approval to disk all at once, or not at all.

An approval changes two files: the school file (one more line) and a new
snapshot. :func:`commit_approval` writes the snapshot to a temporary file
first, then replaces the school file atomically, then moves the snapshot into
place; if any step fails, the school file is put back and the temporary file
removed. :func:`approval_lock` makes concurrent ``approve`` runs on one folder
take turns, so each reads the file the last one wrote.

The school file keeps its permissions and line endings, and a symbolic link
stays a link: its target is written.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from generator.errors import OutputError, PolicygenError
from generator.output import temp_path_for


@contextmanager
def approval_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder of the school file (its link's target) while recording.

    The lock is on the folder itself, so no lock file is left behind.
    """
    folder = real_path(path).parent
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise PolicygenError(f"{path}: cannot open its folder to record an approval ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def real_path(path: Path) -> Path:
    """Return the file a (possibly symlinked) path names."""
    return Path(os.path.realpath(path))


def writable_school_file(path: Path) -> Path:
    """Return the school file's real path, refusing one that cannot be rewritten.

    Raises:
        PolicygenError: the file is read-only, or its folder is.
    """
    target = real_path(path)
    if not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222:  # root may write anything
        raise PolicygenError(f"{path}: the school file is read-only; make it writable (chmod u+w) to record an "
                             "approval, or ask whoever manages it")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise PolicygenError(f"{path}: its folder {target.parent} is read-only, so the school file cannot be "
                             "replaced safely")
    return target


def encode_like(original: bytes, text: str) -> bytes:
    """Return ``text`` (LF line endings) encoded as ``original`` was: UTF-8, with CRLF if it used CRLF."""
    if b"\r\n" in original:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode("utf-8")


def replace_file(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically, keeping its permission bits."""
    mode = target.stat().st_mode & 0o7777
    tmp = temp_path_for(target)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def commit_approval(path: Path, school_data: bytes, snapshot: Path | None, snapshot_data: bytes | None) -> None:
    """Write the new school file and (when given) the new snapshot, both or neither.

    Raises:
        PolicygenError: a file could not be written; nothing was changed.
    """
    target = writable_school_file(path)
    tmp_snap: Path | None = None
    original = target.read_bytes()
    replaced = False
    new_folder = snapshot is not None and not snapshot.parent.exists()  # the school's first approval
    try:
        if snapshot is not None and snapshot_data is not None:
            tmp_snap = temp_path_for(snapshot)
            with open(tmp_snap, "wb") as handle:
                handle.write(snapshot_data)
                handle.flush()
                os.fsync(handle.fileno())
        if school_data != original:
            replace_file(target, school_data)
            replaced = True
        if tmp_snap is not None and snapshot is not None:
            os.replace(tmp_snap, snapshot)
    except (OSError, OutputError) as exc:
        if replaced:
            replace_file(target, original)
        if new_folder and snapshot is not None:
            if tmp_snap is not None:
                tmp_snap.unlink(missing_ok=True)
            _remove_if_empty(snapshot.parent)
        reason = f"{exc.strerror} ({exc.filename or snapshot or path})" if isinstance(exc, OSError) and exc.strerror \
            else str(exc)
        raise PolicygenError(f"{path}: could not record the approval: {reason}; nothing was changed") from None
    finally:
        if tmp_snap is not None:
            tmp_snap.unlink(missing_ok=True)


def _remove_if_empty(folder: Path) -> None:
    """Remove ``folder`` if nothing is in it (a folder this approval made, so it leaves nothing behind)."""
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (another approval's files), or gone


def commit_removal(path: Path, school_data: bytes, snapshot: Path | None) -> None:
    """Write the school file without its last approval and delete that approval's snapshot, both or neither.

    Raises:
        PolicygenError: a file could not be changed; nothing was changed.
    """
    target = writable_school_file(path)
    original = target.read_bytes()
    try:
        replace_file(target, school_data)
        try:
            if snapshot is not None:
                snapshot.unlink()
        except OSError:
            replace_file(target, original)
            raise
    except OSError as exc:
        raise PolicygenError(f"{path}: could not undo the approval: {exc.strerror or exc} "
                             f"({exc.filename or path}); nothing was changed") from None
