"""One warm LibreOffice per Dask worker, started with the worker and stopped when it ends.

The plugin is registered by ``policygen build --cluster`` on every worker,
present and future (it is idempotent: a worker that has it keeps it). A
worker started by ``policygen worker``, or by ``dask worker --preload
generator.cluster.plugin``, has it from the start.

LibreOffice starts in the background when the plugin is set up, so a
worker is ready before its first document arrives. Documents are converted
one at a time per worker (a lock), whatever the worker's thread count.

If the worker process is killed outright (SIGKILL, the out-of-memory
killer), nothing of it is left: its guardian (:mod:`generator.render.guardian`,
started with its LibreOffice) sees the worker's pipe close, kills that
LibreOffice and removes the worker's folders, its profile folder
(``policygen-lo-<pid>-…``) and its scratch folder (``policygen-dask-<pid>-…``).
Should the guardian be gone too, the next worker to start on the machine
removes the folders of workers that no longer run.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from generator.errors import ConverterError
from generator.render.pdf import Worker, find_libreoffice
from generator.render.processes import alive, guardian
from generator.render.profile import sweep_orphans

PLUGIN_NAME = "policygen-libreoffice"
SCRATCH_PREFIX = "policygen-dask-"
_OWNED = re.compile(re.escape(SCRATCH_PREFIX) + r"(\d+)-")


class LibreOfficePlugin(WorkerPlugin):
    """A Dask worker plugin holding one warm LibreOffice worker and a scratch folder."""

    name = PLUGIN_NAME
    idempotent = True

    def __init__(self) -> None:
        self.office: Worker | None = None
        self.scratch: Path | None = None
        self.lock: threading.Lock | None = None
        self._starting: threading.Thread | None = None
        self._start_error: str | None = None

    def __getstate__(self) -> dict:
        return {}  # sent to the scheduler and the workers before set-up: nothing to carry

    def __setstate__(self, state: dict) -> None:
        self.__init__()

    def setup(self, worker: Any = None) -> None:
        sweep_orphans()  # the profile folders and LibreOffice of policygen processes that died here
        sweep_scratch()
        self.lock = threading.Lock()
        self.scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
        guardian().watch_path(self.scratch)  # removed should this worker be killed outright
        office = find_libreoffice()
        if office is None:
            self._start_error = "LibreOffice with python3-uno is not installed on this Dask worker"
            return
        self.office = Worker(office)

        def start() -> None:
            try:
                self.office.start()
            except ConverterError as exc:  # convert() tries again, and reports it per document
                self._start_error = str(exc)

        self._starting = threading.Thread(target=start, name="policygen-libreoffice-start", daemon=True)
        self._starting.start()

    def convert(self, docx: bytes) -> tuple[list[tuple[str, str]], bytes]:
        """Lay ``docx`` out with this worker's LibreOffice; return its contents page and the PDF's bytes.

        Raises:
            ConverterError: there is no LibreOffice here, or it failed on the document.
        """
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self.office is None or self.lock is None or self.scratch is None:
            raise ConverterError(self._start_error or "this Dask worker has no LibreOffice")
        with self.lock:
            if len(inspect.signature(self.office.convert).parameters) == 1:  # convert(docx bytes) -> Conversion
                done = self.office.convert(docx)
                return list(done.toc), done.pdf
            with tempfile.TemporaryDirectory(dir=self.scratch) as tmp:  # convert(docx path, pdf path) -> toc
                docx_path, pdf_path = Path(tmp, "document.docx"), Path(tmp, "document.pdf")
                docx_path.write_bytes(docx)
                toc = self.office.convert(docx_path, pdf_path)
                return toc, pdf_path.read_bytes()

    def teardown(self, worker: Any = None) -> None:
        if self._starting is not None:
            self._starting.join(timeout=120)
        if self.office is not None:
            self.office.stop()
            self.office = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            guardian().forget_path(self.scratch)
            self.scratch = None


def sweep_scratch(folder: Path | None = None) -> list[Path]:
    """Remove the scratch folders of Dask workers that no longer run (killed with their guardian); return them."""
    swept = []
    for root in Path(folder or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        owner = _OWNED.match(root.name)
        if owner and not alive(int(owner[1])) and root.is_dir() and not root.is_symlink():
            shutil.rmtree(root, ignore_errors=True)
            swept.append(root)
    return swept


async def dask_setup(worker: Any) -> None:
    """Preload hook: ``dask worker --preload generator.cluster.plugin`` gives the worker the plugin."""
    await worker.plugin_add(LibreOfficePlugin(), name=PLUGIN_NAME)
