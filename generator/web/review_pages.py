"""Review and approve: what changed since the last approval, the redline, and the approve form.

Approving goes through a "check your answers" page and then the CLI's own
:func:`generator.review.approve.approve`; the changes come from the same
snapshots and comparison as ``policygen changes``.
"""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from generator.errors import InputError, PolicygenError
from generator.output import output_path
from generator.model import Clause, Deletion, Insertion, ListBlock, Policy
from generator.render.html import render_clause
from generator.review.approve import approve
from generator.review.as_built import resolve_as_built
from generator.review.redline import build_redline, write_redline
from generator.review.snapshot_file import approved_snapshots
from generator.web.access import policy_id_for, school_context, school_for
from generator.web.downloads import MEDIA
from generator.web.pages import flash, render
from generator.web.security import check_csrf
from generator.web.workspace import NotFound


def _marked(blocks) -> bool:
    """Return whether any paragraph or list item of ``blocks`` holds an insertion or deletion."""
    for block in blocks:
        lines = block.items if isinstance(block, ListBlock) else (block,)
        if any(isinstance(i, (Insertion, Deletion)) for line in lines for i in line.runs):
            return True
    return False


def changed_clauses(redline: Policy) -> list[Clause]:
    """Return the clauses of a redline that hold a change, in document order."""
    return [c for s, c in redline.clauses() if c.change or s.change or _marked(c.blocks)]


def review_state(library, school_file, policy_id: str, today: date) -> dict:
    """Return what the review page shows: history, the last snapshot and the redline since it."""
    policy = resolve_as_built(library, school_file, policy_id)
    governance = school_file.school.policies[policy_id].governance
    snapshots = approved_snapshots(school_file, policy_id)
    last = next((snapshots[a.version] for a in reversed(governance.approvals) if a.version in snapshots), None)
    notes, clauses = (), []
    if last is not None:
        redline = build_redline(library, school_file.path, policy_id, today=today).policy
        notes = redline.comparison.notes if redline.comparison else ()
        clauses = [render_clause(c) for c in changed_clauses(redline)]
    return {"policy": policy, "history": list(reversed(policy.governance.history)), "last": last,
            "changes": notes, "marked": clauses, "approving_body": policy.governance.approving_body}


def _page(request: Request, school_file, policy_id: str, status: int = 200, **form) -> Response:
    library = request.app.state.workspace.library()
    state = review_state(library, school_file, policy_id, request.app.state.today())
    defaults = {"day": "", "month": "", "year": "", "by": state["approving_body"], "summary": "", "errors": {},
                "problem": ""}
    title = state["policy"].title
    return render(request, "review.html", status, title=f"Review: {title}", crumb=f"Review: {title}",
                  policy_id=policy_id, today=request.app.state.today(), **state, **(defaults | form),
                  **school_context(school_file))


async def review_page(request: Request) -> Response:
    school_file = school_for(request)
    return _page(request, school_file, policy_id_for(request, school_file))


def _read_approval(form) -> tuple[dict, dict[str, str], date | None]:
    values = {k: str(form.get(k, "")).strip() for k in ("day", "month", "year", "by", "summary")}
    errors = {}
    when = None
    if not (values["day"] and values["month"] and values["year"]):
        errors["day"] = "Enter the date of the meeting that approved the policy, for example 24 11 2026"
    else:
        try:
            when = date(int(values["year"]), int(values["month"]), int(values["day"]))
        except ValueError:
            errors["day"] = "The date must be a real date, for example 24 11 2026"
    if not values["by"]:
        errors["by"] = "Enter who approved the policy, for example Full Governing Body"
    return values, errors, when


async def approve_check(request: Request) -> Response:
    """Show the answers back ("check your answers") before anything is recorded."""
    school_file = school_for(request)
    policy_id = policy_id_for(request, school_file)
    form = await request.form()
    check_csrf(request, form)
    values, errors, when = _read_approval(form)
    if errors:
        return _page(request, school_file, policy_id, 400, errors=errors, **values)
    state = review_state(request.app.state.workspace.library(), school_file, policy_id, request.app.state.today())
    return render(request, "approve_check.html", title="Check your answers", crumb="Check your answers",
                  policy_id=policy_id, when=when, policy=state["policy"], changes=state["changes"],
                  **values, **school_context(school_file))


async def approve_confirm(request: Request) -> Response:
    school_file = school_for(request)
    policy_id = policy_id_for(request, school_file)
    form = await request.form()
    check_csrf(request, form)
    values, errors, when = _read_approval(form)
    if errors:
        return _page(request, school_file, policy_id, 400, errors=errors, **values)
    library = request.app.state.workspace.library()
    try:
        result = await run_in_threadpool(lambda: approve(library, school_file.path, policy_id, when, values["by"],
                                                         values["summary"], today=request.app.state.today()))
    except InputError as exc:
        problem = "; ".join(p.message for p in exc.problems)
        return _page(request, school_file, policy_id, 400, problem=problem, **values)
    except PolicygenError as exc:
        return _page(request, school_file, policy_id, 400, problem=str(exc).split(": ", 1)[-1], **values)
    flash(request, f"Approved: version {result.version}, approved on {when:%-d %B %Y} by {result.by}. "
                   f"Next review by {result.next_review:%-d %B %Y}.")
    return RedirectResponse(f"/schools/{school_file.id}/policies/{policy_id}/review", status_code=303)


def _write_redline(library, school_file, policy_id: str, out_dir, template, today: date, ext: str):
    """Write the redline since the last approval, as ``policygen changes --redline`` does."""
    target = output_path(out_dir, school_file.id, f"{school_file.id}-{policy_id}-redline.{ext}")
    redline = build_redline(library, school_file.path, policy_id, today=today)
    return write_redline(redline, target, template)


async def redline_download(request: Request) -> Response:
    school_file = school_for(request)
    policy_id = policy_id_for(request, school_file)
    ext = request.path_params["ext"]
    if ext not in MEDIA:
        raise NotFound(ext)
    state = request.app.state
    path = await run_in_threadpool(_write_redline, state.workspace.library(), school_file, policy_id,
                                   state.config.out_dir, state.config.template, state.today(), ext)
    return FileResponse(path, media_type=MEDIA[ext], filename=path.name)
