"""Record an approval: a new line in the school file, and a snapshot.

The school file is edited through a ruamel.yaml round trip, so comments, key
order and formatting stay as the adviser wrote them and the file's diff
holds only the new approval's lines.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Sequence

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.check import check_school
from generator.dates import add_months, format_date
from generator.errors import InputError, PolicygenError
from generator.governance import policy_approver
from generator.library import Library
from generator.model import ApprovalRecord, Policy, Status
from generator.review.as_built import resolve_as_built
from generator.review.record import (
    approval_lock, commit_approval, commit_removal, encode_like, real_path, writable_school_file,
)
from generator.review.snapshot import school_choices, take_snapshot
from generator.review.snapshot_file import snapshot_bytes, snapshot_files, snapshot_path
from generator.school import Approval, SchoolFile, load_school
from generator.source import make_yaml
from generator.validate import suggest


@dataclass(frozen=True)
class ApprovalResult:
    """What ``approve`` recorded (or, for an undo, removed)."""

    school_id: str
    policy_id: str
    version: str
    date: date
    by: str
    next_review: date | None
    snapshot: Path
    library_version: str = ""
    notes: tuple[str, ...] = ()


def next_version(versions: list[str]) -> str:
    """Return the version after the last one: "1" → "2", "V3" → "V4", none → "1"."""
    if not versions:
        return "1"
    match = re.fullmatch(r"(.*?)(\d+)", versions[-1].strip())
    if not match:
        return str(len(versions) + 1)
    return f"{match.group(1)}{int(match.group(2)) + 1}"


def approving_body(school_file: SchoolFile, policy_id: str) -> str:
    """Return who approves the school's policy: the body its governance names, else the one that last approved it.

    Today a school file names it per policy (``governance: approving_body``);
    when it does not, the last approval's ``by`` is used, then the school's approving body (its type's default).
    """
    policy = school_file.school.policies.get(policy_id)
    governance = policy.governance if policy is not None else None
    if governance is not None and "approving_body" not in governance.model_fields_set and governance.approvals:
        return governance.approvals[-1].by
    return policy_approver(school_file.school, governance)


def approve(library: Library, path: Path, policy_id: str, when: date, by: str | None = None, summary: str = "", *,
            force: bool = False, today: date | None = None) -> ApprovalResult:
    """Record that ``by`` (default: the approving body) approved the school's ``policy_id`` on ``when``.

    The school file gains one approval and a snapshot freezes the wording as it
    prints now, both or neither, under a lock.

    Raises:
        InputError: the school file has errors, or lacks the policy.
        PolicygenError: the date is in the future or before the last approval; ``by``
            is empty; the approval repeats the last one (same date and wording) without
            ``force``; a file cannot be written.
    """
    today = today or date.today()
    refuse_approval_options(path, when, by, today)
    with approval_lock(path):
        school_file, policy = checked_school(library, path, policy_id)
        by = by.strip() if by else approving_body(school_file, policy_id)
        governance = school_file.school.policies[policy_id].governance
        history = governance.approvals
        refuse_repeat(path, history, policy, when, force)
        writable_school_file(path)
        version = next_version([a.version for a in history])
        next_review = add_months(when, governance.cycle(library.policies[policy_id].spec.review_cycle_months))
        text = _appended(school_file, policy_id, {"version": version, "date": when, "by": by, "summary": summary,
                                                  "next_review": next_review})
        record = ApprovalRecord(version, when, by, summary, next_review)
        frozen = replace(policy, governance=replace(policy.governance, history=policy.governance.history + (record,)),
                         status=Status(draft=False))
        snapshot = take_snapshot(frozen, library, version, when, by, school_choices(school_file, policy_id))
        snap_path = snapshot_path(school_file, policy_id, version)
        original = real_path(path).read_bytes()
        commit_approval(path, encode_like(original, text), snap_path,
                        snapshot_bytes(snapshot, school_file.path.parent))
    notes = ()
    if when < today:
        notes = (f"back-dated to {format_date(when)}: this freezes the wording as it prints today, from clause "
                 f"library {library.version}",)
    return ApprovalResult(school_file.id, policy_id, version, when, by, next_review, snap_path, library.version, notes)


def refuse_approval_options(path: Path, when: date, by: str | None, today: date) -> None:
    """Raise PolicygenError for an approval dated in the future or given an empty ``by``."""
    if when > today:
        raise PolicygenError(f"{path}: the approval date {format_date(when)} is in the future (today is "
                             f"{format_date(today)}); record an approval once it has happened")
    if by is not None and not by.strip():
        raise PolicygenError(f"{path}: --by is empty; name the approving body, or leave --by out to use the "
                             "school's own")


def refuse_repeat(path: Path, history: Sequence[Approval], policy: Policy, when: date, force: bool) -> None:
    """Raise PolicygenError for an approval dated before the last one, or repeating it without ``force``."""
    if history and when < history[-1].date:
        raise PolicygenError(f"{path}: the approval date {format_date(when)} is before the last approval "
                             f"({format_date(history[-1].date)})")
    if history and not policy.status.draft and when == history[-1].date and not force:
        raise PolicygenError(f"{path}: version {history[-1].version} was approved on {format_date(when)} with this "
                             "same wording; approving it again would repeat it (use --force to record it anyway)")


def record_baseline(library: Library, path: Path, policy_id: str, *, force: bool = False) -> ApprovalResult:
    """Record today's wording as the snapshot of the latest existing approval, with no new version.

    For a school brought in with its approval history: its last approval is
    taken to be of the wording it prints now.

    Raises:
        PolicygenError: the policy was never approved, or its latest approval
            already has a different snapshot (``force`` replaces it).
    """
    with approval_lock(path):
        school_file, policy = checked_school(library, path, policy_id)
        history = school_file.school.policies[policy_id].governance.approvals
        if not history:
            raise PolicygenError(f"{path}: the {policy_id} policy has no approval to baseline; record one with "
                                 "policygen approve")
        last = history[-1]
        existing = snapshot_files(school_file, policy_id).get(_safe(last.version))
        if existing is not None and existing.suffix == ".json" and not force:
            if not policy.status.draft:
                raise PolicygenError(f"{path}: version {last.version} already has a snapshot of this wording "
                                     f"({existing}); nothing to do")
            raise PolicygenError(f"{path}: version {last.version} already has a snapshot ({existing}) that differs "
                                 "from today's wording; use --force to replace what it says was approved")
        frozen = replace(policy, status=Status(draft=False))
        snapshot = take_snapshot(frozen, library, last.version, last.date, last.by,
                                 school_choices(school_file, policy_id))
        snap_path = snapshot_path(school_file, policy_id, last.version)
        commit_approval(path, real_path(path).read_bytes(), snap_path,
                        snapshot_bytes(snapshot, school_file.path.parent))
        if existing is not None and existing != snap_path:
            existing.unlink(missing_ok=True)  # a format 1 snapshot, replaced by this one
    return ApprovalResult(school_file.id, policy_id, last.version, last.date, last.by,
                          last.next_review, snap_path, library.version)


def undo_approval(library: Library, path: Path, policy_id: str) -> ApprovalResult:
    """Remove the policy's last approval and its snapshot, when nothing has happened since.

    "Nothing since" means the policy still prints exactly what that approval's
    snapshot froze, and the approval is the file's last lines for the policy.

    Raises:
        PolicygenError: there is no approval, no snapshot of it, or the wording
            has changed since (undoing would lose what was approved).
    """
    with approval_lock(path):
        school_file, policy = checked_school(library, path, policy_id)
        history = school_file.school.policies[policy_id].governance.approvals
        if not history:
            raise PolicygenError(f"{path}: the {policy_id} policy has no approval to undo")
        last = history[-1]
        snap = snapshot_files(school_file, policy_id).get(_safe(last.version))
        if snap is None:
            raise PolicygenError(f"{path}: version {last.version} has no snapshot, so it was not recorded by "
                                 "policygen approve; remove it by hand if it is wrong")
        if policy.status.draft:
            raise PolicygenError(f"{path}: the wording or choices have changed since version {last.version} was "
                                 "approved; undoing it now would lose what was approved (remove it by hand)")
        text = _without_last(school_file, policy_id)
        original = real_path(path).read_bytes()
        commit_removal(path, encode_like(original, text), snap)
    return ApprovalResult(school_file.id, policy_id, last.version, last.date, last.by, last.next_review, snap)


def checked_policies(library: Library, path: Path) -> tuple[SchoolFile, dict[str, Policy]]:
    """Return the school file and its policies as they print now (each with its draft or approved status).

    Raises:
        InputError: the school file has errors.
    """
    school_file = load_school(path)
    resolved: dict[str, Policy] = {}
    check_school(library, school_file, resolved, resolve_as_built).raise_if_errors()
    return school_file, resolved


def checked_school(library: Library, path: Path, policy_id: str) -> tuple[SchoolFile, Policy]:
    """Return the school file and its ``policy_id`` as it prints now; a school without it is an InputError."""
    school_file, resolved = checked_policies(library, path)
    if policy_id not in school_file.school.policies:
        raise InputError(school_file.source.problem(
            ("policies",), f"this school has no {policy_id!r} policy"
                           f"{suggest(policy_id, school_file.school.policies)}", key=True))
    return school_file, resolved[policy_id]


def _safe(version: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", version)


def _load_round_trip(school_file: SchoolFile):
    original = real_path(school_file.path).read_bytes().decode("utf-8").replace("\r\n", "\n")
    yaml = make_yaml()
    yaml.width = 4096  # never re-wrap the adviser's long lines
    yaml.indent(**_indentation(original))
    return original, yaml, yaml.load(original)


def _appended(school_file: SchoolFile, policy_id: str, entry: dict) -> str:
    """Return the school file's text with ``entry`` added to the policy's approvals, all else as it was."""
    original, yaml, data = _load_round_trip(school_file)
    policy = data["policies"][policy_id]
    if "governance" not in policy or policy["governance"] is None:
        policy["governance"] = CommentedMap()
    governance = policy["governance"]
    approvals = governance.get("approvals")
    if approvals is None:
        approvals = governance["approvals"] = CommentedSeq()
    new = CommentedMap()
    for key in ("version", "date", "by", "summary", "next_review"):
        value = entry[key]
        if key == "version":
            value = DoubleQuotedScalarString(value)
        if key == "summary" and not value:
            continue
        new[key] = value
    if approvals and all(isinstance(a, CommentedMap) and a.fa.flow_style() for a in approvals):
        new.fa.set_flow_style()  # match the file's one-line-per-approval style
    if not approvals:
        approvals.fa.set_block_style()
    approvals.append(new)
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    removed = [line for line in difflib.ndiff(original.splitlines(), text.splitlines()) if line.startswith("- ")]
    if removed and not (len(removed) == 1 and removed[0].rstrip().endswith("approvals: []")):
        raise PolicygenError(f"{school_file.path}: recording the approval would rewrite existing lines "
                             f"({removed[0][2:].strip()!r}); add it by hand")
    return text


def _without_last(school_file: SchoolFile, policy_id: str) -> str:
    """Return the school file's text without the policy's last approval, all else as it was."""
    original, yaml, data = _load_round_trip(school_file)
    data["policies"][policy_id]["governance"]["approvals"].pop()
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    added = [line for line in difflib.ndiff(original.splitlines(), text.splitlines()) if line.startswith("+ ")]
    if added and not (len(added) == 1 and added[0].rstrip().endswith("approvals: []")):
        raise PolicygenError(f"{school_file.path}: removing the approval would rewrite other lines "
                             f"({added[0][2:].strip()!r}); remove it by hand")
    return text


def _indentation(text: str) -> dict[str, int]:
    """Guess the file's mapping and sequence indentation, so the round trip keeps it."""
    mapping = 2
    sequence, offset = 4, 2
    for line in text.splitlines():
        match = re.match(r"^(\s*)-\s", line)
        if match:
            lines = text.splitlines()
            i = lines.index(line)
            parent = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip() and not lines[j].lstrip().startswith("-")
                           and lines[j].rstrip().endswith(":")), None)
            if parent is not None:
                parent_indent = len(parent) - len(parent.lstrip())
                offset = len(match.group(1)) - parent_indent
                sequence = offset + 2
            break
    return {"mapping": mapping, "sequence": sequence, "offset": max(offset, 0)}
