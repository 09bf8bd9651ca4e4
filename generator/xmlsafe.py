"""Characters a Word document cannot hold.

A .docx is XML 1.0, which forbids most control characters (``\\v``, ``\\f``,
``\\x01``…), lone surrogates and U+FFFE/U+FFFF. YAML escapes (``"\\v"``),
Jinja string literals and Markdown character references (``&#11;``) can all
produce them, so every string on its way to a document is checked here: in
each YAML value as it is read, and in each run of text Markdown produces.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def forbidden_in(text: str) -> str | None:
    """Return the first character of ``text`` a Word document cannot hold, or None."""
    match = _NOT_XML.search(text)
    return match.group() if match else None


def describe(char: str) -> str:
    """Return ``char`` as a person can read it: "U+000B"."""
    return f"U+{ord(char):04X}"


def forbidden_message(char: str) -> str:
    """Return the message for a character a Word document cannot hold."""
    return (f"the character {describe(char)} cannot go into a Word document; remove it "
            "(control characters often come from text copied out of another program)")
