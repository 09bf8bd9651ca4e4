"""A pool of warm LibreOffice workers: DOCX bytes in, contents page and PDF bytes out.

The interface, for the batch build and any other front end::

    pool = WorkerPool(office, size)   # nothing starts yet
    pool.warm_up()                    # start every worker in the background
    conversion = pool.convert(docx)   # thread-safe; waits for a free worker
    pool.stop()                       # end every worker and remove its files
    pool.abort()                      # from any thread: kill them now (an interrupted build)

:meth:`WorkerPool.convert` raises :class:`ConverterError` for a document
that failed (see :mod:`generator.render.worker`) and
:class:`ConversionCancelled` once the pool is aborted. ``restarts`` counts
fresh starts after a crash or a hang; ``recycles`` the routine ones.
"""

from __future__ import annotations

import queue
import threading

from generator.errors import ConversionCancelled, ConverterError
from generator.render.office import LibreOffice
from generator.render.profile import sweep_orphans
from generator.render.worker import Conversion, Worker


class WorkerPool:
    """Warm LibreOffice workers for a batch, started in the background.

    ``options`` are passed to each :class:`Worker` (``timeout``,
    ``recycle_after``, …).
    """

    def __init__(self, office: LibreOffice, size: int, **options: object):
        self.workers = [Worker(office, **options) for _ in range(max(1, size))]  # type: ignore[arg-type]
        self._idle: queue.Queue[Worker] = queue.Queue()
        for worker in self.workers:
            self._idle.put(worker)
        self._starting: list[threading.Thread] = []
        self._aborted = False

    @property
    def size(self) -> int:
        return len(self.workers)

    @property
    def aborted(self) -> bool:
        """Return True once :meth:`abort` was called."""
        return self._aborted

    @property
    def restarts(self) -> int:
        """Return how often a worker was started afresh after LibreOffice crashed or hung."""
        return sum(w.restarts for w in self.workers)

    @property
    def recycles(self) -> int:
        """Return how often a worker was started afresh routinely, after ``recycle_after`` documents."""
        return sum(w.recycles for w in self.workers)

    def warm_up(self) -> None:
        """Start every worker in the background; :meth:`ready` waits for them.

        Worker folders left by policygen runs that died are removed first.
        """
        sweep_orphans()

        def start(worker: Worker) -> None:
            try:
                worker.start()
            except ConverterError:
                pass  # convert() tries again and reports the failure per document

        self._starting = [threading.Thread(target=start, args=(w,), daemon=True) for w in self.workers]
        for thread in self._starting:
            thread.start()

    def ready(self) -> None:
        """Wait until every worker has started (or failed to)."""
        for thread in self._starting:
            thread.join()

    def convert(self, docx: bytes) -> Conversion:
        """Convert ``docx`` on the next free worker (see :meth:`Worker.convert`).

        Raises:
            ConverterError: the document failed.
            ConversionCancelled: the pool was aborted.
        """
        while True:
            if self._aborted:
                raise ConversionCancelled("the LibreOffice workers were stopped")
            try:
                worker = self._idle.get(timeout=0.5)
                break
            except queue.Empty:
                continue
        try:
            return worker.convert(docx)
        finally:
            self._idle.put(worker)

    def stop(self) -> None:
        """Stop every worker: kill its processes and remove its folder."""
        self.ready()
        for worker in self.workers:
            worker.stop()

    def abort(self) -> None:
        """Kill every worker's LibreOffice now; conversions in progress raise ConversionCancelled.

        Call :meth:`stop` afterwards to remove the workers' folders.
        """
        self._aborted = True
        for worker in self.workers:
            worker.abort()

