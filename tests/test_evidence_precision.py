"""Evidence precision of whole AIMS statements (pipeline/model/evidence_precision.py)."""
from __future__ import annotations

import math
import time

import pandas as pd
import pytest

from pipeline.model import evidence_precision as ev
from pipeline.paths import data_dir
from pipeline.records import Evidence, Verdict
from pipeline.score import ScoringRules, score_company
from stand_ins import KeywordTagger


# -- statements -----------------------------------------------------------------------------
def test_restore_sentence_adds_a_full_stop_only_where_missing():
    assert ev.restore_sentence("We audit  our suppliers") == "We audit our suppliers."
    assert ev.restore_sentence("Do we audit?") == "Do we audit?"
    assert ev.restore_sentence('He said "stop."') == 'He said "stop."'
    assert ev.restore_sentence("   ") == ""


def test_locate_searches_in_order_and_reports_missing_pieces():
    text = "A. B. A. C."
    assert ev.locate(text, ["A.", "A.", "Z.", "C."]) == [(0, 2), (6, 8), None, (9, 11)]
    assert ev.locate(text, [""]) == [None]


@pytest.mark.parametrize("per_paragraph", [1, 2])
def test_build_statement_spans_point_at_each_sentence(per_paragraph):
    sentences = ["Modern slavery statement 2023", "We buy steel from China", "", "The board approved this statement"]
    labels = [[], ["msa.c2_supply_chains"], [], ["msa.approval"]]
    st = ev.build_statement("CA:1", sentences, labels, per_paragraph)
    text = st.extraction.text
    assert [text[s[0]:s[1]] if s else None for s in st.spans] == [
        "Modern slavery statement 2023.", "We buy steel from China.", None, "The board approved this statement."]
    assert len(st.extraction.blocks) == {1: 3, 2: 2}[per_paragraph]  # the empty sentence is dropped
    assert st.labelled_spans("msa.approval") == [st.spans[3]]
    assert st.labelled_spans("msa.c5_effectiveness") == []
    with pytest.raises(ValueError):
        ev.build_statement("CA:1", sentences, labels, 0)


# -- matching -------------------------------------------------------------------------------
def test_quote_containing_a_labelled_sentence_is_labelled():
    assert ev.quote_is_labelled((0, 100), [(10, 20)])          # 10% of the quote, but a whole sentence
    assert ev.quote_is_labelled((10, 20), [(10, 20)])          # exactly the sentence


def test_quote_inside_a_long_labelled_sentence_counts_by_overlap():
    assert ev.quote_is_labelled((100, 200), [(0, 1000)])       # a piece of a labelled sentence
    assert ev.quote_is_labelled((0, 100), [(50, 300)])         # exactly half
    assert not ev.quote_is_labelled((0, 100), [(51, 300)])     # just under half
    assert ev.quote_is_labelled((0, 100), [(0, 60)], min_overlap=0.6)
    assert not ev.quote_is_labelled((0, 100), [(-50, 59)], min_overlap=0.6)


def test_partial_overlaps_add_up_and_empty_cases_are_not_labelled():
    assert ev.quote_is_labelled((0, 100), [(-10, 30), (70, 130)])  # 30 + 30 of 100 characters
    assert not ev.quote_is_labelled((0, 100), [(-10, 20), (80, 130)])
    assert not ev.quote_is_labelled((0, 100), [])
    assert not ev.quote_is_labelled((5, 5), [(0, 10)])
    assert not ev.quote_is_labelled((0, 10), [(20, 30)])


def _verdict(criterion, verdict, passage_ids):
    evidence = tuple(Evidence(passage_id=p, quote=f"quote {p}", score=0.9) for p in passage_ids)
    return Verdict("CA:1", "msa", criterion, verdict, {"full": 100.0, "partial": 50.0, "none": 0.0}[verdict],
                   len(passage_ids), evidence)


def test_verdict_rows_mark_top_and_all_quotes():
    st = ev.Statement("CA:1", None, ((0, 10), (12, 30), (32, 40)),
                      (frozenset({"msa.approval"}), frozenset(), frozenset({"msa.approval", "msa.signature"})))
    spans = {"p1": (0, 10), "p2": (12, 30), "p3": (32, 40)}
    verdicts = [
        _verdict("msa.approval", "full", ["p2", "p1", "p3"]),      # top quote wrong, 2 of 3 right
        _verdict("msa.signature", "partial", ["p3"]),              # right
        _verdict("msa.c2_structure", "none", []),                  # "none": not counted
        _verdict("msa.c1_reporting_entity", "partial", ["p1"]),    # not an evaluated criterion
    ]
    rows = pd.DataFrame(ev.verdict_rows(st, verdicts, spans, ["msa.approval", "msa.signature", "msa.c2_structure"]))
    assert rows["criterion"].tolist() == ["msa.approval", "msa.signature"]
    assert rows["top_labelled"].tolist() == [False, True]
    assert rows["quotes"].tolist() == [3, 1]
    assert rows["labelled_quotes"].tolist() == [2, 1]
    assert rows["gold_sentences"].tolist() == [2, 1]
    assert rows["top_quote"].tolist() == ["quote p2", "quote p3"]
    assert rows["any_labelled"].tolist() == [True, True]  # without candidates: any quote shown
    # the ceiling reads every passage that counted: p2 alone is unlabelled for signature
    pooled = pd.DataFrame(ev.verdict_rows(st, verdicts, spans, ["msa.approval", "msa.signature"],
                                          candidates={"msa.approval": ["p2"], "msa.signature": ["p2", "p3"]}))
    assert pooled["any_labelled"].tolist() == [False, True]


def test_summarise_counts_per_split_and_criterion():
    rows = pd.DataFrame([
        {"statement": "AU:1", "criterion": "msa.approval", "quotes": 2, "labelled_quotes": 1, "top_labelled": True},
        {"statement": "AU:1", "criterion": "msa.c1_reporting_entity", "quotes": 3, "labelled_quotes": 0, "top_labelled": False},
        {"statement": "AU:2", "criterion": "msa.approval", "quotes": 1, "labelled_quotes": 0, "top_labelled": False},
    ])
    criteria = ["msa.approval", "msa.c1_reporting_entity", "msa.signature"]
    table = ev.summarise(rows, "CA->AU", ["AU:1", "AU:2", "AU:3"], criteria, n_boot=200).set_index("criterion")
    assert list(table.index) == ["all", "shared9", *criteria]
    assert table.loc["all", ["verdicts", "top_labelled", "quotes", "labelled_quotes"]].tolist() == [3, 1, 6, 1]
    assert table.loc["all", "top_share"] == pytest.approx(1 / 3)
    assert table.loc["all", "quote_share"] == pytest.approx(1 / 6)
    assert table.loc["all", "ceiling_share"] == pytest.approx(1 / 3)  # rows without any_labelled: a labelled quote
    assert table.loc["shared9", "verdicts"] == 2 and table.loc["shared9", "top_share"] == pytest.approx(0.5)
    assert table.loc["msa.signature", "verdicts"] == 0 and math.isnan(table.loc["msa.signature", "top_share"])
    assert (table["statements"] == 3).all() and (table["split"] == "CA->AU").all()
    # no shared9 row when every criterion is one of the nine
    assert "shared9" not in ev.summarise(rows, "AU->CA", ["AU:1"], ["msa.approval"], n_boot=50)["criterion"].tolist()


# -- the pipeline on a synthetic statement --------------------------------------------------
MSA_KEYWORDS = {"msa.approval": "approved", "msa.c2_supply_chains": "suppliers"}


def test_whole_statement_through_segment_tag_score():
    from pipeline.taxonomy import load_taxonomy

    sentences = [
        "Our suppliers are mostly in Australia",              # labelled supply chains
        "We will audit suppliers next year",                  # future, not labelled
        "The board approved this statement on 1 May 2024",   # labelled approval
        "Our suppliers of packaging were approved in 2023",  # tagged for both, labelled for neither
    ]
    labels = [["msa.c2_supply_chains"], [], ["msa.approval"], []]
    st = ev.build_statement("AU:9", sentences, labels)
    spans, tags = ev.tag_statement(KeywordTagger(MSA_KEYWORDS, future_word="will"), st)
    assert set(tags["criterion"]) == {"msa.approval", "msa.c2_supply_chains"} and tags["label"].all()
    msa = [c for c in load_taxonomy().leaves if c.framework == "msa"]
    verdicts = score_company(st.statement_id, tags, msa, ScoringRules())
    rows = pd.DataFrame(ev.verdict_rows(st, verdicts, spans, ["msa.approval", "msa.c2_supply_chains"]))
    by = rows.set_index("criterion")
    assert by.loc["msa.c2_supply_chains", "quotes"] == 3 and by.loc["msa.c2_supply_chains", "labelled_quotes"] == 1
    assert by.loc["msa.approval", "quotes"] == 2 and by.loc["msa.approval", "labelled_quotes"] == 1
    # ties on score go by passage id, so only the counts are fixed; the future passage is never first
    assert not by.loc["msa.c2_supply_chains", "top_quote"].startswith("We will")


def test_table_rows_render_both_figures():
    entry = {"statements": 50, "verdicts": 10, "quotes": 30, "target": 0.85,
             "top_quote": {"value": 0.7, "ci95": [0.6, 0.8]}, "all_quotes": {"value": 0.6, "ci95": [0.5, 0.7]},
             "shared9": {"verdicts": 8, "top_quote": None, "all_quotes": {"value": 0.5, "ci95": [0.4, 0.6]}},
             "per_criterion": {"msa.approval": {"verdicts": 1, "quotes": 1, "top_quote": {"value": 1.0, "ci95": [1.0, 1.0]},
                                                "all_quotes": None}}}
    lines = ev.table_rows({"evidence:CA->AU": entry})
    assert len(lines) == 3 and "0.700 [0.600, 0.800]" in lines[0] and "target >= 0.85" in lines[0]
    assert "0.600 [0.500, 0.700]" in lines[1] and "– / 0.500" in lines[2]
    assert "| CA->AU | msa.approval | 1 | 1.000 [1.000, 1.000] | 1 | – |" in ev.render_detail({"evidence:CA->AU": entry})


# -- on the shared data ---------------------------------------------------------------------
def test_evidence_precision_on_a_few_aims_statements():
    if not (data_dir() / "aims" / "aims_au.csv").is_file() or not (data_dir() / "aims" / "aims_ca.csv").is_file():
        pytest.skip(f"AIMS data not found at {data_dir() / 'aims'} (set HRDC_DATA to run this test)")
    table = ev.evidence_precision(split="CA->AU", max_statements=6, n_boot=100)
    assert table["split"].eq("CA->AU").all() and table["statements"].eq(6).all()
    overall = table.set_index("criterion").loc["all"]
    assert overall["verdicts"] > 10 and overall["quotes"] >= overall["verdicts"]
    assert 0.2 < overall["top_share"] <= 1 and overall["top_lo"] <= overall["top_share"] <= overall["top_hi"]
    assert "msa.c1_reporting_entity" in set(table["criterion"])  # AU annotates C1 and C6
    started = time.perf_counter()  # other rules: rescored from the cached tagged statements
    strict = ev.evidence_precision(ScoringRules(max_evidence=1), split="CA->AU", max_statements=6, n_boot=100)
    assert time.perf_counter() - started < 10
    row = strict.set_index("criterion").loc["all"]
    assert row["quotes"] == row["verdicts"] == overall["verdicts"]
    assert row["top_share"] == pytest.approx(row["quote_share"]) == pytest.approx(overall["top_share"])
