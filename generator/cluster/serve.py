"""``policygen worker tcp://HOST:8786``: a Dask worker (under a nanny) with policygen's LibreOffice plugin.

The same as ``dask worker tcp://HOST:8786 --nthreads 1 --preload
generator.cluster.plugin``. The nanny restarts the worker if it dies; SIGINT
or SIGTERM closes the worker, which stops its LibreOffice.
"""

from __future__ import annotations

import asyncio
import signal

from generator.errors import ConverterError


def serve_worker(scheduler: str, *, name: str | None = None, nthreads: int = 1) -> None:
    """Run a worker for the scheduler at ``scheduler`` until it is told to stop.

    Raises:
        ConverterError: Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Nanny
    except ImportError:
        raise ConverterError("policygen worker needs Dask: pip install 'policygen[cluster]'") from None

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            nanny = await Nanny(scheduler, nthreads=nthreads, name=name, preload=["generator.cluster.plugin"])
        except (OSError, TimeoutError, RuntimeError) as exc:  # Dask wraps the cause in "Nanny failed to start"
            cause = exc.__cause__ if isinstance(exc, RuntimeError) and exc.__cause__ else exc
            raise ConverterError(f"cannot start a worker for the Dask scheduler at {scheduler}: {cause}") from None
        finished = asyncio.ensure_future(nanny.finished())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait([finished, stopped], return_when=asyncio.FIRST_COMPLETED)
        await nanny.close()
        for task in (finished, stopped):
            task.cancel()

    asyncio.run(run())
