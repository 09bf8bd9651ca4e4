"""Build policies for one or many schools: check, resolve, render, write.

A build writes ``OUT/<school-id>/<school-id>-<policy-id>.docx`` (and
``.pdf``). Each output is written to a temporary file and renamed into place
only when every file for that policy is complete, so a failed or interrupted
build leaves the previous documents as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

from generator.check import CheckedSchool
from generator.errors import PolicygenError
from generator.library import Library
from generator.model import Policy
from generator.output import commit, output_path, temporary_file, write_atomic, write_file
from generator.render.docx import DEFAULT_TEMPLATE, fill_toc, render_docx
from generator.render.reproducible import docx_date, pin_pdf
from generator.render.worker import Conversion
from generator.resolve import resolve
from generator.school import SchoolFile


class Converter(Protocol):
    """Something that lays out a DOCX, exports it as PDF and reports its contents page."""

    def convert(self, docx: bytes) -> Conversion:
        """Return the PDF of ``docx`` and the (title, page) lines of its table of contents."""


@dataclass(frozen=True)
class Job:
    """One policy of one school to build."""

    school_file: SchoolFile
    policy_id: str
    policy: Policy | None = field(default=None, compare=False)  # resolved while checking

    @property
    def name(self) -> str:
        return f"{self.school_file.id}/{self.policy_id}"


@dataclass
class Outcome:
    """What became of a job: the files written, or why it failed."""

    job: Job
    files: list[Path] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def jobs_for(schools: Iterable[CheckedSchool], policy_id: str | None = None) -> list[Job]:
    """Return the jobs for every policy each checked school has chosen (or just ``policy_id``)."""
    return [Job(c.school_file, pid, c.policies.get(pid)) for c in schools for pid in c.school_file.school.policies
            if policy_id is None or pid == policy_id]


def target_paths(out_dir: Path, job: Job) -> tuple[Path, Path]:
    """Return the DOCX and PDF paths of ``job`` under ``out_dir``."""
    stem = f"{job.school_file.id}-{job.policy_id}"
    return (output_path(out_dir, job.school_file.id, f"{stem}.docx"),
            output_path(out_dir, job.school_file.id, f"{stem}.pdf"))


def render_job(library: Library, job: Job, template: Path = DEFAULT_TEMPLATE) -> bytes:
    """Return the DOCX bytes of ``job``.

    Raises:
        InputError, TemplateError: the inputs or the template are unusable.
    """
    # resolved while checking; else without its approval history, so marked draft
    policy = job.policy if job.policy is not None else resolve(library, job.school_file, job.policy_id)
    return render_docx(policy, template)


def write_docx(out_dir: Path, job: Job, data: bytes) -> Path:
    """Write a job's DOCX atomically and return its path."""
    docx, _ = target_paths(out_dir, job)
    write_atomic(docx, data)
    return docx


def write_files(out_dir: Path, job: Job, docx_data: bytes, pdf_data: bytes | None = None) -> list[Path]:
    """Write a job's finished DOCX (and PDF) and move them into place together; return their paths."""
    docx, pdf = target_paths(out_dir, job)
    if pdf_data is None:
        write_atomic(docx, docx_data)
        return [docx]
    with temporary_file(docx) as tmp_docx, temporary_file(pdf) as tmp_pdf:
        write_file(tmp_docx, docx_data, docx)
        write_file(tmp_pdf, pdf_data, pdf)
        commit([(tmp_docx, docx), (tmp_pdf, pdf)])
    return [docx, pdf]


def write_docx_and_pdf(out_dir: Path, job: Job, data: bytes, converter: Converter) -> list[Path]:
    """Convert a job's DOCX with ``converter`` and move both files into place together.

    LibreOffice works in its own folder; the temporary files in ``out_dir``
    exist only while the finished DOCX and PDF are written and renamed.

    Raises:
        ConverterError: LibreOffice failed; nothing is replaced.
    """
    docx, pdf = target_paths(out_dir, job)
    converted = converter.convert(data)
    filled = fill_toc(data, converted.toc)
    when = docx_date(data)
    # the PDF carries the DOCX's date, not the time LibreOffice ran
    pdf_bytes = pin_pdf(converted.pdf, when) if when is not None else converted.pdf
    # should policygen be killed while they exist, its LibreOffice guardian removes both
    with temporary_file(docx) as tmp_docx, temporary_file(pdf) as tmp_pdf:
        write_file(tmp_docx, filled, docx)
        write_file(tmp_pdf, pdf_bytes, pdf)
        commit([(tmp_docx, docx), (tmp_pdf, pdf)])
    return [docx, pdf]


def build_job(library: Library, job: Job, out_dir: Path, template: Path = DEFAULT_TEMPLATE,
              converter: Converter | None = None) -> Outcome:
    """Build one job, catching its errors into the outcome so others can go on."""
    try:
        data = render_job(library, job, template)
    except PolicygenError as exc:  # input and template errors
        return Outcome(job, error=str(exc))
    return write_job(out_dir, job, data, converter)


def write_job(out_dir: Path, job: Job, data: bytes, converter: Converter | None = None) -> Outcome:
    """Write a rendered job (and its PDF, given a converter), catching its errors into the outcome."""
    try:
        files = (write_docx_and_pdf(out_dir, job, data, converter) if converter
                 else [write_docx(out_dir, job, data)])
        return Outcome(job, files)
    except PolicygenError as exc:  # converter and output errors
        return Outcome(job, error=str(exc))
