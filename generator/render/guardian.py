"""The guardian: clean up after policygen when it dies without doing so itself.

Run as ``python -I guardian.py`` by :class:`generator.render.processes.Guardian`.
It reads lines from stdin: ``+group PGID`` / ``-group PGID`` and
``+path PATH`` / ``-path PATH``. When stdin closes (policygen exited, or was
killed with SIGKILL), it kills every process group still registered, waits
until they are gone, removes every folder still registered, and exits.

This script imports the standard library only, to start fast.
"""

import os
import shutil
import signal
import sys
import time


def members(pgid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                found.append(int(entry))
    return found


def clean(groups, paths):
    deadline = time.monotonic() + 10
    while groups and time.monotonic() < deadline:
        for pgid in list(groups):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if not members(pgid):
                groups.discard(pgid)
        time.sleep(0.05)
    for path in paths:  # worker folders, and the output's temporary files being written
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def main():
    for sig in (signal.SIGINT, signal.SIGHUP):  # the terminal's signals are for policygen
        signal.signal(sig, signal.SIG_IGN)
    groups, paths = set(), set()
    for raw in sys.stdin.buffer:
        op, _, arg = raw.rstrip(b"\n").decode("utf-8", "surrogateescape").partition(" ")
        if op == "+group":
            groups.add(int(arg))
        elif op == "-group":
            groups.discard(int(arg))
        elif op == "+path":
            paths.add(arg)
        elif op == "-path":
            paths.discard(arg)
    clean(groups, paths)


if __name__ == "__main__":
    main()
