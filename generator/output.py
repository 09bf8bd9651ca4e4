"""Write files safely: inside the output folder, all at once or not at all.

Outputs never go through a symbolic link inside the output folder (one
school's folder linked to another's would let it overwrite the other's
documents), and every operating-system failure while writing (a read-only
or full disk, a file where a folder should be) becomes one
:class:`~generator.errors.OutputError` line, with the temporary file removed.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from generator.errors import OutputError
from generator.render.processes import alive, guarded


def output_path(out_dir: Path, *parts: str) -> Path:
    """Return ``out_dir/parts...``, refusing anything that would leave ``out_dir``.

    ``out_dir`` itself may be a symbolic link (the user chose it); nothing
    below it may be.

    Raises:
        OutputError: a part is empty, absolute, or climbs out with ``..``, or
            a folder or file on the way is a symbolic link.
    """
    root = Path(out_dir).resolve()
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part:
            raise OutputError(f"refusing unsafe output name {part!r}")
    target = root
    for part in parts:
        target = target / part
        if target.is_symlink():
            raise OutputError(f"refusing to write through the symbolic link {target}: "
                              "replace it with a real folder or file")
    return target


def prepare_out_dir(out_dir: Path) -> None:
    """Make sure ``out_dir`` is a folder policygen can write in, creating it if need be.

    Raises:
        OutputError: it is a file, or cannot be created or written in.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"the output folder {out_dir} is a file; give a folder with --out") from None
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out_dir}: {_reason(exc)}") from None
    _probe(out_dir, f"cannot write in the output folder {out_dir}")


def _reason(exc: OSError) -> str:
    """Return why an operation failed, as a person reads it ("No space left on device")."""
    return exc.strerror or str(exc)


def write_file(path: Path, data: bytes, target: Path | None = None) -> None:
    """Write ``data`` to ``path`` (a temporary file of ours, for ``target``) and flush it to disk.

    Raises:
        OutputError: the disk is full, read-only, or the file cannot be written.
    """
    try:
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise OutputError(f"cannot write {target or path}: {_reason(exc)}") from None


STALE_AFTER_S = 600
# .<stem>.<pid>.<random>.part<suffix>: the process that writes it is in its name
PART_NAME = re.compile(r"\.(?P<stem>.+)\.(?P<pid>\d+)\.[0-9a-z_]+\.part(\.[^.]+)?")


def sweep_parts(folder: Path, stem: str | None = None) -> None:
    """Remove the temporary files that builds killed outright (SIGKILL, a power cut) left in ``folder``.

    One is left over when the process named in it no longer runs, or when it
    is older than ten minutes (never a running build's, whatever machine
    wrote it). With ``stem``, only the temporary files of that target are
    looked at.
    """
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if entry.name.startswith(".") and ".part" in entry.name]
    except OSError:
        return
    for name in names:
        named = PART_NAME.fullmatch(name)
        if stem is not None and not name.startswith(f".{stem}."):
            continue
        path = Path(folder) / name
        try:
            if (named and not alive(int(named["pid"]))) or now - path.lstat().st_mtime > STALE_AFTER_S:
                path.unlink()
        except (OSError, ValueError):
            pass


def temp_path_for(target: Path, suffix: str = "") -> Path:
    """Create and return a fresh hidden temporary file in ``target``'s folder; the caller removes it.

    Temporary files of ``target`` left over by a killed build are removed
    first (:func:`sweep_parts`). Prefer :func:`temporary_file`, which also
    has the guardian remove the file should policygen be killed while it exists.

    Raises:
        OutputError: the folder cannot be created, or written in.
    """
    path = _fresh_part(target, suffix)
    _create(path)
    return path


@contextmanager
def temporary_file(target: Path, suffix: str = "", *, sweep: bool = True) -> Iterator[Path]:
    """Yield a new, empty hidden temporary file beside ``target``; it is removed on the way out.

    Its name is registered with this process's guardian (when one runs,
    that is during a PDF build) before the file exists, so a SIGKILL at any
    moment leaves nothing behind; without a guardian the next write in that
    folder removes it (:func:`sweep_parts`), since its name says whose it is.
    With ``sweep`` (the default) that sweep of ``target``'s old temporary
    files happens here.

    Raises:
        OutputError: the folder cannot be created, or written in.
    """
    path = _fresh_part(target, suffix, sweep=sweep)
    with guarded(path):
        _create(path)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)


def _fresh_part(target: Path, suffix: str, sweep: bool = True) -> Path:
    """Return a new temporary file name in ``target``'s folder (created if need be), after a sweep of the old ones."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {target.parent}: {_reason(exc)}") from None
    if sweep:
        sweep_parts(target.parent, target.stem)
    return target.parent / f".{target.stem}.{os.getpid()}.{secrets.token_hex(6)}.part{suffix or target.suffix}"


def _create(path: Path) -> None:
    """Create ``path`` as a new, empty file with ordinary permissions (0666 less the umask)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))
    except OSError as exc:
        raise OutputError(f"cannot write in {path.parent}: {_reason(exc)}") from None


def prepare_target(target: Path) -> None:
    """Make sure a file can be written at ``target`` (a path the user named): create its folder.

    Raises:
        OutputError: ``target`` is a folder, or its folder cannot be created.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give the name of a file to write")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {target.parent}: {_reason(exc)}") from None
    _probe(target.parent, f"cannot write in {target.parent}")


def _probe(folder: Path, failure: str) -> None:
    """Create and remove a file in ``folder``, or raise OutputError("<failure>: <reason>")."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".policygen-probe.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{failure}: {_reason(exc)}") from None


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename.

    Raises:
        OutputError: ``target`` is a folder, or cannot be written.
    """
    target = Path(target)
    prepare_target(target)
    with temporary_file(target) as tmp:
        write_file(tmp, data, target)
        _replace(tmp, target)


def commit(pairs: list[tuple[Path, Path]]) -> None:
    """Move each finished temporary file onto its target (same folder, atomic each).

    Raises:
        OutputError: a target cannot be replaced (a folder in its place, say).
    """
    for tmp, target in pairs:
        _replace(tmp, target)


def _replace(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_reason(exc)}") from None
