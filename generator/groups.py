"""Groups: a trust, federation or HR service whose file gives its schools defaults.

A school names its group with ``group: <id>``, read from ``groups/<id>.yaml``
beside the school's folder; a group may name a ``parent`` the same way. The
school's data is the merge of the chain, eldest first, like a ChainMap read
from the school end: a mapping is merged key by key, any other value (a
string, a list) is replaced whole by the nearer file. A group can lock keys
(``locked: [policies.social-media.choices.monitoring]``): a nearer file that
sets a locked key, or anything under it, is an error at that file.

The merged data keeps, for every key, the file and line it came from, so
every later problem is reported where the value was written, and
``policygen explain`` can show it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from generator.errors import Findings, InputError, Problem
from generator.source import Loc, Source, load_source
from generator.validate import suggest

GROUP_ONLY_KEYS = ("kind", "title", "parent", "locked")
GROUP_KINDS = ("trust", "federation", "hr-service")


class LayeredSource(Source):
    """A school file merged over its groups: its data, and where each value came from."""

    def __init__(self, school: Source, layers: list[Source], data: dict[str, Any], origin: dict[Loc, int]):
        super().__init__(school.path, school.text, data=data, root=school._root)
        self.school = school
        self.layers = layers            # eldest group first, the school file last
        self.origin = origin            # key path -> index of the layer that set it

    @property
    def root(self):  # the school file's own tree: approve edits it
        return self.school.root

    def layer_of(self, loc: Loc) -> Source:
        """Return the file that set ``loc`` (or its nearest parent that is set)."""
        for end in range(len(loc), 0, -1):
            index = self.origin.get(tuple(loc[:end]))
            if index is not None:
                return self.layers[index]
        return self.school

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        return self.layer_of(loc).locate(loc, key=key)

    def problem(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        return self.layer_of(loc).problem(loc, message, key=key, severity=severity)


def groups_dir(school_path: Path) -> Path:
    """Return the groups folder for a school file: ``groups/`` beside its folder."""
    return Path(school_path).parent.parent / "groups"


def merge_layers(school: Source) -> tuple[Source, list[Problem]]:
    """Return ``school`` merged over its group chain, and a problem for each locked key a nearer file sets.

    The merge is made anyway (the nearer value wins), so a check can go on to
    report the school's other problems too.

    Raises:
        InputError: a group file is missing, unreadable or badly formed, or the chain loops.
    """
    data = school.data()
    if not data.get("group"):
        return school, []
    chain = _chain(school)
    layers = list(reversed(chain))     # eldest first
    merged: dict[str, Any] = {}
    origin: dict[Loc, int] = {}
    problems: list[Problem] = []
    locks: list[tuple[Loc, int]] = []
    for index, layer in enumerate(layers):
        own = {k: v for k, v in layer.data().items() if not (layer is not school and k in GROUP_ONLY_KEYS)}
        if layer is not school:
            own.pop("group", None)
        for path in _leaves(own):
            for lock, by in locks:
                if path[: len(lock)] == lock:
                    problems.append(_locked_problem(layer, path, lock, layers[by]))
                    break
        _merge(merged, own, (), index, origin)
        if layer is not school:
            locks += [(lock, index) for lock in locked_keys(layer)]
    merged["group"] = data["group"]
    return LayeredSource(school, layers, merged, origin), list(dict.fromkeys(problems))


def _chain(school: Source) -> list[Source]:
    """Return [school, its group, that group's parent, …], checking each group file."""
    chain = [school]
    seen: list[str] = []
    folder = groups_dir(school.path)
    current, key = school, "group"
    while True:
        name = current.data().get(key)
        if not name:
            return chain
        if not isinstance(name, str):
            raise InputError(current.problem((key,), f"{key}: expected a group id (the name of a file in {folder})"))
        if name in seen:
            raise InputError(current.problem((key,), f"groups loop: {' -> '.join(seen + [name])}"))
        seen.append(name)
        path = folder / f"{name}.yaml"
        if not path.is_file():
            known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
            raise InputError(current.problem((key,), f"no group {name!r}{suggest(name, known)}: expected {path}"))
        group = load_source(path)
        _check_group(group)
        chain.append(group)
        current, key = group, "parent"


def check_groups(folder: Path) -> Findings:
    """Return the problems of every group file in ``folder``, used by a school or not."""
    problems: list[Problem] = []
    for path in sorted(Path(folder).glob("*.yaml")) if Path(folder).is_dir() else []:
        try:
            _check_group(load_source(path))
        except InputError as exc:
            problems.extend(exc.problems)
    return Findings(problems)


def _check_group(group: Source) -> None:
    from generator.school import School

    data = group.data()
    allowed = set(School.model_fields) | set(GROUP_ONLY_KEYS)
    problems = [group.problem((k,), f"unknown key {k!r}{suggest(k, allowed)}", key=True)
                for k in data if k not in allowed]
    if "group" in data:
        problems.append(group.problem(("group",), "a group names the group above it with 'parent:', not 'group:'",
                                      key=True))
    if data.get("kind") is not None and data["kind"] not in GROUP_KINDS:
        problems.append(group.problem(("kind",), f"kind: {data['kind']!r} is not one of {', '.join(GROUP_KINDS)}"))
    locked = data.get("locked")
    if locked is not None and not (isinstance(locked, list) and all(isinstance(x, str) for x in locked)):
        problems.append(group.problem(("locked",), "locked: expected a list of keys, e.g. "
                                      "[policies.social-media.choices.monitoring]"))
    if problems:
        raise InputError(problems)


def group_layers(source: Source) -> list[Source]:
    """Return the group files a school's data was merged from, nearest first (none for a school with no group)."""
    return list(reversed(source.layers[:-1])) if isinstance(source, LayeredSource) else []


def group_title(group: Source) -> str:
    """Return the name a person knows a group by: its ``title``, else its file's name."""
    return str(group.data().get("title") or group.path.stem)


def locked_keys(group: Source) -> list[Loc]:
    """Return the keys a group file locks, in the order of its ``locked:`` list."""
    return [tuple(str(dotted).split(".")) for dotted in group.data().get("locked") or []]


def _locked_problem(layer: Source, path: Loc, lock: Loc, by: Source) -> Problem:
    entries = locked_keys(by)
    line, _ = by.locate(("locked", entries.index(lock)) if lock in entries else ("locked",))
    owner = group_title(by)
    where = f"{by.path.parent.name}/{by.path.name}"  # groups/<id>.yaml
    return layer.problem(path, f"{'.'.join(map(str, lock))} is locked by {owner} ({where}:{line}): "
                               f"remove it from this file, or ask {owner} to change it", key=True)


def _leaves(data: Any, prefix: Loc = ()) -> Iterator[Loc]:
    """Yield the path of every value that is not a non-empty mapping."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaves(value, prefix + (key,))
    elif prefix:
        yield prefix


def _get(data: Any, path: Loc) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _merge(into: dict[str, Any], data: dict[str, Any], prefix: Loc, index: int, origin: dict[Loc, int]) -> None:
    for key, value in data.items():
        path = prefix + (key,)
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            origin[path] = index  # a mapping is located in the nearest file that writes it
            _merge(into[key], value, path, index, origin)
        else:
            into[key] = _copy(value)
            for old in [p for p in origin if p[: len(path)] == path]:
                del origin[old]
            _mark(value, path, index, origin)


def _mark(value: Any, path: Loc, index: int, origin: dict[Loc, int]) -> None:
    origin[path] = index
    if isinstance(value, dict):
        for key, child in value.items():
            _mark(child, path + (key,), index, origin)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def provenance(source: Source) -> list[tuple[Loc, Any, Path, int]]:
    """Return every leaf value of a school's data with the file and line that set it."""
    data = source.data()
    out = []
    for path in _leaves(data):
        layer = source.layer_of(path)
        line, _ = layer.locate(path)
        out.append((path, _get(data, path), layer.path, line))
    return out
