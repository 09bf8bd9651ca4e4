"""The live clauses/ and schools/ are content, checked by `policygen check --all`.

Engine tests read only tests/fixtures/, so an adviser who adds a school or
bumps the library version still sees them pass; this file proves it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from conftest import ROOT

# The engine tests re-run in a copy of the project; LibreOffice, fault, cluster,
# bench and browser tests are left out (they run on their own fixtures, are slow,
# and need bench/ or the virtualenv's npm packages), and so is this file.
NOT_IN_THE_COPY = ["tests/test_live_content.py", "tests/test_render_pdf.py", "tests/web",
                   "tests/test_faults.py", "tests/test_cluster.py", "tests/test_bench.py"]


def policygen(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


def test_live_library_and_schools_pass_check_all():
    done = policygen(ROOT, "check", "--all")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: the library and ")


def copy_project(to: Path) -> Path:
    for name in ("generator", "tests", "templates", "clauses", "schools", "groups", "docs"):
        if (ROOT / name).is_dir():  # groups/ holds the example trust that a school inherits from
            shutil.copytree(ROOT / name, to / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "output"))
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    return to


def test_engine_tests_pass_with_an_extra_school_and_a_new_library_version(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    yaml = YAML()
    library_file = project / "clauses" / "library.yaml"
    library = yaml.load(library_file.read_text())
    library["version"] = "2099.01"
    yaml.dump(library, library_file)
    example = sorted((project / "schools").glob("*.yaml"))[0]
    extra = yaml.load(example.read_text())
    extra["name"] = "Extra Test School"
    # in the same folder as the example, its logo path (relative to the file) still holds
    with (project / "schools" / "zz-extra-school.yaml").open("w") as out:
        yaml.dump(extra, out)

    checked = policygen(project, "check", "--all")
    assert checked.returncode == 0, checked.stderr
    count = len(list((project / "schools").glob("*.yaml")))
    assert f"and {count} school file(s) checked" in checked.stdout

    ignore = [f"--ignore={name}" for name in NOT_IN_THE_COPY]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", *ignore],
                          cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
