"""Benchmark batch builds against plain LibreOffice conversion.

    make bench                         # 100 synthetic schools, plus a 400-school memory run
    make bench BENCH_ARGS="--schools 20 --memory-schools 0 --rounds 1"
    make bench BENCH_ARGS="--project tests/fixtures/project --out /tmp/b"   # another library and schools

It writes N synthetic schools (copies of the example schools under new names),
builds each one's social-media policy (one document per school), then
measures, in one run:

1. ``policygen build`` (DOCX and PDF, TOC filled in) with warm workers;
2. one ``soffice --headless --convert-to pdf`` per file, on the same DOCX;
3. one ``soffice`` call converting all the same DOCX files;
4. the in-process time to build one school's DOCX;
5. peak memory (PSS of policygen and every LibreOffice process it starts,
   in builds of their own: sampling would slow the timed one),
   for N schools and for ``--memory-schools`` schools.

1-3 are interleaved in ``--rounds`` rounds, so that all three see the same
stretch of a machine whose speed drifts: each round does 1, a 1/rounds share
of 2, and 3. The build and 3 are reported as medians, 2 as the sum of its
shares.

Results are printed and saved to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"        # --out
PROJECT = ROOT                      # --project: its clauses/, schools/ (with logos/) and groups/
# one document per school, as in the figures of earlier sessions (a school now has two policy types)
POLICY = "social-media"


def make_schools(count: int, folder: Path) -> list[Path]:
    """Write ``count`` school files named school-0001… cycling through the examples."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # a school may name a group (a trust): its file sits in groups/ beside the schools' folder
    if (PROJECT / "groups").is_dir():
        shutil.copytree(PROJECT / "groups", folder.parent / "groups", dirs_exist_ok=True)
    shutil.copytree(PROJECT / "schools" / "logos", folder / "logos")  # logos live in the school's folder
    examples = sorted((PROJECT / "schools").glob("*.yaml"))
    yaml = YAML()
    paths = []
    for i in range(count):
        example = examples[i % len(examples)]
        data = yaml.load(example.read_text())
        data["name"] = f"{data['name']} {i + 1:04d}"
        path = folder / f"school-{i + 1:04d}.yaml"
        with path.open("w") as handle:
            yaml.dump(data, handle)
        paths.append(path)
    return paths


class PeakMemory:
    """Sample the summed memory of a process and all its descendants (and their sessions).

    Memory is PSS (proportional set size): a page shared by n processes counts
    1/n in each. Summing RSS instead counts shared pages once per process, and
    soffice.bin forks short-lived children whose RSS, until they exec, is the
    whole of their parent's: a sampler that catches one adds ~150 MiB that
    nothing uses.
    """

    def __init__(self, root_pid: int, marker: str = "policygen-lo-", field: str = "Pss"):
        self.root_pid = root_pid
        self.marker = marker
        self.field = field  # or "Pss_Anon": what the processes allocated, without the code they share
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            time.sleep(0.05)

    def _sample(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        names: dict[int, bytes] = {}
        marked: set[int] = set()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    name = handle.read()
            except (OSError, IndexError, ValueError):
                continue  # gone while we read it: it holds nothing now
            parents[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            names[pid] = name
            if self.marker.encode() in name:
                marked.add(pid)
        tree = {self.root_pid} | marked
        changed = True
        while changed:
            changed = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        # A child forked but not yet exec'd (soffice.bin runs paperconf and gpg once, on its first
        # document) shares every page with its parent; reading the two at different instants of
        # the fork would count those pages twice.
        forks = {pid for pid in tree if parents.get(pid) in tree and names.get(pid) in (b"", names.get(parents[pid]))}
        return sum(_pss(pid, rss[pid], self.field) for pid in tree - forks if pid in rss)


def _pss(pid: int, rss: int, field: str = "Pss") -> int:
    """Return the PSS of ``pid`` in bytes: 0 once it has gone, its RSS where the kernel reports no PSS.

    A process that exits between two reads must count for nothing: falling
    back to its RSS from an earlier read would count a short-lived fork of
    soffice.bin (whose RSS is its parent's) as a whole second LibreOffice.
    """
    if not _HAS_PSS:
        return rss
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


_HAS_PSS = os.path.exists("/proc/self/smaps_rollup")


def run_measured(cmd: list[str], cwd: Path = ROOT, memory: bool = False) -> tuple[float, int]:
    """Run ``cmd``; return (seconds, peak bytes, or 0 when ``memory`` is off).

    Sampling memory scans /proc 20 times a second, which takes CPU from a
    build that uses both cores; so a run is timed or sampled, never both.
    """
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    if memory:
        with PeakMemory(proc.pid) as sampler:
            _, stderr = proc.communicate()
        peak = sampler.peak
    else:
        _, stderr = proc.communicate()
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{stderr[-2000:]}")
    return seconds, peak


def policygen_build(schools_dir: Path, out: Path, jobs: int, fmt: list[str], memory: bool = False) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "generator", "build", "--all", "--schools-dir", str(schools_dir),
           "--library-dir", str(PROJECT / "clauses"), "--out", str(out), "--jobs", str(jobs), "--policy", POLICY]
    for f in fmt:
        cmd += ["--format", f]
    return run_measured(cmd, memory=memory)


def soffice_each(docx: list[Path], out: Path, fresh: bool = True) -> float:
    """Convert ``docx`` with one soffice per file; ``fresh=False`` keeps the profile of an earlier share."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    started = time.monotonic()
    for path in docx:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(out), str(path)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.monotonic() - started


def soffice_once(docx: list[Path], out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    profile = out / "profile"
    started = time.monotonic()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, docx)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.monotonic() - started


def docx_in_process(repeats: int = 30) -> dict[str, float]:
    """Return median and best seconds to resolve and render one school's DOCX in process."""
    sys.path.insert(0, str(ROOT))
    from generator.library import load_library
    from generator.render.docx import render_docx
    from generator.resolve import resolve
    from generator.school import load_school

    library = load_library(PROJECT / "clauses")
    timed = PROJECT / "schools" / "roselands-stafford.yaml"  # the school earlier figures timed
    school = load_school(timed if timed.exists() else sorted((PROJECT / "schools").glob("*.yaml"))[0])
    render_docx(resolve(library, school, "social-media"))  # warm up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        render_docx(resolve(library, school, "social-media"))
        times.append(time.perf_counter() - started)
    return {"median_s": statistics.median(times), "best_s": min(times)}


def split(items: list[Path], parts: int) -> list[list[Path]]:
    """Return ``items`` cut into ``parts`` runs of nearly equal length, in order."""
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


def main() -> None:
    global PROJECT, OUT
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--memory-schools", type=int, default=400, help="second run for peak memory (0: skip)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds: each builds all N schools, converts 1/rounds of the files "
                             "one soffice per file, and runs one soffice over all the files")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="where the library and the example schools are (default: this project)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="scratch folder for schools, documents and results")
    args = parser.parse_args()
    PROJECT, OUT = args.project.resolve(), args.out.resolve()

    OUT.mkdir(parents=True, exist_ok=True)
    n, rounds = args.schools, max(1, args.rounds)
    schools_dir = OUT / "schools"
    make_schools(n, schools_dir)
    results: dict[str, object] = {"schools": n, "jobs": args.jobs, "cores": os.cpu_count(), "rounds": rounds}

    # The machine's speed drifts by 15-25% over minutes. So the three ways are interleaved in
    # rounds, and each sees the same stretch of time: every round builds all N schools, converts
    # a 1/rounds share of the files one soffice per file (the shares add up to every file once),
    # and converts all the files in one soffice call.
    ours: list[float] = []
    each: list[float] = []
    once: list[float] = []
    inputs_list: list[Path] = []
    for r in range(rounds):
        print(f"round {r + 1}/{rounds}: building {n} schools, DOCX + PDF with TOC, --jobs {args.jobs} …", flush=True)
        ours.append(policygen_build(schools_dir, OUT / "ours", args.jobs, ["docx", "pdf"])[0])
        if not inputs_list:
            inputs_list = copy_inputs(n)
        share = split(inputs_list, rounds)[r]
        print(f"round {r + 1}/{rounds}: one soffice --convert-to pdf per file, for {len(share)} files …", flush=True)
        each.append(soffice_each(share, OUT / "each", fresh=r == 0))
        print(f"round {r + 1}/{rounds}: one soffice call for all {n} files …", flush=True)
        once.append(soffice_once(inputs_list, OUT / "once"))
    ours_s, each_s, once_s = statistics.median(ours), sum(each), statistics.median(once)
    print("in-process DOCX build …", flush=True)
    one_docx = docx_in_process()
    print(f"building {n} schools again, for peak memory …", flush=True)
    _, ours_peak = policygen_build(schools_dir, OUT / "ours-mem", args.jobs, ["docx", "pdf"], memory=True)
    shutil.rmtree(OUT / "ours-mem", ignore_errors=True)

    results.update({
        "policygen_runs_s": ours, "soffice_each_shares_s": each, "soffice_once_runs_s": once,
        "policygen_s": ours_s, "policygen_docs_per_s": n / ours_s, "policygen_peak_mb": ours_peak / 2**20,
        "soffice_each_s": each_s, "soffice_each_docs_per_s": n / each_s,
        "soffice_once_s": once_s, "soffice_once_docs_per_s": n / once_s,
        "speedup_vs_each": each_s / ours_s, "speedup_vs_once": once_s / ours_s,
        "docx_in_process_median_s": one_docx["median_s"], "docx_in_process_best_s": one_docx["best_s"],
    })
    if args.memory_schools:
        m = args.memory_schools
        print(f"building {m} schools for peak memory …", flush=True)
        make_schools(m, OUT / "schools-mem")
        mem_s, mem_peak = policygen_build(OUT / "schools-mem", OUT / "ours-mem", args.jobs, ["docx", "pdf"],
                                          memory=True)
        results.update({"memory_schools": m, "memory_run_s": mem_s, "memory_run_peak_mb": mem_peak / 2**20,
                        "memory_ratio": mem_peak / ours_peak})
        shutil.rmtree(OUT / "ours-mem", ignore_errors=True)

    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    runs = ", ".join(f"{s:.1f}" for s in ours)
    print()
    print(f"| measure ({n} schools, {args.jobs} jobs, {rounds} interleaved rounds) | seconds | documents/s |")
    print("| --- | ---: | ---: |")
    print(f"| policygen build, DOCX + PDF, TOC filled (median of {runs}) | {ours_s:.1f} | {n / ours_s:.2f} |")
    print(f"| one soffice --convert-to pdf per file (sum of shares {', '.join(f'{s:.1f}' for s in each)}) "
          f"| {each_s:.1f} | {n / each_s:.2f} |")
    print(f"| one soffice for all files (median of {', '.join(f'{s:.1f}' for s in once)}) "
          f"| {once_s:.1f} | {n / once_s:.2f} |")
    print()
    print(f"speed-up vs one soffice per file: {each_s / ours_s:.1f}x "
          f"(against the slowest build: {each_s / max(ours):.1f}x)")
    print(f"speed-up vs one soffice for all:  {once_s / ours_s:.2f}x")
    print(f"peak memory, {n} schools: {ours_peak / 2**20:.0f} MiB")
    if args.memory_schools:
        print(f"peak memory, {args.memory_schools} schools: {results['memory_run_peak_mb']:.0f} MiB "
              f"(ratio {results['memory_ratio']:.2f})")
    print(f"one DOCX in process: median {one_docx['median_s'] * 1000:.0f} ms, best {one_docx['best_s'] * 1000:.0f} ms")


def copy_inputs(n: int) -> list[Path]:
    """Copy the built DOCX files into one folder, for the soffice baselines; return them in order."""
    docx = sorted((OUT / "ours").glob("*/*.docx"))
    assert len(docx) == n, f"expected {n} DOCX, found {len(docx)}"
    inputs = OUT / "inputs"
    shutil.rmtree(inputs, ignore_errors=True)
    inputs.mkdir()
    for path in docx:
        shutil.copy(path, inputs / path.name)
    return sorted(inputs.glob("*.docx"))


if __name__ == "__main__":
    main()
