"""HTML extraction: main content, structure, walls, encodings, kind detection."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import decode_html, detect_kind, extract, extract_file
from pipeline.extract.normalize import clean_line, strip_bullet
from pipeline.segment import segment

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


@pytest.fixture(scope="module")
def policy():
    return extract_file(FIXTURES / "policy.html")


def test_policy_main_text_without_boilerplate(policy):
    assert policy.kind == "html" and policy.error is None and policy.flags == ()
    assert "push back on requests that are overly broad" in policy.text
    for boilerplate in ("Sitemap", "All rights reserved", "Accept all", "Products"):
        assert boilerplate not in policy.text
    assert policy.title == "Privacy Policy | Example Telecom"


def test_blocks_index_into_text_and_carry_section_paths(policy):
    for block in policy.blocks:
        assert policy.text[block.char_start:block.char_end] == block.text
        assert block.page is None
    assert policy.text == "\n\n".join(b.text for b in policy.blocks)
    by_start = {b.text[:30]: b for b in policy.blocks}
    retention = by_start["We keep traffic data for twelv"]
    assert retention.section == ("Privacy Policy", "Information we collect", "Retention")
    requests = by_start["We disclose user information t"]
    assert requests.section == ("Privacy Policy", "Government requests")  # h2 closes the h3


def test_lists_and_tables_become_readable_blocks(policy):
    items = [b.text for b in policy.blocks if b.kind == "li"]
    assert items[0] == "Account information, such as your name and contact details."
    assert len(items) == 3
    table = next(b for b in policy.blocks if b.kind == "table")
    assert table.text.splitlines() == ["Data | Retention period", "Traffic data | 12 months", "Billing records | 6 years"]


@pytest.mark.parametrize(
    "name, flag",
    [
        ("cookie_wall.html", "cookie_wall"),
        ("consent_plain.html", "cookie_wall"),
        ("login_wall.html", "login_wall"),
        ("js_shell.html", "js_shell"),
        ("block_page.html", "block_page"),
        ("not_found.html", "error_page"),
    ],
)
def test_walls_are_flagged_not_extracted(name, flag):
    extraction = extract_file(FIXTURES / name)
    assert flag in extraction.flags
    assert extraction.text == "" and extraction.blocks == ()


def test_cookie_banner_on_a_policy_is_not_a_wall(policy):
    assert "cookie_wall" not in policy.flags and "login_wall" not in policy.flags


def test_short_cookie_notice_with_a_banner_is_a_document():
    notice = extract_file(FIXTURES / "cookie_notice.html")
    assert notice.flags == ()
    assert "We never use cookies for advertising." in notice.text
    assert "ec_stats | Counts page views | 13 months" in notice.text
    assert "Accept all" not in notice.text


def test_real_pages_are_not_flagged(shared_data):
    for path in sorted((shared_data / "docs" / "opp115_original").glob("*.html")):
        extraction = extract(path.read_bytes(), url=path.name)
        assert extraction.flags == (), path.name
        assert len(extraction.text.split()) > 300, path.name


def test_decode_html_charset_order():
    raw = (FIXTURES / "cp1252.html").read_bytes()
    text, encoding = decode_html(raw)
    assert encoding == "cp1252" and "données personnelles – toujours" in text
    # the header wins over the meta declaration
    _, encoding = decode_html("<p>caf\u00e9</p>".encode("utf-8"), "text/html; charset=utf-8")
    assert encoding == "utf-8"
    # no declaration: UTF-8 if it decodes, else a sniffed charset
    text, _ = decode_html("<p>Stra\u00dfe und Gr\u00fc\u00dfe, sch\u00f6ne Gr\u00fc\u00dfe aus K\u00f6ln</p>".encode("latin-1"))
    assert "Straße" in text
    assert extract_file(FIXTURES / "cp1252.html").text == "Nous protégeons vos données personnelles – toujours."


def test_detect_kind_magic_bytes_first():
    assert detect_kind(b"%PDF-1.7\n...", "text/html", "https://x.org/page.html") == "pdf"
    assert detect_kind(b"<!DOCTYPE html><html></html>", "application/pdf", "report.pdf") == "html"
    assert detect_kind(b"plain words", "text/plain; charset=utf-8") == "text"
    assert detect_kind(b"plain words", "", "https://x.org/readme.txt") == "text"
    assert detect_kind(b"\x89PNG\r\n\x1a\n", "image/png", "logo.png") is None


def test_extract_never_raises_on_bad_content():
    assert extract(b"", "html").flags == ("no_text",)
    unknown = extract(b"\x89PNG\r\n\x1a\n", content_type="image/png", url="https://x.org/logo.png")
    assert unknown.error and "logo.png" in unknown.error


def test_extract_file_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.html"):
        extract_file(tmp_path / "missing.html")
    image = tmp_path / "logo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ValueError, match="logo.png"):
        extract_file(image)


def test_plain_text_paragraphs(tmp_path):
    path = tmp_path / "statement.txt"
    path.write_text("First paragraph\nwraps here.\n\nSecond paragraph.\n", encoding="utf-8")
    extraction = extract_file(path)
    assert extraction.kind == "text"
    assert [b.text for b in extraction.blocks] == ["First paragraph\nwraps here.", "Second paragraph."]


def test_normalisation():
    assert clean_line("e\ufb03cient \u00a0 of\ufb01ce\u200b") == "efficient office"
    assert strip_bullet("\u2022 Item one") == ("Item one", True)
    assert strip_bullet("- Item two") == ("Item two", True)
    assert strip_bullet("-5 degrees") == ("-5 degrees", False)


@pytest.mark.parametrize(
    "payload, kind",
    [
        (b"\x00" * 200, "html"),
        (b"%PDF-1.7", None),
        (bytes(range(256)) * 8, None),
        (b"<html><body><script>" + b"x" * 5000 + b"</script></body></html>", "html"),
        ("<p>caf\u00e9</p>".encode("utf-16"), "html"),
    ],
)
def test_odd_payloads_never_raise(payload, kind):
    extraction = extract(payload, kind)
    assert extraction.error or extraction.flags or extraction.text


def test_short_documents_with_alarming_words_are_not_walls():
    page = (
        b"<html><head><title>Human rights</title><script>" + b"var x = 1;" * 3000 + b"</script></head><body>"
        b"<h1>Human rights</h1><p>Forced labour is forbidden in our supply chain. We complete a security check "
        b"of every supplier, and the page you are reading is reviewed every year.</p>"
        b"<p><a href='/r.pdf'>Modern slavery statement</a> <a href='/t.pdf'>Transparency report</a> "
        b"<a href='/login'>Sign in</a></p></body></html>"
    )
    extraction = extract(page, "html")
    assert extraction.flags == ()
    assert "Forced labour is forbidden" in extraction.text


def _deep(depth: int, open_tag: str = "<div>", close_tag: str = "</div>") -> bytes:
    inner = "".join(f"<p>Deep paragraph {i}: we keep type {i} records for {i + 1} months, then delete them.</p>"
                    for i in range(30))
    return ("<html><head><title>Deep page</title></head><body><main><h1>Retention</h1>" + open_tag * depth
            + inner + close_tag * depth + "<p>After the nesting we describe how to ask for a copy of your data.</p>"
            "</main></body></html>").encode()


@pytest.mark.parametrize("depth", [300, 1000, 5000])
def test_deeply_nested_pages_are_extracted_completely(depth):
    # libxml2 stops at depth 256 and used to drop everything after it, silently
    e = extract(_deep(depth), "html")
    assert "Deep paragraph 0:" in e.text and "Deep paragraph 29:" in e.text
    assert "After the nesting" in e.text
    assert e.flags == ("deep_nesting",) and e.error is None


def test_deeply_nested_lists_keep_their_text():
    e = extract(_deep(3000, "<ul><li>item", "</li></ul>"), "html")
    assert "Deep paragraph 29:" in e.text and "After the nesting" in e.text and e.error is None


def test_a_five_megabyte_page_a_thousand_divs_deep_loses_nothing():
    paragraphs = "".join(f"<p>Paragraph {i}: record type {i} is kept for {i % 30 + 1} months and then deleted "
                         f"from every system we run.</p>" for i in range(50_000))
    page = ("<html><head><title>Big</title></head><body>" + "<div>" * 1000 + paragraphs + "</div>" * 1000
            + "<p>Tail text after it all.</p></body></html>").encode()
    assert len(page) > 5_000_000
    e = extract(page, "html")
    assert "Paragraph 0:" in e.text and "Paragraph 49999:" in e.text and "Tail text" in e.text


def test_ordinary_pages_are_not_flagged_for_nesting(policy):
    assert "deep_nesting" not in policy.flags and "truncated" not in policy.flags


@pytest.fixture(scope="module")
def help_article():
    """A help-centre privacy notice built like Amazon's: headings trafilatura drops, a feedback
    widget with hidden follow-up boxes, and glossary tooltips."""
    return extract_file(FIXTURES / "help_article.html")


def test_issue16_every_heading_of_the_main_content_is_a_section(help_article):
    headings = [b.text for b in help_article.blocks if b.kind == "heading"]
    assert headings == ["Example Shop Privacy Notice", "What About Cookies?", "Feedback"]
    passages = segment(help_article, "x" * 64)
    assert [p.section for p in passages] == [
        "Example Shop Privacy Notice",
        "Example Shop Privacy Notice > What About Cookies?",
        "Example Shop Privacy Notice > What About Cookies?",
        "Example Shop Privacy Notice > Feedback",
    ]
    assert not {p.text for p in passages} & set(headings)


def test_issue16_feedback_widgets_and_tooltips_are_removed(help_article):
    for widget in ("Was this information helpful?", "Thank you for your feedback", "Please select", "confused", "Small text files",
                   "Companies that show ads"):
        assert widget not in help_article.text
    assert "We use cookies to recognise your device" in help_article.text
    assert "set by advertising partners that measure" in help_article.text
    assert "We welcome feedback on this notice." in help_article.text  # a section about feedback is the document


def test_issue16_amazon_privacy_notice_keeps_its_sections(shared_data):
    extraction = extract_file(shared_data / "docs" / "opp115_original" / "105_www.amazon.com.html")
    passages = segment(extraction, "amazon")
    assert len(passages) > 30 and all(p.section for p in passages)  # before: 26 of 38 had none
    cookies = next(p for p in passages if p.text.startswith("Cookies are unique identifiers"))
    assert cookies.section == "Amazon.com Privacy Notice > What About Cookies?"
    assert "Was this information helpful?" not in extraction.text and "Thank you for your feedback" not in extraction.text


def test_headlines_above_a_policy_are_not_put_back():
    """A run of same-level headings before the policy heads nothing trafilatura kept (OPP-115's
    news sites: 'Trending' and its headlines lowered extraction precision by 0.002)."""
    teasers = "".join(f'<div><h3><a href="/news/{i}">Headline number {i} about the city</a></h3>'
                      f"<time>12:0{i}pm</time></div>" for i in range(6))
    page = f"""<html><head><title>Privacy Policy | Daily News</title></head><body>
    <div class="trending"><h2>Trending</h2>{teasers}</div>
    <div class="content"><h1>Privacy Policy</h1>
    <p>Daily News respects your privacy. This policy explains what personal information we collect when you read our site.</p>
    <h2>Information we collect</h2>
    <p>We collect your e-mail address when you subscribe to a newsletter, and the pages you read through cookies.</p>
    <h2>Your choices</h2>
    <p>You can unsubscribe at any time from the link in every newsletter, and you can block cookies in your browser.</p>
    </div></body></html>"""
    extraction = extract(page.encode(), "html", url="https://news.example/privacy")
    assert "Headline number" not in extraction.text and "Trending" not in extraction.text
    assert extraction.text.startswith("Privacy Policy\n\n")
    assert [p.section for p in segment(extraction, "x" * 64)] == [
        "Privacy Policy", "Privacy Policy > Information we collect", "Privacy Policy > Your choices"]


def test_widget_size_is_a_setting():
    """A container larger than widget_max_words is the document: with 5, only the prompt itself
    goes and its hidden follow-up boxes stay."""
    from pipeline.records import ExtractOptions
    from pipeline.settings import Settings

    options = ExtractOptions.from_settings(Settings.from_mapping({"widget_max_words": 5}))
    small = extract_file(FIXTURES / "help_article.html", options)
    assert "Was this information helpful?" not in small.text and "Thank you for your feedback" in small.text


def _policy_page(above: str, side: str = "") -> bytes:
    return f"""<html><head><title>Privacy Policy | Acme</title></head><body>
    {above}
    <div class="content">
    <p>Acme respects your privacy. This policy explains what personal information we collect when you use our site.</p>
    <h2>Information we collect</h2>
    <p>We collect your e-mail address when you subscribe to a newsletter, and the pages you read through cookies.</p>
    <h2>Your choices</h2>
    <p>You can unsubscribe at any time from the link in every newsletter, and you can block cookies in your browser.</p>
    </div>{side}</body></html>""".encode()


def _headings(extraction) -> list[str]:
    return [b.text for b in extraction.blocks if b.kind == "heading"]


def test_chrome_headings_above_the_policy_are_not_put_back():
    """OPP-115's leftovers of issue 16: a breadcrumb's hidden 'You are here', a site name hidden
    behind its logo, a box of links under its label, a magazine box whose sub-headings head only
    text trafilatura dropped. The policy's own headings stay."""
    links = "".join(f'<li><a href="/about/{i}">About page {i}</a></li>' for i in range(4))
    above = f"""<div id="logo"><a href="/"><img src="logo.png"></a><h1 style="display:none;">Acme Museum</h1></div>
    <div class="breadcrumb"><h2 class="element-invisible">You are here</h2><a href="/">Home</a> | <a href="/about">About</a> | Privacy Policy</div>
    <div class="quicklinks"><h2>About Acme</h2><ul>{links}</ul></div>"""
    extraction = extract(_policy_page(above), "html", url="https://acme.example/privacy")
    assert _headings(extraction) == ["Information we collect", "Your choices"]
    for chrome in ("You are here", "Acme Museum", "About Acme"):
        assert chrome not in extraction.text


def test_a_heading_whose_sub_headings_head_dropped_text_heads_nothing_kept():
    """A magazine box above the policy (OPP-115's washingtonian.com): its sub-headings each head
    text trafilatura dropped, so the box's own heading heads that text too, not the policy."""
    from lxml.html import fromstring

    from pipeline.extract.outline import Outline

    page = fromstring("""<html><body><div class="drop"><h4>Read This Month's Issue</h4><h5>Desktop Edition</h5>
    <p>Read a replica of this month's magazine on your computer. It is free for print subscribers.</p>
    <h5>Tablet Edition</h5><p>Read a digital version of this month's magazine on your tablet. It is free for print subscribers.</p>
    </div><p>Acme respects your privacy.</p></body></html>""")
    assert Outline(page).before("Acme respects your privacy.") == ([], None)
    near = fromstring("""<html><body><h4>Our Policy</h4><h5>Summary</h5><p>Acme respects your privacy.</p></body></html>""")
    assert Outline(near).before("Acme respects your privacy.") == ([(4, "Our Policy"), (5, "Summary")], None)


def test_link_share_of_a_heading_box_is_a_setting():
    from pipeline.records import ExtractOptions
    from pipeline.settings import Settings

    links = "".join(f'<li><a href="/about/{i}">About page {i}</a></li>' for i in range(4))
    page = _policy_page(f'<div class="quicklinks"><h2>About Acme</h2><ul>{links}</ul></div>')
    assert "About Acme" not in extract(page, "html", url="https://acme.example/privacy").text
    options = ExtractOptions.from_settings(Settings.from_mapping({"outline_max_link_share": 1}))
    assert _headings(extract(page, "html", url="https://acme.example/privacy", options=options))[0] == "About Acme"


def test_sidebars_of_policy_pages_are_removed():
    """Job ads and 'Interesting Facts' in a column whose class names a sidebar (OPP-115's
    tulsaworld.com and military.com); a wrapper 'with-sidebar' around the policy stays."""
    side = """<div id="bodySidebar"><div class="component"><h3>Interesting Facts</h3>
    <p>10,000,000 Military members have joined the site over the years, and they keep coming back.</p>
    <p>Search over 20 million records for military buddies with the Buddy Finder service today.</p></div></div>"""
    extraction = extract(_policy_page("", side), "html", url="https://acme.example/privacy")
    assert "Interesting Facts" not in extraction.text and "Buddy Finder" not in extraction.text
    wrapped = _policy_page("").replace(b'<div class="content">', b'<div class="content with-sidebar">')
    assert "Acme respects your privacy" in extract(wrapped, "html", url="https://acme.example/privacy").text
