"""RDR element by element: matching, answers, N/A, reversed elements, RDR's file format."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline import elements as E
from pipeline import rdr
from pipeline.records import Evidence
from pipeline.score import ScoringRules, score_by_elements
from pipeline.taxonomy import Criterion, Element, load_taxonomy

COLLECT = Element("P03a.01", "Does the company clearly disclose what types of user information it collects?",
                  cues=("types of information we collect",))
MINIMISE = Element("P03a.03", "Does the company clearly disclose that it limits collection of user information?",
                   cues=("only collect what is necessary", "data minimisation"))
APPSTORE = Element("P03a.04", "(For mobile ecosystems): Does the company evaluate third-party apps?",
                   applies_to=("mobile_ecosystem",), cues=("apps in our store",))
P3A = Criterion("rdr.P3a", "rdr", "Collection", category="P", family="rdr.P3", scope="full",
                elements=(COLLECT, MINIMISE, APPSTORE))
ID_CHECK = Element("F11.01", "Does the company require users to verify their identity with government-issued ID?",
                   reversed=True, cues=("government-issued identification",))
F11 = Criterion("rdr.F11", "rdr", "Identity policy", category="F", family="rdr.F11", scope="services",
                elements=(ID_CHECK,))
TELECOM_ONLY = Criterion("rdr.F10", "rdr", "Network shutdown", category="F", family="rdr.F10", scope="company",
                         excluded=("internet",), elements=(Element("F10.01", "Does the company explain why?"),))
CRITERIA = (P3A, F11, TELECOM_ONLY)


def _tags(*rows):
    """(criterion, text, negative) -> tag rows as pipeline.score reads them."""
    return pd.DataFrame([
        {"passage_id": f"p{i}", "criterion": c, "score": 0.9, "label": True, "future": False,
         "negative": neg, "text": text, "url": "https://example.com/privacy", "page": None,
         "retrieved_at": "2026-01-01", "sha256": "ab" * 32}
        for i, (c, text, neg) in enumerate(rows)])


def _matcher():
    return E.ElementMatcher([e for c in CRITERIA for e in c.elements], similarity_scale=0.8)


def _assess(tags, **kw):
    kw = {"yes_match": 1.0, "partial_match": 0.75, "yes_min_passages": 2, **kw}
    results = E.assess_elements("acme", "internet", tags, CRITERIA, _matcher(), **kw)
    return {r.element: r for r in results}


def test_a_cue_matches_its_element_and_not_its_sibling():
    m = _matcher().match(["We only collect what is necessary to run the service."], ["P03a.03", "P03a.01"])
    assert m[0, 0] == 1.0
    assert m[0, 1] < m[0, 0]


def test_two_matching_passages_answer_yes_one_partial_none_no_disclosure():
    two = _assess(_tags(("rdr.P3a", "We only collect what is necessary for the purpose.", False),
                        ("rdr.P3a", "Under data minimisation we keep collection small.", False)))
    assert two["P03a.03"].result == "yes"
    assert two["P03a.01"].result != "yes"  # its cue is absent
    one = _assess(_tags(("rdr.P3a", "We only collect what is necessary for the purpose.", False)))
    assert one["P03a.03"].result == "partial"
    assert one["P03a.03"].evidence == ()  # no evidence_of given


def test_na_for_limited_elements_and_excluded_indicators():
    answers = _assess(_tags())
    assert answers["P03a.04"].result == "NA"  # app-store element, no mobile ecosystem declared
    assert answers["F10.01"].result == "NA"  # telecom-only indicator for a platform
    with_store = {r.element: r for r in E.assess_elements(
        "acme", "internet", _tags(), CRITERIA, _matcher(), yes_match=1, partial_match=0.75,
        services=("mobile_ecosystem",))}
    assert with_store["P03a.04"].result == "no disclosure found"


def test_reversed_element_scores_the_right_way_round():
    requires = _assess(_tags(("rdr.F11", "You must provide government-issued identification.", False),
                             ("rdr.F11", "We verify government-issued identification for every account.", False)))
    assert requires["F11.01"].result == "yes"
    refuses = _assess(_tags(("rdr.F11", "We do not ask for government-issued identification.", True)))
    assert refuses["F11.01"].result == "no"
    verdicts = E.indicator_verdicts(list(requires.values()), CRITERIA)
    assert verdicts["rdr.F11"] == ("none", 0.0)  # "yes, we require ID" scores 0
    assert E.indicator_verdicts(list(refuses.values()), CRITERIA)["rdr.F11"] == ("full", 100.0)
    assert verdicts["rdr.F10"] == ("na", None)


def test_one_clear_requirement_outweighs_a_refusal_and_is_cited_first():
    def make(row):
        return Evidence(passage_id=row.passage_id, quote=row.text, score=row.score, url=row.url, page=None,
                        retrieved_at="", sha256="")
    tags = _tags(("rdr.F11", "We do not sell your government-issued identification.", True),
                 ("rdr.F11", "Sellers must upload government-issued identification.", False))
    [answer] = [r for r in E.assess_elements("acme", "internet", tags, CRITERIA, _matcher(), yes_match=1,
                                             partial_match=0.75, yes_min_passages=2, evidence_of=make)
                if r.element == "F11.01"]
    assert answer.result == "yes"  # one affirmative passage is enough for a reversed element
    assert answer.evidence[0].quote.startswith("Sellers must")


def test_a_document_of_the_indicators_type_answers_its_elements():
    access = Criterion("rdr.P1a", "rdr", "Access to privacy policies", category="P", family="rdr.P1",
                       scope="services", doc_types=("privacy_policy",),
                       elements=(Element("P01a.01", "Are the company's privacy policies easy to find?"),))
    doc = {"doctype": "privacy_policy", "url": "https://example.com/privacy", "title": "Privacy Policy",
           "retrieved_at": "2026-01-01", "sha256": "cd" * 32}
    [found] = E.assess_elements("acme", "internet", _tags(), [access], _matcher(), yes_match=1,
                                partial_match=0.75, documents=[doc])
    assert found.result == "yes" and found.evidence[0].url == doc["url"]
    [missing] = E.assess_elements("acme", "internet", _tags(), [access], _matcher(), yes_match=1,
                                  partial_match=0.75, documents=[{**doc, "doctype": "terms"}])
    assert missing.result == "no disclosure found"


def test_score_by_elements_on_the_real_taxonomy_gives_element_means_and_skips_na():
    taxonomy = load_taxonomy()
    rdr_criteria = taxonomy.framework("rdr")
    p3a = taxonomy.get("rdr.P3a")
    cue = p3a.elements[2].cues[0]  # P03a.03: limits collection
    tags = _tags(("rdr.P3a", f"In short, {cue}.", False), ("rdr.P3a", f"Again: {cue}, always.", False))
    verdicts, results = score_by_elements("acme", tags, rdr_criteria, ScoringRules(), company_type="internet")
    by_id = {v.criterion: v for v in verdicts}
    assert "rdr.F10" not in by_id  # telecom-only: N/A, no verdict at all
    assert by_id["rdr.P3a"].verdict == "partial" and 0 < by_id["rdr.P3a"].score < 100
    assert by_id["rdr.P3a"].evidence[0].quote.startswith(("In short", "Again"))
    assert {r.element for r in results} == {e.id for c in rdr_criteria for e in c.elements}
    answers = {r.element: r.result for r in results}
    assert answers["P03a.04"] == "NA"  # an app-store question, and no app store declared
    _, with_store = score_by_elements("acme", tags, rdr_criteria, ScoringRules(), company_type="internet",
                                       services=("mobile_ecosystem",))
    assert {r.element: r.result for r in with_store}["P03a.04"] == "no disclosure found"


def test_element_table_is_rdrs_format_and_scores_with_rdrs_engine(tmp_path):
    taxonomy = load_taxonomy()
    ev = json.dumps([{"quote": "We only collect what is necessary.", "url": "https://example.com/p", "page": 2}])
    answers = pd.DataFrame([
        {"company": "Acme", "company_id": "acme", "sector": "platform", "criterion": c.id, "element": e.id,
         "result": "yes" if e.id == "P03a.03" else "no disclosure found", "match": 1.0, "evidence": ev}
        for c in taxonomy.framework("rdr") for e in c.elements])
    table = E.rdr_element_table(answers, taxonomy)
    assert tuple(table.columns[: len(rdr.ELEMENT_COLUMNS)]) == rdr.ELEMENT_COLUMNS
    row = table[(table["Element"] == "P03a.03") & (table["Composite"] == "Services")].iloc[0]
    assert (row["Indicator"], row["IndicatorNr"], row["IndicatorSuffix"], row["Result"], row["Score"]) == \
        ("P03a", 3, "a", "yes", "100")
    path = tmp_path / "rdr-element-results.csv"
    table.to_csv(path, index=False)
    scores = rdr.score_elements(rdr.read_element_results(path), taxonomy)
    p3a = scores.indicators.set_index("indicator").loc["P3a", "score"]
    assert p3a == pytest.approx(100 / len(taxonomy.get("rdr.P3a").elements), abs=0.01)  # one yes, the rest no


def test_examples_file_names_known_elements():
    taxonomy = load_taxonomy()
    known = {e.id for c in taxonomy.leaves for e in c.elements}
    examples = E.read_examples()
    assert set(examples) == known  # every element question has written examples, none is unknown
    assert all(len(texts) >= 2 for texts in examples.values())


def test_bad_examples_line_names_the_file(tmp_path):
    bad = tmp_path / "rdr_elements.jsonl"
    bad.write_text('{"id": "x", "text": "t", "labels": [], "elements": ["P03a.01"]}\nnot json\n')
    with pytest.raises(ValueError, match=r"rdr_elements.jsonl, line 2"):
        E.read_examples(bad)


def test_evidence_of_builds_evidence_for_each_answer():
    def make(row):
        return Evidence(passage_id=row.passage_id, quote=row.text, score=row.score, url=row.url, page=None,
                        retrieved_at="", sha256="")
    tags = _tags(("rdr.P3a", "We only collect what is necessary.", False))
    answers = {r.element: r for r in E.assess_elements("acme", "internet", tags, CRITERIA, _matcher(),
                                                      yes_match=1, partial_match=0.75, evidence_of=make)}
    assert answers["P03a.03"].evidence[0].quote == "We only collect what is necessary."


def test_a_cue_window_keeps_scattered_words_from_matching():
    far = "We only keep records. " + "Many other unrelated things happen here. " * 5 + "It is necessary."
    near = "We only collect what is necessary."
    elements = [MINIMISE]
    anywhere = E.ElementMatcher(elements, similarity_scale=10.0)
    windowed = E.ElementMatcher(elements, similarity_scale=10.0, cue_window=6)
    assert anywhere.match([far], ["P03a.03"])[0, 0] >= windowed.match([far], ["P03a.03"])[0, 0]
    assert windowed.match([near], ["P03a.03"])[0, 0] == 1.0
    assert windowed.match(["collect " + "word " * 10 + "necessary"], ["P03a.03"])[0, 0] < 1.0


def test_ungp_supporting_questions_are_answered_one_by_one():
    taxonomy = load_taxonomy()
    c6 = taxonomy.get("ungp.C6")
    assert [e.id for e in c6.elements] == ["C6", "C6.1", "C6.2", "C6.3", "C6.4", "C6.5"]
    hotline, fear = c6.elements[1].cues[1], c6.elements[2].cues[0]
    tags = _tags(("ungp.C6", f"Workers can use our {hotline} at any time.", False),
                 ("ungp.C6", f"Our {hotline} is run by an independent provider.", False),
                 ("ungp.C6", f"Everyone may raise concerns {fear}.", False))
    verdicts, results = score_by_elements("acme", tags, [c6], ScoringRules())
    answers = {r.element: r.result for r in results}
    assert answers["C6.1"] == "yes" and answers["C6.2"] == "partial" and answers["C6.5"] == "no disclosure found"
    [verdict] = verdicts
    assert (verdict.framework, verdict.verdict) == ("ungp", "partial")
    assert verdict.score == pytest.approx((100 + 50) / 6, abs=0.01)
