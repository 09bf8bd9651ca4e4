import pytest

from generator.markdown import parse_markdown
from generator.templating import RenderFailure, escape_markdown, placeholder_paths, render_text


def test_values_come_out_literally_through_markdown():
    nasty = "Roselands & Stafford <b>*x*</b> {{ school.name }} {% if %} [a](b) 1. # \\"
    rendered = render_text("Hello {{ school.name }}.", {"school": {"name": nasty}})
    (para,) = parse_markdown(rendered)
    assert para.text == f"Hello {nasty}."
    assert all(not r.bold and not r.italic and r.href is None for r in para.runs)


def test_newlines_in_values_cannot_start_blocks():
    (para,) = parse_markdown(escape_markdown("a\n\n- b\n# c"))
    assert para.text == "a - b # c"


def test_undefined_is_an_error_with_its_line():
    with pytest.raises(RenderFailure) as caught:
        render_text("one\n{{ school.nmae }}", {"school": {"name": "x"}})
    assert caught.value.line == 2
    assert "nmae" in caught.value.message


def test_sandbox_blocks_python_internals():
    with pytest.raises(RenderFailure) as caught:
        render_text("{{ school.__class__.__mro__ }}", {"school": {"name": "x"}})
    assert "not allowed" in caught.value.message or "undefined" in caught.value.message


def test_placeholder_paths_skip_loop_variables():
    text = "{{ school.name }}\n{% for p in policy.contacts %}{{ p.name }}{% endfor %}\n{{ school.people.head.name }}"
    assert placeholder_paths(text) == [
        (("school", "name"), 1),
        (("policy", "contacts"), 2),
        (("school", "people", "head", "name"), 3),
    ]
