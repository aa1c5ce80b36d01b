"""Run a pure function over many items on local cores (loky processes or threads) or a Dask cluster.

Stages hand this module a function and an iterable of picklable items, and get a generator
of results as the tasks finish. Only a bounded number of tasks is submitted ahead of the
consumer, so the driver writes results to the store in batches while workers keep going, and
nothing holds the whole corpus in memory, however fast the workers are.

Workers receive everything a task needs in its arguments (raw documents as bytes with their
content hash, never a path on the driver's disk), so a Dask worker on another machine needs
hrdc and the model, but no shared file system.
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .settings import Settings

log = logging.getLogger("hrdc.parallel")

R = TypeVar("R")

# Tasks queued per worker slot: enough to keep every core busy while the driver writes a
# batch, few enough that raw documents and results in flight stay a small part of memory.
IN_FLIGHT_PER_WORKER = 8


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


_LOCAL: Any = None  # the local process pool of the last parallel stage, reused by the next


def _local_pool(n_jobs: int):
    """loky's reusable process pool: workers outlive a stage, so each loads the extractors and
    the model once per run. BLAS threads are capped so ``n_jobs`` workers do not oversubscribe
    the cores (as joblib does)."""
    global _LOCAL
    from joblib.externals.loky import get_reusable_executor

    threads = str(max(1, (os.cpu_count() or 1) // n_jobs))
    env = {k: threads for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    _LOCAL = get_reusable_executor(max_workers=n_jobs, timeout=300, env=env)
    return _LOCAL


def release_workers() -> None:
    """Stop the idle local worker processes (each holds the extractors and the model), so a
    stage that runs only in the driver, such as export, has their memory."""
    global _LOCAL
    if _LOCAL is not None:
        _LOCAL.shutdown(wait=True)
        _LOCAL = None


def pmap(func: Callable[..., R], items: Iterable[tuple[Any, ...]], settings: Settings) -> Iterator[R]:
    """``func(*item)`` for every item, in parallel when ``settings`` allows, yielded as tasks
    finish (in input order only with one job): callers key results by what they carry.

    ``settings.backend`` is ``loky`` (local processes), ``threading`` or ``dask`` (the cluster
    at ``settings.scheduler``). With one local job everything runs in this process (no
    pickling, easiest to debug). ``func`` must be importable by the workers (a module-level
    function of an installed package). At most ``IN_FLIGHT_PER_WORKER`` tasks per worker are
    submitted ahead of the consumer, however fast the workers are.
    """
    if settings.backend == "dask":
        with dask_client(settings.scheduler) as client:
            slots = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
            if not slots:
                raise RuntimeError(f"the Dask scheduler at {settings.scheduler} has no workers; "
                                   f"start some with `dask worker {settings.scheduler}`")
            log.info("running %s on Dask cluster %s (%d worker threads)", func.__name__, settings.scheduler, slots)
            yield from _windowed(functools.partial(client.submit, func, pure=False), items, slots, _wait_dask)
        return
    n_jobs = effective_jobs(settings.jobs)
    if n_jobs == 1:
        for item in items:
            yield func(*item)
        return
    if settings.backend == "threading":
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            yield from _windowed(functools.partial(pool.submit, func), items, n_jobs, _wait_local)
        return
    yield from _windowed(functools.partial(_local_pool(n_jobs).submit, func), items, n_jobs, _wait_local)


def _windowed(submit: Callable[..., Any], items: Iterable[tuple[Any, ...]], slots: int,
              wait_first: Callable[[set], set]) -> Iterator[Any]:
    """Submit one task per item and yield each result as its task finishes, keeping at most
    ``IN_FLIGHT_PER_WORKER * slots`` tasks submitted but not yet consumed.

    A slow consumer holds the producer back, so neither inputs nor results pile up in memory.
    Completion order, not input order: a long task at the head (stages put the largest
    documents first) must not leave the other workers idle behind it.
    """
    limit = IN_FLIGHT_PER_WORKER * slots
    items = iter(items)
    pending: set = set()
    try:
        while True:
            for item in itertools.islice(items, limit - len(pending)):
                pending.add(submit(*item))
            if not pending:
                return
            done = wait_first(pending)
            pending -= done
            for future in done:
                yield future.result()
    finally:
        for future in pending:  # the consumer stopped or a task failed: drop what has not started
            future.cancel()


def _wait_local(futures: set) -> set:
    return wait(futures, return_when=FIRST_COMPLETED).done


def _wait_dask(futures: set) -> set:
    from distributed import wait as dask_wait

    return set(dask_wait(list(futures), return_when="FIRST_COMPLETED").done)
