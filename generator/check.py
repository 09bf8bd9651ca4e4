"""Cross-file checks: a school file against the library, beyond its own shape.

Shape problems (types, unknown keys) are found when the school file is
loaded; this module finds what needs the library or the disk: choices that
name no clause or variant, missing required choices, a missing or broken
logo, an owner role nobody holds, and clause text that cannot be filled in
with this school's data. All problems are returned together.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from generator.context import placeholders
from generator.errors import Findings, InputError, Problem
from generator.library import Library
from generator.logo import logo_problem
from generator.model import Policy
from generator.resolve import resolve, selection
from generator.school import PartialSchool, SchoolFile, load_school_partly
from generator.validate import suggest


# How a school's policy is resolved: plain :func:`generator.resolve.resolve`, or, from the
# command line, ``review.as_built.resolve_as_built`` (with its approval history)
Resolver = Callable[[Library, SchoolFile, str], Policy]


@dataclass
class CheckedSchool:
    """A school file that passed its checks, with its policies already resolved."""

    school_file: SchoolFile
    policies: dict[str, Policy] = field(default_factory=dict)


def check_school(library: Library, school_file: SchoolFile, resolved: dict[str, Policy] | None = None,
                 resolver: Resolver = resolve) -> Findings:
    """Return every problem of ``school_file`` against ``library``, errors and warnings.

    The policies resolved on the way (by ``resolver``) are put in ``resolved``, when given.
    """
    school = school_file.school
    src = school_file.source
    problems: list[Problem] = []
    problems.extend(_logo_problems(school_file))
    problems.extend(_font_problems(school_file))
    if not school.policies:
        problems.append(src.problem((), "no policies chosen: add a 'policies:' mapping, e.g. 'social-media:'",
                                    severity="warning"))
    for policy_id, policy in school.policies.items():
        if policy_id not in library.policies:
            problems.append(src.problem(("policies", policy_id),
                                        f"unknown policy {policy_id!r}{suggest(policy_id, library.policies)}; "
                                        f"the library has {', '.join(sorted(library.policies))}", key=True))
            continue
        owner = policy.governance.owner
        if owner not in school.people:
            problems.append(src.problem(("policies", policy_id, "governance", "owner"),
                                        f"owner {owner!r} is not one of the people in this file"
                                        f"{suggest(owner, school.people)}; add them under 'people:'"))
        problems.extend(_empty_list_problems(library, school_file, policy_id))  # even when a choice is refused
        try:
            policy_model = resolver(library, school_file, policy_id)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if resolved is not None:
            resolved[policy_id] = policy_model
    return Findings(problems)


# The school's lists a clause can print, read as policy.<list> in clause text.
SCHOOL_LISTS = ("related_policies", "contacts")


def _empty_list_problems(library: Library, school_file: SchoolFile, policy_id: str) -> list[Problem]:
    """Return a problem for each clause the school prints that lists one of the school's lists while it is empty.

    Which clauses print is read from the school's choices, not from the
    resolved policy, so this is reported with the file's other problems even
    when a refused choice stops the policy resolving. A clause whose choice
    is refused is left out, as resolving leaves it out. The problem is at the
    empty list's key (at the policy's, when the list is not written at all).
    """
    lib = library.policies[policy_id]
    settings = school_file.school.policies[policy_id]
    chosen, _ = selection(lib, school_file)  # its problems are resolving's to report
    parts = [*lib.spec.sections, *(a for a in lib.spec.appendices if lib.appendix_applies(a, chosen))]
    problems = []
    for clause_id in (cid for part in parts for cid in part.clauses if cid in chosen):
        spec = lib.clauses[clause_id]
        wording = spec.wording(chosen[clause_id])
        if wording is None or wording.school:
            continue
        for name in SCHOOL_LISTS:
            if ("policy", name) in placeholders(wording.text) and not getattr(settings, name):
                problems.append(school_file.source.problem(("policies", policy_id, name), (
                    f"the clause '{spec.title}' ({clause_id}) lists policy.{name}, but '{name}' is empty: "
                    f"list them under policies: {policy_id}: {name}:, or switch the clause off "
                    f"({clause_id}: off)"), key=True))
    return problems


def _logo_problems(school_file: SchoolFile) -> list[Problem]:
    logo = school_file.school.branding.logo
    if logo is None:
        return []
    message = logo_problem(logo, school_file.path.parent)
    return [school_file.source.problem(("branding", "logo"), message)] if message else []


# Fonts LibreOffice swaps for metric-compatible ones, so the layout matches Word's.
METRIC_COMPATIBLE = {"calibri": "carlito", "cambria": "caladea", "arial": "liberation sans",
                     "times new roman": "liberation serif", "courier new": "liberation mono"}


def _font_problems(school_file: SchoolFile) -> list[Problem]:
    font = school_file.school.branding.font
    installed = installed_fonts()
    if not installed or font.lower() in installed or METRIC_COMPATIBLE.get(font.lower()) in installed:
        return []
    near = suggest(font, sorted(installed))
    return [school_file.source.problem(("branding", "font"), f"font {font!r} is not installed{near}; LibreOffice "
                                       "will substitute another in the PDF (see docs/templates.md)", severity="warning")]


@lru_cache(maxsize=1)
def installed_fonts() -> frozenset[str]:
    """Return the lower-cased font families fontconfig knows, or nothing without fc-list."""
    try:
        done = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(name.strip().lower() for line in done.stdout.splitlines() for name in line.split(","))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def split_repeated_ids(paths: list[Path]) -> tuple[list[Path], Findings]:
    """Return ``paths`` without those whose school id (file name) an earlier one has, and a problem for each.

    Two schools with one id would write the same output files, one over the other.
    """
    kept: list[Path] = []
    problems: list[Problem] = []
    ids: dict[str, Path] = {}
    for path in paths:
        first = ids.setdefault(Path(path).stem, path)
        if first is path:
            kept.append(path)
            continue
        same = "is given twice" if _same_file(first, path) else f"has the same school id as {first}"
        problems.append(Problem(path, 0, 0, f"this file {same}; each school in one build needs an id "
                                            "(file name) of its own, or one would overwrite the other's documents"))
    return kept, Findings(problems)


def check_paths(library: Library, paths: list[Path], resolver: Resolver = resolve
                ) -> tuple[list[CheckedSchool], Findings]:
    """Load and check each school file (resolving with ``resolver``); return the good ones and all problems."""
    good: list[CheckedSchool] = []
    paths, findings = split_repeated_ids(paths)
    for _, checked, found in check_each(library, paths, resolver):
        findings += found
        if checked is not None:
            good.append(checked)
    return good, findings


def check_each(library: Library, paths: list[Path], resolver: Resolver = resolve
               ) -> Iterator[tuple[Path, CheckedSchool | None, Findings]]:
    """Load and check each school file in turn (resolving with ``resolver``): yield it, checked or None,
    with its problems.

    Two files with one school id are refused beforehand, by :func:`split_repeated_ids`.
    """
    for path in paths:
        partial = load_school_partly(path)
        if partial.problems:
            yield path, None, _all_at_once(library, partial, resolver).sorted()
            continue
        school_file = partial.school_file
        resolved: dict[str, Policy] = {}
        found = check_school(library, school_file, resolved, resolver).sorted()  # in file order
        yield path, None if found.errors else CheckedSchool(school_file, resolved), found


def _all_at_once(library: Library, partial: PartialSchool, resolver: Resolver) -> Findings:
    """Return why ``partial`` would not load, with the problems its other keys have against the library.

    The school was loaded with the refused keys left out (see
    :func:`generator.school.load_school_partly`) and is checked, so one run of
    ``check`` lists every problem, not one round at a time. A problem at a
    line already reported, or at a key that holds a refused one (a list
    that is "empty" because its items were refused), is left out: it follows
    from the first.
    """
    found = Findings(partial.problems)
    if partial.school_file is None:
        return found
    source = partial.school_file.source
    follows = {(p.path, p.line) for p in found}
    follows |= {(source.layer_of(key[:end]).path, source.locate(key[:end])[0])
                for key in partial.left_out for end in range(2, len(key) + 1)}
    return found + [p for p in check_school(library, partial.school_file, None, resolver)
                    if (p.path, p.line) not in follows]
