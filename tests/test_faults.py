"""Faults during a build, against the real LibreOffice: crashed, hung and orphaned workers, and signals.

Every build here runs as its own ``policygen`` process with a private
``TMPDIR``, so the LibreOffice processes, profiles and ``lu*.tmp`` folders
it makes are found by that folder (``ps -ww``), never by looking at every
soffice on the machine. Each test ends by checking that nothing is left.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from office_processes import leftovers, soffice_bin_pids, soffice_pids

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "faults"
LIBRARY_DIR = FIXTURE / "clauses"


def make_schools(folder: Path, count: int) -> Path:
    """Write ``count`` copies of the fixture school (``school-001`` …) into ``folder``/schools."""
    schools = folder / "schools"
    schools.mkdir(parents=True)
    source = FIXTURE / "schools" / "school.yaml"
    shutil.copytree(FIXTURE / "schools" / "logos", schools / "logos")
    for number in range(1, count + 1):
        shutil.copyfile(source, schools / f"school-{number:03d}.yaml")
    return schools


class Build:
    """A ``policygen build --all`` running in the background, with its own temporary folder."""

    def __init__(self, folder: Path, count: int, *extra: str, env: dict[str, str] | None = None,
                 close_stdout_after: int | None = None, stderr_to_stdout: bool = False):
        """``close_stdout_after`` lines, the reader of stdout goes away, as ``| head -N`` does."""
        self.close_stdout_after = close_stdout_after
        self.tmp = folder / "tmp"
        self.tmp.mkdir(exist_ok=True)
        self.tmp = Path(os.path.realpath(self.tmp))
        self.out = folder / "out"
        schools = folder / "schools" if (folder / "schools").is_dir() else make_schools(folder, count)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--all", "--schools-dir", str(schools),
             "--library-dir", str(LIBRARY_DIR), "--out", str(self.out), "--format", "docx", "--format", "pdf",
             *extra],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if stderr_to_stdout else subprocess.PIPE,
            text=True, env={**os.environ, "TMPDIR": str(self.tmp), **(env or {})})
        self.stdout_closed = threading.Event()
        streams = ((self.proc.stdout, self.stdout),) + ((self.proc.stderr, self.stderr),) * (not stderr_to_stdout)
        self._readers = [threading.Thread(target=self._read, args=(s, lines), daemon=True) for s, lines in streams]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))
            if stream is self.proc.stdout and len(lines) == self.close_stdout_after:
                stream.close()  # the reader has gone: policygen's next write to it fails (EPIPE)
                self.stdout_closed.set()
                return

    def built(self) -> int:
        return sum(1 for line in self.stdout if line.startswith("ok "))

    def summary(self) -> str:
        """Return the line that says how many policies were built."""
        return next(line for line in self.stdout if line.startswith("built "))

    def wait_until(self, condition, what: str, limit: float = 300.0) -> None:
        deadline = time.monotonic() + limit
        while not condition():
            assert self.proc.poll() is None, f"the build ended before {what}: {self.stderr}"
            assert time.monotonic() < deadline, f"gave up waiting for {what}"
            time.sleep(0.1)

    def finish(self, limit: float = 2400.0) -> int:
        code = self.proc.wait(timeout=limit)
        for reader in self._readers:
            reader.join(timeout=10)
        return code

    def leftovers(self) -> dict[str, list]:
        return leftovers(self.out, self.tmp)

    def settle(self, limit: float = 30.0) -> dict[str, list]:
        """Return what is still left once cleaning up has had ``limit`` seconds to finish."""
        deadline = time.monotonic() + limit
        while (left := self.leftovers()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left


def assert_every_document(build: Build, count: int) -> None:
    for number in range(1, count + 1):
        folder = build.out / f"school-{number:03d}"
        pdfs, docxs = sorted(folder.glob("*.pdf")), sorted(folder.glob("*.docx"))
        assert pdfs and [p.stem for p in pdfs] == [d.stem for d in docxs], f"{folder.name} is incomplete"
        for pdf in pdfs:
            assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_killing_a_random_worker_every_two_seconds_loses_no_document(tmp_path: Path):
    count = 200  # on a quiet machine 100 schools build in about 8 s: only 4 kills, too few to count
    build = Build(tmp_path, count, "--jobs", "2")
    killed: list[int] = []
    stop = threading.Event()

    def killer() -> None:
        rng = random.Random(10)
        while not stop.wait(2.0):
            running = sorted(soffice_bin_pids(build.tmp))  # only this build's LibreOffice
            if running:
                victim = rng.choice(running)
                try:
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)
                except ProcessLookupError:
                    pass

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        code = build.finish()
    finally:
        stop.set()
        thread.join()
    assert code == 0, build.stderr[-20:]
    assert len(killed) >= 5, "the build ended before the fault injection got going"
    summary = build.summary()
    assert summary.startswith(f"built {count} of {count} policies")
    assert re.search(r"LibreOffice crashed or hung and was restarted \d+ time\(s\)", summary)
    assert_every_document(build, count)
    assert build.settle() == {}


def test_a_hung_worker_is_killed_and_its_document_retried(tmp_path: Path):
    count = 6
    build = Build(tmp_path, count, "--jobs", "2", env={"POLICYGEN_LO_TIMEOUT": "10"})
    build.wait_until(lambda: build.built() >= 1, "the first document")
    stopped = sorted(soffice_bin_pids(build.tmp))[0]
    os.kill(stopped, signal.SIGSTOP)  # hangs, holding its document (or the next one it is given)
    assert build.finish() == 0, build.stderr
    assert_every_document(build, count)
    assert re.search(r"restarted \d+ time\(s\)", build.summary())
    assert build.settle() == {}


def test_killing_oosplash_leaves_no_soffice_bin_behind(tmp_path: Path):
    count = 12
    build = Build(tmp_path, count, "--jobs", "2")
    build.wait_until(lambda: any("oosplash" in _cmdline(p) for p in soffice_pids(build.tmp)), "LibreOffice")
    oosplash = next(p for p in soffice_pids(build.tmp) if "oosplash" in _cmdline(p))
    os.kill(oosplash, signal.SIGKILL)  # soffice.bin is left without its parent, under PID 1
    assert build.finish() == 0, build.stderr
    assert_every_document(build, count)
    assert build.settle() == {}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_build_cleanly(tmp_path: Path, sig: signal.Signals):
    count = 30
    build = Build(tmp_path, count, "--jobs", "2")
    build.wait_until(lambda: build.built() >= 2, "two documents")
    build.proc.send_signal(sig)
    assert build.finish() == 128 + sig
    assert len(build.stderr) == 1, build.stderr  # one line, no "Aborted.", no traceback
    match = re.fullmatch(rf"interrupted by {sig.name} after (\d+) policies were built; "
                         r"finished documents were kept, unfinished ones discarded", build.stderr[0])
    assert match, build.stderr[0]
    assert int(match[1]) >= 2 and int(match[1]) == build.built() < count
    assert not [line for line in build.stdout if not line.startswith("ok ")], build.stdout
    for line in build.stdout:  # what was reported built is there, whole
        name = line.split()[1].split("/")[0]
        assert (build.out / name / f"{name}-social-media.pdf").read_bytes().startswith(b"%PDF")
    assert build.settle(limit=5) == {}, "the build exited before it had cleaned up"


@pytest.mark.parametrize("count", [3, 12], ids=["waiting-for-the-last-conversions", "waiting-for-room-in-the-queue"])
def test_ctrl_c_stops_a_build_waiting_on_a_hung_conversion(tmp_path: Path, count: int):
    """The signal is raised only between documents, but what the build waits on is aborted: it stops at once.

    LibreOffice hangs (SIGSTOP) with a hang timeout of an hour: with 3
    schools the build has rendered every DOCX and waits for the conversions
    to end; with 12 it waits for room in the full queue of rendered ones.
    A build that waited for the hang timeout fails here (``finish``'s limit).
    """
    build = Build(tmp_path, count, "--jobs", "1", env={"POLICYGEN_LO_TIMEOUT": "3600"})
    build.wait_until(lambda: build.built() >= 1, "the first document")
    os.kill(sorted(soffice_bin_pids(build.tmp))[0], signal.SIGSTOP)
    time.sleep(2.0)  # the build renders what it can, then waits on LibreOffice
    build.proc.send_signal(signal.SIGINT)
    assert build.finish(limit=300) == 130, build.stderr
    assert len(build.stderr) == 1, build.stderr
    match = re.fullmatch(r"interrupted by SIGINT after (\d+) policies were built; "
                         r"finished documents were kept, unfinished ones discarded", build.stderr[0])
    assert match and int(match[1]) == build.built() < count, build.stderr
    for line in build.stdout:  # what was reported built is there, whole
        name = line.split()[1].split("/")[0]
        assert (build.out / name / f"{name}-social-media.pdf").read_bytes().startswith(b"%PDF")
    assert build.settle(limit=5) == {}, "the build exited before it had cleaned up"


def test_a_second_ctrl_c_does_not_cut_the_clean_up_short(tmp_path: Path):
    build = Build(tmp_path, 30, "--jobs", "2")
    build.wait_until(lambda: build.built() >= 1, "the first document")
    build.proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    build.proc.send_signal(signal.SIGINT)
    assert build.finish() == 130
    assert len(build.stderr) == 1 and build.stderr[0].startswith("interrupted by SIGINT after")
    assert build.settle(limit=5) == {}


def assert_stopped_cleanly(build: Build, codes: tuple[int, ...]) -> None:
    """The build ended by itself (no hang) with one of ``codes``, said so in one line, and left nothing."""
    code = build.finish(limit=300)  # a build that ignores its signal fails here, not the next test
    assert code in codes, (code, build.stderr)
    assert len(build.stderr) <= 1 and not any("Traceback" in line for line in build.stderr), build.stderr
    if build.stderr:
        assert re.fullmatch(r"interrupted by SIG(INT|PIPE \(the output was closed\)) after \d+ policies were built; "
                            r"finished documents were kept, unfinished ones discarded", build.stderr[0])
    assert build.settle(limit=5) == {}, "the build exited before it had cleaned up"


def test_a_closed_output_stops_the_build_cleanly(tmp_path: Path):
    """`policygen build --all | head -1`: once head has gone, the build stops as a signal stops it."""
    build = Build(tmp_path, 30, "--jobs", "2", close_stdout_after=1)
    assert_stopped_cleanly(build, (128 + signal.SIGPIPE,))
    assert build.stderr and "SIGPIPE" in build.stderr[0]
    name = build.stdout[0].split()[1].split("/")[0]  # what head printed is there, whole
    assert (build.out / name / f"{name}-social-media.pdf").read_bytes().startswith(b"%PDF")


def test_ctrl_c_after_the_output_was_closed_stops_the_build_cleanly(tmp_path: Path):
    """Ctrl-C at a terminal running `policygen build --all | head -1` once head has printed its line."""
    build = Build(tmp_path, 30, "--jobs", "2", close_stdout_after=1)
    build.stdout_closed.wait(timeout=300)
    build.proc.send_signal(signal.SIGINT)  # whichever policygen notices first, the closed pipe or the signal
    assert_stopped_cleanly(build, (128 + signal.SIGINT, 128 + signal.SIGPIPE))


def test_a_closed_output_and_error_stream_stop_the_build_silently(tmp_path: Path):
    """`policygen build --all 2>&1 | head -1`: nowhere is left to say anything; the build stops all the same."""
    build = Build(tmp_path, 30, "--jobs", "2", close_stdout_after=1, stderr_to_stdout=True)
    build.stdout_closed.wait(timeout=300)
    build.proc.send_signal(signal.SIGINT)
    assert_stopped_cleanly(build, (128 + signal.SIGINT, 128 + signal.SIGPIPE))


def test_sigkill_of_policygen_leaves_nothing_behind(tmp_path: Path):
    build = Build(tmp_path, 30, "--jobs", "2")
    build.wait_until(lambda: build.built() >= 1 and soffice_bin_pids(build.tmp), "a running conversion")
    build.proc.kill()
    build.finish()
    # policygen's guardian notices its parent is gone, kills the workers and removes their folders
    assert build.settle() == {}


def test_the_next_build_sweeps_what_a_killed_build_and_its_guardian_left(tmp_path: Path):
    first = Build(tmp_path, 10, "--jobs", "2")
    first.wait_until(lambda: len(soffice_bin_pids(first.tmp)) == 2, "both workers")
    # everything of policygen's dies at once (guardian, the workers' UNO helpers, policygen itself), so no
    # one is left to stop LibreOffice: a helper that saw its pipe close would otherwise shut soffice down
    ours = [pid for pid in _children(first.proc.pid) if "guardian.py" in _cmdline(pid) or "uno_worker" in _cmdline(pid)]
    assert any("guardian.py" in _cmdline(pid) for pid in ours)
    for pid in ours:
        os.kill(pid, signal.SIGKILL)
    first.proc.kill()
    first.finish()
    time.sleep(1.0)
    left = first.leftovers()
    assert left.get("soffice") and left.get("profiles"), "the orphans this test needs were not left"
    second = Build(tmp_path, 10, "--jobs", "1")  # same schools, same TMPDIR
    assert second.finish() == 0, second.stderr
    assert_every_document(second, 10)
    assert second.settle() == {}


def test_a_school_that_fails_in_build_fails_alone(tmp_path: Path):
    count = 3
    schools = make_schools(tmp_path, count)
    blocked = tmp_path / "out" / "school-002" / "school-002-social-media.docx"
    blocked.mkdir(parents=True)  # a folder where the document should go
    build = Build(tmp_path, count, "--jobs", "1")
    assert build.finish() == 1
    assert build.summary().startswith(f"built {count - 1} of {count} policies")
    assert any(line.startswith("  school-002/social-media: cannot write") and "Is a directory" in line
               for line in build.stderr), build.stderr
    assert not any("Traceback" in line for line in build.stderr)
    for name in ("school-001", "school-003"):
        assert (build.out / name / f"{name}-social-media.pdf").exists()
    assert schools.is_dir() and build.settle() == {}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid,ppid"], capture_output=True, text=True, check=True).stdout
    return [int(f[0]) for f in (line.split() for line in out.splitlines()[1:]) if int(f[1]) == pid]
