"""Helpers for tests that write school files and build documents."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.library import Library
from generator.render.docx import render_docx
from generator.resolve import resolve
from generator.school import SchoolFile, load_school

ROOT = Path(__file__).resolve().parent.parent
SCHOOLS_DIR = ROOT / "tests" / "fixtures" / "project" / "schools"


def write_school(folder: Path, stem: str, base: str = "roselands-stafford", *,
                 choices: dict[str, Any] | None = None, **top: Any) -> Path:
    """Write a school file based on an example, with changed choices and top-level keys."""
    yaml = YAML()
    data = yaml.load((SCHOOLS_DIR / f"{base}.yaml").read_text())
    for key, value in top.items():
        data[key] = value
    if choices is not None:
        data["policies"]["social-media"]["choices"].update(choices)
    logo = data.get("branding", {}).get("logo")
    if logo and not (folder / logo).exists():
        data["branding"]["logo"] = str(SCHOOLS_DIR / logo)
    out = io.StringIO()
    yaml.dump(data, out)
    path = folder / f"{stem}.yaml"
    path.write_text(out.getvalue())
    return path


def build_docx(library: Library, school: SchoolFile | Path, out: Path, policy_id: str = "social-media") -> Path:
    """Resolve and render a school's policy into ``out`` and return the path."""
    school_file = school if isinstance(school, SchoolFile) else load_school(school)
    data = render_docx(resolve(library, school_file, policy_id))
    path = out / f"{school_file.id}.docx"
    path.write_bytes(data)
    return path


def policygen(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real ``policygen`` command in ``cwd``, as a user would; its output is text."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)
