"""What ``approve`` would do, said before it does it: for approving or undoing several policies at once.

``approve`` without ``--policy`` acts on more than one policy; the clerk sees
each one (its title, the version and date to be recorded, and whether its
wording changed since the last approval) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.articles import running
from generator.dates import format_date
from generator.errors import PolicygenError
from generator.library import Library
from generator.review.approve import approving_body, checked_policies, next_version, refuse_approval_options, \
    refuse_repeat
from generator.school import SchoolFile


@dataclass(frozen=True)
class PendingApproval:
    """One approval ``approve`` would record, and what it approves."""

    policy_id: str
    title: str
    version: str
    date: date
    by: str
    last_version: str | None  # the version it follows (None: the first approval)
    last_date: date | None
    changed: bool  # the wording or choices differ from the last approval (or it has no snapshot)

    def describe(self) -> str:
        """Return one line for the clerk: "Social Media Policy: version 3, 20 November 2026, by FGB (…)"."""
        if self.last_version is None:
            since = "its first approval"
        else:
            how = "wording changed since" if self.changed else "same wording as"
            since = f"{how} version {self.last_version}, approved {format_date(self.last_date)}"
        return f"{self.title}: version {self.version}, {format_date(self.date)}, by {self.by} ({since})"


@dataclass(frozen=True)
class LastApproval:
    """The latest approval of one policy, as ``approve --undo`` would remove it."""

    policy_id: str
    title: str
    version: str
    date: date
    by: str

    def describe(self) -> str:
        return f"{self.title}: version {self.version}, approved {format_date(self.date)} by {self.by}"


def pending_approvals(library: Library, path: Path, policy_ids: list[str], when: date, by: str | None,
                      *, force: bool = False, today: date | None = None) -> list[PendingApproval]:
    """Return the approvals ``approve`` would record for ``policy_ids``, refusing as it would, writing nothing.

    Raises:
        InputError: the school file has errors.
        PolicygenError: ``approve`` would refuse one of them (a date in the
            future or before its last approval, an empty ``by``, a repeat
            without ``force``), so none is recorded.
    """
    refuse_approval_options(path, when, by, today or date.today())
    school_file, resolved = checked_policies(library, path)
    pending = []
    for pid in policy_ids:
        history = school_file.school.policies[pid].governance.approvals
        refuse_repeat(path, history, resolved[pid], when, force)
        last = history[-1] if history else None
        pending.append(PendingApproval(
            pid, library.policies[pid].spec.title, next_version([a.version for a in history]), when,
            by.strip() if by else approving_body(school_file, pid), last and last.version, last and last.date,
            resolved[pid].status.draft))
    return pending


def last_approvals(library: Library, school_file: SchoolFile, policy_ids: list[str]) -> list[LastApproval]:
    """Return the policies among ``policy_ids`` whose last approval is the school's latest, by date.

    One policy: that is the approval ``--undo`` takes back. Several (approved
    on the same day): the clerk names one.

    Raises:
        PolicygenError: none of them has an approval.
    """
    lasts = [LastApproval(pid, library.policies[pid].spec.title, a.version, a.date, a.by)
             for pid in policy_ids
             for a in school_file.school.policies[pid].governance.approvals[-1:]]
    if not lasts:
        raise PolicygenError(f"{school_file.path}: no policy of {running(school_file.school.name)} has an approval to undo")
    latest = max(last.date for last in lasts)
    return [last for last in lasts if last.date == latest]
