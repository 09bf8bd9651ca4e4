"""The contents page's page numbers, as LibreOffice laid the document out, written into the DOCX.

LibreOffice lays the document out (:mod:`generator.render.uno_worker`) and
answers with each contents entry's page; :func:`fill_toc` writes those into
policygen's own DOCX, so the DOCX and the PDF carry the same contents page
without LibreOffice re-saving (and restyling) the Word file.
"""

from __future__ import annotations

import io
import zipfile

from docx.oxml.ns import qn
from lxml import etree

from generator.errors import ConverterError
from generator.render.oxml import markup


def fill_toc(data: bytes, toc: list[tuple[str, str]]) -> bytes:
    """Return the DOCX ``data`` with page numbers added to its table of contents.

    ``toc`` holds (title, page) pairs as LibreOffice laid the document out;
    each of the contents page's entries gets a dotted tab and its page, and
    Word is no longer asked to update fields on opening. Only document.xml
    and settings.xml are rewritten; every other part is copied as it is.

    Raises:
        ConverterError: the laid-out contents do not match the document's.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: (info, archive.read(info.filename)) for info in archive.infolist()}
    styles = etree.fromstring(parts["word/styles.xml"][1])
    toc_ids = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))
               if (name := s.find(qn("w:name"))) is not None and name.get(qn("w:val")) in ("TOC 1", "toc 1")}
    document = etree.fromstring(parts["word/document.xml"][1])
    entries = [p for p in document.iter(qn("w:p"))
               if (style := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
               and style.get(qn("w:val")) in toc_ids]
    titles = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in entries]
    if titles != [title for title, _ in toc]:
        raise ConverterError(f"the laid-out table of contents does not match the document's "
                             f"({len(toc)} entries for {len(titles)})")
    for paragraph, (_, page) in zip(entries, toc):
        end = paragraph.find(f".//{qn('w:fldChar')}[@{qn('w:fldCharType')}='end']")
        field_end = end.getparent() if end is not None else None
        for run in markup.parse_runs(markup.tab() + markup.run(page)):
            if field_end is not None:
                field_end.addprevious(run)
            else:
                paragraph.append(run)
    parts["word/document.xml"] = (parts["word/document.xml"][0], _xml(document))
    # the contents page is complete now, so Word need not offer to update fields on opening
    settings = etree.fromstring(parts["word/settings.xml"][1])
    for flag in settings.findall(qn("w:updateFields")):
        settings.remove(flag)
    parts["word/settings.xml"] = (parts["word/settings.xml"][0], _xml(settings))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (info, content) in parts.items():
            archive.writestr(info, content)
    return out.getvalue()


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
