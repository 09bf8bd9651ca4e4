"""LibreOffice worker: run by the system python3 that has the ``uno`` module.

It connects to one running soffice over a named pipe, then reads JSON
requests from stdin, one per line: ``{"docx": PATH, "pdf": PATH}``. For each
it loads the DOCX, updates every index (the table of contents) twice so page
numbers settle, exports a tagged PDF, and answers with the table of contents
as laid out: ``{"ok": true, "toc": [[title, page], ...]}``, or
``{"ok": false, "error": "..."}``. The caller writes those page numbers into
its own DOCX, so the DOCX and the PDF carry the same contents page without
LibreOffice re-saving (and restyling) the Word file.

This file must not import anything from policygen: the project's virtualenv
cannot import ``uno``, and this interpreter does not have the project.
"""

import json
import sys
import time


def connect(pipe_name, deadline_s=60.0):
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe_name
    start = time.monotonic()
    while True:
        try:
            ctx = resolver.resolve(url)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if time.monotonic() - start > deadline_s:
                raise
            time.sleep(0.1)


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
    import uno

    url = uno.systemPathToFileUrl(docx)
    # Read-only: LibreOffice never saves this file (policygen writes the DOCX), and a
    # read-only load skips the lock file, about 10% of the time per document.
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True), prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError("LibreOffice could not open %s" % docx)
    try:
        indexes = doc.getDocumentIndexes()
        doc.lockControllers()  # no view to repaint between the updates
        try:
            for _ in range(2):
                for i in range(indexes.getCount()):
                    indexes.getByIndex(i).update()
        finally:
            doc.unlockControllers()
        toc = []
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            if index.supportsService("com.sun.star.text.ContentIndex"):
                toc = [line.rsplit("\t", 1) for line in index.getAnchor().getString().splitlines() if "\t" in line]
                break
        doc.storeToURL(uno.systemPathToFileUrl(pdf),
                       (prop("FilterName", "writer_pdf_Export"), prop("Overwrite", True),
                        prop("FilterData", pdf_filter_data())))
        return toc
    finally:
        doc.close(True)


def main():
    pipe_name = sys.argv[1]
    desktop = connect(pipe_name)
    try:
        sys.stdout.write(json.dumps({"ready": True}) + "\n")
        sys.stdout.flush()
        serve(desktop)
    finally:
        # stdin closed or stdout gone: policygen is done, or died. Take LibreOffice down too.
        try:
            desktop.terminate()
        except Exception:
            pass


def serve(desktop):
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request = json.loads(line)
        try:
            answer = {"ok": True, "toc": convert(desktop, request["docx"], request["pdf"])}
        except Exception as exc:  # report, keep serving unless the office is gone
            name = type(exc).__name__
            lost = name in ("DisposedException", "RuntimeException") or "bridge" in str(exc).lower()
            answer = {"ok": False, "lost": lost, "error": "%s: %s" % (name, exc)}
        try:
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            return
        if answer.get("lost"):
            return


if __name__ == "__main__":
    main()
