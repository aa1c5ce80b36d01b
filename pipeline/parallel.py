"""Run a pure function over many items on local cores (joblib) or a Dask cluster.

Stages hand this module a function and an iterable of picklable items; results come back in
order as a generator, with a bounded number of items in flight, so the driver writes them to
the store in batches while workers keep going and nothing holds the whole corpus in memory.

Workers receive everything a task needs in its arguments (raw documents as bytes with their
content hash, never a path on the driver's disk), so a Dask worker on another machine needs
hrdc and the model, but no shared file system.
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, TypeVar

from joblib import Parallel, delayed, parallel_config

from .settings import Settings

log = logging.getLogger("hrdc.parallel")

R = TypeVar("R")

# Tasks queued per worker slot: enough to keep every core busy while the driver writes a
# batch, few enough that raw documents and results in flight stay a small part of memory.
IN_FLIGHT_PER_WORKER = 4


def effective_jobs(jobs: int) -> int:
    """``-1`` means every core; anything below 1 counts back from the number of cores."""
    cores = os.cpu_count() or 1
    return max(1, cores + 1 + jobs) if jobs < 1 else jobs


@contextlib.contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` connected to ``address``; a clear error if that cannot be done."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the install
        raise RuntimeError("--backend dask needs the dask extra: pip install 'hrdc[dask]'") from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise RuntimeError(
            f"cannot reach the Dask scheduler at {address}: {exc}; start one with `dask scheduler` "
            "and workers with `dask worker ADDRESS`, or check --scheduler") from None
    try:
        yield client
    finally:
        client.close()


def release_workers() -> None:
    """Stop the idle local worker processes (each holds the extractors and the model), so a
    stage that runs only in the driver, such as export, has their memory."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def pmap(func: Callable[..., R], items: Iterable[tuple[Any, ...]], settings: Settings) -> Iterator[R]:
    """``func(*item)`` for every item, in order, in parallel when ``settings`` allows.

    ``settings.backend`` is ``loky`` (local processes), ``threading`` or ``dask`` (the cluster
    at ``settings.scheduler``). With one local job everything runs in this process (no
    pickling, easiest to debug). ``func`` must be importable by the workers (a module-level
    function of an installed package).
    """
    if settings.backend == "dask":
        yield from _dask_map(func, items, settings.scheduler)
        return
    n_jobs = effective_jobs(settings.jobs)
    if n_jobs == 1:
        for item in items:
            yield func(*item)
        return
    with parallel_config(backend=settings.backend, n_jobs=n_jobs):
        runner = Parallel(return_as="generator", batch_size=1, pre_dispatch=f"{IN_FLIGHT_PER_WORKER} * n_jobs")
        yield from runner(delayed(func)(*item) for item in items)


def _dask_map(func: Callable[..., R], items: Iterable[tuple[Any, ...]], address: str) -> Iterator[R]:
    """Submit tasks to the cluster a window at a time and yield their results in order."""
    with dask_client(address) as client:
        slots = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        if not slots:
            raise RuntimeError(f"the Dask scheduler at {address} has no workers; start some with `dask worker {address}`")
        log.info("running %s on Dask cluster %s (%d worker threads)", func.__name__, address, slots)
        window: deque = deque()
        for item in items:
            window.append(client.submit(func, *item, pure=False))
            if len(window) >= IN_FLIGHT_PER_WORKER * slots:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
