"""Chaos run: the demo pipeline under server errors, slow responses and process kills must end
with the same exports as a clean run.

The demo sites are served on loopback behind a fault-injecting proxy (one port per site, the
same for both runs, so evidence URLs match). A clean `hrdc run` goes through the proxy with
faults off. The chaos run turns them on -- 500/503 replies, 429 with Retry-After, connections
reset before any reply, responses delayed by up to ``--slow`` seconds -- and SIGKILLs
`hrdc run` ``--kills`` times at random moments, rerunning it each time, until a run completes.
A path never fails more than twice in a row, within the crawler's three retries, so every
document can be fetched in the end. The exports and content tables are then compared.

    .venv/bin/python scripts/chaos.py --kills 3 --seed 1
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.paths import CORPORA_DIR  # noqa: E402
from pipeline.sites import serve_sites  # noqa: E402

DEMO = CORPORA_DIR / "demo_sites"
TABLES = ("companies", "documents", "versions", "extractions", "passages", "tags", "passage_attributes", "tagged")
FAULTS = ("http_500", "http_503", "http_429", "reset", "slow")


class Chaos:
    """Fault decisions shared by every proxy: ``rate`` of requests get a fault while ``on``."""

    def __init__(self, rate: float, slow: float, seed: int) -> None:
        self.rate, self.slow, self.on = rate, slow, False
        self.rng = random.Random(seed)
        self.failed_in_a_row: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self.lock = threading.Lock()

    def fault(self, key: str) -> str | None:
        with self.lock:
            if not self.on or self.failed_in_a_row[key] >= 2 or self.rng.random() >= self.rate:
                self.failed_in_a_row[key] = 0
                return None
            fault = self.rng.choice(FAULTS)
            self.injected[fault] += 1
            if fault != "slow":
                self.failed_in_a_row[key] += 1
            return fault


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a killed crawler hangs up mid-request: expected here


def proxy(upstream: str, chaos: Chaos) -> ThreadingHTTPServer:
    """A reverse proxy to ``upstream`` on a free port that injects ``chaos``'s faults."""
    session = requests.Session()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            fault = chaos.fault(origin + self.path)
            if fault == "reset":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault in ("http_500", "http_503", "http_429"):
                status = int(fault[-3:])
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if fault == "slow":
                time.sleep(chaos.rng.uniform(0.2, chaos.slow))
            reply = session.get(upstream + self.path, allow_redirects=False, timeout=30)
            body = reply.content.replace(upstream.encode(), origin.encode())
            self.send_response(reply.status_code)
            for name in ("Content-Type", "Location"):
                if name in reply.headers:
                    self.send_header(name, reply.headers[name].replace(upstream, origin))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@contextlib.contextmanager
def chaotic_sites(chaos: Chaos):
    """``{site: proxy base URL}`` for every demo site."""
    with serve_sites(DEMO) as sites:
        servers = {name: proxy(url, chaos) for name, url in sites.items()}
        try:
            yield {name: f"http://127.0.0.1:{s.server_address[1]}" for name, s in servers.items()}
        finally:
            for server in servers.values():
                server.shutdown()
                server.server_close()


def hrdc_run(companies: Path, root: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "pipeline.cli", "-q", "run", "--companies", str(companies), "--workspace",
           str(root / "ws"), "--out", str(root / "out"), "--allow-private", "--delay", "0.05", "--format", "csv"]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def complete(companies: Path, root: Path) -> float:
    started = time.monotonic()
    proc = hrdc_run(companies, root)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"hrdc run failed ({proc.returncode}): {err or out}")
    return time.monotonic() - started


PROGRESS = {"fetches": "crawl", "extractions": "extract", "tagged": "tag", "scores": "score"}


def progress(workspace: Path) -> dict[str, int]:
    if not (workspace / "hrdc.sqlite").exists():
        return dict.fromkeys(PROGRESS, 0)
    with contextlib.closing(sqlite3.connect(workspace / "hrdc.sqlite")) as conn:
        try:
            return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in PROGRESS}
        except sqlite3.OperationalError:  # killed before the schema was written
            return dict.fromkeys(PROGRESS, 0)


def stage(before: dict[str, int], workspace: Path) -> str:
    """The furthest stage a killed run had reached: the last table it added rows to."""
    after = progress(workspace)
    reached = [name for table, name in PROGRESS.items() if after[table] > before[table]]
    if not reached:
        return "start-up"
    if reached[-1] == "score":
        with contextlib.closing(sqlite3.connect(workspace / "hrdc.sqlite")) as conn:
            running = conn.execute("SELECT COUNT(*) FROM runs WHERE command='score' AND status='running'").fetchone()[0]
        return "score" if running else "export"
    return reached[-1]


def timeless(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in ("retrieved_at",) if c in frame])
    if "evidence_json" in frame:
        frame["evidence_json"] = frame["evidence_json"].map(
            lambda text: json.dumps([{k: v for k, v in e.items() if k != "retrieved_at"} for e in json.loads(text)]))
    return frame


def differences(clean: Path, chaotic: Path) -> list[str]:
    found = []
    for name in ("coverage.csv", "frameworks.csv", "documents.csv", "changes.csv", "evidence.csv"):
        a, b = (timeless(pd.read_csv(root / "out" / name)) for root in (clean, chaotic))
        if not a.equals(b):
            found.append(f"{name}: {len(a)} vs {len(b)} rows, content differs")
    for table in TABLES:
        counts = []
        for root in (clean, chaotic):
            with contextlib.closing(sqlite3.connect(root / "ws" / "hrdc.sqlite")) as conn:
                counts.append(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        if counts[0] != counts[1]:
            found.append(f"table {table}: {counts[0]} vs {counts[1]} rows")
    leftovers = list((chaotic / "ws" / "raw").glob("*/.tmp-*")) + list((chaotic / "out").glob(".*.part"))
    if leftovers:
        found.append(f"partial files left: {leftovers}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs of the chaos run (default 3)")
    parser.add_argument("--rate", type=float, default=0.25, help="share of requests given a fault (default 0.25)")
    parser.add_argument("--slow", type=float, default=2.0, help="longest injected delay in seconds (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="keep the runs in this folder (default: a temporary one)")
    args = parser.parse_args(argv)

    chaos = Chaos(args.rate, args.slow, args.seed)
    rng = random.Random(args.seed)
    base = Path(args.keep or tempfile.mkdtemp(prefix="hrdc-chaos-"))
    base.mkdir(parents=True, exist_ok=True)
    with chaotic_sites(chaos) as sites:
        companies = base / "companies.csv"
        with open(DEMO / "companies.csv", newline="", encoding="utf-8") as src, \
                open(companies, "w", newline="", encoding="utf-8") as dst:
            writer = csv.writer(dst)
            writer.writerow(["company", "sector", "seed_urls"])
            for row in csv.DictReader(src):
                writer.writerow([row["company"], row["sector"], sites[row["site"]] + "/"])
        clean_seconds = complete(companies, base / "clean")
        print(f"clean run: {clean_seconds:.1f} s", flush=True)

        chaos.on = True
        started = time.monotonic()
        kills = []
        for _ in range(args.kills):
            before = progress(base / "chaos" / "ws")
            proc = hrdc_run(companies, base / "chaos")
            at = rng.uniform(1.0, 0.6 * clean_seconds)  # reruns skip finished work: kill early enough
            try:
                proc.wait(timeout=at)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills.append(f"{stage(before, base / 'chaos' / 'ws')} at {at:.1f} s")
        complete(companies, base / "chaos")
        chaos_seconds = time.monotonic() - started

    found = differences(base / "clean", base / "chaos")
    print(f"chaos run: {chaos_seconds:.1f} s, faults injected {dict(chaos.injected)}, "
          f"killed {len(kills)} times ({', '.join(kills) or 'never'}), then a run to completion")
    print("outputs equal a clean run" if not found else "DIFFERENCES:\n  " + "\n  ".join(found))
    print(f"runs kept in {base}" if args.keep else "")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
