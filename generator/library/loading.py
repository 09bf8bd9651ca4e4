"""Load the clause library from disk: library.yaml, shared/ and each policy type's folder.

Layout on disk (see docs/clause-library.md)::

    clauses/
      library.yaml                 version of the whole library
      shared/clauses/*.yaml        clauses any policy type may place (defined once)
      shared/forms/*.yaml          forms any policy type may print
      <policy-id>/policy.yaml      title, review cycle, sections, appendices
      <policy-id>/clauses/*.yaml   clauses (a list per file)
      <policy-id>/forms/*.yaml     forms printed as appendices

A policy type takes from ``shared/`` the clauses and forms it names, so a
shared clause's wording and changelog are the same in every policy that
places it. Each file's shape is validated here; the rules across files are
:mod:`generator.library.checks`.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import Findings, InputError, Problem
from generator.library.checks import check_policy_type, check_shared_texts
from generator.library.kinds import ClauseBase, read_clause
from generator.library.models import (
    SHARED_DIR, ClauseFile, FormSpec, Library, LibraryFile, PolicyType, PolicyTypeSpec, SharedParts,
)
from generator.source import Source, load_source
from generator.validate import validate_source


def load_library(root: Path) -> Library:
    """Load and check the clause library under ``root``.

    Raises:
        InputError: every problem found in the library's files.
    """
    root = Path(root)
    problems: list[Problem] = []
    lib_path = root / "library.yaml"
    version, title = "unversioned", ""
    try:
        lib_file = validate_source(load_source(lib_path), LibraryFile)
        version, title = lib_file.version, lib_file.title
    except InputError as exc:
        problems.extend(exc.problems)
    shared = SharedParts()
    shared_unread = _load_parts(root / SHARED_DIR, shared, problems)
    policies: dict[str, PolicyType] = {}
    for policy_file in sorted(root.glob("*/policy.yaml")):
        try:
            policy = _load_policy(policy_file.parent, shared, problems, shared_unread)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if policy is not None:
            policies[policy.spec.id] = policy
    problems.extend(check_shared_texts(shared))
    problems.extend(_unused_shared(shared, policies))
    if not policies and not problems:
        problems.append(Problem(root, 0, 0, "no policies found: expected <policy-id>/policy.yaml"))
    found = Findings(problems).sorted()
    found.raise_if_errors()
    return Library(root, version, policies, warnings=list(found), title=title)


def _load_policy(folder: Path, shared: SharedParts, problems: list[Problem], shared_unread: int = 0) -> PolicyType | None:
    source = load_source(folder / "policy.yaml")
    spec = validate_source(source, PolicyTypeSpec)
    if spec.id != folder.name:
        problems.append(source.problem(("id",), f"policy id {spec.id!r} must match its folder name {folder.name!r}"))
    lib = PolicyType(spec, {}, {}, source)
    unread = shared_unread + _load_parts(folder, lib, problems, shared)
    _take_shared(lib, shared)
    problems.extend(check_policy_type(lib, shared=set(shared.clauses) | set(shared.forms), complete=not unread))
    return lib


def _load_parts(folder: Path, into: PolicyType | SharedParts, problems: list[Problem],
                shared: SharedParts | None = None) -> int:
    """Load ``folder``'s clauses/*.yaml and forms/*.yaml into ``into``, reporting duplicates.

    Returns how many files could not be read (their problems are in ``problems``).
    """
    unread = 0
    for path in sorted((folder / "clauses").glob("*.yaml")):
        try:
            clause_source = load_source(path)
        except InputError as exc:
            problems.extend(exc.problems)
            unread += 1
            continue
        try:
            clauses = list(enumerate(validate_source(clause_source, ClauseFile).clauses))
        except InputError as exc:
            problems.extend(exc.problems)
            clauses = _valid_clauses(clause_source, into.broken)
        for i, clause in clauses:
            earlier = into.clause_at.get(clause.id) or (shared.clause_at.get(clause.id) if shared else None)
            if earlier is not None:
                first, first_loc = earlier
                line, _ = first.locate(first_loc + ("id",))
                where = first.path.name if first.path.parent == path.parent else f"{first.path.parent.parent.name}/clauses/{first.path.name}"
                problems.append(clause_source.problem(
                    ("clauses", i, "id"),
                    f"duplicate clause id {clause.id!r} (first defined at {where}:{line})"))
                continue
            into.clauses[clause.id] = clause
            into.clause_at[clause.id] = (clause_source, ("clauses", i))
    for path in sorted((folder / "forms").glob("*.yaml")):
        try:
            form_source = load_source(path)
            form = validate_source(form_source, FormSpec)
        except InputError as exc:
            problems.extend(exc.problems)
            unread += 1
            continue
        if form.id in into.forms or (shared and form.id in shared.forms):
            problems.append(form_source.problem(("id",), f"duplicate form id {form.id!r}"))
            continue
        into.forms[form.id] = form
        into.form_at[form.id] = form_source
    return unread


def _valid_clauses(source: Source, broken: set[str]) -> list[tuple[int, ClauseBase]]:
    """Return the clauses of a file that has errors which are themselves valid.

    The ids of the others go in ``broken``, so that one bad key is reported
    once, not again as an "unknown clause" wherever the clause is used.
    """
    items = source.data().get("clauses")
    good = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        try:
            good.append((i, read_clause(item)))
        except ValueError:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                broken.add(item["id"])
    return good


def _take_shared(lib: PolicyType, shared: SharedParts) -> None:
    """Add to ``lib`` the shared clauses and forms its policy.yaml names."""
    lib.broken |= shared.broken
    parts = list(lib.spec.sections) + list(lib.spec.appendices)
    named = [c for part in parts for c in part.clauses]
    named += [c for appendix in lib.spec.appendices for c in appendix.when]
    for clause_id in named:
        if clause_id in shared.clauses and clause_id not in lib.clauses:
            lib.clauses[clause_id] = shared.clauses[clause_id]
            lib.clause_at[clause_id] = shared.clause_at[clause_id]
    for clause_id, default in lib.spec.defaults.items():
        clause = lib.clauses.get(clause_id)
        own = clause.with_default(default) if clause is not None else None
        if own is not None:  # one it cannot take is reported by check_policy_type, at policy.yaml
            lib.clauses[clause_id] = own
    for appendix in lib.spec.appendices:
        if appendix.form in shared.forms and appendix.form not in lib.forms:
            lib.forms[appendix.form] = shared.forms[appendix.form]
            lib.form_at[appendix.form] = shared.form_at[appendix.form]


def _unused_shared(shared: SharedParts, policies: dict[str, PolicyType]) -> list[Problem]:
    """Return a warning for each shared clause or form that no policy type uses."""
    problems = []
    for clause_id, (source, loc) in shared.clause_at.items():
        if not any(clause_id in p.clauses for p in policies.values()):
            problems.append(source.problem(loc + ("id",), f"shared clause {clause_id!r} is not placed in any policy.yaml",
                                           severity="warning"))
    for form_id, source in shared.form_at.items():
        if not any(form_id in p.forms for p in policies.values()):
            problems.append(source.problem(("id",), f"shared form {form_id!r} is not used by any policy.yaml",
                                           severity="warning"))
    return problems
