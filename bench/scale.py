"""Benchmarks of builds at scale (docs/performance.md, "At scale"; docs/scaling.md).

    .venv/bin/python bench/scale.py incremental --schools 2000 [--format docx]
    .venv/bin/python bench/scale.py cluster --schools 20
    .venv/bin/python bench/scale.py stream --schools 24000 [--baseline 100] [--format docx] [--policy ID]

``incremental``: N generated schools, a cold build, then a build after one
library clause changes (it must rebuild exactly the documents that print it:
counted by resolving every school), then a build after nothing changes.

``cluster``: the same N schools built with the local pool (``--jobs 2``) and
on a two-worker Dask LocalCluster, both cold, DOCX and PDF; the difference
per document is the cluster's overhead.

``stream``: a cold build of ``--baseline`` generated schools, then one of
N: for each, the time until the first document appears in OUT (and until
the first "ok" line), and the peak memory (PSS of policygen and every
process it starts, sampled every 0.25 s; :class:`bench.PeakMemory`), and
its anonymous part (the heap: on a shared machine the code pages' share of
PSS falls as other processes map the same libraries, and rises when they
stop), with a sample every 10 s of both and of documents written, to show
where memory levels off. ``--stop-after S`` interrupts the large build after S seconds
(SIGINT: it keeps what it finished) on a machine where the whole would take
too long; the figures then say how far it got.

Schools are generated from the fixture project's example schools, in turn
(names changed), in a folder with their logos; the library is a copy, so the clause change touches
nothing real. Results are printed and saved to bench/out/scale-<mode>.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
FIXTURE = ROOT / "tests" / "fixtures" / "project"
SOURCE = FIXTURE if (FIXTURE / "schools").is_dir() else ROOT  # the fixture project, once it exists


def make_project(count: int, folder: Path) -> tuple[Path, Path]:
    """Write a library copy and ``count`` schools generated from one; return (library, schools)."""
    shutil.rmtree(folder, ignore_errors=True)
    library = folder / "clauses"
    schools = folder / "schools"
    shutil.copytree(SOURCE / "clauses", library)
    shutil.copytree(SOURCE / "schools" / "logos", schools / "logos")
    bases = [path.read_text() for path in sorted((SOURCE / "schools").glob("*.yaml"))]
    for i in range(count):  # cycling through the examples, so each clause is printed by some schools only
        text = bases[i % len(bases)]
        (schools / f"school-{i + 1:05d}.yaml").write_text(text.replace("\nname: ", f"\nname: No. {i + 1} ", 1)
                                                          if not text.startswith("name: ")
                                                          else text.replace("name: ", f"name: No. {i + 1} ", 1))
    return library, schools


def build(library: Path, schools: Path, out: Path, formats: list[str], *extra: str) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "generator", "build", "--all", "--library-dir", str(library),
           "--schools-dir", str(schools), "--out", str(out), *extra]
    for fmt in formats:
        cmd += ["--format", fmt]
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def counts(stdout: str) -> tuple[int, int]:
    built = sum(1 for line in stdout.splitlines() if line.startswith("ok "))
    skipped = re.search(r"skipped (\d+) unchanged", stdout)
    return built, int(skipped[1]) if skipped else 0


def printed_by(library: Path, schools: Path, clause_id: str) -> int:
    """Return how many documents print ``clause_id``, by resolving every school."""
    sys.path.insert(0, str(ROOT))
    from generator.library import load_library
    from generator.resolve import resolve
    from generator.school import load_school

    lib = load_library(library)
    total = 0
    for path in sorted(schools.glob("*.yaml")):
        school = load_school(path)
        for policy_id in school.school.policies:
            total += any(c.id == clause_id for _, c in resolve(lib, school, policy_id).clauses())
    return total


def change_clause(library: Path, clause_id: str) -> None:
    yaml = YAML()
    for path in sorted(library.rglob("*.yaml")):
        data = yaml.load(path.read_text())
        for clause in (data.get("clauses") or []) if isinstance(data, dict) else []:
            if clause.get("id") == clause_id and isinstance(clause.get("text"), str):
                clause["text"] = clause["text"].rstrip() + " This sentence was added for the benchmark.\n"
                with path.open("w") as handle:
                    yaml.dump(data, handle)
                return
    raise SystemExit(f"no clause {clause_id} with a text in {library}")


def incremental(args: argparse.Namespace) -> dict:
    work = OUT / "scale-incremental"
    library, schools = make_project(args.schools, work / "project")
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)  # a cold build
    result: dict = {"schools": args.schools, "formats": args.format}
    seconds, stdout = build(library, schools, out, args.format)
    result["cold"] = {"seconds": round(seconds, 1), "built": counts(stdout)[0]}
    change_clause(library, args.clause)
    expected = printed_by(library, schools, args.clause)
    seconds, stdout = build(library, schools, out, args.format)
    built, skipped = counts(stdout)
    result["one_clause_changed"] = {"clause": args.clause, "seconds": round(seconds, 1), "built": built,
                                    "skipped": skipped, "documents_printing_it": expected}
    seconds, stdout = build(library, schools, out, args.format)
    built, skipped = counts(stdout)
    result["no_change"] = {"seconds": round(seconds, 2), "built": built, "skipped": skipped}
    return result


def cluster(args: argparse.Namespace) -> dict:
    from distributed import LocalCluster

    work = OUT / "scale-cluster"
    library, schools = make_project(args.schools, work / "project")
    result: dict = {"schools": args.schools}
    seconds, stdout = build(library, schools, work / "local", [], "--jobs", "2")
    result["local_pool"] = {"seconds": round(seconds, 1), "built": counts(stdout)[0]}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      local_directory=str(work / "dask")) as local:
        build(library, schools, work / "warm-up", [], "--cluster", local.scheduler_address)  # workers' LibreOffice up
        seconds, stdout = build(library, schools, work / "cluster", [], "--cluster", local.scheduler_address)
    docs = counts(stdout)[0]
    result["local_cluster"] = {"seconds": round(seconds, 1), "built": docs}
    result["overhead_per_document_s"] = round((seconds - result["local_pool"]["seconds"]) / max(docs, 1), 3)
    return result


def _peak_memory_class():
    """Return bench.py's PeakMemory (loaded by path: this folder is not a package)."""
    spec = importlib.util.spec_from_file_location("policygen_bench", Path(__file__).with_name("bench.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PeakMemory


class _Sampled(_peak_memory_class()):
    """PeakMemory that samples PSS and its anonymous part every ``every_s``, and keeps a (seconds, PSS MiB,
    anonymous MiB, documents) line every ``log_s``."""

    def __init__(self, root_pid: int, documents, marker: str, every_s: float = 0.25, log_s: float = 10.0):
        super().__init__(root_pid, marker)
        self.every_s, self.log_s, self.documents = every_s, log_s, documents
        self.timeline: list[tuple[float, float, float, int]] = []
        self.peak_anon = 0

    def _run(self) -> None:
        begun = last = time.monotonic()
        while not self._stop.is_set():
            self.field = "Pss"
            now_bytes = self._sample()
            self.field = "Pss_Anon"  # the heap alone: shared code pages count less as more processes map them
            anon = self._sample()
            self.peak, self.peak_anon = max(self.peak, now_bytes), max(self.peak_anon, anon)
            if time.monotonic() - last >= self.log_s:
                last = time.monotonic()
                self.timeline.append((round(last - begun, 1), round(now_bytes / 2**20, 1), round(anon / 2**20, 1),
                                      self.documents()))
            time.sleep(self.every_s)


def _first_document(out: Path) -> bool:
    """Return True once a finished document (not a temporary file) is in ``out``."""
    try:
        for school in os.scandir(out):
            if school.is_dir() and not school.name.startswith("."):
                if any(f.name.endswith((".docx", ".pdf")) and not f.name.startswith(".") for f in os.scandir(school)):
                    return True
    except OSError:
        pass
    return False


def streamed_build(library: Path, schools: Path, out: Path, formats: list[str], policy: str | None,
                   stop_after: float | None) -> dict:
    """Build cold, timing the first document in OUT and sampling memory throughout."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "generator", "build", "--all", "--library-dir", str(library),
           "--schools-dir", str(schools), "--out", str(out), *(["--policy", policy] if policy else [])]
    for fmt in formats:
        cmd += ["--format", fmt]
    lines = {"ok": 0, "first_ok_s": None}
    # a temporary folder of this build's own: the sampler counts the LibreOffice whose profile is in it,
    # never another user's on a shared machine
    tmp = Path(os.environ["TMPDIR"]) / "stream-build"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    begun = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp)})

    def read() -> None:
        for line in proc.stdout:
            if line.startswith("ok "):
                lines["ok"] += 1
                if lines["first_ok_s"] is None:
                    lines["first_ok_s"] = round(time.monotonic() - begun, 2)
            elif line.startswith("built "):
                lines["summary"] = line.strip()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    errors: list[str] = []
    drain = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
    drain.start()
    first_file_s = None
    stopped = False
    with _Sampled(proc.pid, lambda: lines["ok"], marker=f"{tmp}/policygen-lo-") as sampler:
        while proc.poll() is None:
            elapsed = time.monotonic() - begun
            if first_file_s is None and _first_document(out):
                first_file_s = round(elapsed, 2)
            if stop_after is not None and elapsed > stop_after and not stopped:
                proc.send_signal(signal.SIGINT)  # the build keeps what it finished and exits
                stopped = True
            time.sleep(0.05 if first_file_s is None else 1.0)
    reader.join(timeout=60)
    drain.join(timeout=60)
    seconds = time.monotonic() - begun
    if proc.returncode != 0 and not stopped:
        raise SystemExit(f"build failed ({proc.returncode}):\n{''.join(errors)[-3000:]}")
    return {"seconds": round(seconds, 1), "first_document_in_out_s": first_file_s,
            "first_ok_line_s": lines["first_ok_s"], "documents_written": lines["ok"],
            "peak_pss_mib": round(sampler.peak / 2**20, 1), "peak_anon_pss_mib": round(sampler.peak_anon / 2**20, 1),
            "stopped_after_s": stop_after if stopped else None,
            "summary": lines.get("summary"), "timeline_s_pss_anon_documents": sampler.timeline}


def stream(args: argparse.Namespace) -> dict:
    work = OUT / "scale-stream"
    result: dict = {"formats": args.format, "policy": args.policy}
    for count in (args.baseline, args.schools):
        library, schools = make_project(count, work / "project")
        print(f"{count} schools: building", file=sys.stderr, flush=True)
        result[str(count)] = streamed_build(library, schools, work / "out", args.format, args.policy,
                                            args.stop_after if count == args.schools else None)
        print(json.dumps(result[str(count)])[:400], file=sys.stderr, flush=True)
    small, large = result[str(args.baseline)], result[str(args.schools)]
    result["peak_ratio"] = round(large["peak_pss_mib"] / small["peak_pss_mib"], 3)
    result["peak_anon_ratio"] = round(large["peak_anon_pss_mib"] / small["peak_anon_pss_mib"], 3)
    result["within_20_percent"] = result["peak_ratio"] <= 1.2 and result["peak_anon_ratio"] <= 1.2
    result["first_document_within_10_s"] = (large["first_document_in_out_s"] or 1e9) <= 10
    shutil.rmtree(work / "out", ignore_errors=True)  # gigabytes of documents
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["incremental", "cluster", "stream"])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--format", action="append", choices=["docx", "pdf"], default=None)
    parser.add_argument("--clause", default="safeguarding-guidance", help="the clause the incremental run changes")
    parser.add_argument("--baseline", type=int, default=100, help="stream: the small batch compared with")
    parser.add_argument("--policy", default=None, help="stream: build only this policy type")
    parser.add_argument("--stop-after", type=float, default=None,
                        help="stream: interrupt the large build after this many seconds")
    args = parser.parse_args()
    args.format = args.format or ["docx", "pdf"]
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TMPDIR", str(OUT / "tmp"))
    Path(os.environ["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    result = {"incremental": incremental, "cluster": cluster, "stream": stream}[args.mode](args)
    result["load_average_at_end"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    (OUT / f"scale-{args.mode}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
