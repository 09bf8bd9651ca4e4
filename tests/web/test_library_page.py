"""The library browser and the choices editor describe each clause by its kind (issue 11, item 3),
over real HTTP to a running server on the web fixture."""

from __future__ import annotations

import re

from web.test_access import signed_in_client

SCHOOL = "holtsmere-end"


def clause_block(page: str, clause_id: str) -> str:
    """Return the HTML of one clause on the library page."""
    start = page.index(f'id="clause-{clause_id}"')
    end = page.find('class="library-clause"', start)
    return page[start:end if end > 0 else len(page)]


def test_the_library_page_describes_each_kind(site):
    with signed_in_client(site, "ann") as client:
        page = client.get("/library/social-media")
    assert page.status_code == 200
    html = page.text
    fixed = clause_block(html, "purpose")
    assert '<span class="tag">Always included</span>' in fixed and 'class="usage"' not in fixed
    choice = clause_block(html, "monitoring")
    assert '<span class="tag">Choice</span>' in choice
    assert "Routine, without notice" in choice and ">Default<" not in choice  # required: no default
    assert re.search(r'<span class="usage">\d+ schools?</span>', choice)
    optional = clause_block(html, "related-policies")
    assert '<span class="tag">Optional</span>' in optional
    assert re.search(r'<p class="usage">Included by \d+ of \d+ schools?\.</p>', optional)
    assert "{{ school.name }}" in choice  # the wording as the library writes it, placeholders shown


def test_the_choices_editor_asks_by_kind(site):
    with signed_in_client(site, "ann") as client:
        page = client.get(f"/schools/{SCHOOL}/policies/social-media/choices")
    assert page.status_code == 200
    html = page.text
    assert re.search(r'<input[^>]*type="radio"[^>]*id="f-choices-monitoring-routine"', html) or \
        re.search(r'<input[^>]*id="f-choices-monitoring-routine"[^>]*type="radio"', html)
    assert 'id="f-choices-related-policies-on"' in html         # an optional clause is a checkbox
    assert 'id="f-choices-purpose' not in html                   # a fixed clause is not asked for
    assert "Always included:" in html and "Purpose" in html
