"""Record an approval: a new line in the school file, and a snapshot.

The school file is edited through a ruamel.yaml round trip, so comments, key
order and formatting stay as the adviser wrote them and the file's diff
holds only the new approval's lines.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.check import check_school
from generator.dates import add_months
from generator.errors import InputError, PolicygenError
from generator.library import Library
from generator.model import Policy
from generator.output import write_atomic
from generator.review.snapshot import school_choices, take_snapshot, write_snapshot
from generator.school import SchoolFile, load_school
from generator.source import make_yaml
from generator.validate import suggest


@dataclass(frozen=True)
class ApprovalResult:
    """What ``approve`` recorded."""

    school_id: str
    policy_id: str
    version: str
    date: date
    by: str
    next_review: date
    snapshot: Path


def next_version(versions: list[str]) -> str:
    """Return the version after the last one: "1" → "2", "V3" → "V4", none → "1"."""
    if not versions:
        return "1"
    match = re.fullmatch(r"(.*?)(\d+)", versions[-1].strip())
    if not match:
        return str(len(versions) + 1)
    return f"{match.group(1)}{int(match.group(2)) + 1}"


def approve(library: Library, path: Path, policy_id: str, when: date, by: str, summary: str = "") -> ApprovalResult:
    """Record that ``by`` approved the school's ``policy_id`` on ``when``.

    Raises:
        InputError: the school file has errors, or lacks the policy.
        PolicygenError: the approval predates the last one.
    """
    school_file = load_school(path)
    resolved: dict[str, Policy] = {}
    problems = [p for p in check_school(library, school_file, resolved) if p.severity == "error"]
    if problems:
        raise InputError(problems)
    school = school_file.school
    if policy_id not in school.policies:
        raise InputError(school_file.source.problem(
            ("policies",), f"this school has no {policy_id!r} policy{suggest(policy_id, school.policies)}", key=True))
    governance = school.policies[policy_id].governance
    history = governance.approvals
    if history and when < history[-1].date:
        raise PolicygenError(f"{path}: the approval date {when} is before the last approval ({history[-1].date})")
    version = next_version([a.version for a in history])
    next_review = add_months(when, governance.cycle(library.policies[policy_id].spec.review_cycle_months))

    _append_approval(school_file, policy_id, {"version": version, "date": when, "by": by, "summary": summary,
                                              "next_review": next_review})
    # what is approved is the policy as it prints now; the new approval changes only its record
    snapshot = take_snapshot(resolved[policy_id], library, version, when, by, school_choices(school_file, policy_id))
    snap_path = write_snapshot(school_file, snapshot)
    return ApprovalResult(school_file.id, policy_id, version, when, by, next_review, snap_path)


def _append_approval(school_file: SchoolFile, policy_id: str, entry: dict) -> None:
    """Add ``entry`` to the policy's approvals in the file, keeping everything else as it was."""
    path = school_file.path
    original = path.read_text(encoding="utf-8")
    yaml = make_yaml()
    yaml.width = 4096  # never re-wrap the adviser's long lines
    yaml.indent(**_indentation(original))
    data = yaml.load(original)
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
        raise PolicygenError(f"{path}: recording the approval would rewrite existing lines "
                             f"({removed[0][2:].strip()!r}); add it by hand")
    write_atomic(path, text.encode("utf-8"))


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
