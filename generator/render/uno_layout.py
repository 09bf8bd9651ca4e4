"""The steps LibreOffice runs on one document: lay it out, keep headings with what follows them,
number the contents page, export a tagged PDF.

Run inside soffice as part of policygen's macro (LibreOffice puts the
profile's ``Scripts/python/pythonpath`` folder, where policygen copies this
file, on the macro's path), or by ``uno_worker.py`` over the pipe (this file
lies beside it). Like that script it must not import anything from
policygen, and only the standard library besides ``uno``.

Why the steps are these is in docs/architecture.md ("How LibreOffice lays a
document out"): Writer lays a document out the same way every time only
when it lays it out afresh (from a file, or after a switch of view), and it
does not always keep a heading with the next paragraph.
"""

import re

NUMBERED = re.compile(r"\t\d+$")  # a contents entry's page number, after its tab


def prop(name, value):
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def pdf_filter_data():
    import uno

    data = (
        prop("UseTaggedPDF", True),
        prop("PDFUACompliance", True),
        prop("ExportBookmarks", True),
        prop("ExportNotes", False),
        prop("EmbedStandardFonts", True),
        prop("UseLosslessCompression", True),
        prop("ExportFormFields", False),
        prop("DisplayPDFDocumentTitle", True),
        prop("OpenBookmarkLevels", -1),
    )
    return uno.Any("[]com.sun.star.beans.PropertyValue", data)


def convert(desktop, docx, pdf):
    """Lay out ``docx``, number its contents page, and export it as a tagged PDF to ``pdf``.

    Returns the contents page as laid out, a list of [title, page], and the
    text of each paragraph moved to a new page to keep it with the next
    (:func:`keep_with_next`).
    """
    import uno

    doc = _load(desktop, docx)
    try:
        moved = []
        while len(moved) < MAX_KEEP_MOVES:
            paragraph = keep_with_next(doc)
            if paragraph is None:
                break
            moved.append(paragraph)
            lay_out_afresh(doc)
        toc = number_contents(doc)
        doc.storeToURL(uno.systemPathToFileUrl(pdf),
                       (prop("FilterName", "writer_pdf_Export"), prop("Overwrite", True),
                        prop("FilterData", pdf_filter_data())))
        return toc, moved
    finally:
        doc.close(True)


def lay_out_afresh(doc):
    """Throw Writer's layout of ``doc`` away and lay the whole document out again from its first page.

    Switching the view to web layout and back makes Writer build its page
    layout anew, as it does when it loads a file: the pages come out as a
    saved and reopened copy of the document would give them (the same page
    images for every example that needs a move), at a fraction of the cost
    of saving and reloading it (docs/performance.md).
    """
    settings = doc.getCurrentController().getViewSettings()
    settings.setPropertyValue("ShowOnlineLayout", True)
    settings.setPropertyValue("ShowOnlineLayout", False)


def _load(desktop, path):
    """Return the document at ``path``, loaded hidden and read-only, or raise RuntimeError."""
    import uno

    # Read-only: LibreOffice never saves this file (policygen writes the DOCX), and a
    # read-only load skips the lock file, about 10% of the time per document.
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                       (prop("Hidden", True), prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError("LibreOffice could not open %s" % path)
    return doc


MAX_KEEP_MOVES = 8  # paragraphs moved to a new page per document, at most (the examples need one)


def keep_with_next(doc):
    """Move the first keep-with-next chain Writer left at a page's foot to the next page; return its text.

    Writer does not always keep a paragraph with the next one: when the
    paragraph after a heading goes to the next page whole (three lines,
    which widow and orphan control cannot split), the heading can stay
    behind at the foot of the page. The first chain of paragraphs kept with
    the next whose last one ends a page while the block it keeps with starts
    the next page gets a page break before it, and no space above it (which
    Writer drops at the top of a page it reached by itself). Returns None
    when no chain is split.

    Only one chain moves per layout: Writer then lays the rest out again
    from where it stood, and where it puts later page breaks depends on the
    order that layout ran in, which varies from run to run (and can leave a
    page short); a document laid out afresh always comes out the same. So
    :func:`convert` lays the document out afresh after each move
    (:func:`lay_out_afresh`).
    """
    paragraph = find_split_keep(doc)
    if paragraph is None:
        return None
    paragraph.setPropertyValue("BreakType", _page_before())
    paragraph.setPropertyValue("ParaTopMargin", 0)
    return paragraph.getString()


def find_split_keep(doc):
    """Return the first paragraph of the first keep-with-next chain split from what it keeps with, or None.

    The body is read as blocks (paragraphs and tables). A chain is a run of
    paragraphs each kept with the next; it is split when its last paragraph
    ends on one page and the block after it starts on a later one. Only the
    part of the chain on that page moves, and not when it already starts its
    page (the chain is longer than a page: Writer's and Word's rule).
    """
    blocks = list(_elements(doc.getText()))
    keeps = [_keeps_with_next(block) for block in blocks]
    page = _page_finder(doc)
    ends = {}  # block index: the page its end is laid out on, asked once, in order

    def end(i):
        if i not in ends:
            ends[i] = page(blocks[i].getEnd())
        return ends[i]

    for i in range(len(blocks) - 1):
        if not keeps[i]:
            continue
        foot = end(i)
        if keeps[i + 1] and end(i + 1) == foot:  # the next block ends, so starts, on the same page
            continue
        if page(_start_of(blocks[i + 1])) <= foot:
            continue
        first = i
        while first > 0 and keeps[first - 1] and page(blocks[first - 1].getStart()) == foot:
            first -= 1
        if first > 0 and page(_end_of(blocks[first - 1])) == foot:
            return blocks[first]
    return None


def number_contents(doc):
    """Write each contents entry's page after it, after a tab; return the [title, page] pairs.

    The entries are the document's own (policygen wrote them, each a link to
    its heading's bookmark); the page is where that bookmark is laid out.
    Writer's own update of the index would rebuild the entries and lay the
    document out again from where it stood, and where keep-with-next and
    widow control then put page breaks depends on the order that layout ran
    in, which varies from run to run; numbering the entries in place leaves
    the body's layout as it is, so the same document always gives the same
    pages. Should a number make an entry wrap and the contents run onto
    another page, the numbers are read and written again.
    """
    index = next((i for i in _items(doc.getDocumentIndexes())
                  if i.supportsService("com.sun.star.text.ContentIndex")), None)
    if index is None:
        return []
    bookmarks = doc.getBookmarks()
    page = _page_finder(doc)
    text = doc.getText()
    entries = [(paragraph, bookmarks.getByName(target)) for paragraph in _elements(index.getAnchor())
               if (target := _link_target(paragraph)) is not None and bookmarks.hasByName(target)]
    toc = []
    undo = doc.getUndoManager()
    for _ in range(3):
        # every page first, then every number, with the view and undo held back while they are
        # written: nothing is laid out again, or recorded, until all are in (a third less time)
        numbers = ["%d" % page(bookmark.getAnchor()) for _, bookmark in entries]
        toc, changed = [], False
        doc.lockControllers()
        undo.lock()
        try:
            for (paragraph, _), number in zip(entries, numbers):
                title = paragraph.getString()
                numbered = NUMBERED.search(title)
                if numbered:  # numbered before: by the pass before this one, or in policygen's own output
                    title = title[:numbered.start()]
                if numbered is None or numbered.group(0) != "\t" + number:
                    cursor = text.createTextCursorByRange(paragraph.getEnd())
                    cursor.goLeft(len(numbered.group(0)) if numbered else 0, True)
                    cursor.setString("\t" + number)
                    changed = True
                toc.append([title, number])
        finally:
            undo.unlock()
            doc.unlockControllers()
        if not changed:
            break
    return toc


def _link_target(paragraph):
    """Return the bookmark a paragraph's first internal link goes to, or None."""
    for portion in _elements(paragraph):
        url = portion.getPropertyValue("HyperLinkURL") if portion.getPropertySetInfo().hasPropertyByName(
            "HyperLinkURL") else ""
        if url.startswith("#"):
            return url[1:]
    return None


def _page_finder(doc):
    cursor = doc.getCurrentController().getViewCursor()

    def page(text_range):
        cursor.gotoRange(text_range, False)
        return cursor.getPage()

    return page


def _items(container):
    return [container.getByIndex(i) for i in range(container.getCount())]


def _elements(enumerable):
    enumeration = enumerable.createEnumeration()
    while enumeration.hasMoreElements():
        yield enumeration.nextElement()


def _is_paragraph(block):
    return block.supportsService("com.sun.star.text.Paragraph")


def _keeps_with_next(block):
    return _is_paragraph(block) and bool(block.getPropertyValue("ParaKeepTogether"))


def _start_of(block):
    if _is_paragraph(block):
        return block.getStart()
    return block.getCellByName(block.getCellNames()[0]).getStart()  # a table: its first cell


def _end_of(block):
    if _is_paragraph(block):
        return block.getEnd()
    return block.getCellByName(block.getCellNames()[-1]).getEnd()


def _page_before():
    import uno

    return uno.Enum("com.sun.star.style.BreakType", "PAGE_BEFORE")
