"""Trial renders: what ``check`` runs so a template that fails for every school fails in check.

Clause texts are tried in :func:`generator.library.check_text`, against
:func:`generator.library.sample_context`. The house-style Word template is
tried here: it is filled with a small sample policy, the way a build fills
it, so a ``{{ 1/0 }}`` or a runaway expression in the template is reported by
``check`` as one line, before any school is built.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.model import ApprovalRecord, Brand, Clause, DocumentControl, Paragraph, Policy, Run, Section
from generator.render.docx import render_docx


def sample_policy() -> Policy:
    """Return a small policy with every field of the cover and body filled."""
    approval = ApprovalRecord("1", date(2025, 9, 1), "Full Governing Body", "First adoption.", date(2026, 9, 1))
    clause = Clause("sample", "1.1", "Sample clause", "fixed", None, (Paragraph((Run("Sample text."),)),))
    return Policy(
        policy_id="sample",
        title="Sample Policy",
        library_version="sample",
        school_id="sample",
        school_name="Sample School",
        brand=Brand(None, "Sample School logo", "#1F3864", "#2E75B6", "Carlito", "Sample motto"),
        governance=DocumentControl("SAMPLE-1", "Sample Head, Headteacher", "Full Governing Body", 12, (approval,)),
        sections=(Section("sample", "1", "Sample section", (clause,)),),
        author="Sample School",
        subject="Sample Policy",
    )


def try_template(template: Path) -> None:
    """Fill ``template`` with :func:`sample_policy`.

    Raises:
        TemplateError: the template is missing, unusable, or fails to fill.
    """
    render_docx(sample_policy(), template)
