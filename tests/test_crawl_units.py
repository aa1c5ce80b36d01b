"""The crawler's pure parts: URLs and scope, link discovery, robots, steps, the scheduler, diffs."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline.crawl import Scope, diff_summary, is_relevant, normalise_url, registered_domain
from pipeline.crawl.discover import html_links, sitemap_links
from pipeline.crawl.fetch import Request, Result, retry_after
from pipeline.crawl.frontier import Frontier
from pipeline.crawl.robots import Robots
from pipeline.crawl.safety import check_address
from pipeline.crawl.steps import AddressGuard, RedirectPolicy, RetryPolicy, build_steps, robots_agent, run_steps
from pipeline.crawl.summary import CrawlSummary
from pipeline.settings import Settings


@pytest.mark.parametrize("raw, expected", [
    ("HTTPS://Example.COM:443/a/../Privacy?utm_source=x&b=2&a=1#top", "https://example.com/Privacy?a=1&b=2"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com:8080/x?gclid=1&fbclid=2", "http://example.com:8080/x"),
    ("http://example.com/a%20b/./c", "http://example.com/a%20b/c"),
    ("http://example.com/a b", "http://example.com/a%20b"),
])
def test_normalise_url(raw, expected):
    assert normalise_url(raw) == expected


def test_normalise_url_resolves_relative_links():
    assert normalise_url("../terms#x", "https://example.com/legal/privacy/") == "https://example.com/legal/terms"


def test_registered_domain_and_scope():
    assert registered_domain("https://www.example.co.uk/x") == "example.co.uk"
    assert registered_domain("http://127.0.0.1:8001/") == "127.0.0.1:8001"
    scope = Scope.for_company(("https://www.example.com/",), ("partner.org", "127.0.0.1:9000"))
    assert "https://investors.example.com/report.pdf" in scope
    assert "https://sub.partner.org/" in scope and "http://127.0.0.1:9000/x" in scope
    assert "https://example.org/" not in scope and "http://127.0.0.1:9001/" not in scope
    assert "ftp://www.example.com/" not in scope


@pytest.mark.parametrize("url, anchor, relevant", [
    ("https://x.com/legal/privacy-policy", "", True),
    ("https://x.com/p?id=3", "Our Human Rights Policy", True),
    ("https://x.com/transparency/government-requests", "", True),
    ("https://x.com/files/2023-annual-report.pdf", "", True),
    ("https://x.com/sustainability/conflict-minerals", "", True),
    ("https://x.com/p?id=9", "Responsible minerals report 2024", True),
    ("https://x.com/careers", "Join us", False),
    ("https://x.com/products/phones", "Phones", False),
    ("https://x.com/blog/report-abuse", "Report", False),
])
def test_policy_links_are_recognised(url, anchor, relevant):
    assert is_relevant(url, anchor) is relevant


def test_html_links_use_base_href_and_skip_non_http():
    page = ('<html><head><base href="https://cdn.example.com/docs/"></head><body>'
            '<a href="privacy.html">Privacy</a><a href="mailto:a@b.c">Mail</a><a href="javascript:void(0)">x</a>'
            '<a href="privacy.html#s2">Privacy again</a></body></html>')
    links = html_links(page, "https://example.com/")
    assert [(l.url, l.anchor) for l in links] == [("https://cdn.example.com/docs/privacy.html", "Privacy")]


def test_sitemap_and_sitemap_index():
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b'<url><loc>https://x.com/privacy</loc></url><url><loc> https://x.com/about </loc></url></urlset>')
    pages, children = sitemap_links(urlset, "https://x.com/sitemap.xml")
    assert [p.url for p in pages] == ["https://x.com/privacy", "https://x.com/about"] and children == []
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.com/s1.xml</loc></sitemap></sitemapindex>'
    assert sitemap_links(index, "https://x.com/sitemap.xml") == ([], ["https://x.com/s1.xml"])
    assert sitemap_links(b"<<not xml", "https://x.com/sitemap.xml") == ([], [])


def test_robots_rules_delay_and_unavailable():
    rules = Robots.parse(b"User-agent: *\nDisallow: /private\nCrawl-delay: 3\n\nUser-agent: hrdc\nDisallow: /drafts\nRequest-rate: 1/5\n")
    assert not rules.allowed("https://x.com/drafts/a", "hrdc") and rules.allowed("https://x.com/private", "hrdc")
    assert rules.delay("hrdc") == 5.0 and rules.delay("otherbot") == 3.0
    assert Robots.from_status(404).allowed("https://x.com/anything", "hrdc")
    assert not Robots.from_status(503).allowed("https://x.com/", "hrdc")
    assert robots_agent("hrdc/0.1 (+https://github.com/hrdc/hrdc)") == "hrdc"


def test_retry_after_parses_seconds_and_http_dates():
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after("120", now) == 120.0
    assert retry_after("Sat, 01 Mar 2025 12:00:30 GMT", now) == 30.0
    assert retry_after("Fri, 28 Feb 2025 12:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None and retry_after(None) is None


def test_retry_policy_backs_off_exponentially_and_honours_retry_after():
    policy = RetryPolicy(retries=3, backoff=1.0)
    busy = Result("failed", "http://x/", 503, {}, error="http_503: busy", retryable=True)
    waits = [policy.after(Request("http://x/", attempt=n), busy).wait for n in range(3)]
    assert all(1.0 * 2 ** n * 0.5 <= w <= 1.0 * 2 ** n * 1.5 for n, w in enumerate(waits))
    told = busy.but(headers={"Retry-After": "7"})
    assert policy.after(Request("http://x/"), told).wait == 7.0
    final = policy.after(Request("http://x/", attempt=3), busy)
    assert final.action == "failed" and final.error.endswith("(after 3 retries)")
    assert policy.after(Request("http://x/"), busy.but(retryable=False)).action == "failed"


def test_retry_after_and_sitemap_caps_come_from_the_settings():
    from pipeline.crawl.content import inspect

    told = Result("failed", "http://x/", 429, {"Retry-After": "300"}, error="http_429", retryable=True)
    retry = next(s for s in build_steps(Settings())[0] if isinstance(s, RetryPolicy))
    assert retry.after(Request("http://x/"), told).error.startswith("rate_limited")  # 300 s > 120 s
    patient = next(s for s in build_steps(Settings(max_retry_after=600))[0] if isinstance(s, RetryPolicy))
    assert patient.after(Request("http://x/"), told).wait == 300.0
    index = ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(f"<sitemap><loc>https://x.com/s{i}.xml</loc></sitemap>" for i in range(8))
             + "</sitemapindex>").encode()
    assert len(inspect(index, "application/xml", "https://x.com/sitemap.xml").child_sitemaps) == 5
    assert len(inspect(index, "application/xml", "https://x.com/sitemap.xml", max_child_sitemaps=2).child_sitemaps) == 2


def test_redirect_policy_refuses_loops_limits_and_non_http():
    policy = RedirectPolicy(max_redirects=2)
    hop = Result("redirect", "http://x/b", 302, {}, location="http://x/a")
    assert policy.after(Request("http://x/b", hops=("http://x/a",)), hop).reason == "redirect_loop"
    far = hop.but(location="http://x/d")
    assert policy.after(Request("http://x/c", hops=("http://x/a", "http://x/b")), far).reason == "too_many_redirects"
    assert policy.after(Request("http://x/b"), hop.but(location="file:///etc/passwd")).reason == "bad_redirect"
    assert policy.after(Request("http://x/b"), far).action == "redirect"


@pytest.mark.parametrize("url, refused", [
    ("http://10.0.0.8/", "private"), ("http://192.168.1.1/", "private"), ("http://172.16.0.1/", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"), ("http://127.0.0.1:8000/", "loopback"),
    ("http://[::1]/", "loopback"), ("http://[fe80::1]/", "link-local"), ("http://224.0.0.1/", "multicast"),
    ("http://0.0.0.0/", "unspecified"), ("http://localhost/", "loopback"),
])
def test_private_addresses_are_refused_on_every_hop(url, refused):
    error = check_address(url)
    assert error.startswith("private_address:") and refused in error and "--allow-private" in error
    assert check_address(url, allow_private=True) is None
    # the guard runs before each request, so a redirect hop there is refused before any connection
    sent = []
    result = run_steps([AddressGuard()], Request(url, hops=("https://example.com/",)), sent.append)
    assert result.reason == "private_address" and sent == [] and not result.contacted


def test_only_http_and_https_are_fetched():
    assert check_address("ftp://example.com/x").startswith("bad_scheme")
    assert check_address("file:///etc/passwd").startswith("bad_scheme")


def test_steps_report_what_is_off():
    steps, off = build_steps(Settings(allow_private=True, retries=0, respect_robots=False))
    assert [s.name for s in steps] == ["conditional-get", "redirect"]
    assert len(off) == 3 and any("--allow-private" in note for note in off)
    names = [s.name for s in build_steps(Settings())[0]]
    assert names == ["address-guard", "robots", "conditional-get", "retry", "redirect"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_frontier_one_request_per_host_and_delay_from_the_end_of_the_response():
    clock = FakeClock()
    frontier: Frontier[str] = Frontier(delay=1.0, clock=clock)
    for task in ("a1", "a2"):
        frontier.push("a", task)
    frontier.push("b", "b1")
    assert {frontier.pop()[1], frontier.pop()[1]} == {"a1", "b1"}
    assert frontier.pop() is None  # host a is busy
    clock.now = 0.5
    frontier.release("a")  # response ended at 0.5
    clock.now = 1.4
    assert frontier.pop() is None and frontier.wait_time() == pytest.approx(0.1)
    clock.now = 1.5
    assert frontier.pop() == ("a", "a2")


def test_frontier_retry_after_and_release_without_contact():
    clock = FakeClock()
    frontier: Frontier[str] = Frontier(delay=1.0, clock=clock)
    frontier.push("a", "a1")
    frontier.push("a", "a2")
    frontier.pop()
    frontier.release("a", contacted=False)  # nothing was sent: no delay owed
    assert frontier.pop() == ("a", "a2")
    frontier.push("a", "a3")
    frontier.release("a", after=30.0)  # Retry-After 30
    clock.now = 29.0
    assert frontier.pop() is None
    clock.now = 30.0
    assert frontier.pop() == ("a", "a3")


def test_diff_summary_counts_and_quotes():
    old = "Intro.\n\nWe keep logs for 90 days.\n\nContact us."
    new = "Intro.\n\nWe keep logs for 30 days.\n\nWe now publish a transparency report every year.\n\nContact us."
    assert diff_summary(old, new) == "+2 / -1 paragraphs: 'We keep logs for 30 days.'"
    assert diff_summary(new, new).startswith("same text")
    assert diff_summary("A.\n\nB.", "A.").startswith("+0 / -1 paragraphs: removed 'B.'")
    assert "missing" in diff_summary(None, new)


def test_summary_format_names_reasons():
    rows = [{"outcome": "new", "error": None, "bytes": 2000}, {"outcome": "failed", "error": "timeout: slow", "bytes": 0},
            {"outcome": "failed", "error": "http_404: Not Found", "bytes": 0},
            {"outcome": "failed", "error": "http_404: Not Found", "bytes": 0}]
    summary = CrawlSummary.from_rows(4, 2, rows, seconds=1.5)
    assert summary.failures == {"http_404": 2, "timeout": 1} and summary.fetched == 1
    text = summary.format()
    assert text.splitlines()[0] == "crawl run 4: 2 companies, 4 URLs, 2.0 kB in 1.5 s"
    assert "failed: 3 (http_404 2, timeout 1)" in text


def test_connections_are_checked_on_the_address_they_reached():
    """DNS may answer differently after the URL check: the connection's peer address is checked too."""
    from httpfarm import Host, Reply

    from pipeline.crawl.fetch import download, make_session

    settings = Settings()
    seen: list[str] = []

    def check(url: str) -> str | None:
        seen.append(url)
        return check_address(url)

    with Host({"/": Reply(body=b"secret")}) as host:
        result = download(make_session(settings, connect_check=check), Request(host.url("/")), settings)
        assert host.hits == []  # refused before a byte of the request was sent
        assert download(make_session(settings), Request(host.url("/")), settings).action == "body"
    assert seen == [f"http://127.0.0.1:{host.netloc.rsplit(':', 1)[1]}/"]
    assert result.action == "failed" and result.reason == "private_address" and not result.retryable
