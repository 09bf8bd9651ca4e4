"""Downloads: one school's policy as DOCX and PDF, built as ``policygen build`` builds it."""

from __future__ import annotations

import threading
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from generator.build import Job, render_job, write_docx, write_docx_and_pdf
from generator.review.as_built import resolve_as_built
from generator.library import Library
from generator.render.docx import DEFAULT_TEMPLATE
from generator.school import SchoolFile
from generator.web.access import policy_id_for, school_for
from generator.web.office import OfficePool
from generator.web.workspace import NotFound

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}
_BUILDING: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def build_policy(library: Library, school_file: SchoolFile, policy_id: str, out_dir: Path,
                 office: OfficePool | None, template: Path | None = None) -> list[Path]:
    """Build one school's policy into ``out_dir`` and return the paths written: DOCX and PDF, or
    DOCX alone when ``office`` is None (a build plan without PDF).

    Raises:
        InputError, TemplateError, ConverterError, OutputError: as ``policygen build``.
    """
    # as build resolves it: with its approval history, so marked draft or approved
    job = Job(school_file, policy_id, resolve_as_built(library, school_file, policy_id))
    with _GUARD:
        lock = _BUILDING.setdefault(job.name, threading.Lock())
    with lock:  # one build of a policy at a time; the files are renamed into place together
        data = render_job(library, job, template or DEFAULT_TEMPLATE)
        if office is None:
            return [write_docx(out_dir, job, data)]
        with office.worker() as worker:
            return write_docx_and_pdf(out_dir, job, data, worker)


async def download(request: Request) -> Response:
    school_file = school_for(request)
    policy_id = policy_id_for(request, school_file)
    name = request.path_params["filename"]
    stem, _, ext = name.rpartition(".")
    if stem != f"{school_file.id}-{policy_id}" or ext not in MEDIA:
        raise NotFound(name)
    state = request.app.state
    docx, pdf = await run_in_threadpool(build_policy, state.workspace.library(), school_file, policy_id,
                                        state.config.out_dir, state.office, state.config.template)
    return FileResponse(docx if ext == "docx" else pdf, media_type=MEDIA[ext], filename=name)
