import pytest

from generator.markdown import MarkdownProblem, parse_markdown
from generator.model import ListBlock, Paragraph


def test_paragraphs_bold_italic_links():
    (para,) = parse_markdown("Plain **bold** *italic* [site](https://example.org)")
    assert [(r.text, r.bold, r.italic, r.href) for r in para.runs] == [
        ("Plain ", False, False, None),
        ("bold", True, False, None),
        (" ", False, False, None),
        ("italic", False, True, None),
        (" ", False, False, None),
        ("site", False, False, "https://example.org"),
    ]


def test_nested_lists_keep_order_and_levels():
    (lst,) = parse_markdown("- one\n- two\n  1. a\n  2. b\n- three\n")
    assert isinstance(lst, ListBlock) and not lst.ordered
    assert [(i.text, i.level, i.ordered) for i in lst.items] == [
        ("one", 0, False), ("two", 0, False), ("a", 1, True), ("b", 1, True), ("three", 0, False)]


def test_ordered_list_and_paragraph_mix():
    blocks = parse_markdown("Intro:\n\n1. first\n2. second\n\nAfter.")
    assert [type(b) for b in blocks] == [Paragraph, ListBlock, Paragraph]
    assert blocks[1].ordered


@pytest.mark.parametrize("text, what", [
    ("# Title", "headings"),
    ("> quote", "block quotes"),
    ("```\ncode\n```", "code blocks"),
    ("---", "horizontal rules"),
])
def test_unsupported_markdown_is_refused(text, what):
    with pytest.raises(MarkdownProblem) as caught:
        parse_markdown(text)
    assert what in caught.value.message


def test_raw_html_is_text():
    (para,) = parse_markdown("a <script>x</script> & b")
    assert para.text == "a <script>x</script> & b"
