"""Segmentation: passages keep offsets, pages, sections and neighbouring context."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import extract_file
from pipeline.extract.blocks import assemble
from pipeline.records import Extraction, stable_id
from pipeline.records import PassageSizes
from pipeline.segment import segment, sentences

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def _extraction(items) -> Extraction:
    text, blocks = assemble(items)
    return Extraction("pdf", text, blocks)


def test_sentences_offsets_and_line_breaks():
    text = "We respect rights. We audit suppliers!\nRow one | value\n\nNext block here."
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == ["We respect rights.", "We audit suppliers!", "Row one | value", "Next block here."]


def test_passages_cover_blocks_with_ids_pages_and_sections():
    extraction = _extraction([
        ("1. Labour", "heading", ("1. Labour",), 1),
        ("Workers are free to leave. No fees are charged.", "p", ("1. Labour",), 1),
        ("Audits happen every year.", "p", ("1. Labour", "1.1 Audits"), 2),
    ])
    passages = segment(extraction, "abc123")
    assert [p.text for p in passages] == ["Workers are free to leave. No fees are charged.", "Audits happen every year."]
    assert [p.seq for p in passages] == [0, 1]
    assert [p.page for p in passages] == [1, 2]
    assert passages[1].section == "1. Labour > 1.1 Audits"
    for p in passages:
        assert extraction.text[p.char_start:p.char_end] == p.text
        assert p.passage_id == stable_id("abc123", p.char_start, p.char_end) and p.sha256 == "abc123"
    assert passages[0].context_before == "1. Labour"
    assert passages[0].context_after == "Audits happen every year."
    assert passages[1].context_before.endswith("No fees are charged.")


def test_long_paragraphs_split_between_sentences_within_limits():
    paragraph = " ".join(f"Sentence number {i} says something about human rights due diligence." for i in range(12))
    extraction = _extraction([(paragraph, "p", (), 1)])
    passages = segment(extraction, "x", PassageSizes(max_sentences=5, max_chars=1200))
    assert [len(sentences(p.text)) for p in passages] == [5, 5, 2]
    assert " ".join(p.text for p in passages) == paragraph
    short = segment(extraction, "x", PassageSizes(max_sentences=10, max_chars=150))
    assert all(len(p.text) <= 150 for p in short) and len(short) == 6


def test_overlong_sentence_cut_at_whitespace():
    sentence = "word " * 400 + "end."
    passages = segment(_extraction([(sentence.strip(), "p", (), None)]), "x", PassageSizes(max_chars=300))
    assert all(len(p.text) <= 300 for p in passages)
    assert " ".join(p.text for p in passages).split() == sentence.split()


def test_context_is_about_a_hundred_words_each_side():
    blocks = [(f"Paragraph {i} " + "filler " * 30 + "ends here.", "p", (), 1) for i in range(10)]
    passages = segment(_extraction(blocks), "x")
    middle = passages[5]
    assert 100 <= len(middle.context_before.split()) <= 140
    assert 100 <= len(middle.context_after.split()) <= 140
    assert middle.context_before.endswith("Paragraph 4 " + "filler " * 30 + "ends here.")
    assert passages[0].context_before == ""
    narrow = segment(_extraction(blocks), "x", PassageSizes(context_words=30))[5]
    assert narrow.context_before == "Paragraph 4 " + "filler " * 30 + "ends here."  # one sentence of 33 words


def test_list_stays_with_its_lead_in():
    extraction = extract_file(FIXTURES / "policy.html")
    passages = segment(extraction, "p")
    lead = next(p for p in passages if p.text.startswith("The categories of information"))
    assert "Location data derived from the cells" in lead.text
    assert lead.section == "Privacy Policy > Information we collect"
    assert not any(p.text == "Government requests" for p in passages)  # headings are sections, not passages


def test_walls_give_no_passages():
    assert segment(extract_file(FIXTURES / "cookie_wall.html"), "w") == []


def test_bad_limits_are_rejected():
    with pytest.raises(ValueError, match="max_sentences"):
        PassageSizes(max_sentences=0)


def test_unmarked_list_items_stay_with_their_lead_in():
    extraction = _extraction([
        ("We may share personal information with:", "p", ("Sharing",), 1),
        ("(i) our affiliates, for the purposes in this policy;", "p", ("Sharing",), 1),
        ("(ii) service providers who process it for us.", "p", ("Sharing",), 1),
        ("auditors and professional advisers.", "li", ("Sharing",), 1),  # a "·" line, as the extractors give it
        ("We never sell it.", "p", ("Sharing",), 1),
        ("(a) is not a list item when nothing introduces it: a new paragraph.", "p", ("Sharing",), 1),
        ("You may:", "p", ("Sharing",), 1),
        ("access your data", "li", ("Sharing",), 1),
        ("(c) 2024 Acme Inc. All rights reserved.", "p", ("Sharing",), 1),
    ])
    texts = [p.text for p in segment(extraction, "abc", PassageSizes(max_sentences=8, max_chars=1200))]
    assert texts[0].startswith("We may share personal information with:") and texts[0].endswith("advisers.")
    assert texts[1:3] == ["We never sell it.", "(a) is not a list item when nothing introduces it: a new paragraph."]
    assert texts[-1] == "(c) 2024 Acme Inc. All rights reserved."  # a copyright line, not the list's item


def test_a_lead_in_opens_the_next_passage_instead_of_ending_one():
    extraction = _extraction([
        ("We collect your name. We use it for these purposes:", "p", ("Use",), 1),
        ("Delivering orders.", "li", ("Use",), 1),
        ("Preventing fraud.", "li", ("Use",), 1),
    ])
    texts = [" ".join(p.text.split()) for p in segment(extraction, "abc", PassageSizes(max_sentences=2, max_chars=1200))]
    assert texts == ["We collect your name.", "We use it for these purposes: Delivering orders.", "Preventing fraud."]


def test_a_lead_in_moves_only_when_it_fits_with_the_next_sentence():
    long_item = "Delivering the orders you place with us and every related service, " * 2
    extraction = _extraction([
        ("We collect your name. We use it for these purposes:", "p", ("Use",), 1),
        (long_item.strip() + ".", "li", ("Use",), 1),
    ])
    for p in segment(extraction, "abc", PassageSizes(max_sentences=2, max_chars=120)):
        assert len(p.text) <= 120
