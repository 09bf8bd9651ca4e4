"""The editor's forms, generated from the school model and the clause library.

A :class:`Field` knows its form name, where its value lives in the school
file (``loc``), how a person sees it (label, hint) and how to turn what the
browser sent back into a value for the file. Nothing here decides whether a
value is right: that is :func:`generator.check.check_school`'s job.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator.library import ClauseBase, PolicyType
from generator.markdown import MarkdownProblem, parse_markdown
from generator.render.html import render_blocks
from generator.resolve import text_context
from generator.school import School, SchoolFile
from generator.source import Loc
from generator.templating import RenderFailure, render_text
from generator.web.edit import REMOVE


@dataclass(frozen=True)
class Option:
    """One radio button or select option."""

    value: str
    label: str
    hint: str = ""
    wording: Markup | None = None


@dataclass
class Field:
    """One form control and where its value lives in the school file."""

    name: str
    loc: Loc
    label: str
    kind: str = "text"  # text, textarea, radios, checkbox, select, lines, contacts, number
    hint: str = ""
    value: Any = ""
    options: list[Option] = field(default_factory=list)
    wording: Markup | None = None
    default: Any = None  # what the library prints when the file says nothing
    errors: list[str] = field(default_factory=list)
    width: str = ""

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace(" ", "-")


@dataclass
class Group:
    """A titled set of fields (a section of a form)."""

    title: str
    fields: list[Field]
    hint: str = ""


def get(data: Any, loc: Loc, default: Any = "") -> Any:
    """Return the plain value at ``loc`` in ``data``, or ``default``."""
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return default
    return default if node is None else node


def details_form(data: dict, fonts: list[str]) -> list[Group]:
    """Return the identity, people and branding fields of a school file's plain ``data``."""
    types = typing.get_args(School.model_fields["type"].annotation)
    identity = [
        Field("name", ("name",), "School name", hint="As it prints on the cover and in the text."),
        Field("short_name", ("short_name",), "Short name", hint="Optional. Used where the text is repeated."),
        Field("type", ("type",), "Type of school", kind="select", options=[Option(t, t.capitalize()) for t in types]),
        Field("local_authority", ("local_authority",), "Local authority"),
        Field("trust", ("trust",), "Trust", hint="Leave blank unless the school is an academy in a trust."),
        Field("hr_service", ("hr_service",), "HR service"),
        Field("governing_body", ("governing_body",), "Governing body",
              hint="As it reads in a sentence, for example “the governing body”."),
        Field("website", ("website",), "Website"),
    ]
    people = []
    for role, person in (data.get("people") or {}).items():
        label = role.replace("_", " ").capitalize()
        people += [
            Field(f"people.{role}.name", ("people", role, "name"), f"{label}: name"),
            Field(f"people.{role}.title", ("people", role, "title"), f"{label}: job title"),
            Field(f"people.{role}.email", ("people", role, "email"), f"{label}: email"),
        ]
    branding = [
        Field("branding.logo_alt", ("branding", "logo_alt"), "Logo description",
              hint="What the logo shows, for people who cannot see it."),
        Field("branding.colours.primary", ("branding", "colours", "primary"), "Main colour",
              hint="Written #RRGGBB, for example #1F3864. Used for headings.", width="short"),
        Field("branding.colours.accent", ("branding", "colours", "accent"), "Accent colour",
              hint="Written #RRGGBB.", width="short"),
        Field("branding.font", ("branding", "font"), "Font", kind="select",
              hint="Only fonts installed on this server are listed.",
              options=[Option(f, f) for f in fonts]),
        Field("branding.motto", ("branding", "motto"), "Motto", hint="Optional. Printed on the cover."),
    ]
    groups = [Group("Identity", identity), Group("People and roles", people,
                                                 hint="The people the policy names. Roles are set by the adviser.")]
    groups.append(Group("Branding", branding))
    for group in groups:
        for f in group.fields:
            f.value = get(data, f.loc, "")
            if f.kind == "select" and f.value and f.value not in [o.value for o in f.options]:
                f.options.insert(0, Option(str(f.value), str(f.value)))
    return groups


def policy_form(lib: PolicyType, school_file: SchoolFile, data: dict) -> list[Group]:
    """Return one group per section of the policy, plus its lists and governance."""
    pid = lib.spec.id
    base: Loc = ("policies", pid)
    context = text_context(school_file, pid, lib.spec.title)
    groups = []
    for section in lib.spec.sections + [a for a in lib.spec.appendices if a.clauses]:
        clauses = [lib.clauses[cid] for cid in section.clauses if cid in lib.clauses]
        fields = [_clause_field(clause, base, data, context) for clause in clauses if clause.control]
        fixed = [clause.title for clause in clauses if not clause.control]
        if fields:
            hint = ("Always included: " + "; ".join(fixed) + ".") if fixed else ""
            groups.append(Group(section.title, fields, hint))
    additions = []
    for i, addition in enumerate(get(data, base + ("additions",), []) or []):
        additions += [
            Field(f"additions.{i}.title", base + ("additions", i, "title"), f"Addition {i + 1}: title",
                  value=addition.get("title", "")),
            Field(f"additions.{i}.text", base + ("additions", i, "text"), f"Addition {i + 1}: wording",
                  kind="textarea", hint="Markdown: a blank line between paragraphs, “- ” for a list item.",
                  value=addition.get("text", "")),
        ]
    if additions:
        groups.append(Group("The school's own additions", additions))
    lists = [
        Field("related_policies", base + ("related_policies",), "Related policies", kind="lines",
              hint="One policy on each line.", value="\n".join(get(data, base + ("related_policies",), []))),
        Field("contacts", base + ("contacts",), "Contacts for further information", kind="contacts",
              hint="One contact on each line: a name, then a vertical bar, then details. "
                   "For example: Mrs J. Hardy | Headteacher",
              value="\n".join(f"{c.get('name', '')} | {c.get('details', '')}".rstrip(" |")
                              for c in get(data, base + ("contacts",), []) if isinstance(c, dict))),
    ]
    groups.append(Group("Related policies and contacts", lists))
    gov = base + ("governance",)
    groups.append(Group("Governance", [
        Field("governance.index_ref", gov + ("index_ref",), "Index reference", value=get(data, gov + ("index_ref",))),
        Field("governance.approving_body", gov + ("approving_body",), "Approving body",
              hint="Who approves this policy, for example Full Governing Body.",
              value=get(data, gov + ("approving_body",))),
        Field("governance.review_cycle_months", gov + ("review_cycle_months",), "Review every (months)",
              kind="number", width="short", hint=f"Leave blank for the library's {lib.spec.review_cycle_months} months.",
              value=get(data, gov + ("review_cycle_months",))),
    ]))
    return groups


def _wording(text: str, context: dict) -> Markup:
    try:
        return render_blocks(parse_markdown(render_text(text, context)))
    except (RenderFailure, MarkdownProblem):
        return Markup("<pre>{}</pre>").format(text)


def _clause_field(clause: ClauseBase, base: Loc, data: dict, context: dict) -> Field:
    """Return the control that asks for a clause's value: its kind says which, its options and its default."""
    loc = base + ("choices", clause.id)
    current = get(data, loc, None)
    name = f"choices.{clause.id}"
    options = [Option(str(o.value), o.label, o.guidance, _wording(o.text, context)) for o in clause.options()]
    wording = _wording(clause.text, context) if clause.is_switch else None  # what switching it on prints
    return Field(name, loc, clause.title, clause.control, clause.hint(), value=clause.shown_value(current),
                 options=options, wording=wording, default=clause.shown_value(None))


def edits_from(groups: list[Group], form: Any, data: dict) -> dict[Loc, Any]:
    """Return the school-file edits the posted ``form`` asks for.

    A choice left at the library default is not written into a file that
    does not already name it; an emptied text removes its key.
    """
    edits: dict[Loc, Any] = {}
    for group in groups:
        for f in group.fields:
            present = get(data, f.loc, None) is not None
            if f.kind == "checkbox":
                on = form.get(f.name) == "on"
                if present or on != f.default:
                    edits[f.loc] = "on" if on else "off"
                continue
            sent = form.get(f.name)
            if sent is None:
                continue
            sent = str(sent).replace("\r\n", "\n")
            if f.kind == "radios":
                if present or sent != f.default:
                    edits[f.loc] = sent
            elif f.kind == "lines":
                items = [line.strip() for line in sent.splitlines() if line.strip()]
                edits[f.loc] = items if items else REMOVE
            elif f.kind == "contacts":
                items = []
                for line in sent.splitlines():
                    if line.strip():
                        name, _, details = line.partition("|")
                        entry = {"name": name.strip()}
                        if details.strip():
                            entry["details"] = details.strip()
                        items.append(entry)
                edits[f.loc] = items if items else REMOVE
            elif f.kind == "number":
                edits[f.loc] = (int(sent) if sent.strip().isdigit() else sent.strip()) if sent.strip() else REMOVE
            elif f.kind == "textarea" and f.loc[-2] == "choices":
                edits[f.loc] = sent.strip() + "\n" if sent.strip() else REMOVE
            else:
                edits[f.loc] = sent.strip() if (sent.strip() or present) else REMOVE
                if not sent.strip():
                    edits[f.loc] = REMOVE if f.loc[-1] not in ("name",) else ""
    return edits


def fill(groups: list[Group], form: Any, problems: dict[str, list[str]]) -> None:
    """Put what the browser sent, and each field's problems, back into the fields."""
    for group in groups:
        for f in group.fields:
            if f.kind == "checkbox":
                f.value = form.get(f.name) == "on"
            elif form.get(f.name) is not None:
                f.value = str(form.get(f.name))
            f.errors = problems.get(f.name, [])
