"""Faults: a run killed (SIGKILL) in each stage and run again ends exactly where an uninterrupted
run ends; a write failure stops a run with a clear message and a consistent store.

The kill test runs `hrdc run` in a subprocess on three demo sites served over loopback, kills it
in the crawl, then (rerun) in extract, tag, score and export, lets a last rerun finish, and
compares the exports and tables with a run that was never interrupted. Crawl resumption itself
is tested request by request in test_crawl_resume.py, atomic export files in test_export.py.
"""
from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.paths import CORPORA_DIR, REPO_ROOT
from pipeline.sites import serve_sites
from pipeline.store import StoreError, Workspace

SITES = {"corvimar-connect": "Corvimar Connect AG", "brightpebble-electronics": "Brightpebble Electronics Ltd"}
CONTENT_TABLES = ("companies", "documents", "versions", "extractions", "passages", "tags",
                  "passage_attributes", "tagged")


def hrdc(companies: Path, root: Path, *extra: str) -> subprocess.Popen:
    """`hrdc run` on ``companies`` into ``root``/ws and ``root``/out, in its own process."""
    cmd = [sys.executable, "-m", "pipeline.cli", "-q", "run", "--companies", str(companies),
           "--workspace", str(root / "ws"), "--out", str(root / "out"), "--delay", "0", "--allow-private",
           "--jobs", "1", "--format", "csv", *extra]
    return subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})


def finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out


def query(workspace: Path, sql: str) -> list[tuple]:
    """Read the workspace as another process would, while the run writes it."""
    if not (workspace / Workspace.DB_NAME).exists():
        return []
    conn = sqlite3.connect(f"file:{workspace / Workspace.DB_NAME}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return []
    finally:
        conn.close()


def count(workspace: Path, table: str) -> int:
    rows = query(workspace, f"SELECT COUNT(*) FROM {table}")
    return rows[0][0] if rows else 0


# Each kill point: a condition on the workspace (or exports) that holds only while that stage runs.
KILL_POINTS = {
    "crawl": lambda root: count(root / "ws", "fetches") >= 3,
    "extract": lambda root: count(root / "ws", "extractions") >= 2,
    "tag": lambda root: count(root / "ws", "tagged") >= 1,
    "score": lambda root: bool(query(root / "ws", "SELECT 1 FROM runs WHERE command='score' AND status='running'")),
    "export": lambda root: any((root / "out").glob(".*.part")),
}


def kill_when(proc: subprocess.Popen, condition, root: Path) -> bool:
    """SIGKILL ``proc`` as soon as ``condition(root)`` holds; False if it finished first."""
    while proc.poll() is None:
        if condition(root):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    proc.communicate()
    return False


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    """Three demo sites on loopback, their companies file and an uninterrupted reference run."""
    base = tmp_path_factory.mktemp("faults")
    for name in SITES:
        shutil.copytree(CORPORA_DIR / "demo_sites" / name, base / "sites" / name)
    with serve_sites(base / "sites") as urls:
        companies = base / "companies.csv"
        with open(CORPORA_DIR / "demo_sites" / "companies.csv", newline="", encoding="utf-8") as fh:
            sectors = {row["site"]: row["sector"] for row in csv.DictReader(fh)}
        with open(companies, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["company", "sector", "seed_urls"])
            for site, name in SITES.items():
                writer.writerow([name, sectors[site], urls[site] + "/"])
        finish(hrdc(companies, base / "reference"))
        yield companies, base / "reference"


def coverage(out: Path) -> pd.DataFrame:
    """coverage.csv without what differs between any two runs: retrieval times."""
    frame = pd.read_csv(out / "coverage.csv")

    def timeless(text: str) -> str:
        if not isinstance(text, str):  # a criterion that does not apply: no evidence at all
            return ""
        return json.dumps([{k: v for k, v in e.items() if k != "retrieved_at"} for e in json.loads(text)])

    frame["evidence_json"] = frame["evidence_json"].map(timeless)
    return frame


def orphans(workspace: Path) -> dict[str, int]:
    checks = {
        "passages without extraction": "SELECT COUNT(*) FROM passages WHERE sha256 NOT IN (SELECT sha256 FROM extractions)",
        "tags without passage": "SELECT COUNT(*) FROM tags WHERE passage_id NOT IN (SELECT passage_id FROM passages)",
        "tagged without extraction": "SELECT COUNT(*) FROM tagged WHERE sha256 NOT IN (SELECT sha256 FROM extractions)",
        "versions without document": "SELECT COUNT(*) FROM versions WHERE doc_id NOT IN (SELECT doc_id FROM documents)",
        "extractions without version": "SELECT COUNT(*) FROM extractions WHERE sha256 NOT IN (SELECT sha256 FROM versions)",
        "scores of unfinished runs": "SELECT COUNT(*) FROM scores WHERE run_id NOT IN "
                                     "(SELECT run_id FROM runs WHERE status='done')",
    }
    found = {name: query(workspace, sql)[0][0] for name, sql in checks.items()}
    shas = {row[0] for row in query(workspace, "SELECT sha256 FROM versions")}
    found["versions without raw file"] = sum(1 for s in shas if not (workspace / "raw" / s[:2] / s).exists())
    return {name: n for name, n in found.items() if n}


def test_killed_in_every_stage_then_rerun_equals_an_uninterrupted_run(farm, tmp_path):
    companies, reference = farm
    killed = []
    for stage, condition in KILL_POINTS.items():
        if kill_when(hrdc(companies, tmp_path), condition, tmp_path):
            killed.append(stage)
    finish(hrdc(companies, tmp_path))

    assert killed == list(KILL_POINTS), f"the run finished before it was killed in {set(KILL_POINTS) - set(killed)}"
    pd.testing.assert_frame_equal(coverage(tmp_path / "out"), coverage(reference / "out"))
    for name in ("frameworks.csv", "changes.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (reference / "out" / name).read_bytes(), name
    for table in CONTENT_TABLES:
        assert count(tmp_path / "ws", table) == count(reference / "ws", table), table
    assert orphans(tmp_path / "ws") == {}
    assert not list((tmp_path / "ws" / "raw").glob("*/.tmp-*"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in (reference / "out").iterdir())


# -- write failures ----------------------------------------------------------------------------
def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", "/mnt"],
                          capture_output=True).returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root and unshare to mount a small or read-only file system")


def in_mount_namespace(script: str) -> subprocess.CompletedProcess:
    """Run a shell ``script`` in a private mount namespace: its mounts vanish when it ends."""
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})


@pytest.fixture
def crawled(farm, tmp_path):
    """A copy of the reference workspace as it was after the crawl: extract has everything to do."""
    workspace = tmp_path / "crawled"
    shutil.copytree(farm[1] / "ws", workspace)
    with Workspace(workspace) as ws, ws.transaction() as conn:
        for table in ("tags", "passage_attributes", "tagged", "passages", "extractions", "scores",
                      "framework_scores"):
            conn.execute(f"DELETE FROM {table}")
    with sqlite3.connect(workspace / Workspace.DB_NAME) as conn:
        conn.execute("VACUUM")
    return workspace


def extract_cmd(workspace: Path) -> str:
    return f"{sys.executable} -m pipeline.cli -q extract --workspace {workspace} --jobs 1"


@needs_mount
def test_disk_full_stops_the_stage_cleanly_and_a_rerun_completes(farm, crawled, tmp_path):
    disk, after = tmp_path / "disk", tmp_path / "after"
    disk.mkdir()
    size = sum(p.stat().st_size for p in crawled.rglob("*") if p.is_file()) + 96 * 1024
    # a file system with 96 KB to spare: the text and passages of the first documents fill it
    done = in_mount_namespace(
        f"mount -t tmpfs -o size={size} tmpfs {disk} && cp -a {crawled} {disk}/ws && "
        f"{extract_cmd(disk / 'ws')}; code=$?; cp -a {disk}/ws {after}; exit $code")

    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"hrdc: error: workspace {disk / 'ws'}: database or disk is full: the disk is full; free space and rerun "
        "(completed work is kept)"]
    assert query(after, "PRAGMA integrity_check") == [("ok",)]
    assert orphans(after) == {}
    assert count(after, "extractions") < count(farm[1] / "ws", "extractions")
    rerun = subprocess.run(extract_cmd(after).split(), capture_output=True, text=True, cwd=REPO_ROOT)
    assert rerun.returncode == 0, rerun.stderr
    for table in ("extractions", "passages"):
        assert count(after, table) == count(farm[1] / "ws", table)


@needs_mount
def test_read_only_workspace_fails_cleanly_and_is_left_as_it_was(crawled):
    before = query(crawled, "SELECT COUNT(*) FROM versions"), sorted(crawled.rglob("*"))
    done = in_mount_namespace(f"mount --bind -o ro {crawled} {crawled} && {extract_cmd(crawled)}")

    assert done.returncode == 2
    [message] = done.stderr.strip().splitlines()
    assert message.startswith(f"hrdc: error: cannot open workspace {crawled}: ")
    assert message.endswith(("the workspace is read-only; make it writable or use another --workspace",
                             "check that the folder is writable"))
    assert (query(crawled, "SELECT COUNT(*) FROM versions"), sorted(crawled.rglob("*"))) == before
    assert count(crawled, "extractions") == 0
