"""The briefing as a person sees it: the demo briefing in headless Chromium at 1400 and 400 px.

Skipped, with the reason, where Chromium, chromedriver or selenium is missing (`.ci/run` installs
them). Nothing here loads from the network: the page is a local file with no external resource.
"""
import struct
from dataclasses import replace

import pandas as pd
import pytest

from pipeline.export.briefing import company_anchor, write_briefing
from pipeline.export.screens import WIDTHS, browser_missing, chromium, screenshot_briefing

pytestmark = pytest.mark.slow

MISSING = browser_missing()
if MISSING:
    pytest.skip(f"no browser for the briefing tests: {MISSING}", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402  (selenium exists past the skip)


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def seen(request, demo_output):
    """(driver, width, demo output folder) with the demo briefing open."""
    out, _ = demo_output
    with chromium(request.param) as driver:
        driver.get((out / "briefing.html").resolve().as_uri())
        yield driver, request.param, out


def _rects(driver, selector, root=None):
    script = ("return Array.from((arguments[1] || document).querySelectorAll(arguments[0]))"
              ".map(e => { const r = e.getBoundingClientRect();"
              " return [r.left, r.top, r.right, r.bottom, e.textContent]; })")
    return driver.execute_script(script, selector, root)


def test_no_horizontal_scrolling_anywhere(seen):
    driver, width, _ = seen
    assert driver.execute_script("return window.innerWidth") == width
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    # nor inside a table's own scroll box: every table fits the screen as laid out
    boxes = driver.execute_script(
        "return Array.from(document.querySelectorAll('.fit, .scroll'))"
        ".filter(e => e.offsetParent !== null).map(e => [e.scrollWidth, e.clientWidth, e.className])")
    assert boxes and [b for b in boxes if b[0] > b[1] + 1] == []
    images = _rects(driver, "img")
    assert images and max(r[2] for r in images) <= width  # the charts shrink to the screen


def test_every_company_section_is_there_with_its_profile_and_brief(seen):
    driver, _, out = seen
    for company in pd.read_csv(out / "companies.csv")["company"]:
        section = driver.find_element(By.ID, company_anchor(company))
        assert section.is_displayed() and section.size["height"] > 200, company
        assert section.find_element(By.CSS_SELECTOR, ".profile table.standings").is_displayed()
        gaps = section.find_elements(By.CSS_SELECTOR, ".engage li.gap")
        assert len(gaps) >= 3 and all(g.find_element(By.CSS_SELECTOR, ".ask").is_displayed() for g in gaps)


def test_heatmap_labels_do_not_overlap(seen):
    driver, _, _ = seen
    tables = driver.find_elements(By.CSS_SELECTOR, "table.heatmap")
    assert len(tables) >= 4  # one per framework at least
    for table in tables:
        columns = sorted(_rects(driver, "th.co span", table))
        rows = sorted(_rects(driver, "th.hm-crit", table), key=lambda r: r[1])
        assert columns and rows
        for a, b in zip(columns, columns[1:]):
            assert a[2] <= b[0] + 0.5, (a[4], b[4])  # side by side, not on top of each other
        for a, b in zip(rows, rows[1:]):
            assert a[3] <= b[1] + 0.5, (a[4], b[4])
        assert all(r[2] - r[0] >= 40 for r in rows)  # room for at least the criterion id


def test_evidence_is_readable_and_links_open_the_quoted_page(seen):
    driver, width, _ = seen
    quotes = [q for q in driver.find_elements(By.CSS_SELECTOR, "table.crit-table blockquote")[:40] if q.is_displayed()]
    assert quotes and min(q.size["width"] for q in quotes) >= min(250, width * 0.6)
    cites = driver.execute_script(
        "return Array.from(document.querySelectorAll('.cite')).filter(c => c.querySelector('.page'))"
        ".map(c => [c.querySelector('a') && c.querySelector('a').getAttribute('href'), c.querySelector('.page').textContent])")
    assert cites  # the demo's PDFs give quotes with a page
    for href, page in cites:
        assert href and href.endswith(f"#page={page.split()[-1]}"), (href, page)


def test_companies_are_ranked_by_score_and_can_be_listed_by_name(seen):
    driver, _, _ = seen

    def shown_order():  # section ids from the top of the page down
        sections = driver.find_elements(By.CSS_SELECTOR, "section.company")
        return [s.get_attribute("id") for s in sorted(sections, key=lambda s: s.location["y"])]

    overview = driver.find_elements(By.CSS_SELECTOR, "#overview tbody.by-score tr")
    scores = [float(r.find_elements(By.CSS_SELECTOR, "td")[0].text) for r in overview]
    assert len(scores) > 3 and scores == sorted(scores, reverse=True)
    names = [r.find_element(By.CSS_SELECTOR, "th a").text for r in overview]
    assert shown_order() == [company_anchor(n) for n in names]
    try:
        driver.find_element(By.CSS_SELECTOR, "label[for=order-name]").click()
        alphabetical = sorted(names, key=str.casefold)
        assert shown_order() == [company_anchor(n) for n in alphabetical]
        rows = driver.find_elements(By.CSS_SELECTOR, "#overview tbody.by-name tr")
        assert [r.find_element(By.CSS_SELECTOR, "th a").text for r in rows] == alphabetical
    finally:
        driver.find_element(By.CSS_SELECTOR, "label[for=order-score]").click()


def test_no_disclosure_rows_are_folded_under_their_count(seen):
    driver, _, _ = seen
    folds = driver.find_elements(By.CSS_SELECTOR, "details.none-rows")
    assert folds
    for fold in folds[:12]:
        assert fold.get_attribute("open") is None
        count = int(fold.find_element(By.TAG_NAME, "summary").text.split()[0])
        assert count == len(fold.find_elements(By.CSS_SELECTOR, "ul.none-list > li"))
        assert not fold.find_element(By.CSS_SELECTOR, "ul.none-list").is_displayed()


def test_local_paths_are_plain_text_and_non_applicable_cells_grey(synthetic_report, tmp_path):
    local = {"https://acme.example/human-rights": "/data/acme/policy.html"}  # a document read from disk
    coverage = synthetic_report.coverage.assign(
        url=synthetic_report.coverage["url"].replace(local),
        evidence_json=synthetic_report.coverage["evidence_json"].str.replace(*next(iter(local.items())), regex=False),
        applicable=synthetic_report.coverage["framework"].ne("msa") | synthetic_report.coverage["company"].ne("Acme Telecom"))
    path = write_briefing(replace(synthetic_report, coverage=coverage, evidence_source=None), tmp_path / "b.html")
    with chromium(400) as driver:
        driver.get(path.resolve().as_uri())
        paths = driver.find_elements(By.CSS_SELECTOR, ".cite .path")
        assert paths and {p.text for p in paths} >= {"/data/acme/policy.html"}
        assert {p.value_of_css_property("text-decoration-line") for p in paths} == {"none"}
        grey = driver.find_elements(By.CSS_SELECTOR, "#framework-msa td.hm-na")
        assert len(grey) == 2  # Acme's two Modern Slavery Act criteria
        assert {g.value_of_css_property("background-color") for g in grey} == {"rgba(207, 211, 218, 1)"}
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 400


def test_screenshots_at_both_widths(demo_output, tmp_path):
    out, _ = demo_output
    shots = screenshot_briefing(out / "briefing.html", tmp_path)
    assert [p.name for p in shots] == [f"briefing-{w}-{part}.png" for w in WIDTHS for part in ("top", "company")]
    for path in shots:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">I", data[16:20])[0] == int(path.name.split("-")[1])  # the PNG's width
