"""The build side of a cluster build: send documents to Dask workers, stream their bytes back, write them.

Documents go out in a sliding window (twice the cluster's threads), so
memory stays flat however large the batch, and each result is written into
OUT as soon as it arrives, atomically, by this process alone. A Dask worker
that dies mid-document is replaced by the scheduler, and its documents are
run again on another worker (Dask's ``allowed-failures``, 3 by default);
only a document that kills workers again and again fails, with Dask's reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from generator import stopping
from generator.build import Job, Outcome, write_files
from generator.cluster.plugin import PLUGIN_NAME, LibreOfficePlugin
from generator.cluster.tasks import DocumentResult, DocumentTask, build_document, office_fingerprint
from generator.errors import ConverterError, PolicygenError
from generator.render.reproducible import document_date, source_date_epoch


def connect(address: str, timeout_s: float = 20.0):  # -> distributed.Client
    """Return a client of the Dask scheduler at ``address``, with policygen's plugin on every worker.

    Raises:
        ConverterError: the scheduler cannot be reached, or Dask is not installed.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ConverterError("--cluster needs Dask: pip install 'policygen[cluster]'") from None
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConverterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    client.register_plugin(LibreOfficePlugin(), name=PLUGIN_NAME)  # idempotent: kept where present
    return client


def cluster_office(client) -> str:
    """Return the digest of the workers' LibreOffice (one value when they all run the same build)."""
    found = sorted(set(client.run(office_fingerprint).values()))
    return "+".join(found) if found else "no workers"


def build_on_cluster(client, jobs: Iterable[Job], out_dir: Path, template: Path, pdf: bool,
                     record: Callable[[Outcome], None], window: int | None = None, stops=None) -> None:
    """Build ``jobs`` on the cluster, calling ``record`` with each outcome as it is written.

    ``stops`` (:class:`generator.stopping.Checkpoints`): a stop signal cancels
    the documents on the cluster, so the wait for the next one ends at once,
    and is raised here (generator/stopping.py).
    """
    from distributed import as_completed

    template_data = client.scatter(template.read_bytes(), broadcast=True, hash=True)
    window = window or max(2, 2 * sum(client.nthreads().values()))
    epoch = source_date_epoch()
    logos: dict[Path, bytes] = {}
    queue = iter(jobs)
    running: dict[str, Job] = {}
    pending = as_completed(loop=client.loop)
    sent: dict[str, object] = {}  # the futures still out, for a stop signal to cancel

    def cancel() -> None:
        client.cancel(list(sent.copy().values()))  # cancelled futures come back at once: the wait ends

    if stops is not None:
        stops.on_stop(cancel)

    def submit_more() -> None:
        while pending.count() < window and (job := next(queue, None)) is not None:
            assert job.policy is not None
            task = DocumentTask(job.name, job.policy, _logo(job, logos), document_date(job.policy, epoch), pdf)
            future = client.submit(build_document, task, template_data, pure=False, retries=1)
            running[future.key] = job
            sent[future.key] = future
            pending.add(future)

    submit_more()
    try:
        for future in pending:
            job = running.pop(future.key)
            sent.pop(future.key, None)
            if future.cancelled():
                stopping.check()  # cancelled by a stop signal: discarded, not failed
            record(_written(out_dir, job, future))
            future.release()
            submit_more()
    finally:
        if running:  # interrupted: drop what the cluster still holds for us
            client.cancel(list(pending.futures))


def _written(out_dir: Path, job: Job, future) -> Outcome:
    if future.status != "finished":
        try:
            future.result()
        except Exception as exc:  # the worker's error, or Dask's (KilledWorker after repeated deaths)
            return Outcome(job, error=f"on the cluster: {type(exc).__name__}: {exc}")
    result: DocumentResult = future.result()
    if result.error:
        return Outcome(job, error=result.error)
    try:
        return Outcome(job, write_files(out_dir, job, result.docx, result.pdf))
    except PolicygenError as exc:
        return Outcome(job, error=str(exc))


def _logo(job: Job, cache: dict[Path, bytes]) -> bytes | None:
    path = job.policy.brand.logo if job.policy else None
    if path is None:
        return None
    if path not in cache:
        if len(cache) > 256:
            cache.clear()
        cache[path] = Path(path).read_bytes()
    return cache[path]
