"""The crawler against real loopback servers (tests/httpfarm.py): politeness, faults, versions.

Timing checks are lower bounds taken from the servers' own request log, so a slow machine
can only make them pass more easily.
"""
from __future__ import annotations

import gzip
import hashlib

import pytest

from httpfarm import Host, Reply, html, policy_text
from pipeline.crawl import changes, crawl
from pipeline.records import Company, stable_id
from pipeline.settings import Settings
from pipeline.store import Workspace

DELAY = 0.05


def settings(**kw) -> Settings:
    base = dict(delay=DELAY, allow_private=True, backoff=0.05, retries=2, connect_timeout=2.0, read_timeout=2.0)
    return Settings(**{**base, **kw})


def company(*seeds: str, allow: tuple[str, ...] = (), name: str = "Acme") -> Company:
    return Company(name.lower(), name, "telecom", tuple(seeds), allow)


def run(ws: Workspace, *companies: Company, **kw):
    return crawl(ws, list(companies), settings(**kw), progress=False)


def fetches(ws: Workspace, run_id: int | None = None) -> dict[str, dict]:
    sql = "SELECT * FROM fetches" + (" WHERE run_id=?" if run_id else "")
    return {r["url"].split("/", 3)[3]: dict(r) for r in ws.query(sql, (run_id,) if run_id else ())}


def home(*links: tuple[str, str]) -> Reply:
    return Reply(body=html(" ".join(f'<a href="{href}">{text}</a>' for href, text in links), "Home"))


def page(topic: str = "privacy", **kw) -> Reply:
    return Reply(body=html(policy_text(topic), topic.title()), **kw)


@pytest.fixture
def ws(tmp_path):
    with Workspace(tmp_path / "ws") as workspace:
        yield workspace


# -- politeness ------------------------------------------------------------------------------
def test_robots_disallow_and_crawl_delay(ws):
    robots = b"User-agent: *\nDisallow: /private\nCrawl-delay: 0.2\n"
    routes = {"/robots.txt": Reply(body=robots, content_type="text/plain"),
              "/": home(("/privacy", "Privacy"), ("/private/terms", "Terms"), ("/human-rights", "Human rights")),
              "/privacy": page(), "/private/terms": page("terms"), "/human-rights": page("human rights")}
    with Host(routes) as host:
        summary = run(ws, company(host.url()))
    assert host.paths()[0] == "/robots.txt"
    assert "/private/terms" not in host.paths()
    rows = fetches(ws)
    assert rows["private/terms"]["outcome"] == "robots"
    assert rows["privacy"]["outcome"] == "new" and rows["human-rights"]["outcome"] == "new"
    assert summary.outcomes["robots"] == 1
    # after robots.txt is read, every request is at least Crawl-delay after the previous one
    assert min(host.gaps()[1:]) >= 0.2
    assert min(host.gaps()) >= DELAY


@pytest.mark.parametrize("robots, fetched", [
    (Reply(503), False),  # the site is in trouble: leave it alone this run
    (Reply(302, headers={"Location": "/robots.txt"}), True),  # unreachable by redirects: no rules
    (Reply(404), True),
], ids=["5xx", "redirect-loop", "404"])
def test_robots_txt_that_cannot_be_read(ws, robots, fetched):
    with Host({"/robots.txt": robots, "/": page()}) as host:
        summary = run(ws, company(host.url()), retries=0)
    assert (host.count("/") == 1) is fetched
    assert summary.outcomes.get("robots", 0) == (0 if fetched else 2)


def test_one_request_in_flight_per_host_and_spacing_across_hosts(ws):
    hosts = [Host({"/": home(*((f"/policy-{i}", "Policy") for i in range(5))),
                   **{f"/policy-{i}": page() for i in range(5)}}, latency=0.03) for _ in range(3)]
    for host in hosts:
        host.__enter__()
    try:
        summary = run(ws, *(company(h.url(), name=f"C{i}") for i, h in enumerate(hosts)), delay=0.1, crawl_threads=6)
    finally:
        for host in hosts:
            host.__exit__()
    assert summary.outcomes["new"] == 18
    for host in hosts:
        assert host.max_active == 1
        assert min(host.gaps()) >= 0.1


def test_user_agent_names_hrdc_and_the_contact(ws):
    with Host({"/": page()}) as host:
        run(ws, company(host.url()), contact="research@example.org")
    agent = host.hits[-1].headers["User-Agent"]
    assert "hrdc" in agent and "research@example.org" in agent


# -- robustness ------------------------------------------------------------------------------
def test_429_with_retry_after_seconds_is_honoured(ws):
    with Host({"/": [Reply(429, headers={"Retry-After": "1"}), page()]}) as host:
        summary = run(ws, company(host.url()))
    seed = [h.time for h in host.hits if h.path == "/"]
    assert len(seed) == 2 and seed[1] - seed[0] >= 1.0
    assert summary.outcomes["new"] == 1


def test_503_then_success(ws):
    with Host({"/": [Reply(503), Reply(503), page()]}) as host:
        run(ws, company(host.url()))
    assert host.count("/") == 3
    assert fetches(ws)[""]["outcome"] == "new"


def test_retry_limit_gives_a_failure_with_the_reason(ws):
    with Host({"/": Reply(503)}) as host:
        summary = run(ws, company(host.url()), retries=2)
    assert host.count("/") == 3
    row = fetches(ws)[""]
    assert row["outcome"] == "failed" and row["error"].startswith("http_503") and "after 2 retries" in row["error"]
    assert summary.failures == {"http_503": 1}


def test_a_host_asking_for_a_long_pause_is_left_alone_for_the_run(ws):
    with Host({"/": Reply(429, headers={"Retry-After": "86400"})}) as host:
        summary = run(ws, company(host.url()))
    assert host.paths() == ["/robots.txt", "/"]  # the sitemap is not requested
    assert "Retry-After 86400 s" in fetches(ws)[""]["error"]
    assert summary.failures == {"rate_limited": 2}


def test_timeout(ws):
    with Host({"/": Reply(body=b"late", delay=1.0)}) as host:
        summary = run(ws, company(host.url()), read_timeout=0.2, retries=0)
    assert fetches(ws)[""]["error"].startswith("timeout:")
    assert summary.failures == {"timeout": 1}


def test_connection_refused_is_a_failure(ws):
    with Host() as host:
        url = host.url("/")
    summary = run(ws, company(url), retries=1)
    assert summary.failures == {"connection": 2}  # the seed and the sitemap
    assert "Connection refused (after 1 retries)" in fetches(ws)[""]["error"]


def test_redirect_chain_records_the_final_url(ws):
    routes = {"/": Reply(301, headers={"Location": "/a"}), "/a": Reply(302, headers={"Location": "/b"}),
              "/b": Reply(307, headers={"Location": "/privacy"}), "/privacy": page()}
    with Host(routes) as host:
        run(ws, company(host.url()))
    row = fetches(ws)[""]
    assert row["final_url"] == host.url("/privacy") and row["outcome"] == "new"
    docs = ws.query("SELECT url FROM documents")
    assert [d["url"] for d in docs] == [host.url("/privacy")]
    assert min(host.gaps()) >= DELAY  # every hop is spaced like any request


def test_redirect_loop_and_chain_limit(ws):
    routes = {"/": home(("/loop-a", "Privacy"), ("/r1", "Terms")),
              "/loop-a": Reply(302, headers={"Location": "/loop-b"}), "/loop-b": Reply(302, headers={"Location": "/loop-a"}),
              **{f"/r{i}": Reply(301, headers={"Location": f"/r{i + 1}"}) for i in range(1, 6)}, "/r6": page()}
    with Host(routes) as host:
        summary = run(ws, company(host.url()), max_redirects=3)
    rows = fetches(ws)
    assert rows["loop-a"]["error"].startswith("redirect_loop:")
    assert rows["r1"]["error"].startswith("too_many_redirects:")
    assert host.count("/loop-a") == 1 and "/r6" not in host.paths()
    assert summary.failures == {"redirect_loop": 1, "too_many_redirects": 1}


@pytest.mark.parametrize("reply", [
    Reply(body=b"", declare=5_000_000),  # announced too large: no body read
    Reply(stream=3_000_000),  # no Content-Length: stopped while streaming
    Reply(body=b"<html>" + b"x" * 3_000_000, gzip=True),  # small on the wire, too large decoded
], ids=["content-length", "streamed", "gzip-bomb"])
def test_oversized_body_is_aborted(ws, reply):
    with Host({"/": reply}) as host:
        summary = run(ws, company(host.url()), max_bytes=1_000_000)
    assert summary.failures == {"too_large": 1}
    assert not list(ws.raw_dir.rglob("*"))
    assert not ws.query("SELECT * FROM documents")


def test_gzip_body_is_stored_decoded(ws):
    body = html(policy_text("privacy"))
    with Host({"/": Reply(body=body, gzip=True)}) as host:
        run(ws, company(host.url()))
    assert "gzip" in host.hits[-1].headers.get("Accept-Encoding", "")
    sha = fetches(ws)[""]["sha256"]
    assert sha == hashlib.sha256(body).hexdigest() and ws.get_raw(sha) == body
    assert gzip.compress(body) != body


# -- content ---------------------------------------------------------------------------------
def _pdf() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buf = BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, "Modern slavery statement 2024")
    pdf.save()
    return buf.getvalue()


def test_pdf_served_as_html_is_a_pdf(ws):
    data = _pdf()
    with Host({"/": home(("/download?id=7", "Modern slavery statement")),
               "/download": Reply(body=data, content_type="text/html; charset=utf-8")}) as host:
        run(ws, company(host.url()))
    row = fetches(ws)["download?id=7"]
    assert row["kind"] == "pdf" and row["outcome"] == "new"
    assert ws.query("SELECT kind FROM documents WHERE url=?", (host.url("/download?id=7"),))[0]["kind"] == "pdf"
    assert ws.get_raw(row["sha256"]) == data


def test_non_utf8_html_links_are_read_with_the_declared_charset(ws):
    # "confidentialité" only matches a topic keyword if the page is decoded as Latin-1
    seed = html('<a href="/p?id=3">Politique de confidentialité</a>', "Accueil", charset="iso-8859-1")
    with Host({"/": Reply(body=seed, content_type="text/html"), "/p": page()}) as host:
        run(ws, company(host.url()))
    assert "/p" in host.paths()
    rows = fetches(ws)
    assert ws.get_raw(rows[""]["sha256"]) == seed  # raw bytes kept as served
    assert ws.query("SELECT anchor FROM crawl_queue WHERE url LIKE '%/p?id=3'")[0]["anchor"] == "Politique de confidentialité"


def test_login_wall_and_js_shell_are_recorded_not_stored(ws):
    login = html('<h1>Sign in</h1><form><input name="u"><input type="password" name="p"></form>', "Sign in")
    shell = html('<div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>'
                 '<script src="/app.js"></script>', "Loading")
    with Host({"/": home(("/privacy", "Privacy"), ("/terms", "Terms")),
               "/privacy": Reply(body=login), "/terms": Reply(body=shell)}) as host:
        summary = run(ws, company(host.url()))
    rows = fetches(ws)
    assert rows["privacy"]["outcome"] == "blocked" and rows["privacy"]["error"].startswith("login_wall")
    assert rows["terms"]["outcome"] == "blocked" and rows["terms"]["error"].startswith("js_shell")
    assert {r["url"] for r in ws.query("SELECT url FROM documents")} == {host.url("/")}
    assert summary.outcomes["blocked"] == 2


def test_unsupported_type_is_skipped(ws):
    with Host({"/": home(("/privacy.png", "Privacy")), "/privacy.png": Reply(body=b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png")}) as host:
        run(ws, company(host.url()))
    row = fetches(ws)["privacy.png"]
    assert row["outcome"] == "skipped" and row["error"] == "unsupported_type: image/png"


# -- discovery -------------------------------------------------------------------------------
def test_follows_policy_links_in_scope_within_depth_and_page_limits(tmp_path):
    with Host({"/": page()}) as other:
        routes = {"/": home(("/privacy#top", "Privacy"), ("/privacy?utm_source=nav", "Privacy (again)"),
                            ("/careers", "Careers"), ("/esg/report-2024.pdf", "Download"),
                            (other.url("/privacy"), "Partner privacy")),
                  "/privacy": Reply(body=html(policy_text("privacy") + '<a href="/privacy/archive">Archive</a>')),
                  "/privacy/archive": page(), "/esg/report-2024.pdf": Reply(body=_pdf(), content_type="application/pdf"),
                  "/careers": page("careers")}
        with Host(routes) as host:
            with Workspace(tmp_path / "a") as ws:
                run(ws, company(host.url()), max_depth=1)
                assert host.count("/privacy") == 1  # fragment and tracking parameter dedupe
                assert "/careers" not in host.paths() and "/privacy/archive" not in host.paths()
                assert "/esg/report-2024.pdf" in host.paths()
                assert other.hits == []  # another host is out of scope
            with Workspace(tmp_path / "b") as ws:
                run(ws, company(host.url(), allow=(other.netloc,)), max_depth=2)
                assert "/privacy/archive" in host.paths() and other.count("/privacy") == 1
            with Workspace(tmp_path / "c") as ws:
                run(ws, company(host.url()), max_pages_per_company=3)
                assert len(ws.query("SELECT * FROM crawl_queue")) == 3


def test_sitemap_pages_are_crawled(ws):
    sitemap = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               b'<url><loc>{base}/legal/modern-slavery</loc></url><url><loc>{base}/shop</loc></url></urlset>')
    with Host({"/": home(), "/legal/modern-slavery": page("modern slavery"), "/shop": page("shop")}) as host:
        host.routes["/sitemap.xml"] = Reply(body=sitemap.replace(b"{base}", host.origin.encode()), content_type="application/xml")
        run(ws, company(host.url()))
    assert "/legal/modern-slavery" in host.paths() and "/shop" not in host.paths()
    assert fetches(ws)["sitemap.xml"]["error"].startswith("sitemap: 2 URLs")


def test_sitemaps_listed_in_robots_txt_are_read(ws):
    sitemap = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/esg/statement</loc></url></urlset>'
    with Host({"/": home(), "/esg/statement": page("modern slavery")}) as host:
        host.routes["/robots.txt"] = Reply(body=f"User-agent: *\nSitemap: {host.url('/maps/policies.xml')}\n".encode(),
                                           content_type="text/plain")
        host.routes["/maps/policies.xml"] = Reply(body=sitemap.replace(b"{base}", host.origin.encode()),
                                                  content_type="application/xml")
        run(ws, company(host.url()))
    assert host.count("/maps/policies.xml") == 1 and host.count("/esg/statement") == 1
    assert fetches(ws)["esg/statement"]["outcome"] == "new"


# -- versions --------------------------------------------------------------------------------
def test_304_on_recrawl_then_a_changed_version(ws):
    state = {"etag": '"v1"', "body": html(policy_text("privacy"))}

    def conditional(hit):
        if hit.headers.get("If-None-Match") == state["etag"]:
            return Reply(304, content_type=None, headers={"ETag": state["etag"]})
        return Reply(body=state["body"], headers={"ETag": state["etag"]})

    with Host({"/": conditional}) as host:
        first = run(ws, company(host.url()))
        second = run(ws, company(host.url()))
        assert [h for h in host.hits if h.path == "/"][-1].headers.get("If-None-Match") == '"v1"'
        state.update(etag='"v2"', body=html(policy_text("privacy") + "<p>We now publish a yearly report on "
                                           "government requests for user data, country by country.</p>"))
        third = run(ws, company(host.url()))
    assert (first.outcomes["new"], second.outcomes["not_modified"], third.outcomes["changed"]) == (1, 1, 1)
    versions = ws.query("SELECT version, run_id FROM versions ORDER BY version")
    assert [(v["version"], v["run_id"]) for v in versions] == [(1, first.run_id), (2, third.run_id)]
    diff = changes(ws)
    assert len(diff) == 1 and (diff.version_from[0], diff.version_to[0]) == (1, 2)
    assert diff.summary[0].startswith("+1 / -0 paragraphs: 'We now publish")
    assert changes(ws, since="2999-01-01").empty


def test_identical_content_adds_no_version(ws):
    with Host({"/": page()}) as host:
        run(ws, company(host.url()))
        second = run(ws, company(host.url()))
    assert second.outcomes == {"unchanged": 1, "skipped": 1}
    assert len(ws.query("SELECT * FROM versions")) == 1
    assert changes(ws).empty


def test_same_content_under_two_urls_shares_one_raw_file(ws):
    body = html(policy_text("human rights"))
    with Host({"/": home(("/human-rights", "Human rights"), ("/hr-policy", "Human rights policy")),
               "/human-rights": Reply(body=body), "/hr-policy": Reply(body=body)}) as host:
        run(ws, company(host.url()))
    docs = ws.query("SELECT d.doc_id, d.url, v.sha256 FROM documents d JOIN versions v USING (doc_id) WHERE d.url LIKE '%/h%'")
    assert len(docs) == 2 and docs[0]["sha256"] == docs[1]["sha256"]
    assert docs[0]["doc_id"] == stable_id("acme", docs[0]["url"])
    assert len(list(ws.raw_dir.glob("*/*"))) == 2  # the seed page and the shared policy


# -- safety ----------------------------------------------------------------------------------
def test_private_address_refused_without_allow_private(ws, tmp_path):
    with Host({"/privacy": page()}) as host:
        seed = tmp_path / "links.html"
        seed.write_bytes(html(f'<a href="{host.url("/privacy")}">Privacy policy</a>'))
        summary = crawl(ws, [company(seed.as_uri(), host.url("/"), allow=(host.netloc,))],
                        settings(allow_private=False), progress=False)
    assert host.hits == []
    rows = fetches(ws)
    assert rows["privacy"]["outcome"] == "skipped" and "private_address" in rows["privacy"]["error"]
    assert rows[""]["outcome"] == "skipped"
    assert summary.outcomes["new"] == 1  # the local file seed


def test_never_writes_outside_the_workspace(tmp_path):
    evil = {"Content-Disposition": 'attachment; filename="../../../escaped.html"', "Location": "/../../etc"}
    with Host({"/": home(("/..%2F..%2Fescaped-privacy.html", "Privacy")),
               "/..%2F..%2Fescaped-privacy.html": page(headers=evil), "/../escaped-privacy.html": page(headers=evil)}) as host:
        with Workspace(tmp_path / "ws") as ws:
            run(ws, company(host.url()))
    outside = [p for p in tmp_path.rglob("*") if not p.is_relative_to(tmp_path / "ws")]
    assert outside == []
    inside = {p.relative_to(tmp_path / "ws").parts[0] for p in (tmp_path / "ws").rglob("*") if p.is_file()}
    assert inside <= {"raw", "hrdc.sqlite", "hrdc.sqlite-wal", "hrdc.sqlite-shm"}


# -- local files, summary ----------------------------------------------------------------------
def test_local_file_seed_is_stored_with_a_file_url(ws, tmp_path):
    path = tmp_path / "statement.pdf"
    path.write_bytes(_pdf())
    summary = run(ws, company(path.as_uri()))
    doc = ws.query("SELECT url, kind FROM documents")[0]
    assert (doc["url"], doc["kind"]) == (path.as_uri(), "pdf")
    assert summary.outcomes == {"new": 1}


def test_summary_counts_outcomes_and_failure_reasons(ws):
    with Host({"/": home(("/privacy", "Privacy"), ("/terms", "Terms"), ("/esg", "ESG")), "/privacy": page(),
               "/esg": Reply(500)}) as host:
        summary = run(ws, company(host.url()), retries=0)
    assert summary.outcomes == {"new": 2, "failed": 2, "skipped": 1}
    assert summary.failures == {"http_404": 1, "http_500": 1}
    text = summary.format()
    assert "fetched: 2 (2 new)" in text and "failed: 2 (http_404 1, http_500 1)" in text
    assert ws.query("SELECT status FROM runs")[0]["status"] == "done"
