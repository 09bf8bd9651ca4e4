"""docs/clause-library.md's steps for a new policy type, followed literally."""

import shutil
import subprocess
import sys
from pathlib import Path

from docx import Document

from conftest import docx_paragraphs


def test_a_new_policy_type_from_files_alone(workspace: Path):
    # 1-2. copy the folder and give the policy its own id and title
    new = workspace / "clauses" / "code-of-conduct"
    shutil.copytree(workspace / "clauses" / "social-media", new)
    for path in (new / "clauses").glob("*.yaml"):
        path.unlink()
    (new / "policy.yaml").write_text(
        "id: code-of-conduct\ntitle: Staff Code of Conduct\nreview_cycle_months: 12\n"
        "sections:\n  - id: rules\n    title: Rules\n    clauses: [devices, gifts]\n"
        "appendices:\n  - id: adoption\n    title: Policy adoption\n    form: adoption-sign-off\n")
    # 3. its clauses
    (new / "clauses" / "rules.yaml").write_text(
        "clauses:\n"
        "  - id: devices\n    title: School devices\n    kind: choice\n    default: work-only\n"
        "    variants:\n"
        "      work-only: {label: Work only, text: \"{{ school.name }} devices are for work only.\"}\n"
        "      some-personal: {label: Some personal use, text: \"Reasonable personal use of {{ school.name }} devices is allowed.\"}\n"
        "    changelog: [{date: 2026-11-01, summary: First version.}]\n"
        "  - id: gifts\n    title: Gifts\n    kind: fixed\n"
        "    text: |\n      - Never accept cash.\n      - Declare **every** gift over £25.\n"
        "    changelog: [{date: 2026-11-01, summary: First version.}]\n")
    # 5. check the library
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--library"], cwd=workspace,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # 6. a school adopts it
    school = workspace / "schools" / "holtsmere-end.yaml"
    school.write_text(school.read_text() + "  code-of-conduct:\n    choices:\n      devices: some-personal\n")
    # 7. build
    done = subprocess.run([sys.executable, "-m", "generator", "build", "schools/holtsmere-end.yaml",
                           "--format", "docx", "--out", "out"], cwd=workspace, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    path = workspace / "out" / "holtsmere-end" / "holtsmere-end-code-of-conduct.docx"
    headings = [t for s, t in docx_paragraphs(path) if s.startswith("Heading")]
    assert headings == ["1 Rules", "1.1 School devices", "1.2 Gifts", "Appendix A: Policy adoption"]
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "Reasonable personal use of Holtsmere End Infant and Nursery School devices is allowed." in text
    assert (workspace / "out" / "holtsmere-end" / "holtsmere-end-social-media.docx").exists()
