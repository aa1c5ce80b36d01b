"""Cost of the per-document limits: every demo-corpus document extracted in process and in a
limited child (pipeline/limits.py), twice each, best round reported.

    .venv/bin/python scripts/bench_limits.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.limits import _warm, extract_and_split, extract_within_limits  # noqa: E402


def main() -> int:
    docs = [(p.name, p.read_bytes()) for p in sorted((REPO / "corpora" / "demo_sites").rglob("*"))
            if p.suffix in (".html", ".pdf", ".txt")]
    _warm()
    timings = {"in process": [], "limited child": []}
    for _ in range(2):
        for label, func in (("in process", extract_and_split), ("limited child", extract_within_limits)):
            started = time.perf_counter()
            for name, data in docs:
                func(data, None, name, "0" * 64)
            timings[label].append(time.perf_counter() - started)
    plain, limited = min(timings["in process"]), min(timings["limited child"])
    print(f"{len(docs)} documents: in process {plain:.2f} s, each in a limited child {limited:.2f} s, "
          f"{(limited - plain) / len(docs) * 1000:.0f} ms more per document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
