"""Library clauses reworded with no changelog line: what `changes` would show as "Reworded" with no reason.

A clause is reworded for a school when it prints other text than the
school's last approval froze, with the same variant (as :mod:`.diff` finds
it). The reason governors read is the clause's changelog line written since
then; when there is none, the adviser is warned at the clause in the library,
so they add one before the redlines go out.

A change in the school's own data (its name, a contact) also rewords what a
clause prints, and needs no library changelog. So the wording is only blamed
on the library when it is known to have changed there: the snapshot keeps a
digest of the library wording each clause printed (since it was kept), and
for an older snapshot only a clause that reads no school data at all counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from generator.articles import running
from generator.dates import format_date
from generator.errors import InputError, PolicygenError, Problem
from generator.library import Library
from generator.model import Clause, Policy
from generator.review.history import last_snapshot
from generator.review.snapshot import Snapshot, plain_text, wording_digest
from generator.school import SchoolFile


@dataclass
class _Reworded:
    """One library clause reworded without a changelog line, and the approvals it differs from."""

    policy_id: str
    clause_id: str
    schools: list[str] = field(default_factory=list)  # "Holtsmere End School approved it (version 2, 19 June 2017"


def unexplained_rewording(library: Library, policies: Iterable[tuple[SchoolFile, dict[str, Policy]]]
                          ) -> list[Problem]:
    """Return a located warning for each library clause reworded since a school's approval with no changelog line.

    ``policies`` are school files with their policies as they print now
    (resolved as built). One warning per clause, at its changelog (or its id)
    in the library file, naming the first school it differs for and how many.
    """
    found: dict[tuple[str, str], _Reworded] = {}
    for school_file, resolved in policies:
        for policy_id, policy in resolved.items():
            try:
                last = last_snapshot(school_file, policy_id)
            except InputError:  # an unreadable snapshot is the school check's to report
                continue
            if last is None or last.meta.format < 2:
                continue
            for clause_id in _reworded_without_reason(library, policy, last):
                entry = found.setdefault((policy_id, clause_id), _Reworded(policy_id, clause_id))
                entry.schools.append(f"{running(school_file.school.name)} approved it (version {last.version}, "
                                     f"{format_date(last.approved)}")
    problems: dict[tuple[Path, str], Problem] = {}
    for entry in found.values():
        lib = library.policies[entry.policy_id]
        spec = lib.clauses[entry.clause_id]
        source, loc = lib.clause_at[entry.clause_id]
        where = loc + (("changelog",) if spec.changelog else ("id",))
        more = f"; and {len(entry.schools) - 1} more school(s)" if len(entry.schools) > 1 else ""
        message = (f"the clause '{spec.title}' ({entry.clause_id}) has been reworded since {entry.schools[0]}"
                   f"{more}), but its changelog has no line since then: add one (the date and why), so "
                   "`policygen changes` and the redline can give the governors the reason")
        problems.setdefault((source.path, entry.clause_id), source.problem(where, message, severity="warning"))
    return list(problems.values())


def _reworded_without_reason(library: Library, policy: Policy, last: Snapshot) -> list[str]:
    """Return the ids of the library clauses ``policy`` prints reworded since ``last``, with no new changelog line."""
    lib = library.policies.get(policy.policy_id)
    if lib is None:
        return []
    before = {c.id: c for _, c in last.policy.clauses()}
    known = last.meta.changelog or {}
    out = []
    for _, clause in policy.clauses():
        was, spec = before.get(clause.id), lib.clauses.get(clause.id)
        if was is None or spec is None or clause.origin != "library" or was.variant != clause.variant:
            continue
        if plain_text(was.blocks) == plain_text(clause.blocks) and was.title == clause.title:
            continue
        seen = set(known.get(clause.id, ()))
        if any((e.date.isoformat(), e.summary) not in seen for e in spec.changelog):
            continue  # explained: a line written since the approval
        if _library_changed(spec, clause, last):
            out.append(clause.id)
    return out


def _library_changed(spec, clause: Clause, last: Snapshot) -> bool:  # noqa: ANN001
    """Return whether the library's own wording of ``clause`` changed since ``last`` (not the school's data)."""
    digest = last.meta.wording.get(clause.id)
    if digest is not None:
        return digest != wording_digest(spec, clause.variant)
    if spec.school_written:  # the school may write its own text: its change is the school's
        return False
    text = spec.wordings().get(clause.variant, "")
    return not any(mark in part for part in (text, spec.title) for mark in ("{{", "{%"))


def schools_with_snapshots(library: Library, paths: Iterable[Path]) -> Iterable[tuple[SchoolFile, dict[str, Policy]]]:
    """Yield each school file at ``paths`` with an approval, and its policies as built now (for ``check --library``).

    A school that cannot be read or built is left out: checking it is
    ``check``'s work on school files, not the library's.
    """
    from generator.review.as_built import resolve_as_built
    from generator.school import load_school

    for path in paths:
        try:
            school_file = load_school(path)
            yield school_file, {pid: resolve_as_built(library, school_file, pid)
                                for pid, chosen in school_file.school.policies.items()
                                if pid in library.policies and chosen.governance.approvals}
        except (PolicygenError, OSError):
            continue
