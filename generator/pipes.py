"""Writing for a reader that may go away: ``policygen build --all | head -1``.

When the reader of a pipe exits, the next write to it fails (EPIPE;
Python ignores SIGPIPE, so it is an exception, not a signal). Left alone
that exception kills whichever thread wrote, prints a traceback, and leaves
the exit status to chance. :class:`Output` turns it into one decision: the
build stops as a signal stops it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Callable

from generator.errors import Interrupted
from generator import stopping

Echo = Callable[..., None]


class Output:
    """A batch's ``echo``, callable from any thread, that notices when its reader has gone.

    ``policygen build --all | head -1``: head exits after one line, and the
    next line written fails (EPIPE). That stream then goes to /dev/null (so
    later lines, and Python's flush at exit, do not fail again), ``on_close``
    runs (the batch aborts its workers), and :meth:`check`, which the thread
    that draws the documents calls between them, raises
    ``Interrupted(SIGPIPE)``: the build stops as a signal stops it, keeping
    the documents finished, and exits 141 like any program whose reader left.
    A worker thread never dies of it, and nothing prints a traceback.
    """

    def __init__(self, echo: Echo):
        self._echo = echo
        self._lock = threading.Lock()
        self.closed = False
        self.on_close: Callable[[], None] | None = None

    def __call__(self, message: object = None, err: bool = False, **options: object) -> None:
        try:
            self._echo(message, err=err, **options)
        except BrokenPipeError:
            self.close(err)

    def close(self, err: bool) -> None:
        """The reader of stdout (or, with ``err``, stderr) is gone: silence that stream and stop the build."""
        with self._lock:
            silence(sys.stderr if err else sys.stdout)
            first, self.closed = not self.closed, True
        if first and self.on_close is not None:
            self.on_close()

    def check(self) -> None:
        """Raise Interrupted for a stop signal received, or (SIGPIPE) once the output was closed (call between documents)."""
        stopping.check()
        if self.closed:
            raise Interrupted(signal.SIGPIPE)


def silence(stream: object) -> None:
    """Point ``stream``'s file descriptor at /dev/null, so what is still written to it (and its flush at exit) succeeds."""
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return  # not a file (a test's capture): nothing to flush at exit either
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)
