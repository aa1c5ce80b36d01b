"""The static site server used by `hrdc demo` and the crawler tests."""
from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
import requests

from pipeline.paths import CORPORA_DIR
from pipeline.sites import SiteError, serve_sites


@pytest.fixture
def root(tmp_path):
    site = tmp_path / "sites" / "acme"
    (site / "legal").mkdir(parents=True)
    (site / "index.html").write_text('<a href="{base}/legal/privacy.html">Privacy</a>')
    (site / "legal" / "privacy.html").write_text("<h1>Privacy</h1>")
    (site / "report.pdf").write_bytes(b"%PDF-1.4 {base}")
    (site / "sitemap.xml").write_text("<urlset><url><loc>{base}/legal/privacy.html</loc></url></urlset>")
    (site / "_notes.txt").write_text("private notes")
    (site / "_server.yaml").write_text(
        "redirects:\n  /privacy: /legal/privacy.html\n  /moved: ['{base}/report.pdf', 302]\n"
        "aliases:\n  /download/report.pdf: /report.pdf\nbroken: [/gone.pdf]\n")
    (tmp_path / "secret.txt").write_text("outside the site")
    (tmp_path / "sites" / "other").mkdir()
    (tmp_path / "sites" / "other" / "index.html").write_text("other site")
    return tmp_path / "sites"


def test_serves_each_site_on_its_own_port(root):
    with serve_sites(root) as sites:
        assert set(sites) == {"acme", "other"}
        assert len({urlsplit(u).port for u in sites.values()}) == 2
        base = sites["acme"]
        index = requests.get(base + "/")
        assert index.status_code == 200 and index.headers["Content-Type"] == "text/html"
        assert index.text == f'<a href="{base}/legal/privacy.html">Privacy</a>'
        assert requests.get(base + "/sitemap.xml").text.count(base) == 1
        pdf = requests.get(base + "/report.pdf")
        assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content == b"%PDF-1.4 {base}"
        assert requests.get(sites["other"] + "/").text == "other site"
    with pytest.raises(requests.ConnectionError):
        requests.get(base + "/", timeout=1)


def test_redirects_and_aliases(root):
    with serve_sites(root) as sites:
        base = sites["acme"]
        moved = requests.get(base + "/privacy", allow_redirects=False)
        assert moved.status_code == 301 and moved.headers["Location"] == "/legal/privacy.html"
        temp = requests.get(base + "/moved", allow_redirects=False)
        assert temp.status_code == 302 and temp.headers["Location"] == f"{base}/report.pdf"
        alias = requests.get(base + "/download/report.pdf")
        assert alias.status_code == 200 and alias.content == requests.get(base + "/report.pdf").content


@pytest.mark.parametrize("path", ["/missing.html", "/gone.pdf", "/_notes.txt", "/_server.yaml",
                                  "/../secret.txt", "/%2e%2e/secret.txt", "/legal/../../secret.txt", "/..%2fsecret.txt"])
def test_missing_hidden_and_outside_files_are_404(root, path):
    with serve_sites(root) as sites:
        port = urlsplit(sites["acme"]).port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)  # sent as is: no client-side normalisation of ../
        response = conn.getresponse()
        assert response.status == 404 and b"outside the site" not in response.read()


def test_requested_ports_are_reused(root):
    with serve_sites(root) as first:
        ports = {name: urlsplit(url).port for name, url in first.items()}
    with serve_sites(root, ports=ports) as again:
        assert {name: urlsplit(url).port for name, url in again.items()} == ports


def test_bad_server_yaml_names_the_file(root):
    (root / "acme" / "_server.yaml").write_text("redirect:\n  /a: /b\n")
    with pytest.raises(SiteError, match=r"acme/_server.yaml: unknown keys \['redirect'\]"):
        with serve_sites(root):
            pass


def test_demo_corpus_is_served():
    demo = CORPORA_DIR / "demo_sites"
    if not any(p.is_dir() for p in demo.glob("*")):
        pytest.skip("demo corpus not written yet")
    with serve_sites(demo) as sites:
        for base in sites.values():
            assert requests.get(base + "/", timeout=5).status_code == 200
