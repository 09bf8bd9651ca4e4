"""Write files safely: inside the output folder, all at once or not at all.

Outputs never go through a symbolic link inside the output folder (one
school's folder linked to another's would let it overwrite the other's
documents), and every operating-system failure while writing (a read-only
or full disk, a file where a folder should be) becomes one
:class:`~generator.errors.OutputError` line, with the temporary file removed.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from generator.errors import OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


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


def temp_path_for(target: Path, suffix: str = "") -> Path:
    """Return a fresh hidden temporary path in ``target``'s folder.

    Temporary files of ``target`` left over by a killed build (older than ten
    minutes, so never a running build's) are removed first.

    Raises:
        OutputError: the folder cannot be created, or written in.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {target.parent}: {_reason(exc)}") from None
    now = time.time()
    for stale in target.parent.glob(f".{target.stem}.*.part*"):
        try:
            if now - stale.stat().st_mtime > STALE_AFTER_S:
                stale.unlink()
        except OSError:
            pass
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{suffix or target.suffix}",
                                    dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write in {target.parent}: {_reason(exc)}") from None
    os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
    os.close(fd)
    return Path(name)


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
    tmp = temp_path_for(target)
    try:
        write_file(tmp, data, target)
        _replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


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
