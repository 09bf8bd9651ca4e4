"""Which policies are due for review: the adviser's Monday list.

The list is for people: a table that fits 100 columns, ages in years and
months, a CSV that opens cleanly in Excel (UTF-8 with a byte-order mark, and
no cell that Excel would run as a formula), and JSON with nulls.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator

from generator.dates import add_months, format_date
from generator.errors import Findings, InputError, Problem
from generator.library import Library
from generator.school import SchoolFile

TABLE_WIDTH = 100


@dataclass(frozen=True)
class PolicyApproval:
    """One school's policy, and its last approval (version, date and body are None: never approved)."""

    school_id: str
    school: str
    policy_id: str
    policy: str  # the policy's title
    version: str | None
    last_approved: date | None
    approved_by: str | None


def each_policy(library: Library, school_files: list[SchoolFile]
                ) -> Iterator[tuple[SchoolFile, Any, PolicyApproval]]:
    """Yield every policy of every school that the library has: the school, its choices for the policy, and
    the policy's last approval."""
    for school_file in school_files:
        for policy_id, chosen in school_file.school.policies.items():
            if policy_id not in library.policies:
                continue
            approvals = chosen.governance.approvals
            last = approvals[-1] if approvals else None
            yield school_file, chosen, PolicyApproval(
                school_file.id, school_file.school.name, policy_id, library.policies[policy_id].spec.title,
                last.version if last else None, last.date if last else None, last.by if last else None)


@dataclass(frozen=True)
class DueItem(PolicyApproval):
    """One school's policy and when its review falls due."""

    due: date | None = None  # None: never approved
    wording_changed: bool | None = None  # printed wording differs from the approval (None: not known)

    def days_left(self, today: date) -> int | None:
        return (self.due - today).days if self.due else None

    def status(self, today: date) -> str:
        if self.due is None:
            return "never approved"
        if self.due < today:
            return f"overdue by {age(self.due, today)}"
        if self.due == today:
            return "due today"
        return f"due in {age(today, self.due)}"


def age(start: date, end: date) -> str:
    """Return the time from ``start`` to ``end`` (later) in words: "7 years 8 months", "3 weeks", "1 day"."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    years, months = divmod(months, 12)
    if years or months:
        parts = [f"{years} year{'s' if years != 1 else ''}" if years else "",
                 f"{months} month{'s' if months != 1 else ''}" if months else ""]
        return " ".join(p for p in parts if p)
    days = (end - start).days
    if days >= 14:
        return f"{days // 7} weeks"
    return f"{days} day{'s' if days != 1 else ''}"


def due_items(library: Library, school_files: list[SchoolFile], today: date, within: int,
              changed: dict[tuple[str, str], bool | None] | None = None) -> list[DueItem]:
    """Return policies never approved, overdue, or due within ``within`` days, soonest first.

    ``changed`` says, by (school id, policy id), whether the printed wording
    differs from the last approval (from ``review.as_built``); unknown when absent.
    """
    items = []
    for school_file, chosen, head in each_policy(library, school_files):
        cycle = chosen.governance.cycle(library.policies[head.policy_id].spec.review_cycle_months)
        due = chosen.governance.approvals[-1].review_due(cycle) if head.version is not None else None
        item = DueItem(**vars(head), due=due, wording_changed=(changed or {}).get((head.school_id, head.policy_id)))
        days = item.days_left(today)
        if days is None or days <= within:
            items.append(item)
    return sorted(items, key=lambda i: (i.due is not None, i.due or date.min, i.school_id, i.policy_id))


def wording_changes(library: Library, school_files: list[SchoolFile]
                    ) -> tuple[dict[tuple[str, str], bool], Findings]:
    """Return, by (school id, policy id), whether each approved policy's printed wording differs from its
    last approval's snapshot (policies without one are left out), and the problems of those that cannot be
    resolved."""
    from generator.review.as_built import resolve_as_built
    from generator.review.history import last_snapshot

    changed: dict[tuple[str, str], bool] = {}
    problems: list[Problem] = []
    for school_file, _, head in each_policy(library, school_files):
        try:
            if last_snapshot(school_file, head.policy_id) is not None:
                changed[(head.school_id, head.policy_id)] = resolve_as_built(library, school_file,
                                                                             head.policy_id).status.draft
        except InputError as exc:
            problems.extend(exc.problems)
    return changed, Findings(problems)


def load_schools(paths, load) -> tuple[list[SchoolFile], Findings]:
    """Load each school file with ``load``; one that fails is reported, never stopping the others."""
    schools, problems = [], []
    for path in paths:
        try:
            schools.append(load(path))
        except InputError as exc:
            problems.extend(exc.problems)
    return schools, Findings(problems)


def _fit(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[:max(width - 1, 0)] + "…"


def format_table(items: list[DueItem], today: date, within: int) -> str:
    """Return the list as an aligned text table, at most 100 columns wide, with a one-line summary."""
    if not items:
        return f"Nothing is overdue or due in the next {within} days (as of {format_date(today)}).\n"
    header = ("Due", "Status", "School", "Policy", "Version")
    rows = [(format_date(i.due) if i.due else "-", i.status(today) + (" *" if i.wording_changed else ""),
             i.school, i.policy, i.version or "-") for i in items]
    widths = [max(len(r[c]) for r in rows + [header]) for c in range(len(header))]
    spare = TABLE_WIDTH - 2 * (len(header) - 1) - widths[0] - widths[1] - widths[4]
    # the school and policy names share what is left, each at least a third of it
    school, policy = widths[2], widths[3]
    if school + policy > spare:
        policy = min(policy, max(spare // 3, spare - school))
        school = spare - policy
    widths[2], widths[3] = max(school, 6), max(policy, 6)
    lines = ["  ".join(_fit(cell, w).ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    overdue = sum(1 for i in items if i.due is not None and i.due < today)
    never = sum(1 for i in items if i.due is None)
    soon = len(items) - overdue - never
    lines.append("")
    if any(i.wording_changed for i in items):
        lines.append("* the wording has changed since it was approved: see policygen changes")
    lines.append(f"{overdue} overdue, {soon} due within {within} days, {never} never approved "
                 f"(as of {format_date(today)}).")
    return "\n".join(lines) + "\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return a CSV cell Excel will not run as a formula (OWASP: prefix a quote to =, +, -, @, tab, CR)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_csv(header: list[str], rows: list[list[object]]) -> str:
    """Return rows as CSV for Excel: a byte-order mark first, so Welsh letters and dashes survive,
    and every cell made safe (:func:`safe_cell`). The one CSV writer for people's lists."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return "\ufeff" + out.getvalue()


def format_csv(items: list[DueItem], today: date) -> str:
    """Return the list as CSV for Excel (:func:`excel_csv`)."""
    rows = []
    for i in items:
        changed = "" if i.wording_changed is None else ("yes" if i.wording_changed else "no")
        rows.append([i.due or "", i.days_left(today) if i.due else "", i.status(today), i.school_id, i.school,
                     i.policy_id, i.policy, i.version or "", str(i.last_approved or ""), i.approved_by or "",
                     changed])
    return excel_csv(["due", "days_left", "status", "school_id", "school", "policy_id", "policy", "version",
                      "last_approved", "approved_by", "wording_changed"], rows)


def format_json(items: list[DueItem], today: date) -> str:
    """Return the list as JSON; what is unknown or never happened is null."""
    data = [{"due": i.due.isoformat() if i.due else None, "days_left": i.days_left(today),
             "status": i.status(today), "school_id": i.school_id, "school": i.school, "policy_id": i.policy_id,
             "policy": i.policy, "version": i.version,
             "last_approved": i.last_approved.isoformat() if i.last_approved else None,
             "approved_by": i.approved_by, "wording_changed": i.wording_changed} for i in items]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
