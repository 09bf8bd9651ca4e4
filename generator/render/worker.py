"""One warm LibreOffice and its UNO helper, converting DOCX to PDF one document at a time.

A :class:`Worker` starts a headless soffice on a fresh profile
(:mod:`generator.render.profile`) and ``uno_worker.py`` under the system
python, both in one process group (:mod:`generator.render.processes`), and
talks to the helper in the messages of :mod:`generator.render.protocol`
through a :class:`~generator.render.channel.Channel`.

What can go wrong, and what the worker does:

- LibreOffice rejects the document (``failed``): :class:`ConverterError`,
  and the worker goes on with the next document.
- LibreOffice dies (``lost``, or the helper's pipe closes) or stops answering
  for ``timeout`` seconds (a hang, e.g. a SIGSTOP): the whole group is
  killed, a fresh LibreOffice is started, and the document is tried again
  in a fresh folder, up to ``max_losses`` crashes or ``max_hangs`` hangs
  while converting it. A LibreOffice killed from outside (SIGKILL: someone's
  ``kill -9``, or the kernel's out-of-memory killer) or dying while it starts
  is not held against the document: it is retried after up to ``max_kills``
  kills while converting it, any number while LibreOffice starts, and up to
  ``max_start_failures`` other failed starts in a row. All of these count as
  :attr:`Worker.restarts`.
- After ``recycle_after`` documents the worker starts afresh, to keep
  LibreOffice's memory in check; that counts as :attr:`Worker.recycles`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import uuid
from dataclasses import dataclass, field

from generator.errors import ConversionCancelled, ConverterError
from generator.render import protocol
from generator.render.channel import Channel, Lost
from generator.render.office import LibreOffice
from generator.render.processes import guardian, kill_group, start_in_group
from generator.render.profile import WORKER_SCRIPT, Workspace, make_workspace

DEFAULT_TIMEOUT = 60.0


def hang_timeout() -> float:
    """Return how long a document may take before its LibreOffice counts as hung.

    ``POLICYGEN_LO_TIMEOUT`` (seconds) overrides the default of 60.
    """
    try:
        return max(1.0, float(os.environ.get("POLICYGEN_LO_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Conversion:
    """What LibreOffice made of one DOCX: its contents page as laid out, the PDF, and the paragraphs
    moved to the next page to keep them with what follows (headings Writer left at a page's foot)."""

    toc: list[tuple[str, str]]
    pdf: bytes
    moved: list[str] = field(default_factory=list)


class Worker:
    """One warm soffice plus its UNO helper, converting documents one at a time.

    ``in_office`` puts the worker script in the profile as a macro, so the
    steps run inside soffice where LibreOffice can run Python macros
    (:attr:`in_office` then says whether they do); ``quiet_idle`` writes
    :data:`generator.render.profile.SETTINGS` into the profile. Both are on
    unless a test or a measurement turns them off. ``timeout`` defaults to
    :func:`hang_timeout`. :meth:`convert` is thread-safe; :meth:`abort` may
    be called from any thread.
    """

    def __init__(self, office: LibreOffice, *, timeout: float | None = None, recycle_after: int = 100,
                 start_timeout: float = 90.0, in_office: bool = True, quiet_idle: bool = True,
                 max_losses: int = 6, max_hangs: int = 2, max_start_failures: int = 10, max_kills: int = 100):
        self.office = office
        self.want_in_office = in_office
        self.quiet_idle = quiet_idle
        self.in_office = False
        self.timeout = timeout or hang_timeout()
        self.recycle_after = recycle_after
        self.start_timeout = start_timeout
        self.max_losses = max_losses
        self.max_hangs = max_hangs
        self.max_start_failures = max_start_failures
        self.max_kills = max_kills
        self.converted = 0  # documents since LibreOffice last started
        self.restarts = 0  # fresh starts after a crash or a hang
        self.recycles = 0  # routine fresh starts every recycle_after documents
        self._procs: list[subprocess.Popen] = []  # oosplash (the group's leader), then the helper
        self._group: int | None = None
        self._space: Workspace | None = None
        self._channel: Channel | None = None
        self._attempts = 0
        self._aborted = False
        self._lock = threading.Lock()

    # lifecycle ------------------------------------------------------------
    def start(self) -> None:
        """Start soffice and the helper, and wait until they are ready.

        Raises:
            ConverterError: LibreOffice did not come up.
        """
        with self._lock:
            if self._group is None:
                try:
                    self._start()
                except Lost as lost:
                    self._stop()
                    raise ConverterError(f"LibreOffice did not start: {lost}") from None

    def stop(self) -> None:
        """Kill the worker's process group and remove its folder (the profile and every temporary file)."""
        with self._lock:
            self._stop()

    def abort(self) -> None:
        """Kill LibreOffice now, from any thread; a conversion in progress raises ConversionCancelled."""
        self._aborted = True
        group = self._group
        if group is not None:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def __enter__(self) -> "Worker":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pids(self) -> list[int]:
        """Return the process ids of oosplash and the helper (for tests and monitoring)."""
        return [p.pid for p in self._procs]

    @property
    def group(self) -> int | None:
        """Return the process group of the running LibreOffice and helper, or None."""
        return self._group

    @property
    def folder(self) -> str | None:
        """Return the worker's folder (profile, temporary files, documents in flight), or None."""
        return str(self._space.root) if self._space else None

    # work -----------------------------------------------------------------
    def convert(self, docx: bytes) -> Conversion:
        """Lay out ``docx``, keep its headings with what follows, number its contents, and export it as PDF.

        Returns the contents page as LibreOffice laid it out ((title, page)
        pairs, for :func:`generator.render.toc.fill_toc`), the PDF, and the
        paragraphs moved to a new page (see ``uno_worker.keep_with_next``).

        Raises:
            ConverterError: LibreOffice rejected the document, or crashed or
                hung on it more often than allowed.
            ConversionCancelled: :meth:`abort` was called.
        """
        with self._lock:
            reasons: list[str] = []
            losses = hangs = failed_starts = kills = 0
            while True:
                if self._aborted:
                    raise ConversionCancelled("the LibreOffice workers were stopped")
                try:
                    self._ensure_started()
                    return self._convert_once(docx)
                except Lost as lost:
                    killed = self._killed_from_outside()
                    self._stop()
                    if self._aborted:
                        raise ConversionCancelled("the LibreOffice workers were stopped") from None
                    self.restarts += 1
                    if killed:  # from outside; while starting, not even the document was there yet
                        kills += not lost.starting
                        if kills >= self.max_kills:
                            raise ConverterError(f"LibreOffice was killed {kills} times (SIGKILL) "
                                                 "while converting this document") from None
                        continue
                    if lost.starting:
                        failed_starts += 1
                        if failed_starts >= self.max_start_failures:
                            raise ConverterError(f"LibreOffice did not start: {lost}") from None
                        continue
                    failed_starts = 0
                    reasons.append(str(lost))
                    hangs += lost.hang
                    losses += not lost.hang
                    if hangs >= self.max_hangs or losses >= self.max_losses:
                        raise ConverterError(f"LibreOffice crashed or hung {len(reasons)} time(s) on this document: "
                                             + "; ".join(reasons)) from None

    def _killed_from_outside(self) -> bool:
        """Return True when soffice.bin died of SIGKILL, which no document causes.

        oosplash, the group's leader and our child, exits with 128 + the
        signal that ended soffice.bin (a crash shows as SIGABRT, from
        LibreOffice's crash handler).
        """
        leader = self._procs[0] if self._procs else None
        if leader is None:
            return False
        try:
            return leader.wait(timeout=0.5) == 128 + signal.SIGKILL
        except subprocess.TimeoutExpired:
            return False

    def _ensure_started(self) -> None:
        if self._group is not None and self.converted >= self.recycle_after:
            self._stop()
            self.recycles += 1
        if self._group is None:
            self._start()

    def _start(self) -> None:
        """Start LibreOffice and the helper in one new process group, registered with the guardian.

        Raises:
            Lost: LibreOffice or the helper died, refused, or did not answer in time.
        """
        if self._aborted:
            raise ConversionCancelled("the LibreOffice workers were stopped")
        guard = guardian()
        try:
            self._space = space = make_workspace(settings=self.quiet_idle, macro=self.want_in_office)
            guard.watch_path(space.root)
            pipe = f"policygen-{uuid.uuid4().hex}"
            soffice = start_in_group(
                [self.office.soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                 "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
                 f"-env:UserInstallation={space.profile.as_uri()}"],
                env=self.office.environment(str(space.tmp)))
            self._procs, self._group = [soffice], soffice.pid
            guard.watch_group(soffice.pid)
            helper = start_in_group([self.office.python, str(WORKER_SCRIPT), pipe, str(protocol.VERSION)],
                                    group=soffice.pid, pipes=True)
            self._procs.append(helper)
            self._channel = Channel(soffice, helper, soffice.pid, lambda: self._aborted)
            self.converted = 0
            hello = self._channel.receive(self.start_timeout, "LibreOffice did not start within")
        except OSError as exc:  # e.g. LibreOffice died before the helper could join its group
            raise Lost(f"LibreOffice could not be started ({exc})", starting=True) from None
        except Lost as lost:  # the caller looks at how LibreOffice ended, then stops the rest
            raise Lost(str(lost), lost.hang, starting=True) from None
        except BaseException:
            self._stop()
            raise
        if hello["type"] != protocol.HELLO or hello["version"] != protocol.VERSION:
            self._stop()
            said = hello.get("reason") or f"protocol {hello.get('version')}"
            raise ConverterError(f"the UNO helper does not speak protocol {protocol.VERSION}: {said}")
        self.in_office = bool(hello["in_office"])

    def _stop(self) -> None:
        guard = guardian()
        if self._group is not None:
            kill_group(self._group, self._procs)
            guard.forget_group(self._group)
        if self._channel is not None:
            self._channel.close()
        self._procs, self._group, self._channel = [], None, None
        if self._space is not None:
            shutil.rmtree(self._space.root, ignore_errors=True)
            guard.forget_path(self._space.root)
            self._space = None

    def _convert_once(self, data: bytes) -> Conversion:
        assert self._space is not None
        self._attempts += 1
        number = self._attempts
        folder = self._space.attempt(number)  # a fresh folder for every try: nothing stale is reused
        try:
            docx, pdf = folder / "policy.docx", folder / "policy.pdf"
            docx.write_bytes(data)
            assert self._channel is not None
            self._channel.send(protocol.CONVERT, id=number, docx=str(docx), pdf=str(pdf))
            answer = self._channel.receive(self.timeout, "LibreOffice gave no answer within")
            self.converted += 1
            kind = answer["type"]
            if kind == protocol.FAILED and answer["id"] == number:
                raise ConverterError(f"LibreOffice could not convert it: {answer['reason']}")
            if kind == protocol.LOST:
                raise Lost(answer["reason"])
            if kind != protocol.DONE or answer["id"] != number:
                self._stop()
                raise ConverterError(f"the UNO helper answered out of turn: {answer}")
            content = pdf.read_bytes() if pdf.exists() else b""
            if not content:
                raise Lost("LibreOffice reported the PDF written, but it is empty")
            return Conversion([(str(title), str(page)) for title, page in answer["toc"]], content,
                              [str(text) for text in answer["moved"]])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
