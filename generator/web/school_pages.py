"""A school's overview, its logo and brand stylesheet, and the policy preview."""

from __future__ import annotations

import mimetypes

from starlette.requests import Request
from starlette.responses import Response

from generator.check import check_school
from generator.errors import InputError
from generator.render.html import render_html
from generator.web.access import policy_id_for, school_context, school_for
from generator.web.pages import render
from generator.web.review_pages import review_state
from generator.web.workspace import NotFound

LOGO_TYPES = {"image/png", "image/jpeg", "image/gif"}


async def school_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    try:
        school_file = school_for(request)
    except InputError as exc:
        school_id = request.path_params["school_id"]
        return render(request, "school.html", title=school_id, school_id=school_id, school_name=school_id,
                      has_logo=False, problems=[p.message if p.line == 0 else f"line {p.line}: {p.message}"
                                                for p in exc.problems], policies=[])
    library = workspace.library()
    problems = [f"line {p.line}: {p.message}" for p in check_school(library, school_file).errors]
    policies = []
    for pid, policy in school_file.school.policies.items():
        if pid not in library.policies:
            continue
        approvals = policy.governance.approvals
        cycle = policy.governance.cycle(library.policies[pid].spec.review_cycle_months)
        policies.append({"id": pid, "title": library.policies[pid].spec.title,
                         "version": approvals[-1].version if approvals else "Draft",
                         "next_review": approvals[-1].review_due(cycle) if approvals else None})
    return render(request, "school.html", title=school_file.school.name,
                  **school_context(school_file, problems=problems, policies=policies))


async def logo(request: Request) -> Response:
    school_file = school_for(request)
    path = school_file.logo_path
    if path is None or not path.is_file():
        raise NotFound("logo")
    kind = mimetypes.guess_type(path.name)[0]
    if kind not in LOGO_TYPES:
        raise NotFound("logo")
    return Response(path.read_bytes(), media_type=kind, headers={"cache-control": "no-cache"})


async def brand_css(request: Request) -> Response:
    """Return the school's colours as a stylesheet (the CSP allows no inline styles)."""
    school_file = school_for(request)
    colours = school_file.school.branding.colours
    css = (f":root {{ --brand: {colours.primary}; --brand-accent: {colours.accent}; }}\n"
           ".school-banner { border-left-color: var(--brand); }\n"
           ".policy-preview h2 { border-bottom: 3px solid var(--brand); }\n"
           ".site-header { border-bottom-color: var(--brand); }\n")
    return Response(css, media_type="text/css", headers={"cache-control": "no-cache"})


async def preview(request: Request) -> Response:
    school_file = school_for(request)
    policy_id = policy_id_for(request, school_file)
    library = request.app.state.workspace.library()
    state = review_state(library, school_file, policy_id, request.app.state.today())
    policy = state["policy"]
    return render(request, "preview.html", title=f"Preview: {policy.title}", crumb=f"Preview: {policy.title}",
                  body=render_html(policy), policy_id=policy_id, last=state["last"], changes=state["changes"],
                  approved=bool(policy.governance.history), approving_body=policy.governance.approving_body,
                  **school_context(school_file))
