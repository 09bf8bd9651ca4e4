from pathlib import Path

import pytest

from generator.errors import InputError
from generator.library import load_library
from generator.resolve import resolve
from generator.school import load_school

from helpers import write_school


def test_library_loads_with_its_policy(library):
    assert library.version == "2026.11.23"
    lib = library.policy("social-media")
    assert lib.spec.title == "Social Media Policy"
    kinds = {c.kind for c in lib.clauses.values()}
    assert kinds == {"fixed", "choice", "optional"}
    # every clause carries a changelog, the review cycle's raw material
    assert all(c.changelog for c in lib.clauses.values())


REQUIRED_CHOICE_POINTS = {
    "personal-use-at-work": {"never", "designated-place", "outside-working-hours"},
    "business-use": {"with-approval", "not-permitted"},
    "contact-with-pupils-and-parents": {"must-not", "advised-against"},
    "official-sites": {"allowed", "not-allowed"},
    "monitoring": {"routine", "occasional"},
}


@pytest.mark.parametrize("clause_id, variants", sorted(REQUIRED_CHOICE_POINTS.items()))
def test_choice_points_from_the_seeds(library, clause_id, variants):
    assert set(library.policy("social-media").clauses[clause_id].variants) == variants


def test_optional_switches_exist(library):
    clauses = library.policy("social-media").clauses
    for clause_id in ("legal-framework", "email-use", "safeguarding-guidance", "responsibilities",
                      "related-policies", "further-information"):
        assert clauses[clause_id].kind == "optional"
    for clause_id in ("former-pupils", "identifying-as-employee", "vetting-candidates"):
        assert clauses[clause_id].kind == "choice"


def _variants(library):
    lib = library.policy("social-media")
    for clause_id, clause in lib.clauses.items():
        if clause.kind == "choice":
            for variant in clause.variants:
                yield clause_id, variant
        elif clause.kind == "optional":
            yield clause_id, True


def test_every_variant_of_every_clause_renders(library, tmp_path: Path):
    lib = library.policy("social-media")
    seen = 0
    for clause_id, variant in _variants(library):
        path = write_school(tmp_path, f"v-{seen}", choices={clause_id: variant})
        policy = resolve(library, load_school(path), "social-media")
        printed = {c.id: c for _, c in policy.clauses()}
        clause = lib.clauses[clause_id]
        if clause_id in printed:
            assert printed[clause_id].blocks, f"{clause_id}={variant} rendered nothing"
            if clause.kind == "choice":
                assert printed[clause_id].variant == variant
        else:  # only appendix clauses may be absent, when their condition is off
            assert any(clause_id in a.clauses for a in lib.spec.appendices)
        seen += 1
    assert seen >= 30


def _library_copy(workspace: Path) -> Path:
    return workspace / "clauses"


def _problems(root: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_library(root)
    return [str(p) for p in caught.value.problems if p.severity == "error"]


def test_duplicate_clause_id(workspace: Path, monkeypatch):
    monkeypatch.chdir(workspace)
    extra = workspace / "clauses/social-media/clauses/99-extra.yaml"
    extra.write_text("clauses:\n  - id: purpose\n    title: Again\n    kind: fixed\n    text: Hi.\n")
    assert _problems(Path("clauses")) == [
        "clauses/social-media/clauses/99-extra.yaml:2:9: duplicate clause id 'purpose' "
        "(first defined at 01-introduction.yaml:5)"]


def test_section_naming_a_missing_clause(workspace: Path, monkeypatch):
    monkeypatch.chdir(workspace)
    policy = workspace / "clauses/social-media/policy.yaml"
    policy.write_text(policy.read_text().replace("clauses: [legal-framework]", "clauses: [legal-framewrk]"))
    problems = _problems(Path("clauses"))
    assert problems[0].startswith("clauses/social-media/policy.yaml:")
    assert problems[0].endswith("unknown clause 'legal-framewrk' (did you mean 'legal-framework'?)")


def test_jinja_syntax_error_and_unknown_placeholder(workspace: Path, monkeypatch):
    monkeypatch.chdir(workspace)
    extra = workspace / "clauses/social-media/clauses/99-extra.yaml"
    extra.write_text(
        "clauses:\n"
        "  - id: broken\n    title: Broken\n    kind: fixed\n    text: |\n      Fine line.\n      {{ school.name }\n"
        "  - id: unknown\n    title: Unknown\n    kind: fixed\n    text: |\n      {{ school.colour }}\n")
    problems = _problems(Path("clauses"))
    assert problems[0] == ("clauses/social-media/clauses/99-extra.yaml:7:1: template syntax error: "
                           "unexpected '}'")
    assert problems[1].startswith("clauses/social-media/clauses/99-extra.yaml:12:1: unknown placeholder 'school.colour'")
