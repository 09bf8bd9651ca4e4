"""The dashboard: every school and policy the user may see, with its review status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from generator.errors import InputError
from generator.groups import group_layers, group_title
from generator.review.due import due_items
from generator.web.pages import render
from generator.web.workspace import last_snapshot_version

DUE_SOON_DAYS = 60
STATUSES = {
    "overdue": "Overdue",
    "due-soon": f"Due within {DUE_SOON_DAYS} days",
    "draft": "Draft (never approved)",
    "library-changed": "Library changed since approval",
    "current": "Up to date",
    "errors": "School file has errors",
}


@dataclass(frozen=True)
class Row:
    """One line of the dashboard: a school's policy."""

    school_id: str
    school: str
    groups: tuple[str, ...]  # the names it is grouped under, nearest first (see school_groups)
    policy_id: str
    policy: str
    version: str
    approved: date | None
    approved_by: str
    next_review: date | None
    statuses: tuple[str, ...]


def dashboard_rows(workspace, user, today: date) -> list[Row]:
    """Return a row for each policy of each school ``user`` may see.

    The rows of every school are remembered until the library, a school file
    or the date changes (an approval changes its school file).
    """
    library = workspace.library()
    key = (workspace.library_stamps(), today, workspace.stamps())
    rows = workspace.memo("dashboard", key, lambda: _all_rows(workspace, library, today))
    return [r for r in rows if user.may_see(r.school_id)]


def _all_rows(workspace, library, today: date) -> list[Row]:
    rows: list[Row] = []
    files = []
    for school_id in workspace.school_ids():
        try:
            files.append(workspace.school(school_id))
        except InputError:
            rows.append(Row(school_id, school_id, (), "", "", "", None, "", None, ("errors",)))
    cache = workspace.__dict__.setdefault("_snapshot_cache", {})
    by_id = {f.id: f for f in files}
    for item in due_items(library, files, today, within=10**6):
        school_file = by_id[item.school_id]
        school = school_file.school
        statuses = []
        if item.due is None:
            statuses.append("draft")
        else:
            days = (item.due - today).days
            statuses.append("overdue" if days < 0 else "due-soon" if days <= DUE_SOON_DAYS else "current")
            recorded = last_snapshot_version(school_file, item.policy_id, item.version, cache)
            if recorded is not None and recorded != library.version:
                statuses.append("library-changed")
        rows.append(Row(item.school_id, item.school, school_groups(school_file), item.policy_id,
                        library.policies[item.policy_id].spec.title, item.version if item.due else "Draft",
                        item.last_approved, item.approved_by, item.due, tuple(statuses)))
    return sorted(rows, key=lambda r: (r.school.lower(), r.policy_id))


def school_groups(school_file) -> tuple[str, ...]:
    """Return the names a school is grouped under, nearest first.

    The titles of its group files (a federation, then its trust, then an HR
    service), then its trust and local authority as the school file names them.
    """
    names = [group_title(group) for group in group_layers(school_file.source)]
    names += [school_file.school.trust, school_file.school.local_authority]
    return tuple(dict.fromkeys(name for name in names if name))


async def dashboard(request: Request) -> Response:
    workspace = request.app.state.workspace
    user = request.scope["user"]
    today = request.app.state.today()
    rows = dashboard_rows(workspace, user, today)
    groups = sorted({name for r in rows for name in r.groups}, key=str.lower)
    group = request.query_params.get("group", "")
    status = request.query_params.get("status", "")
    shown = [r for r in rows if (not group or group in r.groups) and (not status or status in r.statuses)]
    counts = {key: sum(1 for r in rows if key in r.statuses) for key in STATUSES}
    return render(request, "dashboard.html", title="Dashboard", rows=shown, total=len(rows), groups=groups,
                  group=group if group in groups else "", status=status if status in STATUSES else "",
                  statuses=STATUSES, counts=counts, today=today)
