"""The school editor: details and branding, and one form per policy.

Both pages post back to themselves. A save goes through :mod:`generator.web.edit`:
the same round trip and checks as the command line; problems are shown in an
error summary at the top, each linking to the field it is about.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generator.output import write_atomic
from generator.web.access import policy_id_for, school_context, school_for
from generator.web.edit import SaveResult, fingerprint, save_school
from generator.web.forms import Group, details_form, edits_from, fill, policy_form
from generator.web.pages import flash, render
from generator.web.security import check_csrf

MAX_LOGO_BYTES = 1024 * 1024
LOGO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


@lru_cache(maxsize=1)
def font_families() -> list[str]:
    """Return the font families installed on this server, as fontconfig names them."""
    try:
        done = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    names = {line.split(",")[0].strip() for line in done.stdout.splitlines() if line.strip()}
    return sorted(names, key=str.lower)


def _summary(groups: list[Group], result: SaveResult) -> list[tuple[str, str]]:
    messages = [(f.id, f"{f.label}: {e}") for g in groups for f in g.fields for e in f.errors]
    messages += [("", str(p.message) if p.line == 0 else f"{p.path.name} line {p.line}: {p.message}")
                 for p in result.problems]
    return messages


async def details_page(request: Request) -> Response:
    school_file = school_for(request, edit=True)
    data = school_file.source.data()
    groups = details_form(data, font_families())
    return render(request, "details.html", title=f"Details: {school_file.school.name}", crumb="Details and branding",
                  groups=groups, version=fingerprint(school_file.source.text), messages=[], conflict=False,
                  logo_error="", **school_context(school_file))


async def details_save(request: Request) -> Response:
    school_file = school_for(request, edit=True)
    form = await request.form(max_part_size=MAX_LOGO_BYTES + 1024)
    check_csrf(request, form)
    data = school_file.source.data()
    groups = details_form(data, font_families())
    edits = edits_from(groups, form, data)
    logo_error, new_logo = _read_logo(form.get("logo"))
    library = request.app.state.workspace.library()
    logo_path = None
    old_logo = None
    if new_logo and not logo_error:
        data_bytes, ext = new_logo
        relative = f"logos/{school_file.id}.{ext}"
        logo_path = school_file.path.parent / relative
        old_logo = logo_path.read_bytes() if logo_path.exists() else None
        logo_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(logo_path, data_bytes)
        edits[("branding", "logo")] = relative
    fields = {f.name: f.loc for g in groups for f in g.fields}
    result = save_school(library, school_file.path, edits, str(form.get("version", "")), fields) \
        if not logo_error else SaveResult()
    if logo_path is not None and not result.saved:
        if old_logo is None:
            logo_path.unlink(missing_ok=True)
        else:
            write_atomic(logo_path, old_logo)
    if result.saved:
        changed = result.changed or logo_path is not None
        flash(request, "Saved. The school file passed every check." if changed else "No changes to save.")
        return RedirectResponse(f"/schools/{school_file.id}/details", status_code=303)
    fill(groups, form, result.field_problems)
    messages = _summary(groups, result)
    if logo_error:
        messages.insert(0, ("f-logo", f"Logo: {logo_error}"))
    return render(request, "details.html", 409 if result.conflict else 400, title=f"Details: {school_file.school.name}",
                  crumb="Details and branding", groups=groups, version=str(form.get("version", "")),
                  messages=messages, conflict=result.conflict, logo_error=logo_error, errors=True,
                  **school_context(school_file))


def _read_logo(upload) -> tuple[str, tuple[bytes, str] | None]:
    """Return (problem, (bytes, extension)) of an uploaded logo; no upload gives ("", None)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return "", None
    data = upload.file.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        return f"the logo must be smaller than {MAX_LOGO_BYTES // 1024} KB", None
    if not data:
        return "the chosen file is empty", None
    try:
        image = Image.from_blob(data)
    except (UnrecognizedImageError, Exception):  # noqa: BLE001 - any unreadable header is the same answer
        return "the logo must be a PNG, JPEG or GIF image", None
    ext = LOGO_EXTENSIONS.get(image.content_type)
    if ext is None:
        return "the logo must be a PNG, JPEG or GIF image", None
    return "", (data, ext)


async def policy_page(request: Request) -> Response:
    school_file = school_for(request, edit=True)
    policy_id = policy_id_for(request, school_file)
    lib = request.app.state.workspace.library().policies[policy_id]
    groups = policy_form(lib, school_file, school_file.source.data())
    return render(request, "choices.html", title=f"Choices: {lib.spec.title}", crumb=f"Choices: {lib.spec.title}",
                  groups=groups, version=fingerprint(school_file.source.text), messages=[], conflict=False,
                  policy_id=policy_id, policy_title=lib.spec.title, **school_context(school_file))


async def policy_save(request: Request) -> Response:
    school_file = school_for(request, edit=True)
    policy_id = policy_id_for(request, school_file)
    form = await request.form()
    check_csrf(request, form)
    library = request.app.state.workspace.library()
    lib = library.policies[policy_id]
    data = school_file.source.data()
    groups = policy_form(lib, school_file, data)
    edits = edits_from(groups, form, data)
    fields = {f.name: f.loc for g in groups for f in g.fields}
    result = save_school(library, school_file.path, edits, str(form.get("version", "")), fields)
    if result.saved:
        flash(request, "Saved. The school file passed every check." if result.changed else "No changes to save.")
        return RedirectResponse(f"/schools/{school_file.id}/policies/{policy_id}/choices", status_code=303)
    fill(groups, form, result.field_problems)
    return render(request, "choices.html", 409 if result.conflict else 400, title=f"Choices: {lib.spec.title}",
                  crumb=f"Choices: {lib.spec.title}", groups=groups, version=str(form.get("version", "")),
                  messages=_summary(groups, result), conflict=result.conflict, errors=True,
                  policy_id=policy_id, policy_title=lib.spec.title, **school_context(school_file))
