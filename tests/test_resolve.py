from datetime import date
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.resolve import resolve
from generator.school import load_school

from helpers import write_school


def test_sections_and_clauses_are_numbered(library, schools):
    policy = resolve(library, schools["roselands-stafford"], "social-media")
    numbers = [s.number for s in policy.body]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]
    for section in policy.sections:
        assert [c.number for c in section.clauses] == [f"{section.number}.{i}" for i in range(1, len(section.clauses) + 1)]
    assert [s.number for s in policy.appendices] == ["A", "B", "C", "D"]
    assert policy.appendices[0].clauses[0].number == "A.1"


def test_official_sites_bring_their_appendix_and_form(library, schools):
    allowed = resolve(library, schools["roselands-stafford"], "social-media")
    not_allowed = resolve(library, schools["holtsmere-end"], "social-media")
    assert "site-approval-form" in [s.id for s in allowed.appendices]
    assert "site-approval-form" not in [s.id for s in not_allowed.appendices]
    form = next(s.form for s in allowed.appendices if s.id == "site-approval-form")
    assert [r.label for r in form.rows if r.kind == "sign"] == ["Line manager", "Headteacher"]
    assert sum(r.kind == "tick" for r in form.rows) == 14


def test_chosen_variant_and_defaults(library, schools):
    policy = resolve(library, schools["holtsmere-end"], "social-media")
    clauses = {c.id: c for _, c in policy.clauses()}
    assert clauses["personal-use-at-work"].variant == "designated-place"
    assert clauses["former-pupils"].variant == "strongly-discouraged"  # library default
    assert "legal-framework" not in clauses  # optional, off by default


def test_next_review_comes_from_the_cycle(library, schools):
    gov = resolve(library, schools["flourish-federation"], "social-media").governance
    assert gov.current.date == date(2020, 11, 24)
    assert gov.current.next_review == date(2022, 9, 24)
    assert gov.version == "1"


def test_school_addition_lands_at_the_end_of_its_section(library, schools):
    policy = resolve(library, schools["bradley-primary"], "social-media")
    breaches = next(s for s in policy.sections if s.id == "breaches")
    assert breaches.clauses[-1].title == "Sharing this policy"
    assert breaches.clauses[-1].origin == "school"


def test_missing_required_choice_is_reported(library, tmp_path: Path):
    path = write_school(tmp_path, "nochoice")
    text = path.read_text().replace("      personal-use-at-work: outside-working-hours\n", "")
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        resolve(library, load_school(path), "social-media")
    (problem,) = caught.value.problems
    assert problem.message == ("missing required choice 'personal-use-at-work' (Personal use at work) for the "
                               "social-media policy: choose one of never, designated-place, outside-working-hours")


def test_resolve_is_pure(library, schools):
    one = resolve(library, schools["bradley-primary"], "social-media")
    two = resolve(library, schools["bradley-primary"], "social-media")
    assert one == two
