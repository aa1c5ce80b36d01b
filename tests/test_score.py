from types import SimpleNamespace

import pandas as pd
import pytest

from pipeline.companies import company_type
from pipeline.score import ScoringRules, score_company


def crit(cid, framework="rdr"):
    return SimpleNamespace(id=cid, framework=framework)


def tags(rows):
    base = {"score": 0.9, "label": 1, "future": 0, "negative": 0, "url": "https://x.example/p",
            "page": None, "retrieved_at": "2026-01-01T00:00:00+00:00", "sha256": "a" * 64}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["text"] = frame["passage_id"].map(lambda p: f"quote {p}")
    return frame


def by_id(verdicts):
    return {v.criterion: v for v in verdicts}


def test_two_affirmative_passages_are_full_one_is_partial_none_is_none():
    frame = tags([
        {"passage_id": "p1", "criterion": "rdr.G1"},
        {"passage_id": "p2", "criterion": "rdr.G1", "score": 0.7},
        {"passage_id": "p3", "criterion": "rdr.G2"},
    ])
    v = by_id(score_company("acme", frame, [crit("rdr.G1"), crit("rdr.G2"), crit("rdr.G3")]))
    assert (v["rdr.G1"].verdict, v["rdr.G1"].score, v["rdr.G1"].n_passages) == ("full", 100.0, 2)
    assert (v["rdr.G2"].verdict, v["rdr.G2"].score) == ("partial", 50.0)
    assert (v["rdr.G3"].verdict, v["rdr.G3"].score, v["rdr.G3"].evidence) == ("none", 0.0, ())


def test_future_and_negative_statements_never_make_full():
    frame = tags([
        {"passage_id": "p1", "criterion": "msa.c4_remediation", "future": 1},
        {"passage_id": "p2", "criterion": "msa.c4_remediation", "negative": 1},
        {"passage_id": "p3", "criterion": "msa.c4_remediation", "future": 1, "score": 0.99},
    ])
    [v] = score_company("acme", frame, [crit("msa.c4_remediation", "msa")])
    assert v.verdict == "partial"
    assert {e.future or e.negative for e in v.evidence} == {True}


def test_unlabelled_tags_do_not_count_and_evidence_is_ranked():
    frame = tags([
        {"passage_id": "low", "criterion": "rdr.P6", "score": 0.2, "label": 0},
        {"passage_id": "b", "criterion": "rdr.P6", "score": 0.6},
        {"passage_id": "a", "criterion": "rdr.P6", "score": 0.95},
    ])
    [v] = score_company("acme", frame, [crit("rdr.P6")])
    assert [e.passage_id for e in v.evidence] == ["a", "b"]
    assert v.evidence[0].quote == "quote a" and v.evidence[0].url == "https://x.example/p"


def test_the_same_passage_under_two_urls_counts_once():
    frame = tags([
        {"passage_id": "p1", "criterion": "rdr.G1", "url": "https://x.example/a.pdf"},
        {"passage_id": "p1", "criterion": "rdr.G1", "url": "https://x.example/b.pdf"},
    ])
    [v] = score_company("acme", frame, [crit("rdr.G1")])
    assert (v.verdict, v.n_passages) == ("partial", 1)


def test_rules_are_configurable():
    frame = tags([{"passage_id": "p1", "criterion": "rdr.G1"}])
    [v] = score_company("acme", frame, [crit("rdr.G1")], ScoringRules(full_min_passages=1))
    assert v.verdict == "full"


@pytest.mark.parametrize("sector, expected", [("telecom", "telecom"), ("Telecom ", "telecom"),
                                              ("platform", "internet"), ("device", "internet")])
def test_company_type_follows_rdr(sector, expected):
    assert company_type(sector) == expected


def test_a_short_fragment_ranks_below_a_full_sentence_unless_ranking_by_score_alone():
    sentence = "We audit every tier-one supplier each year and publish the findings with corrective actions."
    frame = tags([
        {"passage_id": "frag", "criterion": "msa.c5_effectiveness", "score": 0.9},
        {"passage_id": "full", "criterion": "msa.c5_effectiveness", "score": 0.7},
    ])
    frame["text"] = frame["passage_id"].map({"frag": "monitoring effectiveness.", "full": sentence})
    [v] = score_company("acme", frame, [crit("msa.c5_effectiveness", "msa")])
    assert [e.passage_id for e in v.evidence] == ["full", "frag"]
    assert v.evidence[0].score == 0.7  # the quote keeps its own score; only the order changes
    [v] = score_company("acme", frame, [crit("msa.c5_effectiveness", "msa")], ScoringRules(evidence_full_chars=0))
    assert [e.passage_id for e in v.evidence] == ["frag", "full"]


def test_a_framework_judged_on_passages_ignores_its_element_questions():
    from pipeline.score import score_criteria
    from pipeline.taxonomy import load_taxonomy

    msa = [c for c in load_taxonomy().leaves if c.framework == "msa"]
    assert all(c.elements for c in msa)  # the questions exist ...
    frame = tags([{"passage_id": "p1", "criterion": "msa.c4_remediation"},
                  {"passage_id": "p2", "criterion": "msa.c4_remediation"}])
    verdicts, elements = score_criteria("acme", frame, msa)
    assert elements == []  # ... but no element is answered
    assert by_id(verdicts)["msa.c4_remediation"].verdict == "full"  # two affirmative passages
