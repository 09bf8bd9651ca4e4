"""Shared fixtures: the real library and schools, and helpers to read DOCX back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from generator.library import load_library
from generator.school import load_school

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_DIR = ROOT / "clauses"
SCHOOLS_DIR = ROOT / "schools"
EXAMPLES = ["model-school", "roselands-stafford", "bradley-primary", "holtsmere-end", "flourish-federation"]


@pytest.fixture(scope="session")
def library():
    return load_library(LIBRARY_DIR)


@pytest.fixture(scope="session")
def schools():
    return {name: load_school(SCHOOLS_DIR / f"{name}.yaml") for name in EXAMPLES}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the library, schools and template to change freely."""
    for name in ("clauses", "schools", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
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
