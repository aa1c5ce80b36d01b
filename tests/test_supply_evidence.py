"""Evidence precision of the supply-chain frameworks on held-out written passages
(pipeline/model/supply_evidence.py). No shared data: tiny fixtures and the repo's corpora."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from pipeline.model import evidence_precision as ev
from pipeline.model import supply_evidence as se
from pipeline.records import Evidence, Verdict
from pipeline.score import ScoringRules, score_criteria
from stand_ins import KeywordTagger

ROWS = [
    {"id": "k1", "text": "We prohibit forced labour in our supply chain", "labels": ["ktc.1.1"]},
    {"id": "k2", "text": "Suppliers must not retain workers' passports.", "labels": ["ktc.4.4"]},
    {"id": "c1", "text": "Our human rights policy commits us to the UN Guiding Principles.", "labels": ["chrb.A.1.1"]},
    {"id": "m1", "text": "We map the smelters in our 3TG supply chain every year.", "labels": ["minerals.step2"]},
    {"id": "n1", "text": "Suppliers must deliver goods on time and to specification.", "labels": []},
]


# -- split and documents --------------------------------------------------------------------
def test_folds_are_stratified_balanced_and_deterministic():
    rows = [{"id": f"{c}-{i}", "labels": [c] if c != "neg" else []}
            for c, n in (("ktc.1.1", 4), ("ktc.1.2", 3), ("chrb.C.1", 5), ("neg", 6)) for i in range(n)]
    folds = se.assign_folds(rows, 4)
    assert folds == se.assign_folds(list(reversed(rows)), 4)  # order of the file does not matter
    sizes = Counter(folds.values())
    assert set(sizes) == {0, 1, 2, 3} and max(sizes.values()) - min(sizes.values()) <= 1
    for label, n in (("ktc.1.1", 4), ("ktc.1.2", 3), ("chrb.C.1", 5)):
        spread = Counter(folds[r["id"]] for r in rows if r["labels"] == [label])
        assert len(spread) == min(n, 4) and max(spread.values()) - min(spread.values()) <= 1


def test_the_written_labels_split_into_four_folds_with_positives_for_most_criteria():
    written = se.load_written()
    folds = se.assign_folds(written)
    assert len(folds) == len(written) and len(set(folds)) == len(written)  # ids are unique
    for f in range(se.FOLDS):
        held = [r for r in written if folds[r["id"]] == f]
        labelled = {lab for r in held for lab in r["labels"]}
        assert len(labelled) >= 0.6 * len(se.criteria_ids()) and any(not r["labels"] for r in held)


def test_documents_mix_passages_and_their_spans_point_at_them():
    docs = se.build_documents(ROWS, "f0", per_document=3)
    assert [d.statement_id for d in docs] == ["f0-d00", "f0-d01"]
    assert sorted(len(d.spans) for d in docs) == [2, 3]
    seen = []
    for doc in docs:
        text = doc.extraction.text
        assert text.startswith(se._NAMES[int(doc.statement_id[-2:])])  # the title line
        for span, labels in zip(doc.spans, doc.labels):
            piece = text[span[0]:span[1]]
            row = next(r for r in ROWS if ev.restore_sentence(r["text"]) == piece)
            assert set(row["labels"]) == labels
            seen.append(row["id"])
    assert sorted(seen) == sorted(r["id"] for r in ROWS)


# -- the metric -----------------------------------------------------------------------------
def _verdict(doc, criterion, passage_ids):
    return Verdict(doc, criterion.split(".", 1)[0], criterion, "partial", 50.0, len(passage_ids),
                   tuple(Evidence(p, f"quote {p}", 0.9) for p in passage_ids))


def test_metric_counts_top_and_all_quotes_per_framework():
    doc = ev.Statement("f0-d00", None, ((0, 10), (12, 30), (32, 40), (42, 50)),
                       (frozenset({"ktc.1.1"}), frozenset({"ktc.4.4", "chrb.D.forced_labour"}),
                        frozenset({"minerals.step2"}), frozenset()))
    spans = {"p1": (0, 10), "p2": (12, 30), "p3": (32, 40), "neg": (42, 50), "title": (0, 5)}
    verdicts = [
        _verdict("f0-d00", "ktc.1.1", ["p1", "p2"]),              # top right, 1 of 2
        _verdict("f0-d00", "ktc.4.4", ["neg", "p2"]),             # a hard negative on top
        _verdict("f0-d00", "chrb.D.forced_labour", ["p2"]),       # right
        _verdict("f0-d00", "minerals.step3", ["p3"]),             # written for step2, not step3
        Verdict("f0-d00", "ktc", "ktc.2.1", "none", 0.0, 0, ()),  # none: not counted
    ]
    rows = pd.DataFrame(ev.verdict_rows(doc, verdicts, spans, se.criteria_ids()))
    table = se.summarise(rows, ["f0-d00", "f0-d01"], se.criteria_ids(), n_boot=100).set_index("group")
    assert table.loc["all", ["verdicts", "top_labelled", "quotes", "labelled_quotes"]].tolist() == [4, 2, 6, 3]
    assert table.loc["all", "top_share"] == pytest.approx(0.5) and table.loc["all", "quote_share"] == pytest.approx(0.5)
    assert table.loc["ktc", "top_share"] == pytest.approx(0.5) and table.loc["ktc", "quote_share"] == pytest.approx(0.5)
    assert table.loc["chrb", "top_share"] == 1.0 and table.loc["minerals", "top_share"] == 0.0
    assert list(table.index[:4]) == ["all", "ktc", "chrb", "minerals"]
    assert "ktc.2.1" not in table.index and (table["documents"] == 2).all()
    # a document without verdicts leaves the shares alone
    alone = se.summarise(rows, ["f0-d00"], se.criteria_ids(), n_boot=100).set_index("group")
    assert alone.loc["all", "top_share"] == table.loc["all", "top_share"]


def test_metric_is_nan_without_verdicts_and_renders():
    empty = pd.DataFrame(columns=["statement", "criterion", "quotes", "labelled_quotes", "top_labelled"])
    table = se.summarise(empty, ["d"], se.criteria_ids(), n_boot=10).set_index("group")
    assert math.isnan(table.loc["all", "top_share"]) and table.loc["all", "verdicts"] == 0
    f = {"verdicts": 4, "quotes": 6, "top_quote": {"value": 0.5, "ci95": [0.25, 0.75]}, "all_quotes": None}
    entry = {"folds": 4, "documents": 36, "passages": 279, "target": 0.85, **f,
             "frameworks": {"ktc": f}, "per_criterion": {"ktc.1.1": f}}
    lines = se.table_rows(entry)
    assert len(lines) == 3 and "0.500 [0.250, 0.750]" in lines[0] and "target >= 0.85" in lines[0]
    assert "KnowTheChain" in lines[2] and "| ktc.1.1 | 4 | 0.500 [0.250, 0.750] | 6 | – |" in se.render_detail(entry)


# -- held out of the matcher, and the pipeline on a synthetic document ----------------------
def test_held_out_passages_leave_the_element_matcher():
    written = se.load_written()
    folds = se.assign_folds(written)
    held = [r for r in written if folds[r["id"]] == 0 and r["elements"]][:20]
    texts, elements = [r["text"] for r in held], [r["elements"][0] for r in held]
    rules = ScoringRules()

    def own_match(matcher):
        return np.array([matcher.match([t], [e])[0, 0] for t, e in zip(texts, elements)])

    full, without = own_match(se.matcher_without([], rules)), own_match(se.matcher_without(texts, rules))
    assert np.allclose(full, 1.0)  # each is an example of its own element: a perfect match
    assert (without <= full + 1e-9).all() and (without < full - 0.1).sum() >= 3  # the rest match cues or other examples


SUPPLY_KEYWORDS = {"ktc.1.1": "forced labour", "ktc.4.4": "passports", "minerals.step2": "smelters"}

def test_a_document_through_segment_tag_score_with_the_fold_matcher():
    from pipeline.taxonomy import load_taxonomy

    (doc,) = se.build_documents(ROWS, "f1")
    spans, tags = ev.tag_statement(KeywordTagger(SUPPLY_KEYWORDS), doc)
    assert set(tags["criterion"]) == set(SUPPLY_KEYWORDS)
    criteria = [c for c in load_taxonomy().leaves if c.framework in se.FRAMEWORKS]
    matcher = se.matcher_without([r["text"] for r in ROWS], ScoringRules())
    verdicts, _ = score_criteria(doc.statement_id, tags, criteria, ScoringRules(), matcher=matcher)
    rows = pd.DataFrame(ev.verdict_rows(doc, verdicts, spans, se.criteria_ids())).set_index("criterion")
    assert rows["top_labelled"].all() and set(rows.index) <= set(SUPPLY_KEYWORDS)
