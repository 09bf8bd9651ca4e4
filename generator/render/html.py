"""Write a resolved :class:`Policy` as an HTML fragment, for the web preview.

The same tree the Word writer reads: numbered sections and clauses, the
chosen wording, lists (nested, bulleted or numbered), forms and the table of
changes become plain, semantic HTML. Every piece of text is escaped, so
school data prints literally. No LibreOffice, no template files: the page
around the fragment is the web app's business.

A redline (a Policy whose tree holds :class:`~generator.model.Insertion` and
:class:`~generator.model.Deletion` inlines, see :mod:`generator.compare`)
comes out with ``<ins>`` and ``<del>``; a clause or section added or removed
whole is marked by a class and its heading says so.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from generator.dates import format_date
from generator.model import (
    Block, Clause, Deletion, Form, Inline, Insertion, ListBlock, ListItem, Paragraph, Policy, Run, Section,
)

WHOLE = {"inserted": "Added", "deleted": "Removed"}


def render_html(policy: Policy) -> Markup:
    """Return ``policy`` as an HTML fragment: a governance summary, contents and every section."""
    parts = [_governance(policy), _contents(policy)]
    parts += [_section(section) for section in policy.sections]
    return Markup(f'<article class="policy" lang="{escape(policy.language)}">') + Markup("").join(parts) + \
        Markup("</article>")


def render_blocks(blocks: tuple[Block, ...]) -> Markup:
    """Return a clause's blocks (paragraphs and lists) as HTML."""
    out: list[Markup] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(Markup("<p>") + render_runs(block.runs) + Markup("</p>"))
        elif isinstance(block, ListBlock):
            out.append(_list(block.items))
    return Markup("").join(out)


def render_runs(runs: tuple[Inline, ...]) -> Markup:
    """Return inlines as HTML: bold, italic and links; insertions as <ins>, deletions as <del>."""
    out: list[Markup] = []
    for inline in runs:
        if isinstance(inline, Insertion):
            out.append(Markup("<ins>") + render_runs(inline.runs) + Markup("</ins>"))
        elif isinstance(inline, Deletion):
            out.append(Markup("<del>") + render_runs(inline.runs) + Markup("</del>"))
        else:
            out.append(_run(inline))
    return Markup("").join(out)


def _run(run: Run) -> Markup:
    html = escape(run.text)
    if run.bold:
        html = Markup("<strong>") + html + Markup("</strong>")
    if run.italic:
        html = Markup("<em>") + html + Markup("</em>")
    if run.href:
        html = Markup('<a href="{}" rel="noopener">').format(run.href) + html + Markup("</a>")
    return html


def _list(items: tuple[ListItem, ...]) -> Markup:
    """Return list items, nested by level, as <ul>/<ol> elements."""
    out: list[Markup] = []
    stack: list[str] = []  # the tag of each open list, outermost first
    for item in items:
        level = max(0, item.level)
        tag = "ol" if item.ordered else "ul"
        while len(stack) > level + 1:
            out.append(Markup(f"</li></{stack.pop()}>"))
        if len(stack) == level + 1 and stack[-1] != tag:
            out.append(Markup(f"</li></{stack.pop()}>"))
        if len(stack) == level + 1:
            out.append(Markup("</li>"))
        while len(stack) < level + 1:
            stack.append(tag)
            out.append(Markup(f"<{tag}>"))
        out.append(Markup("<li>") + render_runs(item.runs))
    while stack:
        out.append(Markup(f"</li></{stack.pop()}>"))
    return Markup("").join(out)


def _governance(policy: Policy) -> Markup:
    gov = policy.governance
    current = gov.current
    rows = [
        ("School", policy.school_name),
        ("Version", gov.version),
        ("Approved", f"{format_date(current.date)} by {current.by}" if current else "Not yet approved"),
        ("Next review", format_date(current.next_review) if current else "After first approval"),
        ("Policy owner", gov.owner),
        ("Approving body", gov.approving_body),
        ("Clause library", policy.library_version),
    ]
    if gov.index_ref:
        rows.insert(0, ("Index reference", gov.index_ref))
    body = Markup("").join(Markup("<tr><th scope=\"row\">{}</th><td>{}</td></tr>").format(k, v) for k, v in rows)
    return (Markup('<header class="policy-cover"><h1>{}</h1>').format(policy.title)
            + Markup('<table class="policy-governance"><caption>About this policy</caption>')
            + body + Markup("</table></header>"))


def _contents(policy: Policy) -> Markup:
    items = Markup("").join(Markup('<li><a href="#{}">{}</a></li>').format(_anchor(s), s.heading)
                            for s in policy.sections)
    return Markup('<nav class="policy-contents" aria-label="Contents"><h2>Contents</h2><ul>') + items + \
        Markup("</ul></nav>")


def _anchor(section: Section) -> str:
    return f"section-{section.id}"


def _whole(change: str | None) -> tuple[str, Markup]:
    """Return the class and heading note of a clause or section added or removed whole."""
    if change not in WHOLE:
        return "", Markup("")
    return f" {change}", Markup(' <span class="change-note">({})</span>').format(WHOLE[change])


def render_clause(clause: Clause) -> Markup:
    """Return one numbered clause: its heading and its wording."""
    origin = " local" if clause.origin == "school" else ""
    marked, note = _whole(clause.change)
    return (Markup('<div class="clause{}{}" id="clause-{}"><h3><span class="number">{}</span> {}{}</h3>').format(
        origin, marked, clause.id, clause.number, clause.title, note)
        + render_blocks(clause.blocks) + Markup("</div>"))


def _section(section: Section) -> Markup:
    marked, note = _whole(section.change)
    out = [Markup('<section class="policy-section{}{}" id="{}"><h2>{}{}</h2>').format(
        " appendix" if section.appendix else "", marked, _anchor(section), section.heading, note)]
    for clause in section.clauses:
        out.append(render_clause(clause))
    if section.form is not None:
        out.append(_form(section.form))
    if section.changes is not None:
        out.append(_changes(section))
    out.append(Markup("</section>"))
    return Markup("").join(out)


def _form(form: Form) -> Markup:
    out = [render_blocks(form.intro), Markup('<table class="policy-form"><tbody>')]
    for row in form.rows:
        if row.kind == "heading":
            out.append(Markup('<tr><th colspan="3" scope="colgroup" class="form-heading">{}</th></tr>').format(row.label))
        elif row.kind == "field":
            out.append(Markup('<tr><th scope="row">{}</th><td colspan="2" class="blank"></td></tr>').format(row.label))
        elif row.kind == "tick":
            out.append(Markup('<tr><td colspan="3"><span class="tick" aria-hidden="true">\u2610</span> {}</td></tr>')
                       .format(row.label))
        elif row.kind == "sign":
            role = Markup("{}").format(row.label) + (Markup("<br><span class=\"detail\">{}</span>").format(row.detail)
                                                      if row.detail else Markup(""))
            out.append(Markup('<tr><th scope="rowgroup" rowspan="3">{}</th><th scope="row">Name</th><td>{}</td></tr>'
                              '<tr><th scope="row">Signature</th><td class="blank"></td></tr>'
                              '<tr><th scope="row">Date</th><td class="blank"></td></tr>').format(role, row.value))
    out.append(Markup("</tbody></table>"))
    return Markup("").join(out)


def _changes(section: Section) -> Markup:
    head = Markup('<table class="policy-changes"><thead><tr><th scope="col">Date of change</th>'
                  '<th scope="col">Paragraphs affected</th><th scope="col">Summary of update</th></tr></thead><tbody>')
    rows = [Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(format_date(c.date), c.paragraphs, c.summary)
            for c in section.changes or ()]
    if not rows:
        rows = [Markup('<tr><td>None yet</td><td></td><td>No approved changes have been recorded.</td></tr>')]
    return head + Markup("").join(rows) + Markup("</tbody></table>")
