"""The same stages on a Dask cluster (LocalCluster on loopback) give exactly the local rows."""
from __future__ import annotations

import os

import pandas as pd
import pytest

distributed = pytest.importorskip(
    "distributed", reason="Dask distributed is not installed (pip install 'hrdc[dask]')")

from pipeline.parallel import pmap  # noqa: E402
from pipeline.run import run_extract, run_tag  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.store import Workspace  # noqa: E402
from test_run import tables  # noqa: E402


def tagger_identity(model: str, _: int) -> tuple[int, int]:
    from pipeline.tasks import _tagger

    return os.getpid(), id(_tagger(model))


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local


def test_dask_run_equals_local_run(cluster, make_crawled_workspace):
    local, remote = make_crawled_workspace("local"), make_crawled_workspace("dask")
    dask = Settings(backend="dask", scheduler=cluster.scheduler_address)
    for path, settings in ((local, Settings(jobs=1)), (remote, dask)):
        with Workspace(path) as ws:
            extract = run_extract(ws, settings, progress=False)
            tag = run_tag(ws, settings, progress=False)
        assert (extract.processed, extract.errors, tag.processed) == (5, 0, 5)
    a, b = tables(local), tables(remote)
    for name in ("extractions", "passages", "tags", "passage_attributes", "tagged"):
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    assert len(a["tags"]) > 0


def test_dask_workers_load_the_model_once(cluster):
    import cloudpickle

    import test_dask

    cloudpickle.register_pickle_by_value(test_dask)  # workers cannot import the tests folder
    dask = Settings(backend="dask", scheduler=cluster.scheduler_address)
    seen = list(pmap(tagger_identity, (("", i) for i in range(16)), dask))
    by_pid: dict[int, set[int]] = {}
    for pid, tagger in seen:
        by_pid.setdefault(pid, set()).add(tagger)
    assert os.getpid() not in by_pid and 1 <= len(by_pid) <= 2
    assert all(len(objects) == 1 for objects in by_pid.values()), by_pid
