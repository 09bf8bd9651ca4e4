"""Drive a warm LibreOffice over UNO to fill in the contents and export PDF.

The project's virtualenv cannot import ``uno``; Debian's system python3 can.
So a :class:`Worker` starts one headless soffice and one
``uno_worker.py`` under the system python, and talks to the latter over
stdin/stdout. A worker is kept warm across a batch, recycled every so many
documents, restarted (and the document retried once) when LibreOffice hangs
or dies, and always stopped with its whole process group. This is the only
module that knows about LibreOffice.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.errors import ConverterError
from generator.render.uno_worker import MACRO_NAME  # the worker script's name as a macro in the profile

WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
INSTALL_HINT = ("LibreOffice was not found, so only DOCX was written; for PDFs run `make setup` "
                "(or: apt-get install libreoffice-writer-nogui python3-uno libreoffice-script-provider-python "
                "fonts-crosextra-carlito)")
SOFFICE_CANDIDATES = ("soffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                      "/opt/libreoffice/program/soffice")
PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3", "python3")


@dataclass(frozen=True)
class LibreOffice:
    """Where LibreOffice and a python that can import ``uno`` live.

    ``preload`` is a faster memory allocator to run soffice with (tcmalloc),
    or None for the C library's own.
    """

    soffice: str
    python: str
    preload: str | None = None

    def environment(self) -> dict[str, str]:
        """Return the environment to start soffice in."""
        env = dict(os.environ)
        if self.preload:
            env["LD_PRELOAD"] = " ".join(filter(None, (self.preload, env.get("LD_PRELOAD"))))
        return env


@lru_cache(maxsize=1)
def find_libreoffice() -> LibreOffice | None:
    """Return the LibreOffice installation to use, or None when there is none."""
    soffice = next((found for c in SOFFICE_CANDIDATES if (found := shutil.which(c))), None)
    if soffice is None:
        return None
    env_python = os.environ.get("POLICYGEN_UNO_PYTHON")
    for candidate in ((env_python,) if env_python else ()) + PYTHON_CANDIDATES:
        python = shutil.which(candidate)
        if python and _imports_uno(python):
            return LibreOffice(soffice, python, find_fast_malloc())
    return None


def find_fast_malloc() -> str | None:
    """Return the tcmalloc library to preload into soffice, or None.

    LibreOffice spends about a tenth of its time in malloc and free; with
    tcmalloc it took 8% less CPU a document, started 0.4 s sooner, and a
    whole build took about 12% less CPU (docs/performance.md).
    ``POLICYGEN_LO_MALLOC=system`` keeps the C library's allocator.
    """
    if os.environ.get("POLICYGEN_LO_MALLOC", "").lower() == "system":
        return None
    return ctypes.util.find_library("tcmalloc_minimal")


def _imports_uno(python: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


class Worker:
    """One warm soffice plus its UNO helper, converting documents one at a time.

    Each worker has a fresh LibreOffice profile. ``in_office`` puts the
    worker script in it as a macro, so the steps run inside soffice where
    LibreOffice can run Python macros (:attr:`in_office` says whether they
    do); ``quiet_idle`` writes :data:`SETTINGS` into it. Both are on unless
    a test or a measurement turns them off.
    """

    def __init__(self, office: LibreOffice, *, timeout: float = 60.0, recycle_after: int = 100,
                 start_timeout: float = 90.0, in_office: bool = True, quiet_idle: bool = True):
        self.office = office
        self.want_in_office = in_office
        self.quiet_idle = quiet_idle
        self.in_office = False  # whether the conversion runs as a macro inside soffice (see uno_worker)
        self.timeout = timeout
        self.recycle_after = recycle_after
        self.start_timeout = start_timeout
        self.converted = 0
        self.restarts = 0
        self._soffice: subprocess.Popen | None = None
        self._helper: subprocess.Popen | None = None
        self._profile: str | None = None
        self._buffer = b""
        self._lock = threading.Lock()

    # lifecycle ------------------------------------------------------------
    def start(self) -> None:
        """Start soffice and the helper, and wait until they are ready.

        Raises:
            ConverterError: LibreOffice did not come up in time.
        """
        self._profile = tempfile.mkdtemp(prefix="policygen-lo-")
        if self.quiet_idle:
            _write_settings(Path(self._profile))
        if self.want_in_office:  # the worker script doubles as a macro, run inside soffice
            macros = Path(self._profile, "user", "Scripts", "python")
            macros.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(WORKER_SCRIPT, macros / MACRO_NAME)
        pipe = f"policygen-{uuid.uuid4().hex}"
        self._soffice = subprocess.Popen(
            [self.office.soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
             f"-env:UserInstallation={Path(self._profile).as_uri()}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=self.office.environment(), start_new_session=True)
        self._helper = subprocess.Popen(
            [self.office.python, str(WORKER_SCRIPT), pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self._buffer = b""
        self.converted = 0
        answer = self._read_answer(self.start_timeout)
        if not answer or not answer.get("ready"):
            self.stop()
            raise ConverterError("LibreOffice did not start (no answer from its UNO connection)")
        self.in_office = bool(answer.get("in_office"))

    def stop(self) -> None:
        """Stop the helper and soffice, with their process groups, and remove the profile."""
        for proc in (self._helper, self._soffice):
            if proc is None:
                continue
            if proc.stdin:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            _kill_group(proc)
        self._helper = self._soffice = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def __enter__(self) -> "Worker":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pids(self) -> list[int]:
        """Return the process ids of soffice and the helper (for tests and monitoring)."""
        return [p.pid for p in (self._soffice, self._helper) if p is not None]

    # work -----------------------------------------------------------------
    def convert(self, docx: Path, pdf: Path) -> list[tuple[str, str]]:
        """Lay out ``docx``, update its table of contents twice, and export ``pdf``.

        Returns the table of contents as LibreOffice laid it out: (title,
        page) pairs in order, for :func:`generator.render.docx.fill_toc`.

        A hang or crash restarts LibreOffice and retries the document once.

        Raises:
            ConverterError: the document failed twice, or LibreOffice reported an error.
        """
        with self._lock:
            if self._helper is None or self.converted >= self.recycle_after:
                self.restart() if self._helper is not None else self.start()
            try:
                return self._convert_once(docx, pdf)
            except _WorkerLost as lost:
                self.restart()
                try:
                    return self._convert_once(docx, pdf)
                except _WorkerLost as again:
                    self.restart()
                    raise ConverterError(f"LibreOffice failed twice on {docx.name}: {lost}; then {again}") from None

    def _convert_once(self, docx: Path, pdf: Path) -> list[tuple[str, str]]:
        # LibreOffice takes file URLs, which must be absolute
        request = json.dumps({"docx": str(docx.resolve()), "pdf": str(pdf.resolve())}) + "\n"
        try:
            assert self._helper is not None and self._helper.stdin is not None
            self._helper.stdin.write(request.encode())
            self._helper.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerLost(f"worker gone ({exc})") from None
        answer = self._read_answer(self.timeout)
        if answer is None:
            raise _WorkerLost(f"no answer within {self.timeout:.0f}s")
        self.converted += 1
        if answer.get("lost") or (self._soffice is not None and self._soffice.poll() is not None):
            raise _WorkerLost(str(answer.get("error") or "LibreOffice exited"))
        if not answer.get("ok"):
            raise ConverterError(f"LibreOffice could not convert {docx.name}: {answer.get('error')}")
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise _WorkerLost("no PDF was written")
        return [(str(title), str(page)) for title, page in answer.get("toc", [])]

    def _read_answer(self, timeout: float) -> dict | None:
        """Return the next JSON line from the helper, or None on timeout or exit."""
        helper = self._helper
        if helper is None or helper.stdout is None:
            return None
        fd = helper.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                if helper.poll() is not None:
                    return None
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            return None


# What a headless converter has no use for, but Writer does while the main loop is idle: it
# collects every long word of each document for word completion, and checks spelling as you
# type. Between a worker's calls, soffice's main thread spent about a fifth of its CPU there.
SETTINGS = (
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "Enable", "false"),
    ("/org.openoffice.Office.Writer/AutoFunction/Completion", "CollectWords", "false"),
    ("/org.openoffice.Office.Linguistic/SpellChecking", "IsSpellAuto", "false"),
    ("/org.openoffice.Office.Linguistic/GrammarChecking", "IsAutoCheck", "false"),
)


def _write_settings(profile: Path) -> None:
    """Write :data:`SETTINGS` as the user settings of a new LibreOffice profile."""
    items = "".join(f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
                    f'<value>{value}</value></prop></item>\n' for path, name, value in SETTINGS)
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + items + "</oor:items>\n", encoding="utf-8")


class _WorkerLost(Exception):
    """The helper or soffice hung or died."""


def _kill_group(proc: subprocess.Popen) -> None:
    """Terminate ``proc``'s process group, then kill it if it lingers."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        pgid = None
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None and pgid is None:
            break
        try:
            if pgid is not None:
                os.killpg(pgid, sig)
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait)
            if sig == signal.SIGTERM and pgid is not None:
                # the group may hold children (soffice.bin); make sure they go too
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            break
        except subprocess.TimeoutExpired:
            continue
    if pgid is not None:
        _wait_until_gone(pgid)


def _wait_until_gone(pgid: int, timeout: float = 5.0) -> None:
    """Wait until no live process is left in group ``pgid``.

    soffice.bin is oosplash's child, not ours, so it can outlive the wait
    above by a moment; a recycled worker must not start its new LibreOffice
    while the old one still holds its memory.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _live_members(pgid):
        time.sleep(0.02)


def _live_members(pgid: int) -> bool:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


class WorkerPool:
    """Warm LibreOffice workers for a batch, started in the background."""

    def __init__(self, office: LibreOffice, size: int):
        self.workers = [Worker(office) for _ in range(max(1, size))]
        self._starting: list[threading.Thread] = []

    def warm_up(self) -> None:
        """Start every worker in the background; :meth:`ready` waits for them."""
        def start(worker: Worker) -> None:
            try:
                worker.start()
            except ConverterError:
                pass  # convert() tries again and reports the failure per document

        self._starting = [threading.Thread(target=start, args=(w,), daemon=True) for w in self.workers]
        for thread in self._starting:
            thread.start()

    def ready(self) -> None:
        """Wait until every worker has started (or failed to)."""
        for thread in self._starting:
            thread.join()

    def stop(self) -> int:
        """Stop every worker; return how many restarts they needed."""
        self.ready()
        for worker in self.workers:
            worker.stop()
        return sum(w.restarts for w in self.workers)


def start_pool(schools: int, formats: set[str], jobs: int | None,
               office: LibreOffice | None | bool = True) -> tuple[LibreOffice | None, WorkerPool | None]:
    """Look LibreOffice up (``office=True``) and start the workers a build of ``schools`` needs.

    At most ``jobs`` workers (default: one per core), and no more than schools.
    The workers start in the background, so their start-up overlaps reading
    the library and the schools. Returns (office, pool); either may be None.
    """
    if office is True:
        office = find_libreoffice() if (not formats or "pdf" in formats) else None
    want_pdf = "pdf" in formats or (not formats and office is not None)
    if not (want_pdf and office):
        return office or None, None
    pool = WorkerPool(office, min(jobs or os.cpu_count() or 1, schools))
    pool.warm_up()
    return office, pool
