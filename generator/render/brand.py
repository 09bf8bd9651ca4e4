"""Brand a rendered policy: the school's font and colours reach every accent of the house style.

The house template (templates/house-style.docx) is drawn in navy and light
blue. A school's brand replaces them everywhere they appear:

- the primary colour: title, school name, headings, contents heading, links,
  the rule under the title, and form headings (drawn by the body writer);
- the accent colour: the motto (Subtitle);
- a light tint of the primary colour: the shading of label cells in the cover
  tables and of table header rows, wherever the template or the body used
  the house shade :data:`HOUSE_SHADE`.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.styles.style import StyleFactory

from generator.model import Brand
from generator.render.oxml import elements

HOUSE_SHADE = "D9E2F3"  # the template's light blue for label cells and header rows
TINT = 0.18  # share of the primary colour in the shading: dark text stays readable on it

BRANDED_FONT_STYLES = ("Normal", "Title", "Subtitle", "School Name", "Heading 1", "Heading 2",
                       "TOC Heading", "TOC 1", "Header", "Footer", "Table Label", "Table Text")
PRIMARY_COLOUR_STYLES = ("Title", "School Name", "Heading 1", "Heading 2", "TOC Heading", "Hyperlink")
RULED_STYLES = ("Title",)  # styles whose paragraph borders take the primary colour

_STYLE_TAG, _STYLE_ID = qn("w:style"), qn("w:styleId")
_BRANDED = frozenset(BRANDED_FONT_STYLES + PRIMARY_COLOUR_STYLES + RULED_STYLES + ("Subtitle",))


def tint(colour: str, share: float = TINT) -> str:
    """Return ``colour`` (``#RRGGBB``) mixed with white, ``share`` of it kept, as ``RRGGBB``."""
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)


def apply_brand(doc: Any, brand: Brand, style_ids: dict[str, str]) -> None:
    """Give ``doc``'s styles and shading the school's font and colours (``style_ids``: name to id)."""
    primary = RGBColor.from_string(brand.primary.lstrip("#"))
    accent = RGBColor.from_string(brand.accent.lstrip("#"))
    # python-docx finds a style by name with an XPath query over every style, and listing the
    # names wraps every style; the template's ids are known, so index the elements by id once
    by_id = {el.get(_STYLE_ID): el for el in doc.styles.element.iterchildren(_STYLE_TAG)}
    styles = {name: StyleFactory(by_id[style_ids[name]]) for name in _BRANDED
              if style_ids.get(name) in by_id}
    elements.set_default_font(doc.styles.element, brand.font)
    for name in BRANDED_FONT_STYLES:
        if name in styles:
            elements.set_style_font(styles[name], brand.font)
    for name in PRIMARY_COLOUR_STYLES:
        if name in styles:
            styles[name].font.color.rgb = primary
    for name in RULED_STYLES:
        if name in styles:
            elements.set_border_colour(styles[name].element, brand.primary)
    if "Subtitle" in styles:
        styles["Subtitle"].font.color.rgb = accent
    elements.replace_shading(doc.element.body, HOUSE_SHADE, tint(brand.primary))
