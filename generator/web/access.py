"""Who may see what: every school page goes through :func:`school_for`."""

from __future__ import annotations

from starlette.requests import Request

from generator.school import SchoolFile
from generator.web.workspace import NotFound


class Forbidden(Exception):
    """The user is signed in but may not do this: answer 403."""


def school_for(request: Request, *, edit: bool = False) -> SchoolFile:
    """Return the school the URL names, if the user may see it (and edit it, with ``edit``).

    Raises:
        NotFound: no such school, or not one of the user's (a clerk never learns which).
        Forbidden: a clerk asked to edit.
        InputError: the school file has errors.
    """
    user = request.scope["user"]
    school_id = request.path_params["school_id"]
    if not user.may_see(school_id):
        raise NotFound(school_id)
    workspace = request.app.state.workspace
    workspace.school_path(school_id)
    if edit and not user.is_adviser:
        raise Forbidden()
    return workspace.school(school_id)


def policy_id_for(request: Request, school_file: SchoolFile) -> str:
    """Return the policy the URL names, if the school has it and the library knows it.

    Raises:
        NotFound: otherwise.
    """
    policy_id = request.path_params["policy_id"]
    library = request.app.state.workspace.library()
    if policy_id not in school_file.school.policies or policy_id not in library.policies:
        raise NotFound(policy_id)
    return policy_id


def require_adviser(request: Request) -> None:
    """Raise :class:`Forbidden` unless the user is an adviser."""
    if not request.scope["user"].is_adviser:
        raise Forbidden()


def school_context(school_file: SchoolFile, **more) -> dict:
    """Return what every school page's template needs."""
    logo = school_file.logo_path
    return {"school_id": school_file.id, "school_name": school_file.school.name,
            "has_logo": bool(logo and logo.is_file())} | more
