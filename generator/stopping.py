"""Stop signals held back while the main thread holds a lock that other threads need.

policygen stops a build on SIGINT, SIGTERM or SIGHUP by raising
:class:`~generator.errors.Interrupted` from the signal handler, which Python
runs in the main thread between any two of its steps. Raised inside
``queue.Queue.put`` (or any ``with lock:``), it can leave that lock taken for
good: the threads converting documents then wait on it forever, and so does
the clean-up, while further signals are ignored by design (a build that
ignored Ctrl-C after its output was closed, session 6). So the main thread
marks those few places with :func:`held`; a signal arriving inside one is
remembered, and raised as soon as the block is left.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from generator.errors import Interrupted

_depth = 0  # how many held() blocks the main thread is in
_pending: int | None = None  # a stop signal that arrived inside one


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold back a stop signal that arrives inside the block; raise it as Interrupted once the block ends.

    Only the main thread (where Python runs signal handlers) holds signals
    back; in another thread this does nothing.
    """
    global _depth, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending is not None:  # also when the block raised (queue.Full): the signal wins
            signum, _pending = _pending, None
            raise Interrupted(signum)


def hold_back(signum: int) -> bool:
    """Return True, remembering ``signum``, when the main thread is inside :func:`held` (the handler returns)."""
    global _pending
    if _depth:
        _pending = signum
        return True
    return False
