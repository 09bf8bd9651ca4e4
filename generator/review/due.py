"""Which policies are due for review: the adviser's Monday list."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date

from generator.dates import format_date
from generator.library import Library
from generator.school import SchoolFile


@dataclass(frozen=True)
class DueItem:
    """One school's policy and when its review falls due."""

    school_id: str
    school: str
    policy_id: str
    version: str
    last_approved: date | None
    approved_by: str
    due: date | None  # None: never approved

    def days_left(self, today: date) -> int | None:
        return (self.due - today).days if self.due else None

    def status(self, today: date) -> str:
        days = self.days_left(today)
        if days is None:
            return "never approved"
        if days < 0:
            return f"overdue by {-days} day{'s' if days != -1 else ''}"
        if days == 0:
            return "due today"
        return f"due in {days} day{'s' if days != 1 else ''}"


def due_items(library: Library, school_files: list[SchoolFile], today: date, within: int) -> list[DueItem]:
    """Return policies never approved, overdue, or due within ``within`` days, soonest first."""
    items = []
    for school_file in school_files:
        for policy_id, policy in school_file.school.policies.items():
            if policy_id not in library.policies:
                continue
            approvals = policy.governance.approvals
            cycle = policy.governance.cycle(library.policies[policy_id].spec.review_cycle_months)
            last = approvals[-1] if approvals else None
            due = last.review_due(cycle) if last else None
            item = DueItem(school_file.id, school_file.school.name, policy_id, last.version if last else "-",
                           last.date if last else None, last.by if last else "", due)
            days = item.days_left(today)
            if days is None or days <= within:
                items.append(item)
    return sorted(items, key=lambda i: (i.due is not None, i.due or date.min, i.school_id, i.policy_id))


def format_table(items: list[DueItem], today: date, within: int) -> str:
    """Return the list as an aligned text table with a one-line summary."""
    if not items:
        return f"Nothing is overdue or due in the next {within} days (as of {format_date(today)}).\n"
    header = ("Due", "Status", "School", "Policy", "Version", "Last approved")
    rows = [(format_date(i.due) if i.due else "-", i.status(today), i.school, i.policy_id, i.version,
             f"{format_date(i.last_approved)} by {i.approved_by}" if i.last_approved else "-") for i in items]
    widths = [max(len(r[c]) for r in rows + [header]) for c in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    overdue = sum(1 for i in items if i.due is not None and i.due < today)
    never = sum(1 for i in items if i.due is None)
    soon = len(items) - overdue - never
    lines.append("")
    lines.append(f"{overdue} overdue, {soon} due within {within} days, {never} never approved "
                 f"(as of {format_date(today)}).")
    return "\n".join(lines) + "\n"


def format_csv(items: list[DueItem], today: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["due", "days_left", "status", "school_id", "school", "policy", "version", "last_approved",
                     "approved_by"])
    for i in items:
        writer.writerow([i.due or "", i.days_left(today) if i.due else "", i.status(today), i.school_id, i.school,
                         i.policy_id, i.version, i.last_approved or "", i.approved_by])
    return out.getvalue()


def format_json(items: list[DueItem], today: date) -> str:
    data = []
    for i in items:
        row = asdict(i)
        row.update(due=str(i.due) if i.due else None, last_approved=str(i.last_approved) if i.last_approved else None,
                   days_left=i.days_left(today), status=i.status(today))
        data.append(row)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
