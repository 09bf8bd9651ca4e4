"""Ctrl-C during a cluster build, on a real Dask LocalCluster: the build stops at once, though its documents hang."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from distributed import LocalCluster

from conftest import ROOT
from office_processes import soffice_bin_pids
from test_cluster import _gone, _schools, own_tmp  # noqa: F401  (own_tmp is a fixture)


def test_ctrl_c_stops_a_cluster_build_waiting_on_a_hung_document(workspace: Path, tmp_path: Path, own_tmp: Path,
                                                                   monkeypatch):
    """The worker's LibreOffice hangs (SIGSTOP, hang timeout of an hour); Ctrl-C still ends the build.

    The build waits for the next document to come back; the stop signal
    cancels what the cluster holds for it, so the wait ends, and the build
    exits 130 with its one line. Without that it would wait the hour
    (``wait``'s limit fails the test first).
    """
    monkeypatch.setenv("POLICYGEN_LO_TIMEOUT", "3600")  # the workers inherit it
    paths = _schools(workspace, 8)
    out = tmp_path / "out"
    lines: list[str] = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      local_directory=str(own_tmp / "dask")) as cluster:
        build = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", *map(str, paths), "--cluster", cluster.scheduler_address,
             "--library-dir", str(workspace / "clauses"), "--template", str(workspace / "templates" / "house-style.docx"),
             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reader = threading.Thread(target=lambda: lines.extend(line.rstrip("\n") for line in build.stdout), daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + 300
            while not any(line.startswith("ok ") for line in lines):
                assert build.poll() is None and time.monotonic() < deadline, "no document came back from the cluster"
                time.sleep(0.1)
            hung = sorted(soffice_bin_pids(own_tmp))
            assert hung, "the worker's LibreOffice was not found"
            os.kill(hung[0], signal.SIGSTOP)
            time.sleep(2.0)  # the build now waits for a document that will not come
            build.send_signal(signal.SIGINT)
            assert build.wait(timeout=300) == 130
        finally:
            if build.poll() is None:  # failed: do not leave the build behind
                build.kill()
                build.wait()
        reader.join(timeout=10)
        errors = build.stderr.read().splitlines()
        assert len(errors) == 1, errors
        match = re.fullmatch(r"interrupted by SIGINT after (\d+) policies were built; "
                             r"finished documents were kept, unfinished ones discarded", errors[0])
        built = [line for line in lines if line.startswith("ok ")]
        assert match and int(match[1]) == len(built) < len(paths), (errors, lines)
        assert built == lines, lines  # no document reported failed
        assert not list(out.rglob("*.part*"))
    assert _gone(str(own_tmp)) == [], "a LibreOffice (or Dask) process of this test outlived its cluster"
