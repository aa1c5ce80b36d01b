"""Throughput and load time of the default tagger on one core.

    .venv/bin/python scripts/bench_classify.py [--model PATH] [--n 5000]

Passages are real AIMS sentences with their neighbouring sentences as context (needs the
shared data); the figure is end-to-end `classify_records` (features, scores, labels,
future/negative attributes), single process, BLAS limited to one thread. CPU time is reported
beside wall time because wall time on a shared machine measures the neighbours too.
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: models/default)")
    parser.add_argument("--n", type=int, default=5000, help="number of passages")
    args = parser.parse_args()

    start = time.perf_counter()
    load_cpu = time.process_time()
    from pipeline.model.tagger import classify_records, load_model

    imported = time.perf_counter()
    tagger = load_model(args.model)
    loaded = time.perf_counter()
    load_cpu = time.process_time() - load_cpu

    from pipeline.model import datasets

    frame = datasets.load_aims("AU")
    frame = frame.sample(n=min(args.n, len(frame)), random_state=0)
    records = [{"id": i, "text": t, "context": c} for i, t, c in zip(frame["id"], frame["text"], frame["context"])]
    classify_records(records[:200], tagger)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    out = classify_records(records, tagger)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"model {tagger.model_id}: {len(tagger.criteria_)} criteria")
    print(f"import + load_model {loaded - start:.2f} s wall ({load_cpu:.2f} s CPU); load_model alone {loaded - imported:.2f} s")
    print(f"classified {len(out)} passages in {seconds:.2f} s wall, {cpu:.2f} s CPU: "
          f"{len(out) / seconds:,.0f} passages/s wall, {len(out) / cpu:,.0f} passages per CPU-second on one core")


if __name__ == "__main__":
    main()
