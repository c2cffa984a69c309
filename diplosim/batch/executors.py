"""Where a batch's chunks run: this process, local worker processes, or a Dask cluster.

Each is a ``concurrent.futures.Executor`` (so results are the same bit for bit whatever runs
them). Local workers, and a Dask LocalCluster's, are forked from one server that loaded the engine
once (multiprocessing's forkserver, preloaded with diplosim.batch.warm); a batch starts that
server as soon as it knows it will need workers, before it reads the scenario.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any

from diplosim.batch.runner import BatchError


class InlineExecutor(cf.Executor):
    """Runs each task in this process when submitted (one worker: no process start-up)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


WARM_MODULE = "diplosim.batch.warm"

# glibc's malloc as a worker playing big batches wants it. Left alone, glibc raises its mmap threshold
# only after a first large block is freed, so a worker's first chunk maps and page-faults every large
# numpy temporary afresh; Dask's nannies even set MALLOC_TRIM_THRESHOLD_=64 KiB, which stops glibc
# raising it at all and hands freed memory back at once (~35,000 page faults per chunk of 4,096
# games). A Dask worker plays in a thread of its own, and glibc gives each thread its own arena,
# whose heap it shrinks and grows again (~18,000 page faults per chunk of 1,024 games, a quarter
# slower): one arena for the whole process keeps the thresholds in force there too.
WORKER_MALLOC = {"MALLOC_MMAP_THRESHOLD_": 1 << 25, "MALLOC_TRIM_THRESHOLD_": 1 << 26, "MALLOC_ARENA_MAX": 1}


def _mp_context() -> Any:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    # The server every worker is forked from imports the engine and loads its compiled loops once,
    # so a worker plays from its first chunk at full speed (a spawned worker spends ~0.5 s on that).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", WARM_MODULE])
    return context


def start_worker_server() -> bool:
    """Start, in the background, the server that local workers (processes, or a Dask LocalCluster's)
    are forked from, with WORKER_MALLOC, so its head start overlaps with this process's own work.
    A no-op if it already runs; False where there is no forkserver (workers are then spawned)."""
    if _mp_context().get_start_method() != "forkserver":
        return False
    import multiprocessing.forkserver

    saved = {name: os.environ.get(name) for name in WORKER_MALLOC}
    os.environ.update({name: str(value) for name, value in WORKER_MALLOC.items()})  # read by glibc at start
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return True


@contextlib.contextmanager
def open_executor(workers: int, dask: str | None, connect_timeout: float = 5.0) -> Iterator[tuple[cf.Executor, int, str]]:
    """(executor, parallel slots, description) for local processes, Dask, or inline."""
    if dask is None:
        if workers == 1:
            yield InlineExecutor(), 1, "1 process"
            return
        start_worker_server()
        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context())
        try:
            yield pool, workers, f"{workers} local worker processes"
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BatchError("--dask needs Dask, which is not installed; install it with "
                         "`pip install diplosim[dask]`", 2) from None
    import logging

    for name in ("distributed", "distributed.client", "distributed.scheduler", "distributed.nanny",
                 "distributed.worker", "distributed.core", "distributed.comm"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    cluster = None
    try:
        if dask == "local":
            import dask

            # Its workers fork from the same server as local ones (or are spawned with WORKER_MALLOC
            # where there is none). The worker's sampling profiler (every 10 ms) and GIL probe (every
            # 1 ms) take the GIL from the playing thread between compiled loops, for a dashboard nobody
            # opens here.
            forked = start_worker_server()
            dask.config.set({"distributed.worker.multiprocessing-method": "forkserver" if forked else "spawn",
                             **{f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_MALLOC.items()},
                             "distributed.worker.profile.enabled": False,
                             "distributed.admin.system-monitor.gil.enabled": False})
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster, timeout=f"{connect_timeout}s")
        else:
            address = dask if "://" in dask else f"tcp://{dask}"
            client = Client(address, timeout=f"{connect_timeout}s")
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise BatchError(f"cannot reach the Dask scheduler at '{dask}' within {connect_timeout:g} s "
                         f"({type(exc).__name__}); check the address (like tcp://host:8786) and that the "
                         "scheduler is running, or use --dask local", 2) from None
    try:
        slots = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()) or workers
        yield client.get_executor(pure=False), slots, f"Dask at {client.scheduler.address} ({slots} threads)"
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=5)


def default_workers() -> int:
    return os.cpu_count() or 1


__all__ = ["WARM_MODULE", "WORKER_MALLOC", "InlineExecutor", "default_workers", "open_executor",
           "start_worker_server"]
