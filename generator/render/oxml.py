"""Raw WordprocessingML, in one place.

python-docx covers paragraphs, runs, tables and styles; the few things it
does not (fields, list restarts, hyperlinks, bookmarks, cell shading,
document language, tracked changes) are built here as plain functions. No
other module builds ``w:`` elements by hand.
"""

from __future__ import annotations

from datetime import datetime

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph


def _el(tag: str, **attrs: str) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key.replace("_", ":", 1)), value)
    return element


def add_simple_field(paragraph: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """Append a field such as ``PAGE`` or ``NUMPAGES`` to ``paragraph``."""
    field = _el("w:fldSimple", w_instr=f" {instruction} ")
    run = _el("w:r")
    text = _el("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _field_char(kind: str, dirty: bool = False) -> OxmlElement:
    run = _el("w:r")
    char = _el("w:fldChar", w_fldCharType=kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def begin_complex_field(paragraph: Paragraph, instruction: str) -> None:
    """Open a complex field (begin, instruction, separate) in ``paragraph``."""
    p = paragraph._p
    p.append(_field_char("begin", dirty=True))
    run = _el("w:r")
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    p.append(run)
    p.append(_field_char("separate"))


def end_complex_field(paragraph: Paragraph) -> None:
    """Close the complex field opened by :func:`begin_complex_field`."""
    paragraph._p.append(_field_char("end"))


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Wrap the contents of ``paragraph`` in a bookmark called ``name``."""
    start = _el("w:bookmarkStart", w_id=str(bookmark_id), w_name=name)
    end = _el("w:bookmarkEnd", w_id=str(bookmark_id))
    p = paragraph._p
    ppr = p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def add_hyperlink(paragraph: Paragraph, text: str, *, url: str | None = None, anchor: str | None = None,
                  bold: bool = False, italic: bool = False, style: str | None = "Hyperlink") -> None:
    """Append a hyperlink run to ``paragraph``: external (``url``) or internal (``anchor``)."""
    link = _el("w:hyperlink")
    if url:
        r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link.set(qn("r:id"), r_id)
    if anchor:
        link.set(qn("w:anchor"), anchor)
        link.set(qn("w:history"), "1")
    run = _el("w:r")
    rpr = _el("w:rPr")
    if style:
        rpr.append(_el("w:rStyle", w_val=style))
    if bold:
        rpr.append(_el("w:b"))
    if italic:
        rpr.append(_el("w:i"))
    run.append(rpr)
    t = _el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def add_tab_leader_stop(paragraph: Paragraph, position_twips: int) -> None:
    """Give ``paragraph`` a right tab stop with a dotted leader (for TOC lines)."""
    ppr = paragraph._p.get_or_add_pPr()
    tabs = _el("w:tabs")
    tabs.append(_el("w:tab", w_val="right", w_leader="dot", w_pos=str(position_twips)))
    ppr.append(tabs)


def restart_numbering(paragraph: Paragraph, num_id_of_style: int) -> int:
    """Make ``paragraph`` start a fresh count of its numbered-list style.

    Adds a ``w:num`` that points at the style's abstract numbering with a
    start override, and sets it on the paragraph. Returns the new numId.
    """
    numbering = paragraph.part.numbering_part.element
    abstract_id = None
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == str(num_id_of_style):
            abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    if abstract_id is None:
        return num_id_of_style
    new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    num = _el("w:num", w_numId=str(new_id))
    num.append(_el("w:abstractNumId", w_val=abstract_id))
    override = _el("w:lvlOverride", w_ilvl="0")
    override.append(_el("w:startOverride", w_val="1"))
    num.append(override)
    numbering.append(num)
    set_paragraph_numbering(paragraph, new_id, 0)
    return new_id


def set_paragraph_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    """Set the list (``numId``) and level of ``paragraph``."""
    ppr = paragraph._p.get_or_add_pPr()
    existing = ppr.find(qn("w:numPr"))
    if existing is not None:
        ppr.remove(existing)
    numpr = _el("w:numPr")
    numpr.append(_el("w:ilvl", w_val=str(level)))
    numpr.append(_el("w:numId", w_val=str(num_id)))
    # numPr must come right after pStyle (schema order)
    style = ppr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(numpr)
    else:
        ppr.insert(0, numpr)


def style_num_id(style) -> int | None:
    """Return the numId a paragraph style links to, or None."""
    ppr = style.element.pPr
    if ppr is None or ppr.find(qn("w:numPr")) is None:
        return None
    num = ppr.find(qn("w:numPr")).find(qn("w:numId"))
    return int(num.get(qn("w:val"))) if num is not None else None


def shade_cell(cell, fill_hex: str) -> None:
    """Fill a table cell with a solid colour (``RRGGBB``)."""
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    tcpr.append(_el("w:shd", w_val="clear", w_color="auto", w_fill=fill_hex.lstrip("#")))


def mark_header_row(row) -> None:
    """Repeat ``row`` at the top of each page, as a table header."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(_el("w:tblHeader"))


def keep_row_together(row) -> None:
    """Stop ``row`` from splitting across pages."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(_el("w:cantSplit"))


def set_document_language(styles_element, language: str) -> None:
    """Set the default language of every run (``w:docDefaults``) to ``language``."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(_el("w:lang", w_val=language, w_eastAsia=language, w_bidi="ar-SA"))


def set_default_font(styles_element, font: str) -> None:
    """Make ``font`` the document's default for every script (``w:docDefaults``)."""
    defaults = styles_element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
    if rpr is None:
        set_document_language(styles_element, "en-GB")
        rpr = styles_element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts would override the names below
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def set_update_fields_on_open(settings_element) -> None:
    """Ask Word to refresh fields (the table of contents) when it opens the file."""
    for old in settings_element.findall(qn("w:updateFields")):
        settings_element.remove(old)
    settings_element.append(_el("w:updateFields", w_val="true"))


def set_alt_text(inline_shape, text: str) -> None:
    """Set the description (alt text) of an inline picture."""
    inline_shape._inline.docPr.set("descr", text)


def tracked_run(text: str, kind: str, change_id: int, author: str, when: datetime,
                bold: bool = False, italic: bool = False) -> OxmlElement:
    """Return a run wrapped as a tracked insertion (``ins``) or deletion (``del``)."""
    wrapper = _el(f"w:{kind}", w_id=str(change_id), w_author=author, w_date=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    wrapper.append(plain_run(text, bold=bold, italic=italic, deleted=(kind == "del")))
    return wrapper


def plain_run(text: str, bold: bool = False, italic: bool = False, deleted: bool = False) -> OxmlElement:
    """Return a ``w:r`` holding ``text`` (as ``w:delText`` when ``deleted``)."""
    run = _el("w:r")
    if bold or italic:
        rpr = _el("w:rPr")
        if bold:
            rpr.append(_el("w:b"))
        if italic:
            rpr.append(_el("w:i"))
        run.append(rpr)
    t = _el("w:delText" if deleted else "w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    return run


def span_columns(row, first: int, count: int) -> None:
    """Merge ``count`` cells of ``row`` from column ``first`` into one (gridSpan)."""
    tcs = row._tr.findall(qn("w:tc"))
    keep = tcs[first]
    width = sum(tc.width or 0 for tc in tcs[first : first + count])
    for tc in tcs[first + 1 : first + count]:
        row._tr.remove(tc)
    keep.grid_span = count
    if width:
        keep.width = width


def merge_down(cells) -> None:
    """Merge vertically adjacent ``cells`` (top first) with vMerge."""
    for i, cell in enumerate(cells):
        cell._tc.vMerge = "restart" if i == 0 else "continue"


def fix_column_widths(table, widths) -> None:
    """Give ``table`` fixed column widths (grid and every cell), so Word and LibreOffice agree."""
    table.autofit = False  # w:tblLayout type="fixed"
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for tc, width in zip(row._tr.findall(qn("w:tc")), widths):
            tc.width = width
