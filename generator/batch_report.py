"""What a batch says while it runs and when it ends: a line (or a progress bar) per document, then a summary.

A :class:`BuildReport` keeps counts, and names only what a person must act
on: every failure with its reason, and the first :data:`DRAFTS_NAMED` drafts.
So a batch of 24,000 schools holds no more than one of 100, and its summary
stays readable.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import click

from generator.build import Job, Outcome
from generator.errors import Findings, PolicygenError, Problem
from generator.pipes import Echo, Output

DRAFTS_NAMED = 50  # past this many, the summary counts the drafts instead of naming each


@dataclass
class BuildReport:
    """What a batch did: counts, failures and time taken (no document is kept once it is written)."""

    built: int = 0
    planned: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    restarts: int = 0  # after LibreOffice crashed or hung; routine recycling is not counted
    skipped: int = 0
    good_schools: int = 0
    bad_schools: int = 0  # refused by the checks: none of their documents was planned
    drafts: int = 0  # built documents not yet approved
    named_drafts: list[tuple[str, str]] = field(default_factory=list)  # the first DRAFTS_NAMED of them
    unapproved: int = 0  # left out of build --approved: never approved, so no approved wording
    named_unapproved: list[str] = field(default_factory=list)  # the first DRAFTS_NAMED of them
    noted: Callable[[Outcome], None] | None = None
    shown: set[str] = field(default_factory=set)  # problems in a group file, printed once for all its schools

    def note(self, outcome: Outcome) -> None:
        """Count a finished document (and hand it to ``noted``: the manifest)."""
        if outcome.ok:
            self.built += 1
            label = draft_label(outcome)
            if label:
                self.drafts += 1
                if len(self.named_drafts) < DRAFTS_NAMED:
                    self.named_drafts.append((outcome.job.name, label))
        else:
            self.failures.append((outcome.job.name, outcome.error or "failed"))
        if self.noted is not None:
            self.noted(outcome)

    def never_approved(self, job: Job, title: str) -> str:
        """Count a policy ``build --approved`` leaves out, and return the line that says why."""
        self.unapproved += 1
        if len(self.named_unapproved) < DRAFTS_NAMED:
            self.named_unapproved.append(job.name)
        return (f"not built {job.name}: the {title} has never been approved, so there is no approved wording "
                "to build; build it without --approved for a draft")

    @property
    def ok(self) -> bool:
        return not self.failures


def draft_label(outcome: Outcome) -> str | None:
    """Return "Draft" or "Draft revising version N" when the document built is not yet approved, else None."""
    policy = outcome.job.policy
    return policy.status.label if policy is not None and policy.status.draft else None


def failed(job: Job, exc: Exception) -> Outcome:
    """Return the outcome of a job that raised ``exc``: policygen's own message, or what went wrong."""
    if isinstance(exc, PolicygenError):
        return Outcome(job, error=str(exc))
    if isinstance(exc, OSError) and exc.strerror:
        return Outcome(job, error=f"could not write {exc.filename or 'its files'}: {exc.strerror}")
    return Outcome(job, error=f"unexpected {type(exc).__name__}: {exc} (please report it; run with --debug)")


def line(outcome: Outcome) -> str:
    """Return the progress line of a finished document."""
    if outcome.ok:
        names = ", ".join(p.suffix.lstrip(".") for p in outcome.files)
        return f"ok      {outcome.job.name} ({names})"
    return f"FAILED  {outcome.job.name}: {(outcome.error or '').splitlines()[0]}"


def report_problems(problems: Iterable[Problem], failures: list[tuple[str, str]], echo: Echo,
                    school: Path | None = None, shown: set[str] | None = None) -> None:
    """Print each problem as found, and count a failure for each file with errors.

    With ``school``, the problems are that school's: its failure is counted
    under its own id, though a problem may be in its group's file, and a
    problem in a group file is printed once (``shown``), not once per school.
    """
    findings = Findings(problems)
    for problem in findings:
        text = str(problem)
        if school is not None and shown is not None and Path(problem.path) != Path(school):
            if text in shown:
                continue
            shown.add(text)
        echo(text, err=True)
    if school is not None:
        if findings.errors:
            failures.append((Path(school).stem, f"{len(findings.errors)} input error(s), listed above"))
        return
    for path, found in Findings(findings.errors).by_file().items():
        failures.append((path.stem, f"{len(found)} input error(s), listed above"))


def summarise(report: BuildReport, out_dir: Path, echo: Echo) -> None:
    """Print the batch's summary line, then every failure with its reason, then the drafts."""
    built, planned = report.built, report.planned
    extra = (f"; LibreOffice crashed or hung and was restarted {report.restarts} time(s)"
             if report.restarts else "")
    if report.skipped:
        extra += f"; skipped {report.skipped} unchanged (--force rebuilds them)"
    if report.bad_schools:  # their documents were never planned: say so, or "built 7 of 7" hides a school
        extra += f"; {report.bad_schools} school(s) not built because of input errors"
    if planned == 0 and not report.skipped and not report.failures and report.unapproved:
        echo(f"nothing built: none of the policies asked for has been approved; {report.seconds:.1f}s", err=True)
    elif planned == 0 and report.skipped and not report.failures:
        echo(f"nothing to build: skipped {report.skipped} unchanged in {out_dir}/, all up to date "
             f"(--force rebuilds them); {report.seconds:.1f}s")
    else:
        echo(f"built {built} of {planned} policies into {out_dir}/ in {report.seconds:.1f}s{extra}")
    if report.failures:
        echo(f"{len(report.failures)} failed:", err=True)
        for name, reason in report.failures:
            first, *rest = reason.splitlines()
            echo(f"  {name}: {first}" + (f" (and {len(rest)} more line(s))" if rest else ""), err=True)
    _report_drafts(report, echo)
    _report_unapproved(report, echo)


def _report_unapproved(report: BuildReport, echo: Echo) -> None:
    """Say which policies ``build --approved`` left out because they were never approved."""
    if report.unapproved:
        echo(f"{report.unapproved} policy(ies) not built because never approved (build them without --approved "
             "for drafts):")
        for name in report.named_unapproved:
            echo(f"  {name}")
        if report.unapproved > len(report.named_unapproved):
            echo(f"  and {report.unapproved - len(report.named_unapproved)} more")


def _report_drafts(report: BuildReport, echo: Echo) -> None:
    """Say which documents print wording the governors have not approved."""
    if report.drafts:
        echo(f"{report.drafts} of {report.built} document(s) built are drafts, marked as such "
             "(not yet approved):")
        for name, label in report.named_drafts:
            echo(f"  {name}: {label}")
        if report.drafts > len(report.named_drafts):
            echo(f"  and {report.drafts - len(report.named_drafts)} more (each says \"Draft\" on its cover, "
                 "header and footer)")


class Progress:
    """A progress bar on a terminal; one line per finished document elsewhere.

    The batch is streamed, so its size grows as schools are checked: the
    bar's length is the number of documents planned so far.
    """

    def __init__(self, echo: Output, report: BuildReport):
        self.echo = echo
        self.report = report
        self.bar = None

    def __enter__(self) -> "Progress":
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=1, label="building", file=sys.stderr, show_pos=True, show_eta=True)
            self._draw(self.bar.__enter__)
        return self

    def done(self, outcome: Outcome) -> None:
        """Count ``outcome`` on the bar (a failure is printed too), or print its line."""
        text = line(outcome)
        if self.bar is not None:
            if not outcome.ok:
                self.echo("\n" + text, err=True)
            self.bar.length = max(self.report.planned, self.bar.pos + 1)
            self._draw(self.bar.update, 1)
        else:
            self.echo(text)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self._draw(self.bar.__exit__, *exc)

    def _draw(self, step: Callable[..., object], *args: object) -> None:
        try:
            step(*args)
        except BrokenPipeError:  # the bar writes to stderr itself, not through echo
            self.echo.close(err=True)
