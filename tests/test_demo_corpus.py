"""The bundled demo corpus keeps the layout contract that ``hrdc demo``, the demo server and the
crawler rely on (see ``scripts/make_demo_corpus.py`` for the PDFs)."""
from __future__ import annotations

import csv
import functools
import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from pipeline.paths import CORPORA_DIR, REPO_ROOT

CORPUS = CORPORA_DIR / "demo_sites"
SECTORS = {"platform", "telecom", "device"}
SERVER_KEYS = {"redirects", "aliases", "broken"}
REDIRECT_CODES = {301, 302, 303, 307, 308}
# Page types the home page of every site must link to, matched on the link's path or text.
REQUIRED_FROM_HOME = {
    "human-rights policy": re.compile(r"human[- ]rights", re.I),
    "privacy policy": re.compile(r"privacy|data protection", re.I),
    "terms of service": re.compile(r"terms", re.I),
    "transparency report": re.compile(r"transparency", re.I),
}


@functools.cache
def _load_script():
    """scripts/make_demo_corpus.py as a module (it imports reportlab only when building)."""
    name = "make_demo_corpus"
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / "make_demo_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _companies() -> list[dict[str, str]]:
    with open(CORPUS / "companies.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


SITES = [row["site"] for row in _companies()]


def _server_config(site: str) -> dict:
    path = CORPUS / site / "_server.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def _redirect_target(value) -> str:
    return value if isinstance(value, str) else value[0]


def _file_for(site: str, path: str) -> Path:
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return CORPUS / site / rel


def _links(html_path: Path) -> list[tuple[str, str]]:
    """(root-relative path without query/fragment, link text) of every href/src in a page."""
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    out = []
    for tag in soup.find_all(["a", "link", "script", "img"]):
        url = tag.get("href") or tag.get("src")
        if url and url.startswith("/") and not url.startswith("//"):
            out.append((re.split(r"[?#]", url)[0], tag.get_text(" ", strip=True)))
    return out


def _resolve(site: str, path: str, config: dict, seen: int = 0) -> Path | None:
    """The file a root-relative path serves, following redirects and aliases; None if 404."""
    if seen > 5:
        return None
    redirects, aliases = config.get("redirects") or {}, config.get("aliases") or {}
    if path in redirects:
        return _resolve(site, re.split(r"[?#]", _redirect_target(redirects[path]))[0], config, seen + 1)
    if path in aliases:
        path = aliases[path]
    file = _file_for(site, path)
    return file if file.is_file() else None


def test_companies_csv_lists_eight_fictional_companies_with_valid_sectors_and_sites():
    rows = _companies()
    assert len(rows) == 8
    assert list(rows[0]) == ["company", "sector", "site"]
    assert {r["sector"] for r in rows} <= SECTORS
    counts = {s: sum(r["sector"] == s for r in rows) for s in SECTORS}
    assert counts == {"platform": 3, "telecom": 3, "device": 2}
    assert len({r["site"] for r in rows}) == 8 and len({r["company"] for r in rows}) == 8
    for r in rows:
        assert re.fullmatch(r"[a-z0-9-]+", r["site"]), r
        assert (CORPUS / r["site"]).is_dir(), f"companies.csv: no folder for site {r['site']!r}"


@pytest.mark.parametrize("site", SITES)
def test_site_has_home_robots_and_a_valid_server_config(site):
    assert (CORPUS / site / "index.html").is_file()
    assert (CORPUS / site / "robots.txt").is_file()
    config = _server_config(site)
    assert set(config) <= SERVER_KEYS, f"{site}/_server.yaml: unknown keys {set(config) - SERVER_KEYS}"
    for source, value in (config.get("redirects") or {}).items():
        assert source.startswith("/")
        if not isinstance(value, str):
            assert len(value) == 2 and value[1] in REDIRECT_CODES, f"{site}: redirect {source}: {value}"
    for source, target in (config.get("aliases") or {}).items():
        assert _file_for(site, target).is_file(), f"{site}: alias {source} -> missing {target}"
        assert not _file_for(site, source).exists(), f"{site}: alias {source} shadows a real file"
    for path in config.get("broken") or []:
        assert not _file_for(site, path).exists(), f"{site}: declared broken link {path} exists"


@pytest.mark.parametrize("site", SITES)
def test_home_page_links_every_required_page_type_and_a_pdf_report(site):
    config = _server_config(site)
    links = _links(CORPUS / site / "index.html")
    for kind, pattern in REQUIRED_FROM_HOME.items():
        hits = [p for p, text in links if (pattern.search(p) or pattern.search(text))
                and _resolve(site, p, config) is not None]
        assert hits, f"{site}/index.html links no {kind}"
    pdfs = [p for p, _ in links if (f := _resolve(site, p, config)) is not None and f.suffix == ".pdf"]
    assert pdfs, f"{site}/index.html links no PDF report"


@pytest.mark.parametrize("site", SITES)
def test_every_root_relative_link_resolves_except_the_declared_broken_ones(site):
    config = _server_config(site)
    unresolved: dict[str, set[str]] = {}
    for page in sorted((CORPUS / site).rglob("*.html")):
        for path, _ in _links(page):
            if _resolve(site, path, config) is None:
                unresolved.setdefault(path, set()).add(page.relative_to(CORPUS).as_posix())
    declared = set(config.get("broken") or [])
    undeclared = {p: sorted(pages) for p, pages in unresolved.items() if p not in declared}
    assert not undeclared, f"links to missing files (fix them or list them under broken:): {undeclared}"
    assert set(unresolved) == declared, f"{site}/_server.yaml: broken links no page links: {declared - set(unresolved)}"


def test_corpus_has_the_crawler_traps_the_demo_exercises():
    configs = {site: _server_config(site) for site in SITES}
    home_links = {site: {p for p, _ in _links(CORPUS / site / "index.html")} for site in SITES}
    assert any(set(c.get("redirects") or {}) & home_links[s] for s, c in configs.items()), "no redirected home link"
    assert any(c.get("aliases") for c in configs.values()), "no PDF served under two URLs"
    assert any(c.get("broken") for c in configs.values()), "no broken link"

    from protego import Protego

    robots = {s: Protego.parse((CORPUS / s / "robots.txt").read_text()) for s in SITES}
    assert any(robots[s].crawl_delay("hrdc") == 1 for s in SITES), "no robots.txt with Crawl-delay: 1"
    blocked = [(s, p) for s in SITES for p in home_links[s]
               if not robots[s].can_fetch(f"http://127.0.0.1{p}", "hrdc") and _file_for(s, p).is_file()]
    assert blocked, "no home-page link that robots.txt disallows"

    pages = {p: p.read_text(encoding="utf-8") for s in SITES for p in (CORPUS / s).rglob("*.html")}
    login = [p for p, html in pages.items() if "Sign in to continue" in html and 'type="password"' in html]
    assert login, "no login-wall page"
    shells = [p for p, html in pages.items() if '<div id="root"></div>' in html]
    assert shells, "no JS-only shell page"
    for shell in shells:
        soup = BeautifulSoup(pages[shell], "html.parser")
        assert soup.body.get_text(strip=True) == "", f"{shell} has visible text"
        site = shell.relative_to(CORPUS).parts[0]
        navs = [a["href"] for p, html in pages.items() if p.is_relative_to(CORPUS / site)
                for nav in BeautifulSoup(html, "html.parser").select("nav, .nav, #nav, .menu")
                for a in nav.find_all("a", href=True)]
        assert "/" + shell.relative_to(CORPUS / site).as_posix() in navs, f"{shell} is not linked from a nav"


@pytest.mark.parametrize("site", [s for s in SITES if (CORPUS / s / "sitemap.xml").exists()])
def test_sitemaps_use_the_base_placeholder_and_list_existing_pages(site):
    path = CORPUS / site / "sitemap.xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.parse(path).getroot().findall("s:url/s:loc", ns)]
    assert locs
    config = _server_config(site)
    for loc in locs:
        assert loc.startswith("{base}/"), f"{path}: {loc}"
        assert _resolve(site, loc[len("{base}"):], config) is not None, f"{path}: {loc} does not exist"


def test_sitemaps_on_two_or_three_sites():
    assert 2 <= sum((CORPUS / s / "sitemap.xml").exists() for s in SITES) <= 3


def test_base_placeholder_is_used_only_in_sitemaps():
    for file in CORPUS.rglob("*"):
        if file.is_file() and file.name != "sitemap.xml" and file.suffix in {".html", ".txt", ".yaml", ".js"}:
            assert "{base}" not in file.read_text(encoding="utf-8"), file


def test_every_pdf_is_a_declared_report():
    script = _load_script()
    declared = {r.path for r in script.REPORTS}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.pdf")}
    assert on_disk == declared


@pytest.mark.parametrize("report", _load_script().REPORTS, ids=lambda r: r.path)
def test_pdf_has_pages_a_text_layer_and_running_header_and_footer(report):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(CORPUS / report.path)
    try:
        texts = [" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    finally:
        pdf.close()
    assert len(texts) >= 3
    assert all(len(t) > 40 for t in texts), f"{report.path}: a page without a text layer"
    footer = re.compile(re.escape(report.footer.split("{page}")[0].strip()) + r"\s*\d+")
    # every page but the title page carries the running header and footer
    assert sum(report.header in t for t in texts) == len(texts) - 1, report.path
    assert sum(footer.search(t) is not None for t in texts) >= len(texts) - 1, report.path


def test_regenerating_the_pdfs_gives_identical_bytes():
    pytest.importorskip("reportlab")
    script = _load_script()
    for report in script.REPORTS:
        assert script.build_report(report) == (CORPUS / report.path).read_bytes(), (
            f"{report.path} differs from a fresh build: run scripts/make_demo_corpus.py and commit")


def test_report_markup_with_an_unknown_directive_is_rejected_naming_the_report():
    pytest.importorskip("reportlab")
    script = _load_script()
    bad = script.Report(path="x/bad.pdf", company="X", title="T", subtitle="S", header="H",
                        footer="{page}", accent="#000000", body="# Title\n@threecol\nText.")
    with pytest.raises(ValueError, match=r"x/bad\.pdf: unknown directive '@threecol'"):
        script.build_report(bad)
