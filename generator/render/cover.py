"""What the house template's placeholders are filled with: the cover, the governance tables, the body's place.

School data is data: every value is escaped for the template's XML so that
it prints exactly as written (:func:`literal`), and never runs as template
code.
"""

from __future__ import annotations

import io
from typing import Any

from docx.oxml.ns import qn
from docx.shared import Cm
from markupsafe import Markup, escape

from generator.dates import format_date
from generator.errors import InputError, Problem
from generator.logo import LogoProblem, logo_for_document
from generator.model import Policy
from generator.render.oxml import markup
from generator.render.template import InlineImage

BODY_MARKER = "__policygen_body__"


class BodyMarker:
    """What ``{{p body }}`` renders to: a paragraph replaced by the body afterwards."""

    def __html__(self) -> str:
        return markup.paragraph(None, markup.run(BODY_MARKER))

    __str__ = __html__


def find_marker(doc: Any) -> Any:
    """Return the paragraph :class:`BodyMarker` left in the rendered ``doc``, or None."""
    for p in doc.element.body.iter(qn("w:p")):
        if "".join(t.text or "" for t in p.iter(qn("w:t"))) == BODY_MARKER:
            return p
    return None


def cover_context(policy: Policy, tpl: Any, title: str | None = None) -> dict[str, Any]:
    """Return the values of the house template's placeholders for ``policy``, escaped (see :func:`literal`).

    ``title`` replaces the policy's title. A draft's cover says so, and never
    shows the last approval's date.

    Raises:
        InputError: the logo changed since it was checked and is no longer usable.
    """
    gov = policy.governance
    current = gov.current
    status = policy.status
    draft = status.draft and policy.comparison is None  # a redline's cover says what it compares instead
    logo: Any = ""
    if policy.brand.logo:
        try:
            image = logo_for_document(policy.brand.logo)
        except LogoProblem as exc:  # changed since it was checked
            raise InputError(Problem(policy.brand.logo, 0, 0, exc.message)) from None
        logo = InlineImage(tpl, image_descriptor=io.BytesIO(image.data), width=Cm(image.width_cm),
                           height=Cm(image.height_cm))
    if draft:  # the cover, header and footer all say so; never the last approval's date
        version = status.label
        date_approved = "Not yet approved"
        body = gov.approving_body  # a title ("Governing Body"): in a sentence it takes "the"
        approved_by = f"To be approved by {'' if body.lower().startswith('the ') else 'the '}{body}"
        next_review = "To be set when approved"
    else:
        version = gov.version
        date_approved = format_date(current.date) if current else "Not yet approved"
        approved_by = current.by if current else gov.approving_body
        next_review = format_date(current.next_review) if current else "To be set when approved"
    return literal({
        "logo": logo,
        "school_name": policy.school_name,
        "school_short_name": policy.short_name or policy.school_name,
        "members": _members_line(policy.members),
        "motto": policy.brand.motto,
        "policy_title": (title or policy.title) + (" (Draft)" if draft else ""),
        "index_ref": gov.index_ref,
        "owner": gov.owner,
        "version": version,
        "date_approved": date_approved,
        "approved_by": approved_by,
        "next_review": next_review,
        "history": [
            {"version": a.version, "date": format_date(a.date), "by": a.by, "summary": a.summary,
             "next_review": format_date(a.next_review)}
            for a in gov.history
        ],
        "body": BodyMarker(),
    })


def _members_line(members: tuple[str, ...]) -> str:
    """Return a federation's schools for the cover: "Ash Primary, Beech Infant and Cedar Junior"."""
    if len(members) < 2:
        return "".join(members)
    return f"{', '.join(members[:-1])} and {members[-1]}"


def literal(value: Any) -> Any:
    """Return ``value`` with its text escaped for the template's XML, to print exactly as written.

    docxtpl turns ``{_{``, ``}_}``, ``{_%`` and ``%_}`` in its output into
    Jinja braces; writing every ``_`` of school data as ``&#95;`` keeps them
    literal (a school named "A %_} B" stays so).
    """
    if isinstance(value, str):
        return Markup(str(escape(value)).replace("_", "&#95;"))
    if isinstance(value, dict):
        return {k: literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [literal(v) for v in value]
    return value
