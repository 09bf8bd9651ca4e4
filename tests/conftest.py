"""Shared fixtures: a fixture library and schools, and helpers to read DOCX back.

Engine tests run on tests/fixtures/project/ (its clauses/ and schools/), a
frozen library and example schools, so an adviser who edits the live
clauses/ or schools/ never breaks them. The live content is checked by
`policygen check --all` (tests/test_live_content.py, and `make test`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from generator.library import load_library
from generator.school import load_school

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PROJECT = FIXTURES / "project"         # a project folder: run the CLI here with its defaults
LIBRARY_DIR = PROJECT / "clauses"
SCHOOLS_DIR = PROJECT / "schools"
LIVE_LIBRARY_DIR = ROOT / "clauses"     # the live content: only policygen check --all reads it
LIVE_SCHOOLS_DIR = ROOT / "schools"
EXAMPLES = ["model-school", "roselands-stafford", "bradley-primary", "holtsmere-end", "flourish-federation"]


@pytest.fixture(scope="session")
def library():
    return load_library(LIBRARY_DIR)


@pytest.fixture(scope="session")
def schools():
    return {name: load_school(SCHOOLS_DIR / f"{name}.yaml") for name in EXAMPLES}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the fixture library and schools, and the template, to change freely."""
    for name in ("clauses", "schools"):
        shutil.copytree(PROJECT / name, tmp_path / name)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def docx_paragraphs(path_or_doc) -> list[tuple[str, str]]:
    """Return (style name, text) of every body paragraph, tables excluded."""
    doc = Document(path_or_doc) if not hasattr(path_or_doc, "paragraphs") else path_or_doc
    return [(p.style.name, p.text) for p in doc.paragraphs]


def docx_text(path_or_doc) -> str:
    """Return all text of a document: body, tables, headers and footers."""
    doc = Document(path_or_doc) if not hasattr(path_or_doc, "paragraphs") else path_or_doc
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)
