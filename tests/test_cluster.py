"""Cluster builds on a real Dask LocalCluster: every document produced, even with a worker killed mid-batch."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from pypdf import PdfReader

from generator.batch import run_build
from generator.plan import plan_build
from generator.school import load_school

from conftest import ROOT


def _schools(workspace: Path, count: int) -> list[Path]:
    """Write ``count`` schools made from one fixture school, each with its own name."""
    base = (workspace / "schools" / "roselands-stafford.yaml").read_text()
    folder = workspace / "generated"
    shutil.copytree(workspace / "schools" / "logos", folder / "logos")
    for i in range(count):
        (folder / f"school-{i:03d}.yaml").write_text(base.replace("name: ", f"name: No. {i} ", 1))
    return sorted(folder.glob("*.yaml"))


def _own_processes(marker: str) -> list[str]:
    """Return the processes whose command line names ``marker`` (this test's temporary folder)."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines()[1:] if marker in line]


def _gone(marker: str, within_s: float = 60.0) -> list[str]:
    deadline = time.monotonic() + within_s
    while (left := _own_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


def _folders_of(pid: int, tmp: Path, dask_dir: str, within_s: float = 60.0) -> list[str]:
    """Return what is left of worker ``pid``'s folders: its LibreOffice profile, its scratch, its Dask folder."""
    deadline = time.monotonic() + within_s
    while True:
        left = [str(p) for p in (*tmp.glob(f"policygen-lo-{pid}-*"), *tmp.glob(f"policygen-dask-{pid}-*"))]
        left += [dask_dir] if Path(dask_dir).exists() else []
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch) -> Path:
    """A temporary folder of this test's own, inherited by the Dask workers and their LibreOffice."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return tmp


def _check_documents(out: Path, paths: list[Path]) -> int:
    """Check each school's every policy has its DOCX and PDF; return how many documents that is."""
    count = 0
    for path in paths:
        for policy_id in load_school(path).school.policies:
            stem = f"{path.stem}-{policy_id}"
            docx, pdf = out / path.stem / f"{stem}.docx", out / path.stem / f"{stem}.pdf"
            assert docx.is_file() and docx.stat().st_size > 0, docx
            assert len(PdfReader(pdf).pages) >= 3, pdf
            count += 1
    return count


def test_a_killed_worker_loses_no_document_and_leaves_no_libreoffice(workspace: Path, tmp_path: Path, own_tmp: Path):
    paths = _schools(workspace, 12)
    out = tmp_path / "out"
    lines: list[str] = []
    result: list[bool] = []
    killed: list[int] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      local_directory=str(own_tmp / "dask")) as cluster, Client(cluster) as watcher:
        def build() -> None:
            plan = plan_build(library_dir=workspace / "clauses", out_dir=out,
                              template=workspace / "templates" / "house-style.docx", cluster=cluster.scheduler_address)
            result.append(run_build(paths, plan, echo=lambda line="", err=False: lines.append(line)))

        builder = threading.Thread(target=build)
        builder.start()
        deadline = time.monotonic() + 300
        while sum(line.startswith("ok ") for line in lines) < 2 and builder.is_alive():
            assert time.monotonic() < deadline, "no document came back from the cluster"
            time.sleep(0.2)
        busy = [addr for addr, keys in watcher.processing().items() if keys]
        pids = watcher.run(os.getpid)
        folders = watcher.run(lambda dask_worker: dask_worker.local_directory)
        address = busy[0] if busy else next(iter(pids))
        victim = pids[address]
        assert list(own_tmp.glob(f"policygen-lo-{victim}-*")) and list(own_tmp.glob(f"policygen-dask-{victim}-*"))
        os.kill(victim, signal.SIGKILL)  # mid-batch, while it holds a document
        killed.append(victim)
        builder.join(timeout=600)
        assert not builder.is_alive()
    assert killed and result == [True], "\n".join(lines)
    assert sum(line.startswith("ok ") for line in lines) == _check_documents(out, paths) >= len(paths)
    assert _gone(str(own_tmp)) == [], "a LibreOffice (or Dask) process of this test outlived its cluster"
    assert _folders_of(victim, own_tmp, folders[address]) == [], "the killed worker's folders were left behind"


def test_a_starting_worker_removes_the_scratch_folders_of_workers_that_died(tmp_path: Path):
    from generator.cluster.plugin import sweep_scratch

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # a process id that has ended
    orphan = tmp_path / f"policygen-dask-{dead}-abc123"
    (orphan / "logos").mkdir(parents=True)
    mine = tmp_path / f"policygen-dask-{os.getpid()}-def456"
    mine.mkdir()
    assert sweep_scratch(tmp_path) == [orphan]
    assert not orphan.exists() and mine.is_dir()


def test_policygen_worker_serves_a_build_and_stops_its_libreoffice(workspace: Path, tmp_path: Path, own_tmp: Path):
    paths = _schools(workspace, 2)
    out = tmp_path / "out"
    with LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None) as cluster, \
            Client(cluster) as watcher:
        worker = subprocess.Popen([sys.executable, "-m", "generator", "worker", cluster.scheduler_address],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "TMPDIR": str(own_tmp)})
        try:
            watcher.wait_for_workers(1, timeout=120)
            plugins = watcher.run(lambda dask_worker: sorted(dask_worker.plugins))
            assert all("policygen-libreoffice" in names for names in plugins.values()), plugins
            done = subprocess.run([sys.executable, "-m", "generator", "build", *map(str, paths), "--cluster",
                                   cluster.scheduler_address, "--library-dir", str(workspace / "clauses"),
                                   "--template", str(workspace / "templates" / "house-style.docx"),
                                   "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                                  env={**os.environ, "TMPDIR": str(own_tmp)})
            assert done.returncode == 0, done.stderr
            documents = _check_documents(out, paths)
            again = subprocess.run([sys.executable, "-m", "generator", "build", *map(str, paths), "--cluster",
                                    cluster.scheduler_address, "--library-dir", str(workspace / "clauses"),
                                    "--template", str(workspace / "templates" / "house-style.docx"),
                                    "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                                   env={**os.environ, "TMPDIR": str(own_tmp)})
            assert again.returncode == 0 and f"skipped {documents} unchanged" in again.stdout, again.stdout + again.stderr
            assert any("policygen-lo-" in line for line in _own_processes(str(own_tmp)))
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=120)
    assert _gone(str(own_tmp)) == [], "policygen worker left a process behind"


def test_an_unreachable_scheduler_is_one_clear_error(workspace: Path, tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--all", "--cluster", "tcp://127.0.0.1:9",
                           "--schools-dir", str(workspace / "schools"), "--library-dir", str(workspace / "clauses"),
                           "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9"), done.stderr
    assert "Traceback" not in done.stderr
