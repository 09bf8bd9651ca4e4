"""The build plan: what one build makes and how, decided once and passed down.

``policygen build`` (and the web app's "build all") call :func:`plan_build`
with the user's options; the batch, the incremental build and the workers
read the plan instead of working the rules out again. The one rule that
depends on the machine: with no ``--format`` a build writes DOCX, plus PDF
when LibreOffice is installed. ``--format pdf`` without LibreOffice still
writes the DOCX, then fails; on a cluster the workers bring their own
LibreOffice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from generator.render.office import LibreOffice, find_libreoffice
from generator.render.pool import WorkerPool

DOCX_ONLY = frozenset({"docx"})
DOCX_AND_PDF = frozenset({"docx", "pdf"})


@dataclass(frozen=True)
class BuildPlan:
    """One build's decisions: where from and to, what each document is written as, and who lays out the PDFs."""

    library_dir: Path
    out_dir: Path
    template: Path | None             # None: the house style (templates/house-style.docx)
    formats: frozenset[str]           # what each document is written as: DOCX_ONLY or DOCX_AND_PDF
    office: LibreOffice | None = None  # lays out the PDFs here; None: DOCX only, or PDFs made on a cluster
    jobs: int | None = None           # LibreOffice workers at most (None: one per core)
    policy_id: str | None = None      # build only this policy of each school
    cluster: str | None = None        # a Dask scheduler's address: build on its workers
    force: bool = False               # rebuild documents whose inputs are unchanged
    approved: bool = False            # rebuild what was last approved, from its snapshot
    office_missing: bool = False      # PDFs were wanted, but LibreOffice is not installed: DOCX only
    pdf_required: bool = False        # --format pdf: a build that cannot make PDFs fails

    @property
    def pdf(self) -> bool:
        """Return True when each document is also written as PDF."""
        return "pdf" in self.formats

    @property
    def failed_without_pdf(self) -> bool:
        """Return True when PDFs were asked for by name and cannot be made (the build then fails)."""
        return self.pdf_required and not self.pdf

    def workers(self, schools: int) -> int:
        """Return how many LibreOffice workers a build of ``schools`` needs here: none without local PDFs."""
        if not (self.pdf and self.office) or self.cluster:
            return 0
        return max(1, min(self.jobs or os.cpu_count() or 1, schools))


def plan_build(formats: Iterable[str] = (), *, library_dir: Path, out_dir: Path, template: Path | None = None,
               jobs: int | None = None, policy_id: str | None = None, cluster: str | None = None,
               force: bool = False, approved: bool = False,
               find_office: Callable[[], LibreOffice | None] = find_libreoffice) -> BuildPlan:
    """Return the plan for a build with these options (``formats`` as given to ``--format``; none: the default).

    LibreOffice is looked up (with ``find_office``) only when PDFs are wanted
    and made on this machine.
    """
    asked = frozenset(formats)
    wants_pdf = "pdf" in asked or not asked
    office = None
    if cluster:
        made = DOCX_AND_PDF if wants_pdf else DOCX_ONLY
    else:
        office = find_office() if wants_pdf else None
        made = DOCX_AND_PDF if wants_pdf and office is not None else DOCX_ONLY
    return BuildPlan(library_dir, out_dir, template, made, office, jobs, policy_id, cluster, force, approved,
                     office_missing=wants_pdf and "pdf" not in made, pdf_required="pdf" in asked)


def start_workers(plan: BuildPlan, schools: int) -> WorkerPool | None:
    """Start the LibreOffice workers ``plan`` needs for ``schools``, in the background; None when it needs none.

    They start before the library and schools are read, so their start-up
    overlaps that work; whoever builds stops them.
    """
    size = plan.workers(schools)
    if not size or plan.office is None:
        return None
    pool = WorkerPool(plan.office, size)
    pool.warm_up()
    return pool
