from pathlib import Path

import pytest

from generator.errors import InputError
from generator.source import Source, _load_round_trip, load_source, parse_source


def messages(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_source(Path("f.yaml"), text)
    return [str(p) for p in caught.value.problems]


def test_tab_in_indentation_is_located():
    assert messages("a:\n\tb: 1\n") == ["f.yaml:2:1: tab character in indentation; YAML needs spaces"]


def test_duplicate_key_is_located():
    assert messages("name: A\nname: B\n") == ["f.yaml:2:1: duplicate key 'name'; each key may appear once in a mapping"]


def test_empty_file_and_non_mapping():
    assert messages("") == ["f.yaml:1:1: file is empty; expected a mapping of keys to values"]
    assert messages("- a\n") == ["f.yaml:1:1: expected a mapping of keys to values, found a list"]
    assert messages("just text\n") == ["f.yaml:1:1: expected a mapping of keys to values, found a single value"]


def test_locate_points_at_values_and_keys():
    source = parse_source(Path("f.yaml"), "a: 1\nb:\n  c: [x, y]\n")
    assert source.locate(("a",)) == (1, 4)
    assert source.locate(("b", "c", 1)) == (3, 10)
    assert source.locate(("b", "c"), key=True) == (3, 3)
    assert source.locate(("b", "missing")) == (2, 1)


def test_tags_build_no_python_objects(tmp_path: Path):
    path = tmp_path / "evil.yaml"
    path.write_text("a: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(InputError) as caught:
        load_source(path)
    assert str(caught.value).endswith("evil.yaml:1:4: YAML tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed; write plain values")


def test_missing_file():
    with pytest.raises(InputError) as caught:
        load_source(Path("/nonexistent/school.yaml"))
    assert str(caught.value) == "/nonexistent/school.yaml: file not found"


REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", sorted(p.relative_to(REPO) for folder in ("clauses", "schools", "tests/fixtures")
                                        for p in (REPO / folder).rglob("*.yaml")), ids=str)
def test_fast_and_round_trip_readings_agree(path: Path):
    source = load_source(REPO / path)
    fast = source.data()
    assert source._root is None, "a valid file with no tag should not need the round-trip loader"
    assert fast == round_trip(path, source.text).data()


def round_trip(path: Path, text: str) -> Source:
    """Return ``text`` read by the round-trip loader alone (the fast path skipped)."""
    return Source(path, text, root=_load_round_trip(path, text))


def test_tricky_scalars_read_the_same_both_ways():
    text = ("a: yes\nb: on\nc: 010\nd: 0o10\ne: 1_000\nf: ~\ng: .inf\nh: 1e3\ni: 12:30\nj: 0x1F\n"
            "k: 2026-01-05\nl: 2026-01-05T10:00:00\nm: |\n  two\n  lines\nn: &x {o: 1}\np: *x\nq: 2026-1-5\n"
            "1: numeric key\n")
    fast = parse_source(Path("f.yaml"), text)
    slow = round_trip(Path("f.yaml"), text)
    assert fast._root is None and slow._root is not None
    assert fast.data() == slow.data()
    assert [type(v) for v in fast.data().values()] == [type(v) for v in slow.data().values()]


def test_a_located_problem_on_the_fast_path_reads_positions_lazily():
    source = parse_source(Path("f.yaml"), "a: 1\nb:\n  c: [x, y]\n")
    assert source._root is None
    assert source.locate(("b", "c", 1)) == (3, 10)
