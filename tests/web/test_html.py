"""The HTML writer: the same Policy tree as the Word writer, as escaped, semantic HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from generator.library import load_library
from generator.model import ListBlock, ListItem, Paragraph, Run
from generator.render.html import render_blocks, render_html
from generator.review.as_built import resolve_as_built
from generator.school import load_school
from web.conftest import FIXTURE, copy_fixture


class Outline(HTMLParser):
    """Collect headings, list nesting and table cells, and check every tag is closed."""

    def __init__(self):
        super().__init__()
        self.stack, self.headings, self.cells, self.max_depth = [], [], [], 0
        self._text = None

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "input"):
            self.stack.append(tag)
        self.max_depth = max(self.max_depth, sum(1 for t in self.stack if t in ("ul", "ol")))
        if tag in ("h1", "h2", "h3", "td", "th"):
            self._text = []

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
        if tag in ("h1", "h2", "h3"):
            self.headings.append((tag, "".join(self._text).strip()))
        if tag in ("td", "th"):
            self.cells.append("".join(self._text or []).strip())

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(str(html))
    assert parser.stack == []
    return parser


def test_a_policy_comes_out_numbered_with_its_appendices_and_tables():
    library = load_library(FIXTURE / "clauses")
    school = load_school(FIXTURE / "schools" / "roselands-stafford.yaml")
    policy = resolve_as_built(library, school, "social-media")
    found = outline(render_html(policy))
    h2 = [text for tag, text in found.headings if tag == "h2"]
    assert h2[0] == "Contents"
    assert h2[1:] == [s.heading for s in policy.sections]
    h3 = [text for tag, text in found.headings if tag == "h3"]
    assert h3 == [f"{c.number} {c.title}" for _, c in policy.clauses()]
    assert "Signature" in found.cells and "Date of change" in found.cells  # forms and the table of changes
    assert "Roselands & Stafford Federation" in found.cells


def test_school_data_prints_literally(tmp_path):
    root = copy_fixture(tmp_path)
    path = root / "schools" / "holtsmere-end.yaml"
    path.write_text(path.read_text().replace("name: Holtsmere End Infant and Nursery School",
                                             "name: \"<script>alert(1)</script> & {{ braces }}\""))
    library = load_library(root / "clauses")
    html = str(render_html(resolve_as_built(library, load_school(path), "social-media")))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ braces }}" in html


def test_lists_nest_and_runs_keep_their_formats():
    blocks = (
        Paragraph((Run("Read "), Run("this", bold=True), Run(" and "), Run("that", italic=True),
                   Run(" at "), Run("the site", href="https://example.org/?a=1&b=2"))),
        ListBlock(False, (ListItem((Run("one"),)), ListItem((Run("one.a"),), level=1, ordered=True),
                          ListItem((Run("one.b"),), level=1, ordered=True), ListItem((Run("two"),)))),
    )
    html = str(render_blocks(blocks))
    assert "<strong>this</strong>" in html and "<em>that</em>" in html
    assert '<a href="https://example.org/?a=1&amp;b=2" rel="noopener">the site</a>' in html
    assert html.endswith("<ul><li>one<ol><li>one.a</li><li>one.b</li></ol></li><li>two</li></ul>")
    assert outline(html).max_depth == 2
