"""Markdown extraction: blocks without markup, heading paths, detection, segmentation."""
from __future__ import annotations

import pytest

from pipeline.crawl.content import inspect
from pipeline.extract import detect_kind, extract, extract_file
from pipeline.segment import segment


def md(source: str):
    return extract(source.encode("utf-8"), kind="markdown")


def blocks(source: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(b.kind, b.text, b.section) for b in md(source).blocks]


def test_headings_nest_by_level_atx_and_setext():
    ext = md(
        "Privacy Policy\n==============\n\nIntro.\n\n## Data we collect\n\nWe collect data.\n\n"
        "### Retention\n\nWe keep it.\n\nSharing\n-------\n\nWe share nothing.\n\n#### Deep\n\nDeep text.\n\n"
        "# Annex #\n\nAnnex text.\n"
    )
    assert ext.kind == "markdown" and ext.error is None and ext.flags == ()
    assert ext.title == "Privacy Policy"
    sections = {b.text: b.section for b in ext.blocks if b.kind == "p"}
    assert sections == {
        "Intro.": ("Privacy Policy",),
        "We collect data.": ("Privacy Policy", "Data we collect"),
        "We keep it.": ("Privacy Policy", "Data we collect", "Retention"),
        "We share nothing.": ("Privacy Policy", "Sharing"),  # an h2 closes the h3
        "Deep text.": ("Privacy Policy", "Sharing", "Deep"),
        "Annex text.": ("Annex",),  # closing hashes are not part of the heading
    }
    headings = [b for b in ext.blocks if b.kind == "heading"]
    assert [h.text for h in headings] == ["Privacy Policy", "Data we collect", "Retention", "Sharing", "Deep", "Annex"]
    assert headings[2].section == ("Privacy Policy", "Data we collect", "Retention")
    for b in ext.blocks:
        assert ext.text[b.char_start:b.char_end] == b.text


def test_bold_only_paragraph_is_a_heading_like_in_html():
    assert blocks("# Terms\n\n**A. Collection**\n\nWe collect.\n\n**Not a heading.**\n\nText.\n") == [
        ("heading", "Terms", ("Terms",)),
        ("heading", "A. Collection", ("Terms", "A. Collection")),
        ("p", "We collect.", ("Terms", "A. Collection")),
        ("p", "Not a heading.", ("Terms", "A. Collection")),  # final punctuation: a sentence
        ("p", "Text.", ("Terms", "A. Collection")),
    ]


def test_an_italic_label_alone_is_a_heading_but_italic_words_in_a_sentence_are_not():
    assert blocks("# Terms\n\n_Other general terms_\n\nYou must be 13.\n\n_Note:_ we may\n\n*Read this.*\n") == [
        ("heading", "Terms", ("Terms",)),
        ("heading", "Other general terms", ("Terms", "Other general terms")),
        ("p", "You must be 13.", ("Terms", "Other general terms")),
        ("p", "Note: we may", ("Terms", "Other general terms")),
        ("p", "Read this.", ("Terms", "Other general terms")),
    ]


def test_lines_led_by_bullet_glyphs_markdown_does_not_know_are_list_items():
    assert blocks("# Sharing\n\nWe share it with:\n\n\u00b7 our affiliates\n\u00b7 service providers\n\n"
                  "\u00b7 not a list item\nbecause this line has no bullet\n") == [
        ("heading", "Sharing", ("Sharing",)),
        ("p", "We share it with:", ("Sharing",)),
        ("li", "our affiliates", ("Sharing",)),
        ("li", "service providers", ("Sharing",)),
        ("p", "\u00b7 not a list item because this line has no bullet", ("Sharing",)),
    ]


def test_list_items_are_li_blocks_with_their_own_text():
    got = blocks(
        "# Rights\n\nYou may:\n\n* access your data\n* delete it\n  * in the app\n  * by email\n"
        "* object\n\n1. First step.\n\n   More on the first step.\n2. Second step.\n"
    )
    assert got == [
        ("heading", "Rights", ("Rights",)),
        ("p", "You may:", ("Rights",)),
        ("li", "access your data", ("Rights",)),
        ("li", "delete it", ("Rights",)),
        ("li", "in the app", ("Rights",)),
        ("li", "by email", ("Rights",)),
        ("li", "object", ("Rights",)),
        ("li", "First step.\nMore on the first step.", ("Rights",)),
        ("li", "Second step.", ("Rights",)),
    ]


def test_inline_markup_links_images_and_breaks():
    ext = md(
        "We *never* sell **your** data ~~today~~. See [our cookie policy](https://example.com/cookies)\n"
        "or <https://example.com/help>. ![logo](logo.png) Run `opt-out` now.\n\n"
        "Line one<br>line two  \nline three\n\n**Topics:  \n**\n"
    )
    texts = [b.text for b in ext.blocks]
    assert texts == [
        "We never sell your data today. See our cookie policy or https://example.com/help. Run opt-out now.",
        "Line one\nline two\nline three",
        "Topics:",  # an unmatched "**" is dropped
    ]
    assert all(b.kind == "p" for b in ext.blocks)
    assert "](" not in ext.text and "logo" not in ext.text and "*" not in ext.text


def test_tables_give_one_block_per_row():
    got = blocks(
        "## Cookies\n\n| Name | Purpose | Kept |\n| --- | --- | --- |\n"
        "| **ec_stats** | Counts [views](https://x.test) | 13 months |\n"
        "| auth | Sign-in<br>*   session<br>*   security |  |\n"
    )
    assert got == [
        ("heading", "Cookies", ("Cookies",)),
        ("table", "Name | Purpose | Kept", ("Cookies",)),
        ("table", "ec_stats | Counts views | 13 months", ("Cookies",)),
        ("table", "auth | Sign-in session security", ("Cookies",)),
    ]


def test_front_matter_is_dropped_but_a_leading_rule_is_not():
    ext = md("---\ntitle: Privacy\nlayout: page\n---\n# Privacy\n\nWe care.\n")
    assert [b.text for b in ext.blocks] == ["Privacy", "We care."]
    assert "layout" not in ext.text
    kept = md("---\nNot front matter\n---\n\nBody.\n")
    assert "Not front matter" in kept.text and "Body." in kept.text


def test_code_quotes_and_html_blocks():
    got = blocks(
        "# Notes\n\n```\nopt-out --all\n```\n\n> Quoted *policy* text.\n>\n> Second quote.\n\n"
        "<div class=\"box\">\n<p>Boxed <b>notice</b> &amp; more</p>\n<script>track()</script>\n</div>\n\n"
        "    Indented sub-clause with _emphasis_.\n"
    )
    assert got == [
        ("heading", "Notes", ("Notes",)),
        ("pre", "opt-out --all", ("Notes",)),
        ("p", "Quoted policy text.", ("Notes",)),
        ("p", "Second quote.", ("Notes",)),
        ("p", "Boxed notice & more", ("Notes",)),
        ("p", "Indented sub-clause with emphasis.", ("Notes",)),  # not a code block
    ]


def test_bad_bytes_and_empty_input():
    binary = extract(bytes(range(256)) * 20, kind="markdown")
    assert binary.kind == "markdown" and binary.flags == ("corrupt",) and "binary content" in binary.error
    assert binary.blocks == ()
    latin = extract("# Données\n\nCafé noir.\n".encode("cp1252"), kind="markdown")
    assert latin.flags == () and latin.blocks[1].text == "Café noir." and latin.blocks[1].section == ("Données",)
    for empty in (b"", b"\n\n  \n", b"---\ntitle: x\n---\n", b"![](only-an-image.png)\n"):
        ext = extract(empty, kind="markdown")
        assert ext.kind == "markdown" and ext.flags == ("no_text",) and ext.blocks == () and ext.error is None


@pytest.mark.parametrize("content_type, url, expected", [
    ("", "policy.md", "markdown"),
    ("", "https://example.com/terms.markdown", "markdown"),
    ("text/markdown; charset=utf-8", "https://example.com/terms", "markdown"),
    ("text/x-markdown", "", "markdown"),
])
def test_detect_kind_markdown(content_type, url, expected):
    assert detect_kind(b"# Privacy\n\nText.\n", content_type, url) == expected


def test_detect_kind_text_plain_md_and_magic_bytes():
    # raw Markdown is often served as text/plain; other text/plain stays text
    assert detect_kind(b"# Privacy", "text/plain; charset=utf-8", "https://raw.example.com/privacy.md") == "markdown"
    assert detect_kind(b"# Privacy", "text/plain", "notes.txt") == "text"
    # magic bytes still come first
    assert detect_kind(b"%PDF-1.7\n...", "text/markdown", "x.md") == "pdf"
    assert detect_kind(b"<!doctype html><p>x</p>", "text/markdown", "x.md") == "html"


def test_extract_file_and_crawler_accept_markdown(tmp_path):
    path = tmp_path / "policy.md"
    path.write_text("# Policy\n\n- [Item](https://x.test)\n", encoding="utf-8")
    ext = extract_file(path)
    assert ext.kind == "markdown" and [(b.kind, b.text) for b in ext.blocks] == [("heading", "Policy"), ("li", "Item")]
    assert inspect(b"# Policy\n\nText.\n", "text/markdown", "https://example.com/policy").kind == "markdown"


def test_segment_markdown_passages_carry_heading_paths():
    ext = md("# Privacy\n\n## Sharing\n\nWe share data with carriers. We never sell it.\n\n"
             "### Requests\n\nWe review every request.\n\n## Security\n\nWe encrypt data.\n")
    passages = segment(ext, "0" * 64)
    assert [(p.text, p.section) for p in passages] == [
        ("We share data with carriers. We never sell it.", "Privacy > Sharing"),
        ("We review every request.", "Privacy > Sharing > Requests"),
        ("We encrypt data.", "Privacy > Security"),
    ]


def test_real_open_terms_archive_document(shared_data):
    path = shared_data / "realdocs" / "docs" / "2022" / "twitter" / "privacy__Twitter.md"
    if not path.is_file():
        pytest.skip(f"{path} not found (the realdocs documents are not in this copy of the shared data)")
    ext = extract_file(path)
    assert ext.kind == "markdown" and ext.flags == () and ext.title == "Twitter Privacy Policy"
    assert len(ext.blocks) > 50 and {"heading", "p", "li"} <= {b.kind for b in ext.blocks}
    assert any(len(b.section) >= 2 for b in ext.blocks)
    for b in ext.blocks:
        assert "](" not in b.text and "**" not in b.text and not b.text.startswith("#"), b.text[:80]
