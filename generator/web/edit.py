"""Save edits to a school file: the same round trip, the same checks as the CLI.

An edit is a set of ``loc → value`` changes (``loc`` a path of keys, as
errors are located). They are applied to the file's ruamel.yaml round-trip
tree, so comments, key order and quoting survive and the file's diff holds
only what changed. The new text is then checked exactly as ``policygen
check`` checks a file (:func:`generator.check.check_school`), before anything
is written; each problem is matched back to the field whose value it points
at. If the file changed on disk since the page was loaded, nothing is
written.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.check import check_school
from generator.errors import Findings, InputError, Problem
from generator.library import Library
from generator.output import write_atomic
from generator.review.approve import _indentation
from generator.school import School, SchoolFile
from generator.source import Loc, Source, make_yaml, parse_source
from generator.validate import validate_source

REMOVE = object()  # an edit's value that deletes the key
_WRITE_LOCK = threading.Lock()


def fingerprint(text: str) -> str:
    """Return the fingerprint a page carries of the file it was loaded from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SaveResult:
    """What became of a save: written, refused with problems, or refused as stale."""

    saved: bool = False
    conflict: bool = False
    field_problems: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # those matched to no field
    changed: bool = False


def apply_edits(text: str, edits: dict[Loc, Any]) -> str:
    """Return ``text`` with each edit applied through the round trip (pure)."""
    yaml = make_yaml()
    yaml.width = 4096  # never re-wrap the adviser's long lines
    yaml.indent(**_indentation(text))
    data = yaml.load(text)
    for loc, value in edits.items():
        _set(data, loc, value)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _set(data: CommentedMap, loc: Loc, value: Any) -> None:
    node = data
    for i, part in enumerate(loc[:-1]):
        child = node.get(part) if isinstance(node, dict) else node[part]
        if child is None:
            if value is REMOVE:
                return
            child = CommentedMap()
            node[part] = child
        node = child
    last = loc[-1]
    if value is REMOVE:
        if isinstance(node, dict) and last in node:
            del node[last]
        return
    if isinstance(node, dict) and last in node and _same(node[last], value):
        return  # unchanged: keep the original scalar's style
    if isinstance(value, str) and "\n" in value.strip():
        value = LiteralScalarString(value.rstrip("\n") + "\n")
    node[last] = value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, (str, int, float, bool)) and isinstance(new, (str, int, float, bool)):
        return type(old) is type(new) and old == new or str(old) == str(new)
    return old == new


def check_text(library: Library, path: Path, text: str) -> tuple[SchoolFile | None, Findings]:
    """Return the school file ``text`` would be at ``path``, and its problems (as ``policygen check``)."""
    try:
        source = parse_source(path, text)
        school = validate_source(source, School)
    except InputError as exc:
        return None, exc.findings
    school_file = SchoolFile(path.stem, path, school, source)
    return school_file, check_school(library, school_file)


def save_school(library: Library, path: Path, edits: dict[Loc, Any], seen: str,
                fields: dict[str, Loc]) -> SaveResult:
    """Apply ``edits`` to the school file at ``path`` and write it if it passes every check.

    ``seen`` is the fingerprint of the file when the page was loaded;
    ``fields`` names the form field of each ``loc``, to place problems.
    """
    original = path.read_text(encoding="utf-8")
    if fingerprint(original) != seen:
        return SaveResult(conflict=True)
    text = apply_edits(original, edits)
    school_file, problems = check_text(library, path, text)
    errors = list(problems.errors)
    if errors:
        placed, rest = place_problems(parse_source(path, text) if school_file is None else school_file.source,
                                      errors, fields)
        return SaveResult(field_problems=placed, problems=rest)
    if text == original:
        return SaveResult(saved=True)
    with _WRITE_LOCK:
        if fingerprint(path.read_text(encoding="utf-8")) != seen:
            return SaveResult(conflict=True)
        write_atomic(path, text.encode("utf-8"))
    return SaveResult(saved=True, changed=True)


def place_problems(source: Source | None, problems: list[Problem],
                   fields: dict[str, Loc]) -> tuple[dict[str, list[str]], list[Problem]]:
    """Return the problems matched to the field whose value they point at, and the rest."""
    at: dict[tuple[int, int], str] = {}
    by_line: dict[int, list[str]] = {}
    if source is not None:
        try:
            for name, loc in fields.items():
                if _exists(source, loc):
                    pos = source.locate(loc)
                    at[pos] = name
                    by_line.setdefault(pos[0], []).append(name)
                    key = source.locate(loc, key=True)
                    at.setdefault(key, name)
        except InputError:
            pass
    placed: dict[str, list[str]] = {}
    rest: list[Problem] = []
    for problem in problems:
        name = None
        if source is not None and Path(problem.path) == source.path:
            name = at.get((problem.line, problem.col))
            if name is None and len(by_line.get(problem.line, [])) == 1:
                name = by_line[problem.line][0]
        if name is None:
            rest.append(problem)
        else:
            placed.setdefault(name, []).append(_without_path(problem.message, fields[name]))
    return placed, rest


def _without_path(message: str, loc: Loc) -> str:
    """Return ``message`` without its leading "policies.x.key: " (the field says where)."""
    dotted = ".".join(str(part) for part in loc)
    return message[len(dotted) + 2:] if message.startswith(dotted + ": ") else message


def _exists(source: Source, loc: Loc) -> bool:
    node: Any = source.root
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    return True
