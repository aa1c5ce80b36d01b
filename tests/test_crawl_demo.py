"""End to end: crawl the bundled demo sites (corpora/demo_sites) served on 127.0.0.1."""
from __future__ import annotations

import csv
from collections import Counter

import pytest
import yaml
from protego import Protego

from pipeline.companies import read_companies
from pipeline.crawl import crawl
from pipeline.paths import CORPORA_DIR
from pipeline.settings import Settings
from pipeline.sites import serve_sites
from pipeline.store import Workspace

DEMO = CORPORA_DIR / "demo_sites"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not (DEMO / "companies.csv").exists():
        pytest.skip("demo corpus not written yet")
    tmp = tmp_path_factory.mktemp("demo")
    with serve_sites(DEMO) as sites:
        with open(DEMO / "companies.csv", newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r["site"] in sites]
        with open(tmp / "companies.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["company", "sector", "seed_urls"])
            writer.writerows([r["company"], r["sector"], sites[r["site"]] + "/"] for r in rows)
        companies = read_companies(tmp / "companies.csv")
        settings = Settings(delay=0.05, allow_private=True, contact="tests@hrdc.invalid")
        ws = Workspace(tmp / "ws")
        first = crawl(ws, companies, settings, progress=False)
        again = crawl(ws, companies[:1], settings, progress=False)
        yield {"ws": ws, "sites": sites, "rows": rows, "first": first, "again": again}
        ws.close()


def test_every_company_gets_its_policy_documents(demo):
    ws = demo["ws"]
    per_company = Counter(r["company_id"] for r in ws.query("SELECT company_id FROM documents"))
    assert len(per_company) == len(demo["rows"]) and min(per_company.values()) >= 3
    fetched = [r["url"] for r in ws.query("SELECT url FROM fetches")]
    assert not [u for u in fetched if "careers" in u or "blog" in u]  # not policy links
    assert ws.query("SELECT COUNT(*) AS n FROM documents WHERE kind='pdf'")[0]["n"] >= 1


def test_robots_txt_of_every_demo_site_is_obeyed(demo):
    ws, sites = demo["ws"], demo["sites"]
    for name, base in sites.items():
        robots = DEMO / name / "robots.txt"
        if not robots.exists():
            continue
        rules = Protego.parse(robots.read_text(encoding="utf-8"))
        requested = [r["url"] for r in ws.query("SELECT url FROM fetches WHERE outcome != 'robots' AND url LIKE ?", (base + "/%",))]
        assert all(rules.can_fetch(u, "hrdc") for u in requested), name


def test_aliases_share_one_raw_file(demo):
    ws, sites = demo["ws"], demo["sites"]
    checked = 0
    for name, base in sites.items():
        config = DEMO / name / "_server.yaml"
        aliases = (yaml.safe_load(config.read_text()) or {}).get("aliases") or {} if config.exists() else {}
        for alias, target in aliases.items():
            shas = {r["url"]: r["sha256"] for r in ws.query(
                "SELECT d.url, v.sha256 FROM documents d JOIN versions v USING (doc_id) WHERE d.url IN (?, ?)",
                (base + alias, base + target))}
            if len(shas) == 2:
                assert len(set(shas.values())) == 1
                checked += 1
    if not checked:
        pytest.skip("no alias of the demo corpus was reached by the crawl")


def test_recrawl_adds_no_versions(demo):
    again = demo["again"]
    assert again.outcomes.get("new", 0) == again.outcomes.get("changed", 0) == 0
    assert again.outcomes.get("unchanged", 0) >= 3
    ws = demo["ws"]
    assert ws.query("SELECT COUNT(*) AS n FROM versions WHERE version > 1")[0]["n"] == 0
