"""Element-level edits of a python-docx document that its API does not cover.

python-docx covers styles and document parts; the few edits it does not
(fields in the template, list restarts, cell shading, borders, document
language and font, settings, alt text) are plain functions here. The body
itself is written as text by :mod:`generator.render.oxml.markup`.
"""

from __future__ import annotations

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


def new_list_instance(part, num_id_of_style: int | None) -> int:
    """Return a new numId that restarts the list a style links to at 1.

    Adds a ``w:num`` pointing at the style's abstract numbering, with a start
    override, to the document's numbering part (python-docx's ``add_num``,
    which keeps the schema's order).
    """
    numbering = part.numbering_part.element
    try:
        linked = numbering.num_having_numId(num_id_of_style) if num_id_of_style is not None else None
    except KeyError:
        linked = None
    if linked is None:
        return num_id_of_style or 0
    num = numbering.add_num(linked.abstractNumId.val)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


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


def replace_shading(element, old_hex: str, new_hex: str) -> None:
    """Fill every ``w:shd`` under ``element`` that is filled ``old_hex`` with ``new_hex`` instead."""
    old = old_hex.lstrip("#").upper()
    for shd in element.iter(qn("w:shd")):
        if (shd.get(qn("w:fill")) or "").upper() == old:
            shd.set(qn("w:fill"), new_hex.lstrip("#"))
            for theme in ("w:themeFill", "w:themeFillTint", "w:themeFillShade"):
                shd.attrib.pop(qn(theme), None)


def set_border_colour(style_element, colour_hex: str) -> None:
    """Colour every paragraph border of a style (e.g. the rule under the title) ``colour_hex``.

    A border's theme colour would outrank its plain colour in Word, so it is dropped.
    """
    ppr = style_element.find(qn("w:pPr"))
    borders = ppr.find(qn("w:pBdr")) if ppr is not None else None
    for border in borders if borders is not None else ():
        border.set(qn("w:color"), colour_hex.lstrip("#"))
        for theme in ("w:themeColor", "w:themeTint", "w:themeShade"):
            border.attrib.pop(qn(theme), None)


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
    _set_fonts(rpr, font)


def set_style_font(style, font: str) -> None:
    """Make ``font`` a style's font for every script, dropping theme fonts that would win over it."""
    _set_fonts(style.element.get_or_add_rPr(), font)


def _set_fonts(rpr, font: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # asciiTheme and friends take precedence over named fonts
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
