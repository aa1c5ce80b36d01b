"""Change since the last season: a policy edited between two crawls shows up as a new version,
in `changes`, in score deltas, and in the exports."""
import re
import shutil

import pandas as pd
import pytest

from pipeline import store
from pipeline.compare import compare_runs
from pipeline.settings import Settings
from pipeline.paths import CORPORA_DIR
from pipeline.sites import serve_sites
from pipeline.store import Workspace
from pipeline.workflow import run_all

SITE = "nimbus-telecom"


@pytest.fixture(scope="module")
def two_seasons(tmp_path_factory):
    root = tmp_path_factory.mktemp("sites")
    shutil.copytree(CORPORA_DIR / "demo_sites" / SITE, root / SITE)
    work = tmp_path_factory.mktemp("season")
    settings = Settings(delay=0.0, allow_private=True, jobs=1, contact="tests@hrdc.invalid")
    ports = {}
    with serve_sites(root) as sites:
        ports = {k: int(v.rsplit(":", 1)[1]) for k, v in sites.items()}
        companies = work / "companies.csv"
        companies.write_text(f"company,sector,seed_urls\nNimbus Telecom plc,telecom,{sites[SITE]}/\n")
        run_all(companies, work / "ws", work / "season1", settings, progress=False)
    # Between seasons the company drops its grievance and stakeholder sections.
    page = root / SITE / "human-rights.html"
    html = page.read_text(encoding="utf-8")
    cut = re.sub(r"<h2>6\. Stakeholder engagement</h2>.*?(?=<h2>8\.)", "", html, flags=re.S)
    assert cut != html
    page.write_text(cut, encoding="utf-8")
    with serve_sites(root, ports=ports) as sites:
        run_all(companies, work / "ws", work / "season2", settings, progress=False)
    return work


def test_edited_page_adds_exactly_one_version(two_seasons):
    ws = two_seasons / "ws"
    versions = store.load("versions", ws).merge(store.load("documents", ws), on="doc_id")
    changed = versions[versions["version"] > 1]
    assert len(changed) == 1
    assert changed["url"].iloc[0].endswith("/human-rights.html")


def test_changes_lists_the_document_with_a_diff_summary(two_seasons):
    from pipeline.crawl import changes

    with Workspace(two_seasons / "ws") as ws:
        frame = changes(ws)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["url"].endswith("/human-rights.html") and (row["version_from"], row["version_to"]) == (1, 2)
    assert row["summary"]


def test_score_deltas_point_at_the_changed_document(two_seasons):
    with Workspace(two_seasons / "ws") as ws:
        first, last = ws.score_runs()[0], ws.score_runs()[-1]
        delta = compare_runs(ws, first, ws, last)
    assert not delta.empty
    assert (delta["delta"] < 0).any()
    assert delta["changed_documents"].str.contains("human-rights.html").all()
    assert (delta["evidence_removed"] > 0).any()
    removed = delta.loc[delta["evidence_removed"] > 0, "quotes_removed"]
    assert removed.str.len().gt(0).all()
    assert removed.str.contains("grievance|stakeholder|complain|remed", case=False).any()


def test_second_season_exports_carry_the_change(two_seasons):
    changes = pd.read_csv(two_seasons / "season2" / "changes.csv")
    assert len(changes) > 0 and (changes["delta"] < 0).any()
    assert "human-rights.html" in (two_seasons / "season2" / "briefing.html").read_text(encoding="utf-8")
