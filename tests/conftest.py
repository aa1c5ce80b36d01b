import pytest

from pipeline.paths import data_dir


@pytest.fixture(scope="session")
def shared_data():
    """The shared evaluation data; tests that need it skip where it is absent (a user's clone)."""
    path = data_dir()
    if not (path / "README.md").exists():
        pytest.skip(f"shared data not found at {path} (set HRDC_DATA to run this test)")
    return path


@pytest.fixture(scope="session")
def synthetic_report():
    """A small export Report (3 companies, 4 frameworks) whose crawled text tries HTML, URL and
    spreadsheet-formula injection: a company named with a <script>, an <img onerror> quote, a
    javascript: URL and an =HYPERLINK(...) quote and document title. Shared by the session:
    derive variants with dataclasses.replace, never mutate it."""
    import json

    import pandas as pd

    from pipeline.export import Report

    criteria = pd.DataFrame(
        [
            ("rdr.G1", "rdr", "Policy commitment", "G", "G1"),
            ("rdr.G2", "rdr", "Governance and management oversight", "G", "G2"),
            ("rdr.F1a", "rdr", "Access to terms of service", "F", "F1"),
            ("rdr.P1a", "rdr", "Access to privacy policies", "P", "P1"),
            ("gni.1", "gni", "Freedom of expression commitment", "", ""),
            ("gni.2", "gni", "Privacy commitment", "", ""),
            ("ungp.A1", "ungp", "Policy commitment", "A", ""),
            ("ungp.A2", "ungp", "Embedding respect", "A", ""),
            ("msa.1", "msa", "Structure, business and supply chains", "", ""),
            ("msa.2", "msa", "Due diligence processes", "", ""),
        ],
        columns=["criterion", "framework", "title", "category", "family"],
    )
    companies = [
        ("acme", "Acme Telecom", "telecom"),
        ("evil", "<script>alert(1)</script> Corp", "platform"),
        ("globex", "Globex Platforms", "platform"),
    ]
    quotes = {
        "acme": [
            {"quote": "We are committed to respecting the human rights of our users.",
             "url": "https://acme.example/human-rights", "page": None,
             "retrieved_at": "2024-05-01T10:00:00Z", "sha256": "a" * 64, "score": 0.91,
             "future": False, "negative": False},
            {"quote": "By 2026 we will publish a transparency report.",
             "url": "https://acme.example/report.pdf", "page": 4,
             "retrieved_at": "2024-05-01T10:00:00Z", "sha256": "b" * 64, "score": 0.7,
             "future": True, "negative": False},
        ],
        "evil": [
            {"quote": "<img src=x onerror=alert(1)> We do not sell personal data.",
             "url": "javascript:alert(1)", "page": 2, "retrieved_at": "2024-05-02T09:00:00Z",
             "sha256": "c" * 64, "score": 0.8, "future": False, "negative": True},
            {"quote": '=HYPERLINK("http://evil.example","click me")',
             "url": "https://evil.example/policy", "page": None,
             "retrieved_at": "2024-05-02T09:00:00Z", "sha256": "d" * 64, "score": 0.6,
             "future": False, "negative": False},
        ],
        "globex": [
            {"quote": "The Board's Audit Committee oversees privacy risks.",
             "url": "https://globex.example/governance", "page": 12,
             "retrieved_at": "2024-05-03T08:00:00Z", "sha256": "e" * 64, "score": 0.88,
             "future": False, "negative": False},
        ],
    }
    verdicts = {"acme": ["full", "partial"], "evil": ["partial", "none"], "globex": ["full", "full"]}
    rows = []
    for cid, name, sector in companies:
        for i, crit in enumerate(criteria.itertuples(index=False)):
            verdict = verdicts[cid][i % 2]
            evidence = [] if verdict == "none" else quotes[cid]
            best = evidence[0] if evidence else {}
            rows.append({
                "company": name, "framework": crit.framework, "criterion": crit.criterion,
                "title": crit.title, "verdict": verdict,
                "score": {"full": 100, "partial": 50, "none": 0}[verdict],
                "n_passages": len(evidence), "evidence": best.get("quote", ""),
                "url": best.get("url", ""), "page": best.get("page"), "company_id": cid,
                "sector": sector, "category": crit.category, "family": crit.family,
                "evidence_json": json.dumps(evidence),
            })
    coverage = pd.DataFrame(rows)
    frameworks = coverage.groupby(["company", "framework"], as_index=False)["score"].mean()
    rdr = coverage[coverage["framework"] == "rdr"]
    categories = rdr.groupby(["company", "category"], as_index=False)["score"].mean()
    categories["framework"] = "rdr." + categories.pop("category")
    frameworks = pd.concat([frameworks, categories], ignore_index=True)
    changes = pd.DataFrame([
        {"company": "Acme Telecom", "framework": "rdr", "criterion": "rdr.G2", "score_from": 0.0,
         "score_to": 50.0, "delta": 50.0, "verdict_from": "none", "verdict_to": "partial",
         "changed_documents": "https://acme.example/report.pdf"},
        {"company": "Globex Platforms", "framework": "msa", "criterion": "msa.1",
         "score_from": 100.0, "score_to": 100.0, "delta": 0.0, "verdict_from": "full",
         "verdict_to": "full", "changed_documents": ""},
    ])
    documents = pd.DataFrame([
        {"company": "Acme Telecom", "url": "https://acme.example/human-rights", "kind": "html",
         "title": "Human rights policy", "retrieved_at": "2024-05-01T10:00:00Z",
         "sha256": "a" * 64, "n_passages": 14, "flags": ""},
        {"company": "<script>alert(1)</script> Corp", "url": "javascript:alert(1)",
         "kind": "html", "title": '=HYPERLINK("http://evil.example","click me")',
         "retrieved_at": "2024-05-02T09:00:00Z", "sha256": "c" * 64, "n_passages": 3,
         "flags": "cookie_wall"},
    ])
    meta = {"run_id": "run-0001", "date": "2024-05-03", "model": "tfidf-logreg 0.1",
            "taxonomy_version": "2024.1", "counts": {"companies": 3, "documents": 2}}
    return Report(coverage=coverage, frameworks=frameworks, changes=changes,
                  documents=documents, meta=meta, criteria=criteria)


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory):
    """One full `hrdc demo` run (crawl over loopback, extract, tag, score, export), shared by
    the end-to-end, notebook and review tests. Treat it as read-only."""
    from pipeline.demo import run_demo
    from pipeline.settings import Settings

    out = tmp_path_factory.mktemp("demo-output")
    result = run_demo(out, Settings(jobs=2), progress=False)
    return out, result


# Demo-site documents stored as if crawled: two companies, HTML and a multi-page PDF, and one
# content published under two URLs (it must be extracted and tagged once).
CRAWLED_DOCS = (
    ("nimbus-telecom", "telecom", "privacy.html"),
    ("nimbus-telecom", "telecom", "reports/2025-human-rights-report.pdf"),
    ("halcyra-social", "platform", "transparency.html"),
    ("halcyra-social", "platform", "reports/modern-slavery-statement-2025.pdf"),
    ("halcyra-social", "platform", "human-rights.html"),
)


@pytest.fixture
def make_crawled_workspace(tmp_path):
    """A factory ``make(name) -> Path``: a fresh workspace holding :data:`CRAWLED_DOCS` with
    their companies, documents and versions rows, ready for ``run_extract``."""
    from pipeline.records import stable_id
    from pipeline.paths import CORPORA_DIR
    from pipeline.store import Workspace

    def make(name: str):
        path = tmp_path / name
        with Workspace(path) as ws:
            run_id = ws.start_run("crawl")
            seen = set()
            for site, sector, rel in CRAWLED_DOCS + (("halcyra-social", "platform", "transparency.html"),):
                company = site.split("-")[0]
                data = (CORPORA_DIR / "demo_sites" / site / rel).read_bytes()
                url = f"https://{site}.example/{rel}" + ("?copy" if (site, rel) in seen else "")
                seen.add((site, rel))
                doc_id = stable_id(company, url)
                kind = "pdf" if rel.endswith(".pdf") else "html"
                ws.insert("companies", [{"company_id": company, "name": site, "sector": sector,
                                         "seed_urls": f"https://{site}.example/"}])
                ws.insert("documents", [{"doc_id": doc_id, "company_id": company, "url": url, "kind": kind,
                                         "first_seen": "2025-01-01T00:00:00+00:00",
                                         "last_seen": "2025-01-01T00:00:00+00:00"}])
                ws.insert("versions", [{"doc_id": doc_id, "version": 1, "sha256": ws.put_raw(data),
                                        "retrieved_at": "2025-01-01T00:00:00+00:00", "run_id": run_id}])
            ws.finish_run(run_id)
        return path

    return make
