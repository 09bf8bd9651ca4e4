"""Stop signals (SIGINT, SIGTERM, SIGHUP): where a stop is raised, and what it interrupts.

A handler that raises :class:`~generator.errors.Interrupted` runs in the main
thread between any two of its steps. Raised inside ``queue.Queue.put`` (or
any ``with lock:``), it can leave that lock taken for good: the threads
converting documents then wait on it forever, and so does the clean-up (a
build that ignored Ctrl-C, session 6). So while the main thread shares locks
with other threads, which a build does from the moment its LibreOffice
workers start, the handler never raises:

- :func:`install` (for one command, :func:`generator.cli.main`) sets the
  handler and puts the previous handlers back when the command returns;
- inside :func:`checkpoints` the handler only records the signal and wakes a
  watcher thread, which runs the stops registered with
  :meth:`Checkpoints.on_stop` (the LibreOffice pool's ``abort``: conversions
  in progress end at once, so no wait blocks for long); the main thread
  raises ``Interrupted`` at its own safe points, with :func:`check` (between
  documents, and while it waits for a worker), and at the end of the block;
- outside it (a command that starts no threads, such as ``check``) the
  handler raises at once, as Python's own Ctrl-C does.

Only the first signal counts: a second Ctrl-C must not cut the clean-up short.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from generator.errors import Interrupted

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_received: int | None = None  # the first stop signal of this command
_scopes: list["Checkpoints"] = []  # the main thread's checkpoints blocks, innermost last


def _handle(signum: int, frame: object) -> None:
    """Record the first stop signal; inside :func:`checkpoints` wake the watcher, else raise it here."""
    global _received
    if _received is not None:
        return  # a second Ctrl-C must not cut the clean-up short
    _received = signum
    if not _scopes:
        raise Interrupted(signum)
    for scope in _scopes:
        scope.wake()  # os.write only: no lock is taken in a handler


@contextmanager
def install() -> Iterator[None]:
    """Stop on SIGINT, SIGTERM and SIGHUP for the block; the previous handlers are back when it ends.

    After a stop signal they are ignored instead: the command exits with 128 + the signal.

    In a thread other than the main one (where signals cannot be handled) this does nothing.
    """
    global _received
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    _received = None
    for sig in STOP_SIGNALS:
        signal.signal(sig, _handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            # after a stop the process is on its way out: a second Ctrl-C must not print a traceback as it exits
            signal.signal(sig, handler if _received is None else signal.SIG_IGN)
        _received = None  # a build run in this process afterwards (a test's) does not stop for it


def check() -> None:
    """Raise Interrupted for a stop signal received (call in the main thread, at a safe point)."""
    if _received is not None and threading.current_thread() is threading.main_thread():
        raise Interrupted(_received)


class Checkpoints:
    """The main thread's block in which a stop signal is raised only at :func:`check` (see the module's doc)."""

    def __init__(self) -> None:
        self._stops: list[Callable[[], None]] = []
        self._read, self._write = os.pipe()
        self._stopped = False
        self._watcher = threading.Thread(target=self._watch, name="policygen-stop", daemon=True)

    def on_stop(self, stop: Callable[[], None]) -> None:
        """Run ``stop`` (from the watcher thread) when a stop signal arrives; now when one already has."""
        self._stops.append(stop)
        if _received is not None:
            stop()

    def wake(self) -> None:
        os.write(self._write, b"s")

    def _watch(self) -> None:
        while os.read(self._read, 1) == b"s":
            if not self._stopped:
                self._stopped = True
                for stop in list(self._stops):
                    try:
                        stop()
                    except Exception:  # noqa: BLE001  one stop failing must not keep the others from running
                        pass

    def __enter__(self) -> "Checkpoints":
        _scopes.append(self)  # from here on the handler never raises: a signal now waits in the pipe
        self._watcher.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        os.write(self._write, b"q")
        self._watcher.join()
        _scopes.remove(self)
        os.close(self._read)
        os.close(self._write)
        if _received is not None and (kind is None or issubclass(kind, Exception)):
            # a signal after the last check, or an error it caused (an aborted wait): the signal wins
            raise Interrupted(_received) from exc


@contextmanager
def checkpoints() -> Iterator[Checkpoints]:
    """Hold stop signals back in the main thread for the block; :func:`check` and the block's end raise them.

    In another thread (the web app's builds) signals are not handled: the
    block does nothing but collect stops that are never run.
    """
    if threading.current_thread() is not threading.main_thread():
        yield _Unchecked()  # type: ignore[misc]
        return
    with Checkpoints() as scope:
        yield scope


class _Unchecked:
    """The checkpoints of a thread that handles no signals: stops are never run."""

    def on_stop(self, stop: Callable[[], None]) -> None:
        pass
