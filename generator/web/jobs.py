""""Build all": a background job that builds every policy the user may see, then zips them.

The progress page refreshes itself (a ``<meta http-equiv="refresh">``, so it
needs no JavaScript) until the job is done, then offers the zip.
"""

from __future__ import annotations

import logging
import secrets
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from generator.errors import InputError, PolicygenError
from generator.output import temp_path_for
from generator.plan import plan_build
from generator.web.downloads import build_policy
from generator.web.pages import render
from generator.web.security import check_csrf
from generator.web.workspace import NotFound

LOG = logging.getLogger("policygen.web")


@dataclass
class BuildAll:
    """One "Build all" run and how far it has got."""

    id: str
    owner: str
    total: int = 0
    done: int = 0
    files: list[Path] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""  # said once above the results, e.g. that only Word files could be built
    finished: bool = False
    zip_path: Path | None = None

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100


def run_build_all(job: BuildAll, workspace, office, out_dir: Path, user, template: Path | None) -> None:
    """Build each policy of each school ``user`` may see, recording progress in ``job``; then zip them.

    What is built is planned as ``policygen build`` plans it (:func:`generator.plan.plan_build`):
    Word files, and PDFs when the server has LibreOffice.
    """
    try:
        plan = plan_build(library_dir=workspace.config.library_dir, out_dir=out_dir, template=template,
                          find_office=lambda: office.office if office.available else None)
        if plan.office_missing:
            job.note = "LibreOffice is not installed on this server, so only the Word files were built."
        library = workspace.library()
        todo = []
        for school_id in workspace.school_ids():
            if not user.may_see(school_id):
                continue
            try:
                school_file = workspace.school(school_id)
            except InputError as exc:
                job.failures.append((school_id, f"{len(exc.problems)} problem(s) in the school file"))
                continue
            todo += [(school_file, pid) for pid in school_file.school.policies if pid in library.policies]
        job.total = len(todo)
        for school_file, policy_id in todo:
            try:
                job.files += build_policy(library, school_file, policy_id, plan.out_dir,
                                          office if plan.pdf else None, plan.template)
            except PolicygenError as exc:
                job.failures.append((f"{school_file.id}/{policy_id}", str(exc).splitlines()[0]))
            except Exception as exc:  # noqa: BLE001 - one policy's failure never stops the others
                LOG.exception("building %s/%s", school_file.id, policy_id)
                job.failures.append((f"{school_file.id}/{policy_id}", f"unexpected {type(exc).__name__}: {exc}"))
            job.done += 1
        target = out_dir / "_web-builds" / f"policies-{job.id}.zip"
        tmp = temp_path_for(target)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in job.files:
                archive.write(path, f"{path.parent.name}/{path.name}")
        tmp.replace(target)
        job.zip_path = target
    except Exception as exc:  # noqa: BLE001 - the page reports it; never a traceback
        LOG.exception("build all")
        job.failures.append(("build", f"{type(exc).__name__}: {exc}"))
    finally:
        job.finished = True


async def build_page(request: Request) -> Response:
    return render(request, "build.html", title="Build all", job=None)


async def start_build(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    state = request.app.state
    user = request.scope["user"]
    job = BuildAll(secrets.token_urlsafe(8), user.name)
    state.jobs[job.id] = job
    threading.Thread(target=run_build_all, args=(job, state.workspace, state.office, state.config.out_dir, user,
                                                 state.config.template), daemon=True).start()
    return RedirectResponse(f"/build/{job.id}", status_code=303)


def _job(request: Request) -> BuildAll:
    job = request.app.state.jobs.get(request.path_params["job_id"])
    if job is None or job.owner != request.scope["user"].name:
        raise NotFound("job")
    return job


async def job_page(request: Request) -> Response:
    return render(request, "build.html", title="Build all", job=_job(request))


async def job_zip(request: Request) -> Response:
    job = _job(request)
    if not job.finished or job.zip_path is None or not job.zip_path.is_file():
        raise NotFound("zip")
    return FileResponse(job.zip_path, media_type="application/zip", filename="policies.zip")
