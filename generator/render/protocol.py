"""The messages between policygen and its UNO helper, defined once for both sides.

policygen (the project's python, :mod:`generator.render.worker`) and the UNO
helper (Debian's system python running ``uno_worker.py``) exchange one JSON
object per line. Both import this file: the helper by its path, because it
cannot import the project, so this module uses the standard library only.

Each message has a ``type`` and the fields :data:`FIELDS` lists for it.

policygen → helper

- ``convert`` ``{id, docx, pdf}``: lay out the DOCX at ``docx``, move any
  heading left at a page's foot to the next page, number its contents page,
  export the PDF to ``pdf``.

helper → policygen

- ``hello`` ``{version, in_office}``: connected to LibreOffice and ready;
  ``in_office`` says whether the steps run as a macro inside soffice.
- ``done`` ``{id, toc, moved}``: the PDF is written; ``toc`` is the contents
  page as laid out, a list of ``[title, page]``; ``moved`` the text of each
  paragraph that was moved to the next page to keep it with what follows.
- ``failed`` ``{id, reason}``: LibreOffice is still running but could not
  convert this document. Retrying it elsewhere would fail the same way.
- ``lost`` ``{id, reason}``: LibreOffice died, or the connection to it
  broke, while converting. The document itself may be fine.
- ``refused`` ``{reason}``: the helper cannot serve at all (its protocol
  version differs, or a message made no sense). It exits after sending it.

Both sides check :data:`VERSION`: policygen passes its version to the helper
on the command line and the helper refuses a different one; the helper's
``hello`` carries its version and policygen refuses a different one. Bump it
whenever a message or field changes.
"""

import json

VERSION = 2

CONVERT = "convert"
HELLO = "hello"
DONE = "done"
FAILED = "failed"
LOST = "lost"
REFUSED = "refused"

FIELDS = {
    CONVERT: ("id", "docx", "pdf"),
    HELLO: ("version", "in_office"),
    DONE: ("id", "toc", "moved"),
    FAILED: ("id", "reason"),
    LOST: ("id", "reason"),
    REFUSED: ("reason",),
}


class ProtocolError(ValueError):
    """A line that is not a well-formed message of this protocol version."""


def encode(kind, **fields):
    """Return the message ``kind`` with ``fields`` as one line of UTF-8 JSON.

    Raises:
        ProtocolError: ``kind`` is unknown or ``fields`` are not exactly its fields.
    """
    if kind not in FIELDS or set(fields) != set(FIELDS[kind]):
        raise ProtocolError("no message %r with fields %s" % (kind, sorted(fields)))
    return (json.dumps(dict(type=kind, **fields)) + "\n").encode("utf-8")


def decode(line):
    """Return the message in ``line`` (bytes or str) as a dict with its ``type``.

    Raises:
        ProtocolError: the line is not JSON, or not a known message with its fields.
    """
    try:
        message = json.loads(line)
    except ValueError:
        raise ProtocolError("not a JSON message: %r" % (line[:200],)) from None
    if not isinstance(message, dict) or message.get("type") not in FIELDS:
        raise ProtocolError("unknown message: %r" % (line[:200],))
    missing = [name for name in FIELDS[message["type"]] if name not in message]
    if missing:
        raise ProtocolError("%s message lacks %s" % (message["type"], ", ".join(missing)))
    return message
