"""Parse clause Markdown into the policy model's blocks.

markdown-it-py does the parsing (CommonMark, raw HTML off); this module maps
its tokens to :class:`~generator.model.Paragraph` and
:class:`~generator.model.ListBlock`. Only what a policy needs is accepted:
paragraphs, bullet and numbered lists (nested), bold, italic and links.

Links may go to ``https:``, ``http:`` (with a host) and ``mailto:`` only.
Anything else (``ms-msdt:``, ``search-ms:``, ``smb:``, ``file:``, a UNC path
``\\\\server\\share``, a relative path, which LibreOffice would resolve
against the build folder) is a located error, not plain text: the adviser
or school meant a link, and should see that it will not be one. Every run
of text is checked for characters a Word document cannot hold (a character
reference such as ``&#11;`` makes one).

The library's wording is parsed with ``typographic=True``: straight quotes
and apostrophes become curly ones (markdown-it's smartquotes). School data
inside it arrives backslash-escaped (:func:`generator.templating.escape_markdown`),
and escaped characters are left alone, so a school's "O'Brien" stays literal,
as does text the school writes itself (parsed without the flag).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.model import Block, ListBlock, ListItem, Paragraph, Run
from generator.xmlsafe import forbidden_in, forbidden_message

LINK_SCHEMES = ("https", "http", "mailto")

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# only the quotes: markdown-it's other replacements ((c), --, ...) would change the library's wording
_TYPOGRAPHIC = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True,
                                         "quotes": "\u201c\u201d\u2018\u2019"}).enable("smartquotes")
# markdown-it quietly prints javascript:, file: and data: links as text; let every link through
# to link_problem, so each one that cannot be a link is reported the same way
_MD.validateLink = _TYPOGRAPHIC.validateLink = lambda url: True

_UNSUPPORTED = {
    "heading_open": "headings (the clause title is the heading)",
    "blockquote_open": "block quotes",
    "fence": "code blocks",
    "code_block": "indented code blocks (remove the leading spaces)",
    "hr": "horizontal rules",
    "table_open": "tables",
    "html_block": "raw HTML",
}


_NOT_QUOTES = re.compile(r"([!#-&(-/:-@\\[-`{-~])")  # ASCII punctuation except ' and "


@lru_cache(maxsize=1024)
def curl_quotes(text: str) -> str:
    """Return plain ``text`` (a title) with curly quotes and apostrophes, and nothing else changed."""
    tokens = _TYPOGRAPHIC.parseInline(_NOT_QUOTES.sub(r"\\\1", text))
    return "".join(child.content for child in tokens[0].children or [] if child.type in ("text", "text_special"))


class MarkdownProblem(Exception):
    """Markdown the policy model cannot hold; ``line`` is 1-based in the text."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# Texts that print a school's own values (its name, its people) are new for every school and
# are never asked for again; the shared ones are asked for by every school, so they stay in even
# a small cache. A large one only fills with the former: 4,096 entries held ~10 MB more in a
# 24,000-school batch than in a 100-school one, for no more hits.
@lru_cache(maxsize=512)
def parse_markdown(text: str, typographic: bool = False) -> tuple[Block, ...]:
    """Return the blocks of ``text``, with curly quotes when ``typographic``.

    The result is immutable, so it is cached: most clause texts come out the
    same for every school of a batch.

    Raises:
        MarkdownProblem: the text uses a Markdown feature a policy cannot hold.
    """
    tokens = (_TYPOGRAPHIC if typographic else _MD).parse(text)
    blocks: list[Block] = []
    items: list[ListItem] = []
    depth = 0
    ordered_stack: list[bool] = []
    item_runs: list[list[Run]] = []
    item_starts: list[int] = []
    for token in tokens:
        if token.type in _UNSUPPORTED:
            line = (token.map[0] + 1) if token.map else 1
            raise MarkdownProblem(line, f"unsupported Markdown: {_UNSUPPORTED[token.type]}")
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                items = []
            ordered_stack.append(token.type == "ordered_list_open")
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            ordered = ordered_stack.pop()
            if depth == 0:
                blocks.append(ListBlock(ordered, tuple(items)))
        elif token.type == "list_item_open":
            item_runs.append([])
            item_starts.append(len(items))
        elif token.type == "list_item_close":
            runs = item_runs.pop()
            start = item_starts.pop()
            if runs:
                # nested items closed before their parent: put the parent first
                items.insert(start, ListItem(tuple(runs), depth - 1, ordered_stack[-1]))
        elif token.type == "inline":
            runs = _inline_runs(token, (token.map[0] + 1) if token.map else 1)
            if depth:
                if item_runs[-1]:
                    item_runs[-1].append(Run(" "))
                item_runs[-1].extend(runs)
            elif runs:
                blocks.append(Paragraph(tuple(runs)))
    return tuple(blocks)


def _inline_runs(token: Token, line: int) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for child in token.children or []:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            problem = link_problem(href)
            if problem:
                raise MarkdownProblem(line, problem)
        elif kind == "link_close":
            href = None
        elif kind in ("text", "code_inline"):
            _append(runs, Run(child.content, bool(bold), bool(italic), href))
        elif kind in ("softbreak", "hardbreak"):
            _append(runs, Run(" ", bool(bold), bool(italic), href))
        elif kind == "image":
            _append(runs, Run(child.content, bool(bold), bool(italic), href))
    for run in runs:
        char = forbidden_in(run.text)
        if char:
            raise MarkdownProblem(line, forbidden_message(char))
    return runs


def link_problem(href: str) -> str | None:
    """Return why ``href`` may not be a link in a policy, or None when it may."""
    try:
        parts = urlsplit(href)
    except ValueError:
        parts = None
    scheme = parts.scheme.lower() if parts else ""
    if scheme in ("https", "http") and parts and parts.netloc:
        return None
    if scheme == "mailto" and parts and parts.path:
        return None
    shown = unquote(href)  # as written: \\\\server\\share, not %5C%5Cserver%5Cshare
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return (f"link to '{shown}' is not allowed: a link must start https://, http:// or mailto: "
            "(write other addresses as plain text)")


def _append(runs: list[Run], run: Run) -> None:
    """Add ``run``, merging it into the previous run when they look alike."""
    if runs and (runs[-1].bold, runs[-1].italic, runs[-1].href) == (run.bold, run.italic, run.href):
        runs[-1] = Run(runs[-1].text + run.text, run.bold, run.italic, run.href)
    else:
        runs.append(run)
