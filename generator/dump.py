"""Print a resolved Policy so a person can see what the writers were given.

This plays the part of pandoc's ``-t native``: ``policygen dump`` shows the
tree as indented text, or as JSON with ``--format json``.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

from generator.model import Deletion, Insertion, ListBlock, Paragraph, Policy


def dump_text(policy: Policy) -> str:
    """Return ``policy`` as indented, human-readable text."""
    gov = policy.governance
    lines = [
        f"Policy {policy.policy_id!r} {policy.title!r} for {policy.school_id!r} ({policy.school_name})",
        f"  library {policy.library_version}; version {gov.version}; owner {gov.owner}; "
        f"approving body {gov.approving_body}; review every {gov.review_cycle_months} months",
    ]
    for record in gov.history:
        lines.append(f"  approved v{record.version} on {record.date} by {record.by}; next review {record.next_review}")
    brand = policy.brand
    lines.append(f"  brand: font {brand.font}, colours {brand.primary}/{brand.accent}, logo {brand.logo.name if brand.logo else 'none'}")
    for section in policy.sections:
        lines.append(f"{section.heading} [{section.id}]")
        for clause in section.clauses:
            how = clause.kind + (f" = {clause.variant}" if clause.variant else "") + (
                ", from the school file" if clause.origin == "school" else "")
            lines.append(f"  {clause.number} {clause.title} [{clause.id}: {how}]")
            for block in clause.blocks:
                lines.extend(_block(block, "    "))
        if section.form:
            for row in section.form.rows:
                lines.append(f"  {row.kind}: {row.label}" + (f" ({row.value})" if row.value else ""))
        if section.changes is not None:
            for change in section.changes:
                lines.append(f"  change {change.date}: {change.paragraphs}: {change.summary}")
    return "\n".join(lines) + "\n"


def _block(block: Any, indent: str) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"{indent}Para {_runs(block.runs)}"]
    if isinstance(block, ListBlock):
        out = [f"{indent}{'OrderedList' if block.ordered else 'BulletList'}"]
        for item in block.items:
            out.append(f"{indent}  {'  ' * item.level}- {_runs(item.runs)}")
        return out
    return [f"{indent}{block!r}"]


def _runs(runs: tuple) -> str:
    parts = []
    for run in runs:
        if isinstance(run, (Insertion, Deletion)):  # a redline's marks, as pandoc's native output shows spans
            parts.append(f"{type(run).__name__}[{_runs(run.runs)}]")
            continue
        text = json.dumps(run.text, ensure_ascii=False)
        marks = [m for m, on in (("bold", run.bold), ("italic", run.italic)) if on]
        if run.href:
            marks.append(f"link {run.href}")
        parts.append(f"{text}<{','.join(marks)}>" if marks else text)
    return " ".join(parts)


def dump_json(policy: Policy) -> str:
    """Return ``policy`` as JSON."""
    def default(value: Any) -> Any:
        if isinstance(value, (date, Path)):
            return str(value)
        raise TypeError(type(value).__name__)

    data = dataclasses.asdict(policy)
    return json.dumps(data, indent=2, ensure_ascii=False, default=default) + "\n"
