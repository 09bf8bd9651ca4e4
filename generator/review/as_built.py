"""A policy as built: resolved with its table of changes, and marked draft or approved.

This is the edge where the approval history is loaded (the snapshots beside
the school file, through :mod:`generator.review.history`). The core
(:mod:`generator.check`, :mod:`generator.build`) is handed
:func:`resolve_as_built` or :func:`approved_policy` by its caller and never
imports this package.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.errors import InputError
from generator.library import Library
from generator.model import Form, Policy, Status
from generator.resolve import resolve
from generator.review.history import change_rows, last_snapshot
from generator.review.snapshot import Snapshot, plain_text, school_choices
from generator.review.snapshot_file import approved_snapshots
from generator.school import SchoolFile


def resolve_as_built(library: Library, school_file: SchoolFile, policy_id: str) -> Policy:
    """Return the policy as ``build`` prints it: resolved, its table of changes from
    the record, and approved only if it matches the last approval's snapshot.

    Raises:
        InputError: as :func:`generator.resolve.resolve`, or an unreadable snapshot.
    """
    snapshots = approved_snapshots(school_file, policy_id)
    policy = resolve(library, school_file, policy_id, changes=change_rows(library, school_file, policy_id, snapshots))
    last = last_snapshot(school_file, policy_id, snapshots)
    return replace(policy, status=approval_status(policy, last, school_choices(school_file, policy_id)))


def approval_status(policy: Policy, last: Snapshot | None, choices: dict[str, Any]) -> Status:
    """Return whether ``policy`` prints exactly what ``last`` froze (pure).

    A policy is approved only when its latest approval has a snapshot and the
    printed wording (headings, clause numbers, titles, variants, text and
    forms) and the school's choices are the same as then. A form's straight
    and curly quotes are the same words: its statements printed straight
    quotes until November 2026, and an approval does not lapse for that.
    """
    current = policy.governance.current
    revises = current.version if current else None
    if last is None or current is None or last.version != current.version:
        return Status(draft=True, revises=revises)
    same = printed_wording(policy, plain=last.meta.format < 2) == printed_wording(last.policy, plain=last.meta.format < 2)
    if last.meta.format >= 2:
        same = same and last.meta.choices == choices
    return Status(draft=not same, revises=revises)


def printed_wording(policy: Policy, plain: bool = False) -> list[tuple]:
    """Return what a reader sees of the wording, for comparison (``plain``: text without formatting)."""
    out: list[tuple] = []
    for section in policy.sections:
        out.append((section.id, section.heading, _form_wording(section.form) if not plain else None))
        for clause in section.clauses:
            out.append((clause.id, clause.number, clause.title, clause.variant,
                        plain_text(clause.blocks) if plain else clause.blocks))
    return out


_SAME_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")


def _form_wording(form: Form | None) -> Form | None:
    """Return ``form`` with its labels and statements' quotes straight, for comparison."""
    if form is None:
        return None
    return replace(form, rows=tuple(replace(row, label=row.label.translate(_SAME_QUOTES),
                                            detail=row.detail.translate(_SAME_QUOTES)) for row in form.rows))


def approved_policy(library: Library, school_file: SchoolFile, policy_id: str) -> Policy:
    """Return the policy exactly as last approved, from its snapshot, for ``build --approved``.

    The wording, forms and numbering are the snapshot's; the approval record
    and table of changes are today's record up to that approval; the branding
    is the school's current one.

    A policy never approved has no approved wording: it is returned as
    today's draft, marked as one (``build --approved`` leaves it out, saying so).

    Raises:
        InputError: the latest approval's snapshot is missing, or was written
            before format 2 (it does not hold the whole document).
    """
    snapshots = approved_snapshots(school_file, policy_id)
    last = last_snapshot(school_file, policy_id, snapshots)
    where = ("policies", policy_id, "governance")
    choices = school_file.school.policies.get(policy_id)
    if choices is not None and not choices.governance.approvals:
        return resolve_as_built(library, school_file, policy_id)  # never approved: the draft, marked as one
    if last is None:
        latest = choices.governance.approvals[-1] if choices is not None else None
        raise InputError(school_file.source.problem(
            where, f"version {latest.version} of the {policy_id} policy (its last approval) has no snapshot, so "
                   "its wording is not known and cannot be rebuilt: if it approved the wording printed today, "
                   "record that with policygen approve --baseline" if latest is not None else
                   f"no approved snapshot of the {policy_id} policy to rebuild: record an approval "
                   f"(policygen approve) or a baseline (policygen approve --baseline) first", key=True))
    if last.meta.format < 2:
        raise InputError(school_file.source.problem(
            where, f"the snapshot of version {last.version} of the {policy_id} policy is format 1 (text only) "
                   f"and cannot be rebuilt; record a baseline (policygen approve --baseline) to replace it", key=True))
    rows = change_rows(library, school_file, policy_id, snapshots)
    frozen = last.policy
    now = resolve(library, school_file, policy_id, changes=rows)
    sections = tuple(replace(s, changes=rows) if s.changes is not None else s for s in frozen.sections)
    return replace(frozen, sections=sections, governance=now.governance, brand=now.brand,
                   school_name=now.school_name, author=now.author, status=Status(draft=False, revises=None))
