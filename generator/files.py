"""Read input files safely: regular files only, and never more than a cap.

Every file policygen reads (school files, the library's YAML, logos, the
house-style template) comes through :func:`read_regular_file`. It opens the
path without blocking, so a FIFO named ``*.yaml`` cannot hang a build, and
refuses anything that is not a regular file (``/dev/zero``, a folder, a
socket), checked on the open file itself, so a symbolic link to a device is
refused too. It reads at most the cap plus one byte, so a huge file costs no
memory before it is refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The largest YAML file policygen reads. School files are a few KB and the
# biggest clause file under 10 KB; 1 MB leaves room for long local texts while
# a 50 MB file (which takes ruamel 40 s and 2 GB to load) is refused at once.
MAX_YAML_BYTES = 1_000_000
# A house-style template is a few dozen KB; one with large pictures a few MB.
MAX_TEMPLATE_BYTES = 50_000_000
MAX_TEMPLATE_UNPACKED = 200_000_000  # its parts, uncompressed: a "zip bomb" is refused before it is parsed


class FileProblem(Exception):
    """A file that cannot be read as an input; ``message`` says why, for a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_regular_file(path: Path, max_bytes: int, what: str = "file") -> bytes:
    """Return the bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Raises:
        FileNotFoundError: there is no file at ``path``.
        FileProblem: it is not a regular file, is larger than ``max_bytes``,
            or cannot be read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise FileProblem(f"cannot read {what}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        kind = not_regular(info, what)
        if kind:
            raise FileProblem(kind)
        if info.st_size > max_bytes:
            raise FileProblem(f"{what} is {_size(info.st_size)}; policygen reads at most {_size(max_bytes)}")
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:  # it grew while being read
            raise FileProblem(f"{what} is larger than {_size(max_bytes)}, the most policygen reads")
        return data
    except OSError as exc:
        raise FileProblem(f"cannot read {what}: {exc.strerror}") from None
    finally:
        os.close(fd)


def not_regular(info: os.stat_result, what: str = "file") -> str | None:
    """Return why a file with ``info`` (from :func:`os.stat`) is not a regular file, or None when it is."""
    return None if stat.S_ISREG(info.st_mode) else f"{what} is {_kind(info.st_mode)}, not a regular file"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _size(size: int) -> str:
    """Return ``size`` in bytes as a person reads it: "52.4 MB", "1 MB", "800 bytes"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".rstrip("0").rstrip(".") + " MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f}".rstrip("0").rstrip(".") + " KB"
    return f"{size} bytes"


def decode_utf8(data: bytes) -> tuple[str, tuple[int, int, str] | None]:
    """Return ``data`` decoded as UTF-8, or ("", (line, col, reason)) where it is not UTF-8.

    ``line`` and ``col`` are 1-based; ``col`` counts characters, as an editor does.
    """
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        col = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        return "", (line, col, f"byte 0x{data[start]:02X}: {exc.reason}")
