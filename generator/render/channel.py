"""The pipe to one worker's UNO helper: send a message, and wait for the answer while watching LibreOffice.

Messages are those of :mod:`generator.render.protocol`. Waiting ends with the
next message, or with :class:`Lost` when the helper's pipe closes, when
LibreOffice is gone, when the worker is aborted, or when no answer came in
time (a hang).
"""

from __future__ import annotations

import os
import select
import subprocess
import time
from typing import Callable

from generator.errors import ConverterError
from generator.render import protocol
from generator.render.processes import group_members

POLL_S = 0.25  # how often a wait looks at LibreOffice's processes and the abort flag


class Lost(Exception):
    """LibreOffice or the helper died, or stopped answering (``hang``), while converting or ``starting``."""

    def __init__(self, reason: str, hang: bool = False, starting: bool = False):
        super().__init__(reason)
        self.hang = hang
        self.starting = starting


class Channel:
    """The helper's stdin and stdout, with oosplash (``leader``) and the ``group`` watched while waiting."""

    def __init__(self, leader: subprocess.Popen, helper: subprocess.Popen, group: int,
                 aborted: Callable[[], bool]):
        self.leader = leader
        self.helper = helper
        self.group = group
        self.aborted = aborted
        self._buffer = b""

    def send(self, kind: str, **fields: object) -> None:
        """Send one message to the helper.

        Raises:
            Lost: the helper is gone.
        """
        try:
            assert self.helper.stdin is not None
            self.helper.stdin.write(protocol.encode(kind, **fields))
            self.helper.stdin.flush()
        except (AssertionError, OSError, ValueError) as exc:
            raise Lost(f"the UNO helper is gone ({exc})") from None

    def receive(self, timeout: float, late: str) -> dict:
        """Return the helper's next message; ``late`` starts the message of a timeout.

        Raises:
            Lost: no message within ``timeout`` (a hang), or the helper or LibreOffice is gone.
            ConverterError: the helper sent something that is not a message of our protocol.
        """
        if self.helper.stdout is None:
            raise Lost("the UNO helper is not running")
        fd = self.helper.stdout.fileno()
        deadline = time.monotonic() + timeout
        office_gone_at = None
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Lost(f"{late} {timeout:.0f}s", hang=True)
            ready, _, _ = select.select([fd], [], [], min(left, POLL_S))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise Lost("the UNO helper exited")
                self._buffer += chunk
                continue
            if self.aborted():
                raise Lost("stopped")
            # the helper says so when LibreOffice dies during a conversion, but while it connects it
            # keeps trying. oosplash exits (with a code) only once soffice.bin has; killed itself (a
            # negative code), it may have left soffice.bin running, so look at the group.
            code = self.leader.poll()
            if code is not None and (code >= 0 or set(group_members(self.group)) <= {self.helper.pid}):
                office_gone_at = office_gone_at or time.monotonic()
                if code >= 0 or time.monotonic() - office_gone_at > 1:
                    raise Lost(f"LibreOffice exited ({code})")
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return protocol.decode(line)
        except protocol.ProtocolError as exc:
            raise ConverterError(f"the UNO helper sent a message policygen does not understand: {exc}") from None

    def close(self) -> None:
        """Close our ends of the helper's pipes."""
        for stream in (self.helper.stdin, self.helper.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
