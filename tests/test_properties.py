"""Property: whatever a school's name and values are, they print literally."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.render.docx import render_docx
from generator.resolve import resolve
from generator.school import load_school

from conftest import SCHOOLS_DIR, docx_text

# Everything a person can type, plus markup and template syntax, without the
# control characters XML cannot hold. Runs of whitespace are single spaces.
PIECES = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=6),
    st.text(alphabet="&<>\"'{}%#*_[]()!\\`|~-+.= ", min_size=1, max_size=6),
    st.sampled_from(["{{ school.name }}", "{% if x %}", "{# x #}", "<b>", "&amp;", "**bold**", "[insert name]",
                     "1. ", "- ", "</w:t>", "]]>"]),
)
TEXT = st.lists(PIECES, min_size=1, max_size=6).map(lambda parts: " ".join("".join(parts).split())).filter(bool)


def write(data: dict, folder: Path) -> Path:
    path = folder / "prop-school.yaml"
    yaml = YAML()
    out = io.StringIO()
    yaml.dump(data, out)
    path.write_text(out.getvalue())
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, head=TEXT, related=TEXT, motto=TEXT)
def test_school_values_print_literally(library, name, head, related, motto):
    base = YAML(typ="safe").load((SCHOOLS_DIR / "bradley-primary.yaml").read_text())
    base["name"] = name
    base["short_name"] = ""  # the running header then shows the name too
    base["branding"]["logo"] = str(SCHOOLS_DIR / "logos" / "bradley-primary.png")
    base["branding"]["motto"] = motto
    base["people"]["headteacher"]["name"] = head
    base["policies"]["social-media"]["related_policies"] = [related]
    with tempfile.TemporaryDirectory() as folder:
        school = load_school(write(base, Path(folder)))
        assert school.school.name == name
        doc = Document(io.BytesIO(render_docx(resolve(library, school, "social-media"))))
    text = docx_text(doc)
    assert f"This policy sets out what {name} expects of its staff" in text
    # resolved without its approval history, the policy is marked draft
    assert doc.sections[0].header.paragraphs[0].text == f"{name}\tSocial Media Policy (Draft)"
    assert [p.text for p in doc.paragraphs if p.style.name == "School Name"] == [name]
    assert [p.text for p in doc.paragraphs if p.style.name == "Subtitle"] == [motto]
    assert related in [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert head in [c.text for t in doc.tables for r in t.rows for c in r.cells]
