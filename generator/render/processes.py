"""Start, watch and end LibreOffice's processes by process group.

Each worker's processes (oosplash, its soffice.bin, and the UNO helper) share
one process group, recorded when oosplash starts: the group outlives its
leader, so a worker whose oosplash was killed and reaped is still ended
whole. :class:`Guardian` covers the case where policygen itself dies
without cleaning up (SIGKILL, a crash): a small watchdog process that
notices its stdin close and kills the groups and removes the folders
policygen registered with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

GUARDIAN_SCRIPT = Path(__file__).with_name("guardian.py")


def start_in_group(args: list[str], *, group: int | None = None, env: dict[str, str] | None = None,
                   pipes: bool = False) -> subprocess.Popen:
    """Start ``args`` in process group ``group``, or as the leader of a new group when None.

    With ``pipes`` its stdin and stdout are pipes to us; otherwise both are
    /dev/null. Its stderr is always /dev/null.
    """
    stream = subprocess.PIPE if pipes else subprocess.DEVNULL
    return subprocess.Popen(args, stdin=stream, stdout=stream, stderr=subprocess.DEVNULL, env=env,
                            process_group=0 if group is None else group)


def group_members(pgid: int) -> list[int]:
    """Return the live (not zombie) processes in group ``pgid``."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry))
    return members


def kill_group(pgid: int, children: list[subprocess.Popen], timeout: float = 10.0) -> None:
    """Kill every process in group ``pgid`` and wait until none is left.

    SIGKILL ends stopped (SIGSTOP) processes too. ``children`` are our own
    processes in the group, reaped here so none stays a zombie. soffice.bin
    is oosplash's child, not ours; the wait makes sure it is gone too, so a
    recycled worker never starts a new LibreOffice while the old one still
    holds its memory.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for child in children:
            try:
                child.wait(timeout=max(0.0, min(1.0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                pass
        if not group_members(pgid) or time.monotonic() > deadline:
            return
        time.sleep(0.02)


def alive(pid: int) -> bool:
    """Return True when process ``pid`` exists (and is not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def processes_using(fragment: str) -> list[int]:
    """Return the processes whose command line contains ``fragment``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if fragment in Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry))
            except OSError:
                continue
    return found


class Guardian:
    """A watchdog process that ends our LibreOffice groups and removes their folders if we die first.

    It reads registrations on its stdin. When policygen exits, however it
    exits, the kernel closes that pipe; the guardian then kills every group
    still registered and removes every folder still registered. A clean
    shutdown unregisters everything first, so the guardian has nothing to do.
    It runs in a session of its own, so Ctrl-C and SIGHUP at the terminal do
    not reach it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc = subprocess.Popen([sys.executable, "-I", str(GUARDIAN_SCRIPT)], stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def running(self) -> bool:
        return self._proc.poll() is None

    def watch_group(self, pgid: int) -> None:
        self._send(f"+group {pgid}")

    def forget_group(self, pgid: int) -> None:
        self._send(f"-group {pgid}")

    def watch_path(self, path: Path | str) -> None:
        self._send(f"+path {path}")

    def forget_path(self, path: Path | str) -> None:
        self._send(f"-path {path}")

    def _send(self, line: str) -> None:
        with self._lock:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(line.encode("utf-8", "surrogateescape") + b"\n")
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass  # the guardian is gone; the next run's sweep is the fallback


_guardian: Guardian | None = None
_guardian_lock = threading.Lock()


def guardian() -> Guardian:
    """Return this process's guardian, starting it (again) when needed."""
    global _guardian
    with _guardian_lock:
        if _guardian is None or not _guardian.running():
            _guardian = Guardian()
        return _guardian


@contextmanager
def guarded(path: Path) -> Iterator[None]:
    """Have this process's guardian, if one runs, remove ``path`` should policygen die inside the block."""
    guard = _guardian if _guardian is not None and _guardian.running() else None
    if guard is not None:
        guard.watch_path(path)
    try:
        yield
    finally:
        if guard is not None:
            guard.forget_path(path)
