"""pmap: every result once, bounded input in flight, one model load per worker process."""
from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest

from pipeline.parallel import IN_FLIGHT_PER_WORKER, effective_jobs, pmap
from pipeline.settings import Settings, SettingsError


def square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def inverse(x: int) -> float:
    return 1 / (x - 3)


def tagger_identity(model: str, _: int) -> tuple[int, int]:
    """(worker pid, id of the tagger object that worker uses)."""
    from pipeline.tasks import _tagger

    return os.getpid(), id(_tagger(model))


def test_effective_jobs_counts_back_from_the_cores():
    cores = os.cpu_count() or 1
    assert effective_jobs(3) == 3
    assert effective_jobs(-1) == cores
    assert effective_jobs(-cores - 5) == 1


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_every_result_comes_back_once(backend):
    settings = Settings(jobs=2, backend=backend)
    results = list(pmap(square_and_pid, ((i,) for i in range(200)), settings))
    assert sorted(r[0] for r in results) == [i * i for i in range(200)]
    if backend == "loky":
        assert os.getpid() not in {pid for _, pid in results}


def test_one_job_runs_in_this_process():
    results = list(pmap(square_and_pid, ((i,) for i in range(5)), Settings(jobs=1)))
    assert results == [(i * i, os.getpid()) for i in range(5)]


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_a_paused_consumer_holds_the_producer_back(backend):
    pulled = []

    def items():
        for i in range(1000):
            pulled.append(i)
            yield (i,)

    results = pmap(square_and_pid, items(), Settings(jobs=2, backend=backend))
    first = next(results)[0]
    # Two workers finish 1000 tiny tasks well within this pause if nothing holds them back.
    time.sleep(1.0)
    # Only a window of tasks is submitted ahead of the consumer, never the whole corpus.
    assert len(pulled) <= IN_FLIGHT_PER_WORKER * 2
    assert sorted([first] + [r[0] for r in results]) == [i * i for i in range(1000)]
    assert len(pulled) == 1000


def test_a_failing_task_raises_in_the_consumer_and_cancels_the_rest():
    started = []

    def items():
        for i in range(100):
            started.append(i)
            yield (i,)

    with pytest.raises(ZeroDivisionError):
        list(pmap(inverse, items(), Settings(jobs=2)))
    assert len(started) < 100  # nothing after the window was submitted


def slow_first(x: int) -> int:
    if x == 0:
        time.sleep(2.0)
    return x


def test_a_long_task_does_not_hold_back_the_results_behind_it():
    # Stages submit the largest documents first: the other worker must not idle behind one.
    results = list(pmap(slow_first, ((i,) for i in range(20)), Settings(jobs=2)))
    assert sorted(results) == list(range(20))
    assert results[-1] == 0


def test_each_worker_loads_the_model_once():
    ids = list(pmap(tagger_identity, (("", i) for i in range(24)), Settings(jobs=2)))
    by_pid: dict[int, set[int]] = {}
    for pid, tagger in ids:
        by_pid.setdefault(pid, set()).add(tagger)
    assert 1 <= len(by_pid) <= 2
    assert all(len(objects) == 1 for objects in by_pid.values()), by_pid


def test_dask_backend_without_a_scheduler_is_refused():
    with pytest.raises(SettingsError, match="--scheduler"):
        replace(Settings(), backend="dask").check()
