"""LibreOffice worker: run by the system python3 that has the ``uno`` module.

Run as ``python3 uno_worker.py PIPE VERSION``, it connects to one running
soffice over the named pipe PIPE, then reads ``convert`` messages from stdin
and answers on stdout, in the protocol of ``protocol.py`` (which this script
imports by its path, and whose version must equal VERSION). For each
document it runs the steps of ``uno_layout.py`` (beside it): lay the DOCX
out, move any heading Writer left at a page's foot to the next page, number
the contents page, export a tagged PDF; and answers with the contents page
as laid out and the paragraphs it moved. The caller writes those page
numbers into its own DOCX, so the DOCX and the PDF carry the same contents
page without LibreOffice re-saving (and restyling) the Word file.

Whether a failure lost LibreOffice or only the document is decided by asking
LibreOffice something after the failure (:func:`office_answers`), not from
the exception's name.

The same file is also a Python macro. policygen copies it into the worker's
LibreOffice profile (``user/Scripts/python``, with ``uno_layout.py`` in its
``pythonpath`` folder), and, where LibreOffice's Python script provider is
installed, this helper runs the steps inside soffice with one remote call per
document (:func:`convert_in_office`). Driven from here instead, the same
steps take many remote calls, with far more pipe traffic behind them, which
cost about 13 CPU-ms a document (docs/performance.md). Without the script
provider the helper drives them remotely, as before.

This file must not import anything from policygen: the project's virtualenv
cannot import ``uno``, and this interpreter does not have the project.
"""

import json
import sys
import time


def connect(pipe_name, deadline_s=60.0):
    """Return the component context of the soffice listening on ``pipe_name``, waiting for it to listen."""
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe_name
    start = time.monotonic()
    while True:
        try:
            return resolver.resolve(url)
        except Exception:
            if time.monotonic() - start > deadline_s:
                raise
            time.sleep(0.1)


class OfficeError(Exception):
    """LibreOffice could not convert a document; it is still running."""


MACRO_NAME = "policygen_uno.py"  # the name policygen gives this file in the profile
MACRO_URI = "vnd.sun.star.script:%s$convert_in_office?language=Python&location=user" % MACRO_NAME


def convert_in_office(docx, pdf):
    """The macro: run ``uno_layout.convert`` inside soffice; return its answer as a JSON string.

    A failure comes back as ``{"error": ...}`` rather than raised: LibreOffice
    would wrap it in a RuntimeException, which reads like a lost office.
    """
    try:
        from uno_layout import convert  # from the profile's Scripts/python/pythonpath

        toc, moved = convert(XSCRIPTCONTEXT.getDesktop(), docx, pdf)  # noqa: F821 (set by LibreOffice)
        return json.dumps({"toc": toc, "moved": moved})
    except Exception as exc:
        return json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)})


g_exportedScripts = (convert_in_office,)


def find_macro(ctx):
    """Return the in-office macro, or None where LibreOffice cannot run Python macros."""
    try:
        factory = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.script.provider.MasterScriptProviderFactory", ctx)
        return factory.createScriptProvider("").getScript(MACRO_URI)
    except Exception:  # no Python script provider, or no macro in the profile
        return None


def office_answers(desktop):
    """Return True when LibreOffice still answers a call over the connection."""
    try:
        desktop.getComponents()
        return True
    except Exception:  # the bridge is disposed or the process is gone
        return False


def main():
    import protocol  # beside this script; run by path, so its folder is on sys.path
    from uno_layout import convert

    def send(kind, **fields):
        sys.stdout.buffer.write(protocol.encode(kind, **fields))
        sys.stdout.buffer.flush()

    if len(sys.argv) != 3 or sys.argv[2] != str(protocol.VERSION):
        send(protocol.REFUSED, reason="policygen speaks protocol %s, this helper %s"
             % (sys.argv[2] if len(sys.argv) > 2 else "?", protocol.VERSION))
        sys.exit(2)
    ctx = connect(sys.argv[1])
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    macro = find_macro(ctx)

    def run(docx, pdf):
        if macro is None:
            return convert(desktop, docx, pdf)
        answer = json.loads(macro.invoke((docx, pdf), (), ())[0])
        if "error" in answer:
            raise OfficeError(answer["error"])
        return answer["toc"], answer["moved"]

    try:
        send(protocol.HELLO, version=protocol.VERSION, in_office=macro is not None)
        serve(protocol, send, run, lambda: office_answers(desktop))
    except (BrokenPipeError, OSError):
        pass  # policygen is gone
    finally:
        # stdin closed or stdout gone: policygen is done, or died. Take LibreOffice down too.
        try:
            desktop.terminate()
        except Exception:
            pass


def serve(protocol, send, run, alive):
    """Answer each ``convert`` message on stdin until stdin closes or LibreOffice is lost."""
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            request = protocol.decode(line)
            if request["type"] != protocol.CONVERT:
                raise protocol.ProtocolError("expected a convert message, got %s" % request["type"])
        except protocol.ProtocolError as exc:
            send(protocol.REFUSED, reason=str(exc))
            return
        try:
            toc, moved = run(request["docx"], request["pdf"])
        except Exception as exc:
            reason = str(exc) if isinstance(exc, OfficeError) else "%s: %s" % (type(exc).__name__, exc)
            if isinstance(exc, OfficeError) or alive():
                send(protocol.FAILED, id=request["id"], reason=reason)
                continue
            send(protocol.LOST, id=request["id"], reason=reason)
            return
        send(protocol.DONE, id=request["id"], toc=toc, moved=moved)


if __name__ == "__main__":
    main()
