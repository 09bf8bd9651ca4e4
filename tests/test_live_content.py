"""The live clauses/ and schools/ are content, checked by `policygen check --all`.

Engine tests read only tests/fixtures/, so an adviser who adds a school or
bumps the library version still sees them pass; this file proves it. It also
builds every example school's policies, in a copy of the project, and checks
their DOCX, PDF and contents pages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from docx import Document
from ruamel.yaml import YAML

from generator.school import load_school

from conftest import ROOT
from office_processes import soffice_pids
from pdf_text import contents, docx_headings, docx_toc_entries, heading_pages, pages_ending_with_a_heading, pdf_pages
from helpers import policygen

# The engine tests re-run in a copy of the project; LibreOffice, fault, cluster,
# bench and browser tests are left out (they run on their own fixtures, are slow,
# and need bench/ or the virtualenv's npm packages), and so is this file.
NOT_IN_THE_COPY = ["tests/test_live_content.py", "tests/test_render_pdf.py", "tests/web",
                   "tests/test_faults.py", "tests/test_cluster.py", "tests/test_bench.py"]


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


def test_every_example_school_builds_every_policy_with_a_true_contents_page(tmp_path: Path):
    # issue 13: both policy types build for every example school, with DOCX, PDF and contents checks;
    # one build of all the examples, in a copy so that nothing is written into the project
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    before = soffice_pids()
    done = policygen(project, "build", "--all", "--jobs", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert soffice_pids() - before == set(), "a LibreOffice process outlived the build"
    declared = {(path.stem, policy) for path in sorted((project / "schools").glob("*.yaml"))
                for policy in load_school(path).school.policies}
    assert {policy for _, policy in declared} >= {"social-media", "acceptable-use"}
    built = {(pdf.parent.name, pdf.stem.removeprefix(pdf.parent.name + "-")) for pdf in out.glob("*/*.pdf")}
    assert built == declared
    for school, policy in sorted(declared):
        docx, pdf = (out / school / f"{school}-{policy}{suffix}" for suffix in (".docx", ".pdf"))
        name = load_school(project / "schools" / f"{school}.yaml").school.name
        assert Document(docx).core_properties.title.endswith(f" – {name}"), docx
        pages = pdf_pages(pdf)
        number, entries = contents(pages)
        assert len(entries) >= 10, f"{pdf.name}: {entries}"
        assert dict(entries) == heading_pages(pages, [title for title, _ in entries], number + 1), pdf.name
        assert docx_toc_entries(docx) == entries, docx.name
        assert pages_ending_with_a_heading(pages, docx_headings(docx)) == [], pdf.name
