"""The benchmark still runs: a tiny `bench/bench.py` run on the fixture project.

It times nothing here (figures belong in docs/performance.md); it checks that
the bench builds its generated schools and writes its results, so a change to
the build or to the school-file rules cannot silently break `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "project"


def test_bench_builds_its_generated_schools_and_writes_results(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--project", str(FIXTURE), "--out", str(tmp_path),
         "--schools", "3", "--memory-schools", "0", "--rounds", "1", "--jobs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["schools"] == 3
    assert len(sorted((tmp_path / "ours").glob("*/*-social-media.pdf"))) == 3  # one policy per school
    assert not (tmp_path / "ours-mem").exists()  # the memory build removes its own output
    assert len(sorted((tmp_path / "inputs").glob("*.docx"))) == 3
    assert len(sorted((tmp_path / "once").glob("*.pdf"))) == 3
    assert results["policygen_peak_mb"] > 100  # policygen and its LibreOffice workers were sampled
