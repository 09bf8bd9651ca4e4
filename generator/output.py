"""Write files safely: inside the output folder, all at once or not at all."""

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

    Raises:
        OutputError: a part is empty, absolute, or climbs out with ``..``.
    """
    root = Path(out_dir).resolve()
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part:
            raise OutputError(f"refusing unsafe output name {part!r}")
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):
        raise OutputError(f"refusing to write outside {root}: {target}")
    return target


STALE_AFTER_S = 600


def temp_path_for(target: Path, suffix: str = "") -> Path:
    """Return a fresh hidden temporary path in ``target``'s folder.

    Temporary files of ``target`` left over by a killed build (older than ten
    minutes, so never a running build's) are removed first.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for stale in target.parent.glob(f".{target.stem}.*.part*"):
        try:
            if now - stale.stat().st_mtime > STALE_AFTER_S:
                stale.unlink()
        except OSError:
            pass
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{suffix or target.suffix}",
                                dir=target.parent)
    os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
    os.close(fd)
    return Path(name)


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    tmp = temp_path_for(target)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def commit(pairs: list[tuple[Path, Path]]) -> None:
    """Move each finished temporary file onto its target (same folder, atomic each)."""
    for tmp, target in pairs:
        os.replace(tmp, target)
