"""Kill a crawl with SIGKILL at an arbitrary moment, rerun it, and check nothing is lost or doubled."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from httpfarm import Host, Reply, html, policy_text
from pipeline.paths import REPO_ROOT
from pipeline.store import Workspace

RUNNER = Path(__file__).parent / "fixtures" / "crawl" / "run_crawl.py"
PAGES = 12


def _site() -> Host:
    links = " ".join(f'<a href="/policy-{i}">Policy {i}</a>' for i in range(PAGES))
    routes = {"/": Reply(body=html(links, "Home")),
              **{f"/policy-{i}": Reply(body=html(policy_text(f"privacy {i}"))) for i in range(PAGES)}}
    return Host(routes, latency=0.02)


def _crawl(workspace: Path, *urls: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, str(RUNNER), str(workspace), "0.05", *urls], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_mid_crawl_then_resume(tmp_path):
    workspace = tmp_path / "ws"
    with _site() as a, _site() as b:
        proc = _crawl(workspace, a.url(), b.url())
        deadline = time.monotonic() + 60
        while len(a.hits) + len(b.hits) < 14 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, f"the crawl ended before it could be killed: {proc.communicate()}"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with Workspace(workspace) as ws:
            done_before = {r["url"] for r in ws.query("SELECT url FROM fetches")}
            run_id = ws.query("SELECT run_id, status FROM runs")[0]
            assert run_id["status"] == "running"
        partial = workspace / "raw" / "ab" / ".tmp-killed"
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"half a docu")

        out, err = _crawl(workspace, a.url(), b.url()).communicate(timeout=60)
        assert "(resumed)" in out, err

    assert 0 < len(done_before) < 2 * (PAGES + 2)
    with Workspace(workspace) as ws:
        rows = ws.query("SELECT url, company_id, outcome FROM fetches")
        assert len(rows) == len({(r["url"], r["company_id"]) for r in rows}) == 2 * (PAGES + 2)
        assert {r["outcome"] for r in rows} == {"new", "skipped"}  # skipped: no sitemap
        assert len(ws.query("SELECT * FROM documents")) == 2 * (PAGES + 1)
        assert len(ws.query("SELECT * FROM versions")) == 2 * (PAGES + 1)
        assert ws.query("SELECT COUNT(*) AS n FROM runs")[0]["n"] == 1
        assert ws.query("SELECT status FROM runs")[0]["status"] == "done"
    assert not partial.exists() and not list((workspace / "raw").glob("*/.tmp-*"))
    # nothing recorded before the kill was asked for again (robots.txt is re-read each run)
    for host in (a, b):
        for path in set(host.paths()) - {"/robots.txt"}:
            if host.url(path) in done_before:
                assert host.count(path) == 1, path
    # at most the one request in flight per host at the kill was repeated
    repeated = [p for p in set(a.paths()) - {"/robots.txt"} if a.count(p) > 1]
    repeated += [p for p in set(b.paths()) - {"/robots.txt"} if b.count(p) > 1]
    assert len(repeated) <= 2
