"""The library browser: policy types, sections, clauses, variants and who uses them."""

from __future__ import annotations

from collections import Counter

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from generator.errors import InputError
from generator.markdown import MarkdownProblem, parse_markdown
from generator.render.html import render_blocks
from generator.resolve import selection
from generator.web.access import require_adviser
from generator.web.pages import render
from generator.web.workspace import NotFound

async def library_index(request: Request) -> Response:
    require_adviser(request)
    return render(request, "library.html", title="Clause library", library=request.app.state.workspace.library())


def _as_written(text: str) -> Markup:
    """Return clause text as HTML, its placeholders shown as written."""
    try:
        return render_blocks(parse_markdown(text))
    except MarkdownProblem:
        return Markup("<pre>{}</pre>").format(text)


def _usage(workspace, lib) -> tuple[dict[str, Counter], int, int]:
    """Return how many schools choose each variant (or switch each clause on), with the policy, and counted."""
    usage: dict[str, Counter] = {cid: Counter() for cid in lib.clauses}
    schools = counted = 0
    for school_id in workspace.school_ids():
        try:
            school_file = workspace.school(school_id)
        except InputError:
            continue
        if lib.spec.id not in school_file.school.policies:
            continue
        schools += 1
        chosen, problems = selection(lib, school_file)
        if problems:
            continue
        counted += 1
        for cid, value in chosen.items():
            usage[cid][lib.clauses[cid].usage_key(value)] += 1
    return usage, schools, counted


async def library_policy(request: Request) -> Response:
    require_adviser(request)
    workspace = request.app.state.workspace
    library = workspace.library()
    lib = library.policies.get(request.path_params["policy_id"])
    if lib is None:
        raise NotFound("policy")
    key = (workspace.library_stamps(), lib.spec.id, workspace.stamps())
    usage, schools, counted = workspace.memo(f"usage:{lib.spec.id}", key, lambda: _usage(workspace, lib))
    wording = {}
    for cid, clause in lib.clauses.items():
        for vid, text in clause.wordings().items():
            wording[f"{cid}/{vid}" if vid else cid] = _as_written(text)
    parts = [{"id": s.id, "title": s.title, "clauses": [lib.clauses[c] for c in s.clauses if c in lib.clauses]}
             for s in list(lib.spec.sections) + [a for a in lib.spec.appendices if a.clauses]]
    return render(request, "library_policy.html", title=lib.spec.title, lib=lib, parts=parts, usage=usage,
                  wording=wording, schools=schools, counted=counted)
