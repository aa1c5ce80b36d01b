"""Security: what crawled content and hostile servers can make hrdc do.

No request to loopback, private or link-local addresses (on any hop, whatever DNS answers), no
external entities, crawled text inert in the briefing, no file outside the workspace, and no
model loaded from anywhere but models/ or a path the user names. Unit checks of the address
policy are in test_crawl_units.py, the crawl-level refusal and path-traversal checks in
test_crawl.py, the briefing's escaping of a synthetic report in test_briefing.py, and
spreadsheet formula injection in test_export.py.
"""
from __future__ import annotations

import pickle
import re
import socket
from html.parser import HTMLParser
from pathlib import Path

import pytest

from httpfarm import Host, Reply, html, policy_text
from pipeline.model import tagger
from pipeline.cli import main
from pipeline.crawl import crawl, steps
from pipeline.crawl.discover import html_links, sitemap_links
from pipeline.extract import extract
from pipeline.paths import CORPORA_DIR, DEFAULT_MODEL, MODELS_DIR
from pipeline.records import Company
from pipeline.settings import Settings
from pipeline.store import Workspace


def settings(**kw) -> Settings:
    return Settings(**{"delay": 0.0, "retries": 0, "connect_timeout": 2.0, "read_timeout": 2.0, **kw})


def outcomes(ws: Workspace) -> dict[str, tuple[str, str]]:
    return {r["url"]: (r["outcome"], r["error"] or "") for r in ws.query("SELECT url, outcome, error FROM fetches")}


# -- addresses -------------------------------------------------------------------------------
@pytest.fixture
def public_and_private(monkeypatch):
    """Two loopback servers: ``public`` passes the address guard as if it were on the internet,
    ``private`` is what a hostile page tries to reach (a router, a metadata service...)."""
    with Host({"/secret": Reply(body=html(policy_text("secret")))}) as private, Host() as public:
        real = steps.check_address
        monkeypatch.setattr(steps, "check_address", lambda url, allow_private=False:
                            None if url.startswith(public.origin) else real(url, allow_private))
        yield public, private


def test_no_request_for_private_addresses_on_any_hop(tmp_path, public_and_private):
    public, private = public_and_private
    port = private.netloc.rsplit(":", 1)[1]
    targets = {
        "/to-private": private.url("/secret"),  # redirect to a loopback IP
        "/to-localhost": f"http://localhost:{port}/secret",  # ... to a name that resolves to loopback
        "/to-metadata": "http://169.254.169.254/latest/meta-data/",  # ... to link-local
        "/to-file": "file:///etc/passwd",  # ... to another scheme
    }
    links = [*targets, private.url("/secret"), f"http://localhost:{port}/privacy", "http://10.0.0.1/privacy-policy"]
    public.routes.update({
        "/": Reply(body=html(" ".join(f'<a href="{href}">Privacy policy {i}</a>' for i, href in enumerate(links)))),
        **{path: Reply(302, headers={"Location": target}) for path, target in targets.items()},
    })
    company = Company("acme", "Acme", "telecom", (public.url("/"),),
                      (private.netloc, "localhost", "169.254.169.254", "10.0.0.1"))
    with Workspace(tmp_path / "ws") as ws:
        crawl(ws, [company], settings(), progress=False)
        rows = outcomes(ws)
    assert private.hits == []
    expected = {
        public.url("/to-private"): "private_address: 127.0.0.1 is loopback",
        public.url("/to-localhost"): "private_address: localhost resolves to 127.0.0.1, which is loopback",
        public.url("/to-metadata"): "private_address: 169.254.169.254 is link-local",
        private.url("/secret"): "private_address: 127.0.0.1 is loopback",
        f"http://localhost:{port}/privacy": "private_address: localhost resolves to 127.0.0.1",
        "http://10.0.0.1/privacy-policy": "private_address: 10.0.0.1 is private",
        public.url("/to-file"): "bad_redirect: to a non-http URL",
    }
    for url, error in expected.items():
        assert rows[url][0] in ("skipped", "failed") and rows[url][1].startswith(error), (url, rows[url])


def test_allow_private_lets_the_same_crawl_through(tmp_path, public_and_private):
    public, private = public_and_private
    public.routes["/"] = Reply(body=html(f'<a href="{private.url("/secret")}">Privacy policy</a>'))
    with Workspace(tmp_path / "ws") as ws:
        crawl(ws, [Company("acme", "Acme", "telecom", (public.url("/"),), (private.netloc,))],
              settings(allow_private=True), progress=False)
    assert private.paths() == ["/robots.txt", "/secret"]


def test_dns_answer_that_changes_after_the_check_is_refused(tmp_path, monkeypatch):
    """DNS rebinding: the name resolves to a public address when checked and to loopback when
    connected; the connection itself must be refused."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        answers.append("93.184.216.34" if not answers else "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answers[-1], port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with Host({"/privacy": Reply(body=html(policy_text("privacy")))}) as private:
        seed = f"http://rebind.test:{private.netloc.rsplit(':', 1)[1]}/privacy"
        with Workspace(tmp_path / "ws") as ws:
            crawl(ws, [Company("acme", "Acme", "telecom", (seed,))], settings(), progress=False)
            rows = outcomes(ws)
    assert len(answers) >= 2  # resolved again after the first check
    assert private.hits == []
    assert rows[seed][0] != "new" and "private_address" in rows[seed][1]


# -- parsers -----------------------------------------------------------------------------------
def test_xml_and_html_parsers_load_no_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    with Host() as listener:
        doctype = (f'<!DOCTYPE x [<!ENTITY file SYSTEM "{secret.as_uri()}">'
                   f'<!ENTITY net SYSTEM "{listener.url("/entity")}">'
                   f'<!ENTITY % remote SYSTEM "{listener.url("/dtd")}"> %remote;]>')
        sitemap = (f'<?xml version="1.0"?>{doctype}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   "<url><loc>https://acme.example/a&file;</loc></url><url><loc>https://acme.example/b&net;</loc></url>"
                   "</urlset>")
        pages, _ = sitemap_links(sitemap.encode(), "https://acme.example/")
        page = (f"{doctype}<html><head><title>Privacy policy</title></head><body><h1>Privacy policy</h1>"
                f"<p>We never sell personal data &file; and we say so &net; in plain words.</p>"
                f'<a href="https://acme.example/&file;">Terms</a></body></html>')
        extraction = extract(page.encode(), "html")
        links = html_links(page, "https://acme.example/")
    assert listener.hits == []
    assert "never sell personal data" in extraction.text
    assert pages and links
    for found in (str(pages), extraction.text, str(links)):
        assert "TOP-SECRET" not in found


# -- outputs -----------------------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


INJECTION = "<script>alert('crawled')</script><img src=x onerror=alert(2)>"


def test_injected_page_is_inert_in_the_briefing_and_nothing_is_written_outside(tmp_path):
    """A company's page carrying markup in its text, title and attributes, crawled from a local
    file through every stage: the briefing shows the markup as text and runs none of it."""
    source = (CORPORA_DIR / "demo_sites" / "nimbus-telecom" / "human-rights.html").read_text(encoding="utf-8")
    escaped = INJECTION.replace("<", "&lt;").replace(">", "&gt;")
    page = re.sub(r"</p>", f" {escaped}</p>", source)
    page = page.replace("<title>", "<title><script>alert('title')</script>" + escaped)
    page = page.replace("<h1>", '<h1 onmouseover="alert(3)">' + escaped).replace("</body>", "<script>alert(4)</script></body>")
    site = tmp_path / "site"
    site.mkdir()
    (site / "human-rights.html").write_text(page, encoding="utf-8")
    companies = tmp_path / "companies.csv"
    companies.write_text('company,sector,seed_urls\n"../../Evil <img src=x onerror=alert(1)> & Co",telecom,'
                         f"{site / 'human-rights.html'}\n", encoding="utf-8")
    before = {p for p in tmp_path.rglob("*")}

    code = main(["-q", "run", "--companies", str(companies), "--workspace", str(tmp_path / "ws"),
                 "--out", str(tmp_path / "out"), "--jobs", "1", "--format", "csv,html"])
    assert code == 0
    briefing = (tmp_path / "out" / "briefing.html").read_text(encoding="utf-8")
    tags = _Tags(briefing).tags
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed", "base", "form")]
    assert all(a.get("src", "").startswith("data:image/png;base64,") for t, a in tags if t == "img")
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert not [a["href"] for _, a in tags if "href" in a and not a["href"].startswith(("#", "http"))]
    # the crawled markup reached the briefing, as text
    assert "&lt;script&gt;alert(&#x27;crawled&#x27;)&lt;/script&gt;" in briefing
    assert "../../Evil &lt;img src=x onerror=alert(1)&gt; &amp; Co" in briefing
    new = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(tmp_path / "ws") or p.is_relative_to(tmp_path / "out") for p in new)


# -- models ------------------------------------------------------------------------------------
class _Payload:
    """A pickle that creates a file when it is loaded: what a hostile model.joblib could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def test_models_load_only_from_models_or_a_path_the_user_names(tmp_path):
    marker = tmp_path / "code-ran"
    hostile = tmp_path / "downloaded-model"
    hostile.mkdir()
    (hostile / tagger.MODEL_FILE).write_bytes(pickle.dumps(_Payload(marker)))
    workspace = tmp_path / "ws"
    with Workspace(workspace) as ws:
        ws.set_meta("model", str(hostile))  # a workspace someone sent us names the model
        ws.insert("companies", [{"company_id": "acme", "name": "Acme", "sector": "telecom", "seed_urls": "x"}])
    for command in (["tag"], ["score", "--jobs", "1"]):
        assert main(["-q", *command, "--workspace", str(workspace)]) == 0
    assert not marker.exists()
    assert DEFAULT_MODEL.resolve().is_relative_to(MODELS_DIR.resolve())
    # the danger is real: a path the user names explicitly is unpickled, and runs code
    with pytest.raises(tagger.ModelError):
        tagger.load_model(hostile)
    assert marker.exists()
