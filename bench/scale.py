"""Benchmarks of builds at scale (docs/performance.md, "At scale"; docs/scaling.md).

    .venv/bin/python bench/scale.py incremental --schools 2000 [--format docx]
    .venv/bin/python bench/scale.py cluster --schools 20

``incremental``: N generated schools, a cold build, then a build after one
library clause changes (it must rebuild exactly the documents that print it:
counted by resolving every school), then a build after nothing changes.

``cluster``: the same N schools built with the local pool (``--jobs 2``) and
on a two-worker Dask LocalCluster, both cold, DOCX and PDF; the difference
per document is the cluster's overhead.

Schools are generated from the fixture project's example schools, in turn
(names changed), in a folder with their logos; the library is a copy, so the clause change touches
nothing real. Results are printed and saved to bench/out/scale-<mode>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["incremental", "cluster"])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--format", action="append", choices=["docx", "pdf"], default=None)
    parser.add_argument("--clause", default="safeguarding-guidance", help="the clause the incremental run changes")
    args = parser.parse_args()
    args.format = args.format or ["docx", "pdf"]
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TMPDIR", str(OUT / "tmp"))
    Path(os.environ["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    result = incremental(args) if args.mode == "incremental" else cluster(args)
    result["load_average_at_end"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    (OUT / f"scale-{args.mode}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
