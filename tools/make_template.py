"""Build templates/house-style.docx, the default house-style template.

Run once; the .docx is committed and advisers restyle it in Word from then on
(docs/templates.md lists the styles and placeholders it must keep). This
script records how the first version was made.
"""

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor

from generator.render.oxml.elements import add_simple_field, set_document_language, set_style_font, shade_cell

OUT = Path(__file__).resolve().parent.parent / "templates" / "house-style.docx"
NAVY = RGBColor(0x1F, 0x38, 0x64)


def style_fonts(doc: Document) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Carlito"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.widow_control = True  # no first or last line of a paragraph alone on a page
    for name, size, before, after in (("Heading 1", 15, 18, 6), ("Heading 2", 12, 10, 4)):
        s = styles[name]
        s.font.name = "Carlito"
        s.font.size = Pt(size)
        s.font.bold = True
        s.font.italic = False
        s.font.color.rgb = NAVY
        s.paragraph_format.space_before = Pt(before)
        s.paragraph_format.space_after = Pt(after)
        s.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.font.name = "Carlito"
    title.font.size = Pt(28)
    title.font.color.rgb = NAVY
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(24)
    title.paragraph_format.space_after = Pt(24)
    subtitle = styles["Subtitle"]
    subtitle.font.name = "Carlito"
    subtitle.font.size = Pt(14)
    subtitle.font.italic = True
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    school = styles.add_style("School Name", WD_STYLE_TYPE.PARAGRAPH)
    school.base_style = normal
    school.font.size = Pt(22)
    school.font.bold = True
    school.font.color.rgb = NAVY
    school.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    school.paragraph_format.space_before = Pt(12)
    toc_heading = styles["TOC Heading"]
    toc_heading.font.name = "Carlito"
    toc_heading.font.size = Pt(15)
    toc_heading.font.color.rgb = NAVY
    for level in (1, 2):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2 if level == 2 else 4)
        toc.font.bold = level == 1
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
    label = styles.add_style("Table Label", WD_STYLE_TYPE.PARAGRAPH)
    label.base_style = normal
    label.font.bold = True
    label.paragraph_format.space_after = Pt(2)
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.paragraph_format.space_after = Pt(2)
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2"):
        styles[name].paragraph_format.space_after = Pt(3)
    for style in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "TOC Heading", "School Name"):
        set_style_font(styles[style], "Carlito")  # drop python-docx's theme fonts, which would win
    set_document_language(doc.styles.element, "en-GB")


def header_footer(doc: Document) -> None:
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    header = section.header.paragraphs[0]
    header.text = "{{ school_short_name }}\t{{ policy_title }}"
    footer = section.footer.paragraphs[0]
    footer.text = "Version {{ version }}\tPage "
    add_simple_field(footer, "PAGE")
    footer.add_run(" of ")
    add_simple_field(footer, "NUMPAGES")
    for name in ("Header", "Footer"):
        style = doc.styles[name]
        style.font.size = Pt(9)
        style.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
        stops = style.paragraph_format.tab_stops
        stops.clear_all()  # python-docx's default stops suit Letter paper, not A4
        stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)


def table(doc: Document, rows: list[list[str]], header: bool) -> None:
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    widths = [Cm(5.0), Cm(11.6)] if len(rows[0]) == 2 else [Cm(16.6 / len(rows[0]))] * len(rows[0])
    for column, width in zip(t.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = t.cell(r, c)
            cell.paragraphs[0].text = value
            label = (header and r == 0) or (not header and c == 0)
            cell.paragraphs[0].style = doc.styles["Table Label" if label else "Table Text"]
            if label:
                shade_cell(cell, "D9E2F3")


def prune_styles(doc: Document) -> None:
    """Drop the default template's hundred unused table styles."""
    prefixes = ("Light ", "Medium ", "Dark ", "Colorful ")
    for style in list(doc.styles):
        if style.name.startswith(prefixes):
            style.element.getparent().remove(style.element)


def drop_unused_parts(doc: Document) -> None:
    """Drop parts of python-docx's default template a policy does not need.

    stylesWithEffects.xml (430 KB, Word 2010 only), the customXml item, and
    the package thumbnail, which shows python-docx's sample page rather than
    the policy in file browsers.
    """
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "customXml", "thumbnail"):
                del rels[r_id]


def main() -> None:
    doc = Document()
    prune_styles(doc)
    drop_unused_parts(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    style_fonts(doc)
    header_footer(doc)
    logo = doc.add_paragraph("{{ logo }}")
    logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("{{ school_name }}", style="School Name")
    doc.add_paragraph("{%p if members %}")
    doc.add_paragraph("{{ members }}", style="Subtitle")  # a federation's schools, one line
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ motto }}", style="Subtitle")
    doc.add_paragraph("{{ policy_title }}", style="Title")
    table(doc, [
        ["Index ref", "{{ index_ref }}"],
        ["Policy owner", "{{ owner }}"],
        ["Version", "{{ version }}"],
        ["Date approved", "{{ date_approved }}"],
        ["Approved by", "{{ approved_by }}"],
        ["Next review date", "{{ next_review }}"],
    ], header=False)
    doc.add_paragraph("")
    doc.add_paragraph("Version history", style="Table Label")
    table(doc, [
        ["Version", "Date approved", "Approved by", "Next review date"],
        ["{%tr for a in history %}", "", "", ""],
        ["{{ a.version }}", "{{ a.date }}", "{{ a.by }}", "{{ a.next_review }}"],
        ["{%tr endfor %}", "", "", ""],
        ["{%tr if not history %}", "", "", ""],
        ["Draft", "Not yet approved", "", ""],
        ["{%tr endif %}", "", "", ""],
    ], header=True)
    brk = doc.add_paragraph()
    brk.add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("{{p body }}")
    doc.core_properties.title = "Policy"
    doc.core_properties.author = "policygen"
    doc.core_properties.language = "en-GB"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
