"""Crawl throughput against the politeness limit, on a loopback farm of slow hosts.

A separate process serves ``--hosts`` sites on 127.0.0.1 (one port each, so one politeness
slot each) with ``--latency`` seconds per response; every site has a home page linking to
``--docs - 1`` policy pages, a robots.txt and no sitemap. The crawl runs here with
``Settings(delay=...)``. The politeness limit is ``hosts / delay`` requests per second: no
crawler that waits ``delay`` between two requests to a host can go faster. We report
documents/s (and requests/s, which includes robots.txt and the sitemap probe) against it, and
the smallest gap any host saw between two requests (from the servers' own clocks).

The delay counts from the end of one response to the next request, so a host is asked at
most every ``delay + latency`` seconds; with ``docs + 2`` requests per host (robots.txt and the
sitemap probe) the best possible documents/s ratio is
``docs * delay / ((docs + 1) * (delay + latency) + latency)``: 75% at 0.2 s and 50 ms, 90% at 1 s.

    .venv/bin/python scripts/bench_crawl.py                 # delays 0.2 and 1 s, 50 hosts x 20 docs
    .venv/bin/python scripts/bench_crawl.py --delays 0.2 --hosts 10
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

from pipeline.settings import Settings

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]


def serve_farm(hosts: int, docs: int, latency: float, conn) -> None:
    """Child process: run the farm, send its origins, then the request times when asked."""
    from httpfarm import Host, Reply, html, policy_text

    def site() -> Host:
        links = " ".join(f'<a href="/policy-{i}">Privacy policy {i}</a>' for i in range(docs - 1))
        routes = {"/": Reply(body=html(links, "Home")),
                  "/robots.txt": Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"),
                  **{f"/policy-{i}": Reply(body=html(policy_text(f"privacy {i}"), f"Policy {i}")) for i in range(docs - 1)}}
        return Host(routes, latency=latency)

    farm = [site().__enter__() for _ in range(hosts)]
    conn.send([h.origin for h in farm])
    while conn.recv() == "hits":
        conn.send([[hit.time for hit in h.hits] for h in farm])
        for h in farm:
            h.hits.clear()
    for h in farm:
        h.__exit__()


def bench(origins: list[str], pipe, delay: float, threads: int) -> dict:
    from pipeline.crawl import crawl
    from pipeline.records import Company
    from pipeline.store import Workspace

    companies = [Company(f"c{i}", f"Company {i}", "telecom", (o + "/",)) for i, o in enumerate(origins)]
    settings = Settings(delay=delay, allow_private=True, crawl_threads=threads, contact="bench@hrdc.invalid")
    with tempfile.TemporaryDirectory() as tmp, Workspace(tmp) as ws:
        start, cpu = time.monotonic(), time.process_time()
        summary = crawl(ws, companies, settings, progress=False)
        seconds, cpu = time.monotonic() - start, time.process_time() - cpu
    pipe.send("hits")
    hits = pipe.recv()
    gaps = [b - a for times in hits for a, b in zip(sorted(times), sorted(times)[1:])]
    requests = sum(len(t) for t in hits)
    docs = summary.outcomes.get("new", 0)
    limit = len(origins) / delay
    return {"delay": delay, "hosts": len(origins), "docs": docs, "requests": requests, "seconds": seconds,
            "docs_s": docs / seconds, "req_s": requests / seconds, "limit": limit,
            "ratio": docs / seconds / limit, "req_ratio": requests / seconds / limit, "min_gap": min(gaps),
            "failed": summary.outcomes.get("failed", 0), "cpu": cpu}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hosts", type=int, default=50)
    p.add_argument("--docs", type=int, default=20, help="documents per host (home page included)")
    p.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    p.add_argument("--delays", type=float, nargs="+", default=[0.2, 1.0])
    p.add_argument("--threads", type=int, default=Settings.crawl_threads, help="crawl threads (Settings.crawl_threads)")
    p.add_argument("--repeat", type=int, default=3, help="runs per delay; the median run (by documents/s) is shown")
    args = p.parse_args(argv)
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    farm = ctx.Process(target=serve_farm, args=(args.hosts, args.docs, args.latency, child), daemon=True)
    farm.start()
    origins = parent.recv()
    print(f"farm: {args.hosts} hosts x {args.docs} documents, {args.latency * 1000:.0f} ms per response; "
          f"{args.threads} crawl threads")
    print("| per-host delay | hosts | documents | requests | seconds | documents/s | requests/s | "
          "politeness limit (hosts/delay) | documents/s / limit | requests/s / limit | smallest gap seen by a host |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for delay in args.delays:
        runs = sorted((bench(origins, parent, delay, args.threads) for _ in range(args.repeat)), key=lambda r: r["docs_s"])
        r = runs[len(runs) // 2]
        r["min_gap"] = min(run["min_gap"] for run in runs)
        print(f"| {r['delay']:g} s | {r['hosts']} | {r['docs']} | {r['requests']} | {r['seconds']:.1f} | "
              f"{r['docs_s']:.1f} | {r['req_s']:.1f} | {r['limit']:.0f}/s | {r['ratio']:.0%} | {r['req_ratio']:.0%} | "
              f"{r['min_gap']:.3f} s{' (FASTER THAN THE DELAY)' if r['min_gap'] < delay else ''} |", flush=True)
        ratios = ", ".join(f"{run['ratio']:.0%}" for run in runs)
        print(f"  {len(runs)} runs, documents/s / limit: {ratios}; median run: "
              f"crawler CPU {r['cpu']:.1f} s in {r['seconds']:.1f} s; smallest gap over all runs", flush=True)
        failed = sum(run["failed"] for run in runs)
        if failed:
            print(f"  warning: {failed} URLs failed", flush=True)
    parent.send("stop")
    farm.join(timeout=10)


if __name__ == "__main__":
    main()
