"""Run a pure function over many items on joblib (local cores) or a Dask cluster.

Stages hand this module a function and an iterable of picklable items; results come back in
order as a generator, so the driver writes them to the store in batches while workers keep
going, and nothing holds the whole corpus in memory.
"""
from __future__ import annotations

import contextlib
import logging
import os
from typing import Any, Callable, Iterable, Iterator, TypeVar

from joblib import Parallel, delayed, parallel_config

from .settings import Settings

log = logging.getLogger("hrdc.parallel")

T = TypeVar("T")
R = TypeVar("R")


def effective_jobs(jobs: int) -> int:
    """``-1`` means every core; anything below 1 counts back from the number of cores."""
    cores = os.cpu_count() or 1
    return max(1, cores + 1 + jobs) if jobs < 1 else jobs


@contextlib.contextmanager
def backend(settings: Settings) -> Iterator[None]:
    """Select joblib's backend for the block: local processes, threads or a Dask cluster."""
    if settings.backend == "dask":
        try:
            from dask.distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise RuntimeError("--backend dask needs the dask extra: pip install 'hrdc[dask]'") from None
        client = Client(settings.scheduler)
        try:
            log.info("running on Dask cluster %s (%d workers)", settings.scheduler,
                     len(client.scheduler_info().get("workers", {})))
            with parallel_config(backend="dask"):
                yield
        finally:
            client.close()
    else:
        with parallel_config(backend=settings.backend, n_jobs=effective_jobs(settings.jobs)):
            yield


def pmap(func: Callable[..., R], items: Iterable[tuple[Any, ...]], settings: Settings) -> Iterator[R]:
    """``func(*item)`` for every item, in order, in parallel when ``settings.jobs`` allows.

    With one job everything runs in this process (no pickling, easiest to debug).
    """
    if settings.backend != "dask" and effective_jobs(settings.jobs) == 1:
        for item in items:
            yield func(*item)
        return
    with backend(settings):
        n_jobs = -1 if settings.backend == "dask" else effective_jobs(settings.jobs)
        runner = Parallel(n_jobs=n_jobs, return_as="generator", batch_size="auto", pre_dispatch="4 * n_jobs")
        yield from runner(delayed(func)(*item) for item in items)
