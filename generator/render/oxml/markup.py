"""WordprocessingML for the policy body, built as text and parsed once.

Building a few hundred paragraphs through python-docx's object API costs
about a tenth of a second; writing the same XML as escaped text and parsing
it once with lxml costs a few milliseconds. These functions return XML
fragments (strings); :func:`parse_body` turns a fragment into elements.
Tracked changes are drawn here too: :func:`tracked` wraps runs in ``w:ins`` or
``w:del``, ``run(deleted=True)`` writes ``w:delText``, and ``paragraph(mark=...)``
tracks a paragraph mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from docx.oxml import parse_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TWIPS_PER_CM = 566.929


def twips(cm: float) -> int:
    return round(cm * TWIPS_PER_CM)


def run(text: str, *, bold: bool = False, italic: bool = False, font: str | None = None,
        colour: str | None = None, style: str | None = None, deleted: bool = False,
        underline: str | None = None, strike: bool = False, shade: str | None = None) -> str:
    """Return a ``w:r`` holding ``text`` with the given formatting (``w:delText`` when ``deleted``).

    ``underline`` is a ``w:u`` value ("single", "double"); ``shade`` a background colour.
    """
    props = ""
    if style:
        props += f'<w:rStyle w:val={quoteattr(style)}/>'
    if font:
        props += f'<w:rFonts w:ascii={quoteattr(font)} w:hAnsi={quoteattr(font)} w:cs={quoteattr(font)}/>'
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    if strike:
        props += "<w:strike/>"
    if colour:
        props += f'<w:color w:val="{colour.lstrip("#")}"/>'
    if underline:
        props += f'<w:u w:val={quoteattr(underline)}/>'
    if shade:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade.lstrip("#")}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r>{rpr}<{tag} xml:space="preserve">{escape(text)}</{tag}></w:r>'


@dataclass(frozen=True)
class Revision:
    """Who made a tracked change, and when."""

    author: str
    when: str  # ISO 8601, e.g. 2026-11-21T00:00:00Z


def tracked(kind: str, content: str, change_id: int, revision: Revision) -> str:
    """Wrap runs as a tracked insertion (``ins``) or deletion (``del``)."""
    return (f'<w:{kind} w:id="{change_id}" w:author={quoteattr(revision.author)} w:date="{revision.when}">'
            f"{content}</w:{kind}>")


def hyperlink(content: str, *, rel_id: str | None = None, anchor: str | None = None) -> str:
    """Wrap runs in a hyperlink: external (relationship id) or internal (bookmark)."""
    attrs = (f' r:id="{rel_id}"' if rel_id else "") + (f' w:anchor={quoteattr(anchor)} w:history="1"' if anchor else "")
    return f"<w:hyperlink{attrs}>{content}</w:hyperlink>"


def bookmark(content: str, name: str, bookmark_id: int) -> str:
    """Wrap paragraph content in a named bookmark."""
    return (f'<w:bookmarkStart w:id="{bookmark_id}" w:name={quoteattr(name)}/>{content}'
            f'<w:bookmarkEnd w:id="{bookmark_id}"/>')


def field_begin(instruction: str) -> str:
    """Open a complex field, marked dirty so Word refreshes it."""
    return ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')


def field_end() -> str:
    return '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def tab() -> str:
    return "<w:r><w:tab/></w:r>"


def paragraph(style_id: str | None, content: str = "", *, num: tuple[int, int] | None = None,
              keep_next: bool = False, right_tab_cm: float | None = None,
              mark: tuple[str, int, Revision] | None = None, space_before_pt: int | None = None,
              page_break_before: bool = False, hanging_cm: float | None = None) -> str:
    """Return a ``w:p`` in a style, optionally in a list (numId, level).

    ``keep_next`` keeps it on the page of the paragraph after it;
    ``page_break_before`` starts it on a new page (no empty paragraph needed);
    ``hanging_cm`` indents every line but the first, which a tab then reaches.

    ``mark`` = (kind, id, revision) tracks the paragraph mark itself as
    inserted or deleted, so accepting a deletion removes the whole paragraph.
    """
    ppr = f'<w:pStyle w:val={quoteattr(style_id)}/>' if style_id else ""
    if keep_next:
        ppr += "<w:keepNext/>"
    if page_break_before:
        ppr += "<w:pageBreakBefore/>"
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if right_tab_cm is not None:
        ppr += f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{twips(right_tab_cm)}"/></w:tabs>'
    if space_before_pt is not None:
        ppr += f'<w:spacing w:before="{space_before_pt * 20}"/>'
    if hanging_cm is not None:
        ppr += f'<w:ind w:left="{twips(hanging_cm)}" w:hanging="{twips(hanging_cm)}"/>'
    if mark:
        kind, change_id, revision = mark
        ppr += (f'<w:rPr><w:{kind} w:id="{change_id}" w:author={quoteattr(revision.author)} '
                f'w:date="{revision.when}"/></w:rPr>')
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{content}</w:p>"


def page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


@dataclass(frozen=True)
class Cell:
    """A table cell: its paragraphs' XML, width, span and look."""

    content: str
    width_cm: float
    span: int = 1
    fill: str | None = None
    merge: str | None = None  # "restart" or "continue" (vertical merge)


def table(style_id: str, widths_cm: tuple[float, ...], rows: list[tuple[list[Cell], dict]]) -> str:
    """Return a fixed-layout ``w:tbl``; each row is (cells, {"height_cm", "header", "keep"})."""
    total = sum(widths_cm)
    grid = "".join(f'<w:gridCol w:w="{twips(w)}"/>' for w in widths_cm)
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val={quoteattr(style_id)}/>'
           f'<w:tblW w:w="{twips(total)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
           f'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
           f"<w:tblGrid>{grid}</w:tblGrid>"]
    for cells, opts in rows:
        trpr = ""
        if opts.get("keep"):
            trpr += "<w:cantSplit/>"
        if opts.get("height_cm"):
            trpr += f'<w:trHeight w:val="{twips(opts["height_cm"])}"/>'
        if opts.get("header"):
            trpr += "<w:tblHeader/>"
        out.append(f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}")
        for cell in cells:
            tcpr = f'<w:tcW w:w="{twips(cell.width_cm)}" w:type="dxa"/>'
            if cell.span > 1:
                tcpr += f'<w:gridSpan w:val="{cell.span}"/>'
            if cell.merge:
                tcpr += '<w:vMerge w:val="restart"/>' if cell.merge == "restart" else "<w:vMerge/>"
            if cell.fill:
                tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.fill.lstrip("#")}"/>'
            out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{cell.content or paragraph(None)}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def parse_body(fragment: str) -> list:
    """Return the block elements of an XML fragment, as python-docx elements."""
    body = parse_xml(f'<w:body xmlns:w="{W_NS}" xmlns:r="{R_NS}">{fragment}</w:body>')
    return list(body)


def parse_runs(fragment: str) -> list:
    """Return the run-level elements of an XML fragment (runs, hyperlinks)."""
    para = parse_xml(f'<w:p xmlns:w="{W_NS}" xmlns:r="{R_NS}">{fragment}</w:p>')
    return list(para)
