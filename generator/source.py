"""Read YAML safely and keep where every value came from.

A file is read twice over, lazily. Its values come from ruamel.yaml's safe
loader (libyaml, through ruamel.yaml.clib, when installed): about seven times
faster than the round-trip loader, which matters when a batch reads hundreds
of school files. Positions come from the round-trip loader, which builds no
Python objects from tags and records the line and column of each key and
value; it runs only when something must be located, or when the fast read
fails, so every error is reported exactly as the round-trip loader finds it.
Before either, :mod:`generator.yamlguard` screens the text for what no loader
should meet (deep nesting, alias bombs, tags, null keys, control characters). A :class:`Source` answers "where is this
value?" for a path of keys, which is how every later check reports
``file:line:col``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from generator.errors import InputError, Problem
from generator.files import MAX_YAML_BYTES, FileProblem, decode_utf8, read_regular_file
from generator.yamlguard import screen_yaml

Loc = tuple[str | int, ...]


class Source:
    """A loaded YAML mapping with the positions of its nodes."""

    def __init__(self, path: Path, text: str = "", *, data: dict[str, Any] | None = None,
                 root: CommentedMap | None = None):
        self.path = Path(path)
        self.text = text
        self._data = data
        self._root = root

    @property
    def root(self) -> CommentedMap:
        """Return the round-trip tree (with positions), parsing the text on first use."""
        if self._root is None:
            self._root = _load_round_trip(self.path, self.text)
        return self._root

    def line(self, number: int) -> str:
        """Return line ``number`` (1-based) of the file as read, or "" past its end."""
        lines = self.text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def data(self) -> dict[str, Any]:
        """Return the mapping as plain Python values (dicts, lists, scalars)."""
        if self._data is None:
            self._data = _plain(self.root)
        return self._data

    def layer_of(self, loc: Loc) -> "Source":
        """Return the file that set ``loc``: this one (a school merged over its groups has several)."""
        return self

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Return the 1-based (line, col) of the node at ``loc``.

        Walks as far down ``loc`` as the document goes; a missing tail points
        at its nearest existing parent. With ``key`` the position of the last
        mapping key is returned rather than its value.
        """
        node: Any = self.root
        pos = (0, 0)
        for i, part in enumerate(loc):
            last = i == len(loc) - 1
            if isinstance(node, CommentedMap) and part in node:
                pos = node.lc.key(part) if (key and last) else _value_pos(node, part)
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                pos = node.lc.item(part)
                node = node[part]
            else:
                break
        return pos[0] + 1, pos[1] + 1

    def problem(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        """Return a :class:`Problem` located at ``loc`` in this file."""
        line, col = self.locate(loc, key=key)
        return Problem(self.path, line, col, message, severity)


def _value_pos(node: CommentedMap, key: Any) -> tuple[int, int]:
    value = node[key]
    if isinstance(value, (CommentedMap, CommentedSeq)) and not value:
        return node.lc.value(key)
    if isinstance(value, (CommentedMap, CommentedSeq)):
        # ruamel gives a nested block's first child; the key is clearer.
        return node.lc.key(key)
    return node.lc.value(key)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k) if type(k) is not str else k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if type(node) in _PLAIN or isinstance(node, bool):
        return node
    for kind in (str, int, float):  # ruamel's ScalarInt, ScalarFloat and friends
        if isinstance(node, kind):
            return kind(node)
    if isinstance(node, datetime):  # ruamel's TimeStamp
        return datetime(node.year, node.month, node.day, node.hour, node.minute, node.second,
                        node.microsecond, node.tzinfo)
    return node


_PLAIN = (str, int, float, date, datetime, type(None))


def _fast_data(text: str) -> dict[str, Any] | None:
    """Return ``text``'s mapping as plain values from the safe loader, or None.

    None sends the caller to the round-trip loader: for anything the safe
    loader rejects, and anything that is not a mapping. (Tags never get
    here: :func:`~generator.yamlguard.screen_yaml` refuses them first.)
    """
    try:
        data = YAML(typ="safe").load(text)
    except Exception:  # noqa: BLE001 - the round-trip loader will locate and word it
        return None
    return _plain(data) if isinstance(data, dict) else None


def make_yaml() -> YAML:
    """Return the round-trip YAML object used for reading and editing files."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def load_source(path: Path) -> Source:
    """Load ``path`` as a YAML mapping.

    Raises:
        InputError: the file is missing, not a regular file, larger than
            :data:`~generator.files.MAX_YAML_BYTES`, not UTF-8, not valid
            YAML (tabs, duplicate keys, bad indentation, tags, deep nesting,
            alias bombs), empty, or not a mapping.
    """
    path = Path(path)
    try:
        data = read_regular_file(path, MAX_YAML_BYTES)
    except FileNotFoundError:
        raise InputError(Problem(path, 0, 0, "file not found")) from None
    except FileProblem as exc:
        raise InputError(Problem(path, 0, 0, exc.message)) from None
    text, bad = decode_utf8(data)
    if bad:
        line, col, detail = bad
        raise InputError(Problem(path, line, col, f"file is not UTF-8 text ({detail}); save it as UTF-8"))
    return parse_source(path, text)


def parse_source(path: Path, text: str) -> Source:
    """Parse ``text`` (the contents of ``path``) as a YAML mapping.

    Raises:
        InputError: as for :func:`load_source`.
    """
    problems = screen_yaml(path, text)
    if problems:
        raise InputError(problems)
    data = _fast_data(text)
    if data is not None:
        return Source(path, text, data=data)
    return Source(path, text, root=_load_round_trip(path, text))


def _load_round_trip(path: Path, text: str) -> CommentedMap:
    """Return ``text`` as a round-trip tree, or raise its located problems."""
    try:
        root = make_yaml().load(text)
    except MarkedYAMLError as exc:
        raise InputError(_yaml_problem(path, exc)) from None
    except YAMLError as exc:  # pragma: no cover - ruamel marks nearly everything
        raise InputError(Problem(path, 1, 1, f"invalid YAML: {exc}")) from None
    except ValueError:
        # ruamel builds dates while loading; an impossible one (2025-02-30) has no mark
        raise InputError(_impossible_dates(path, text) or [Problem(path, 1, 1, "invalid value")]) from None
    if root is None:
        raise InputError(Problem(path, 1, 1, "file is empty; expected a mapping of keys to values"))
    if not isinstance(root, CommentedMap):
        kind = "a list" if isinstance(root, CommentedSeq) else "a single value"
        raise InputError(Problem(path, 1, 1, f"expected a mapping of keys to values, found {kind}"))
    return root


def _impossible_dates(path: Path, text: str) -> list[Problem]:
    """Return a located problem for every date-shaped value that is no real date."""
    problems = []
    stack = [make_yaml().compose(text)]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))
        elif node.tag.endswith(":timestamp"):
            try:
                date.fromisoformat(str(node.value)[:10])
            except ValueError as exc:
                mark = node.start_mark
                problems.append(Problem(path, mark.line + 1, mark.column + 1,
                                        f"impossible date {node.value!r} ({exc})"))
    return sorted(problems, key=lambda p: (p.line, p.col))


def _yaml_problem(path: Path, exc: MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if "found character '\\t'" in problem:
        message = "tab character in indentation; YAML needs spaces"
    elif "found duplicate key" in problem or type(exc).__name__ == "DuplicateKeyError":
        key = problem.split('"')[1] if '"' in problem else ""
        message = f"duplicate key {key!r}; each key may appear once in a mapping" if key else "duplicate key"
    else:
        message = f"invalid YAML: {problem}"
    return Problem(path, line, col, message)
