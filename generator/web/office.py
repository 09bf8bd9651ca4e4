"""The warm LibreOffice workers the server keeps for DOCX and PDF downloads.

The workers are the batch build's own (:class:`generator.render.pdf.WorkerPool`),
started in the background when the server starts and stopped, with their
process groups, when it stops. A request borrows one worker at a time.
"""

from __future__ import annotations

import queue
from contextlib import contextmanager
from typing import Iterator

from generator.errors import ConverterError
from generator.render.pdf import INSTALL_HINT, LibreOffice, Worker, WorkerPool, find_libreoffice


class OfficePool:
    """Borrowable warm workers; without LibreOffice, :meth:`worker` raises ConverterError."""

    def __init__(self, size: int = 1):
        self.size = max(1, size)
        self.pool: WorkerPool | None = None
        self.office: LibreOffice | None = None  # found when the workers start
        self._free: queue.Queue[Worker] = queue.Queue()

    def start(self) -> None:
        """Start the workers in the background (no-op without LibreOffice)."""
        office = self.office = find_libreoffice()
        if office is None:
            return
        self.pool = WorkerPool(office, self.size)
        self.pool.warm_up()
        for worker in self.pool.workers:
            self._free.put(worker)

    @property
    def available(self) -> bool:
        return self.pool is not None

    @contextmanager
    def worker(self, timeout: float = 300.0) -> Iterator[Worker]:
        """Lend a warm worker for one conversion.

        Raises:
            ConverterError: no LibreOffice, or every worker stayed busy for ``timeout`` seconds.
        """
        if self.pool is None:
            raise ConverterError(INSTALL_HINT)
        try:
            worker = self._free.get(timeout=timeout)
        except queue.Empty:
            raise ConverterError("every LibreOffice worker is busy; try again in a minute") from None
        try:
            yield worker
        finally:
            self._free.put(worker)

    def stop(self) -> None:
        """Stop every worker and its processes."""
        if self.pool is not None:
            self.pool.stop()
            self.pool = None
