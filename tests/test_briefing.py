import base64
import html
import re
from dataclasses import replace
from html.parser import HTMLParser

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from pipeline.export.briefing import company_anchor, render_briefing, write_briefing, write_company_briefing

EVIL = "<script>alert(1)</script> Corp"


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def page(synthetic_report):
    return render_briefing(synthetic_report)


def test_write_briefing_writes_one_file(synthetic_report, tmp_path):
    path = write_briefing(synthetic_report, tmp_path / "b" / "briefing.html")

    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["briefing.html"]


def test_no_script_or_event_handler_from_data(page):
    tags = _Tags(page).tags

    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed")]
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    assert "<script>" not in page and "<img src=x" not in page
    assert html.escape(EVIL) in page
    assert "&lt;img src=x onerror=alert(1)&gt; We do not sell personal data." in page


def test_only_http_links_and_no_external_loads(page):
    tags = _Tags(page).tags
    hrefs = [a["href"] for t, a in tags if "href" in a]
    srcs = [a["src"] for t, a in tags if "src" in a]

    assert hrefs and all(h.startswith(("#", "https://", "http://")) for h in hrefs)
    assert not any("javascript" in h.lower() for h in hrefs)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert not [a for t, a in tags if t == "link" and not a.get("href", "").startswith("data:")]
    assert "url(" not in page and "@import" not in page
    # the javascript: URL is still shown, as plain text
    assert re.search(r'<span class="path"[^>]*>javascript:alert\(1\)</span>', page)


def test_every_company_has_an_anchor_and_a_toc_link(synthetic_report, page):
    ids = [a["id"] for _, a in _Tags(page).tags if "id" in a]
    for company in synthetic_report.coverage["company"].unique():
        anchor = company_anchor(company)
        assert ids.count(anchor) == 1
        assert f'href="#{anchor}"' in page
    assert len(set(ids)) == len(ids)


def test_company_anchor_is_a_safe_stable_id():
    assert company_anchor(EVIL) == company_anchor(EVIL)
    assert re.fullmatch(r"company-[a-z0-9-]+", company_anchor(EVIL))
    assert company_anchor("A&B") != company_anchor("A B")
    assert re.fullmatch(r"company-[0-9a-f]{8}", company_anchor("株式会社"))


def test_evidence_quotes_with_their_sources(synthetic_report, page):
    evidence = synthetic_report.tables["evidence"]
    for quote in evidence["quote"].unique():
        assert f"<blockquote>{html.escape(quote)}</blockquote>" in page
    assert '<a href="https://acme.example/report.pdf"' in page
    assert "p.&nbsp;12" in page and "retrieved 2024-05-03" in page


def test_future_and_negative_statements_are_marked(page):
    future = re.search(r"<blockquote>By 2026 we will publish.*?</div>", page).group(0)
    negative = re.search(r"<blockquote>&lt;img src=x.*?</div>", page).group(0)
    plain = re.search(r"<blockquote>We are committed.*?</div>", page).group(0)

    assert 'class="mark future"' in future and "mark negative" not in future
    assert 'class="mark negative"' in negative
    assert "mark future" not in plain and "mark negative" not in plain


def test_charts_are_embedded_pngs(synthetic_report, page):
    srcs = [a["src"] for t, a in _Tags(page).tags if t == "img"]
    # a ranking per framework (the heatmaps are HTML tables)
    assert len(srcs) == len(synthetic_report.framework_ids)
    for src in srcs:
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert plt.get_fignums() == []  # no figure left open in pyplot's registry


def test_long_charts_are_split_into_panels(synthetic_report):
    imgs = [a for t, a in _Tags(render_briefing(synthetic_report, panel_rows=2)).tags if t == "img"]  # 3 companies

    assert len(imgs) == 2 * len(synthetic_report.framework_ids)
    alts = [a["alt"] for a in imgs]
    assert alts[0].endswith("rows 1 to 2 of 3") and alts[1].endswith("rows 3 to 3 of 3")
    heights = [int.from_bytes(base64.b64decode(a["src"].split(",", 1)[1])[20:24], "big") for a in imgs]
    assert heights[1] < heights[0]  # the last panel draws one company, not two


def test_changes_since_last_run(synthetic_report, page):
    acme = page[page.index(f'id="{company_anchor("Acme Telecom")}"'):]
    acme = acme[: acme.index("</section>")]
    assert "Change since last run" in acme and "rdr.G2" in acme and "0 → 50" in acme

    quiet = render_briefing(replace(synthetic_report, changes=pd.DataFrame()))
    assert "Change since last run" not in quiet and 'id="changes"' not in quiet


def test_meta_is_shown_and_escaped(synthetic_report):
    page = render_briefing(replace(synthetic_report, meta={"run_id": "<b>r1</b>", "model": "m-2"}))

    assert "&lt;b&gt;r1&lt;/b&gt;" in page and "<b>r1</b>" not in page
    assert "<dd>m-2</dd>" in page


def test_company_names_with_mathtext_do_not_break_charts(synthetic_report):
    rename = {"Acme Telecom": "$x^2$ Acme_{1}"}
    report = replace(
        synthetic_report,
        coverage=synthetic_report.coverage.replace({"company": rename}),
        frameworks=synthetic_report.frameworks.replace({"company": rename}),
    )

    assert "$x^2$ Acme_{1}" in render_briefing(report)


def test_company_briefing_shows_one_company_and_anonymous_peers(synthetic_report, tmp_path):
    path = write_company_briefing(synthetic_report, "Acme Telecom", tmp_path / "acme.html")
    page = path.read_text(encoding="utf-8")

    assert f'id="{company_anchor("Acme Telecom")}"' in page
    assert "Position among peers" in page and "2 of 3" in page
    assert "Globex Platforms" not in page and html.escape(EVIL) not in page
    assert "We are committed to respecting the human rights of our users." in page


def test_company_briefing_unknown_company(synthetic_report, tmp_path):
    with pytest.raises(ValueError, match=r"company 'Nope' is not in the report; known companies: .*'Acme Telecom'"):
        write_company_briefing(synthetic_report, "Nope", tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_not_assessed_companies_and_unread_documents_are_said_not_scored(synthetic_report):
    documents = synthetic_report.documents.assign(doctype=["human_rights_policy", "privacy_policy"],
                                                  language=["en", "fr"])
    meta = {**synthetic_report.meta, "model_languages": ["en"],
            "not_assessed": {"Quiet <Co>": "no document with text was retrieved"}}
    page = render_briefing(replace(synthetic_report, documents=documents, meta=meta))
    section = page[page.index('id="not-assessed"'):]
    assert "Quiet &lt;Co&gt;</strong>: no document with text was retrieved" in section[:2000]
    acme = page[page.index(f'id="{company_anchor("Acme Telecom")}"'):]
    acme = acme[:acme.index("</section>")]
    assert "Read: human-rights policy." in acme
    assert "Not collected: privacy policy, terms of service" in acme and "transparency report" in acme
    assert "not read: fr" in page  # the French privacy policy of the other company
    evil = page[page.index(f'id="{company_anchor("<script>alert(1)</script> Corp")}"'):]
    evil = evil[:evil.index("</section>")]
    folded = evil[evil.index('<details class="none-rows">'):]  # criteria without disclosure, under a count
    assert re.match(r'<details class="none-rows"><summary>\d+ criteria with no disclosure found</summary>', folded)
    g2 = folded[folded.index(">rdr.G2<"):]
    assert "No human-rights policy was collected." in g2[:g2.index("</li>")]
    p1a = folded[folded.index(">rdr.P1a<"):]
    assert "was collected" not in p1a[:p1a.index("</li>")]  # it has a privacy policy
    quiet = render_briefing(synthetic_report)
    assert 'id="not-assessed"' not in quiet


def test_no_changes_since_a_previous_run_is_said_and_a_first_run_shows_no_previous_run(synthetic_report):
    first = render_briefing(replace(synthetic_report, changes=pd.DataFrame(),
                                    meta={**synthetic_report.meta, "previous_run": None}))
    assert "<dt>previous run</dt>" not in first and 'id="changes"' not in first
    assert first.count("First scoring run of this workspace") == 3  # in each company's profile

    quiet = render_briefing(replace(synthetic_report, changes=pd.DataFrame(),
                                    meta={**synthetic_report.meta, "previous_run": 7}))
    section = quiet[quiet.index('<section id="changes">'):]
    assert section.startswith('<section id="changes"><h2>Changes since last run</h2><p>No changes since run 7:')
    assert quiet.count("No changes since run 7.") == 3
    assert "<dt>previous run</dt><dd>7</dd>" in quiet


def test_companies_are_listed_best_first_with_their_alphabetical_place(synthetic_report, page):
    sections = re.findall(r'<section class="company" id="([^"]+)" style="--by-score:(\d+);--by-name:(\d+)">', page)
    assert [s[0] for s in sections] == [company_anchor(c) for c in ("Globex Platforms", "Acme Telecom", EVIL)]
    assert [int(s[1]) for s in sections] == [0, 1, 2]
    assert [int(s[2]) for s in sections] == [2, 1, 0]  # "<script>..." sorts first by name


def test_panel_rows_setting_reaches_the_exported_briefing(synthetic_report, tmp_path):
    from pipeline.export import write_exports
    from pipeline.settings import Settings, SettingsError

    settings = Settings.from_mapping({"briefing_panel_rows": 2})
    write_exports(synthetic_report, tmp_path, ("html",), panel_rows=settings.briefing_panel_rows)
    imgs = [a for t, a in _Tags((tmp_path / "briefing.html").read_text(encoding="utf-8")).tags if t == "img"]
    assert len(imgs) == 2 * len(synthetic_report.framework_ids)
    with pytest.raises(SettingsError, match="briefing_panel_rows=0: must be at least 1 companies"):
        Settings.from_mapping({"briefing_panel_rows": 0})
