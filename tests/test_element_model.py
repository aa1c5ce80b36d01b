"""The learned element reader: training, reading every passage, the document-type gate, files."""
from __future__ import annotations

import json

import joblib
import numpy as np
import pandas as pd
import pytest

from pipeline import elements as E
from pipeline.model.element_model import (ElementExample, ElementModel, ElementModelError,
                                          load_element_model, load_rdr2019_crosswalk, rdr2019_quote_examples,
                                          rdr_quote_examples, save_element_model)
from pipeline.score import ScoringRules
from pipeline.settings import Settings, SettingsError
from pipeline.sources import load_sources
from pipeline.taxonomy import Criterion, Element, load_taxonomy

ACCESS = Element("P13.01", "Does the company limit and monitor employee access to user information?")
AUDITS = Element("P13.03", "Does the company commission third-party security audits?")
P13 = Criterion("rdr.P13", "rdr", "Security oversight", category="P", family="rdr.P13", scope="services",
                elements=(ACCESS, AUDITS))
RULES = Element("F03a.01", "Does the company disclose what content or activities it does not permit?")
F3A = Criterion("rdr.F3a", "rdr", "Content rules", category="F", family="rdr.F3", scope="services",
                elements=(RULES,))

EXAMPLES = [
    *(ElementExample(t, frozenset({"P13.01"}), "a") for t in (
        "Only employees who need the data for their job can access it.",
        "Access to personal information is limited to staff whose work requires it.",
        "We restrict employee access to user data and log every access.",
        "Employees may reach customer records only where their role requires such access.")),
    *(ElementExample(t, frozenset({"P13.03"}), "b") for t in (
        "Independent auditors review our security every year.",
        "An external firm audits our systems against ISO 27001.",
        "Third-party penetration testers assess our services annually.")),
    *(ElementExample(t, frozenset({"F03a.01"}), "c") for t in (
        "You may not post hate speech, harassment or illegal content.",
        "Prohibited content includes spam, threats and nudity.",
        "Do not upload content that infringes others' rights or incites violence.")),
    *(ElementExample(t, frozenset(), "neg") for t in (
        "Invoices are payable within 30 days.", "Our offices are in Berlin and Madrid.",
        "250 channels, 7 days replay.", "Thank you for choosing us.")),
]


@pytest.fixture(scope="module")
def model():
    return ElementModel(C=4.0, min_positives=2, max_features=2000, prune=0.0).fit(EXAMPLES)


def _passages(*rows):
    """(text, doctype) -> evidence passages as the score stage passes them."""
    return pd.DataFrame([
        {"passage_id": f"p{i}", "future": False, "negative": False, "text": text,
         "url": f"https://example.com/{doctype}", "page": None, "retrieved_at": "2026-01-01",
         "sha256": f"{i:064d}", "doctype": doctype}
        for i, (text, doctype) in enumerate(rows)])


def _assess(model, passages, tags=None, **kw):
    tags = tags if tags is not None else pd.DataFrame(columns=["criterion", "text", "future", "negative"])
    matcher = E.ElementMatcher([ACCESS, AUDITS, RULES])
    results = E.assess_elements("acme", "internet", tags, (P13, F3A), matcher, yes_match=1.0, partial_match=0.75,
                                learned=model, passages=passages, learned_yes=0.5, learned_partial=0.35, **kw)
    return {r.element: r for r in results}


def test_the_model_tells_an_elements_answer_from_its_siblings_and_from_chatter(model):
    p = model.predict_proba(["Access to user data is limited to employees who need it for their job.",
                             "Invoices are payable within 30 days."], ["P13.01", "P13.03", "F03a.01"])
    assert p[0, 0] > 0.5 and p[0, 0] > 2 * p[0, 1] and p[0, 0] > 2 * p[0, 2]
    assert p[1].max() < 0.5
    assert model.covers("P13.01") and not model.covers("P99.01")
    assert model.predict_proba(["anything"], ["P99.01"]).tolist() == [[0.0]]


def test_learned_elements_are_read_on_passages_the_tagger_did_not_label(model):
    # no tag for rdr.P13 at all: the lexical path would answer "no disclosure found"
    results = _assess(model, _passages(("Access to user data is limited to employees who need it for their job.",
                                        "privacy_policy")))
    assert results["P13.01"].result == "yes"
    assert results["P13.01"].evidence == ()  # no evidence_of given
    assert results["P13.03"].result == "no disclosure found"


def test_evidence_of_a_learned_answer_carries_the_models_probability(model):
    from pipeline.score import _evidence

    matcher = E.ElementMatcher([ACCESS, AUDITS, RULES])
    results = E.assess_elements(
        "acme", "internet", pd.DataFrame(columns=["criterion"]), (P13,), matcher, yes_match=1.0, partial_match=0.75,
        learned=model, passages=_passages(("Only employees who need the data for their job can access it.",
                                           "privacy_policy")), learned_yes=0.5, learned_partial=0.35,
        evidence_of=_evidence)
    access = next(r for r in results if r.element == "P13.01")
    assert access.evidence and access.evidence[0].score == pytest.approx(access.match, abs=1e-4)
    assert access.evidence[0].url == "https://example.com/privacy_policy"


def test_the_document_type_gate_keeps_an_element_to_documents_that_can_answer_it(model):
    text = "Access to user data is limited to employees who need it for their job."
    # corpora/sources.yaml: terms answer F3a, not P13; privacy policies answer P13
    assert _assess(model, _passages((text, "terms")))["P13.01"].result == "no disclosure found"
    assert _assess(model, _passages((text, "terms")), doctype_gate=False)["P13.01"].result == "yes"
    # a type sources.yaml does not list (a help page) may answer anything
    assert _assess(model, _passages((text, "other")))["P13.01"].result == "yes"


def test_a_future_commitment_earns_partial_not_yes(model):
    passages = _passages(("Access to user data is limited to employees who need it for their job.", "privacy_policy"))
    passages["future"] = True
    assert _assess(model, passages)["P13.01"].result == "partial"


def test_without_passages_or_model_the_lexical_matcher_answers(model):
    tags = pd.DataFrame([{"passage_id": "t1", "criterion": "rdr.P13", "score": 0.9, "label": True, "future": False,
                          "negative": False, "text": "Access is on a need-to-know basis.", "url": "u",
                          "page": None, "retrieved_at": "", "sha256": "s"}])
    access = Element("P13.01", "Does the company limit employee access?", cues=("need-to-know basis",))
    p13 = Criterion("rdr.P13", "rdr", "Security oversight", category="P", family="rdr.P13", scope="services",
                    elements=(access,))
    for learned, passages in ((None, _passages(("Nothing here.", "privacy_policy"))), (model, None)):
        results = E.assess_elements("acme", "internet", tags, (p13,), E.ElementMatcher([access]), yes_match=1.0,
                                    partial_match=0.75, yes_min_passages=2, learned=learned, passages=passages)
        assert [(r.result, r.match) for r in results] == [("partial", 1.0)]  # one whole cue: partial on one passage


def test_a_criterion_no_document_type_is_assigned_to_is_read_everywhere(model):
    encryption = Element("P16.01", "Does the company encrypt user communications?")
    p16 = Criterion("rdr.P16", "rdr", "Encryption", category="P", family="rdr.P16", scope="services",
                    elements=(encryption,))
    assert not any("rdr.P16" in answers for answers in load_sources().values())
    reads, readable = E._learned_reads(_FakeModel({"P16.01": 0.9}), _passages(("We encrypt messages.", "terms")), (p16,))
    assert reads["P16.01"].tolist() == [pytest.approx(0.9)] and readable == {"P16.01": 1}


def test_a_passage_of_no_known_type_answers_and_the_gate_needs_the_column(model):
    passages = _passages(("Access to user data is limited to employees who need it for their job.", "privacy_policy"))
    passages["doctype"] = None  # a document not classified yet
    assert _assess(model, passages)["P13.01"].result == "yes"
    with pytest.raises(ValueError, match="doctype"):
        _assess(model, passages.drop(columns="doctype"))


def test_the_same_text_in_two_document_types_is_kept_in_each():
    from pipeline.score import _unique_passages

    text = "Access to user data is limited to employees who need it."
    passages = _passages((text, "terms"), (text, "privacy_policy"), (text.upper(), "privacy_policy"))
    passages["passage_id"] = ["a1", "b2", "c3"]
    kept = _unique_passages(passages)
    assert sorted(kept["doctype"]) == ["privacy_policy", "terms"]  # the upper-case copy folds into b2
    reads, readable = E._learned_reads(_FakeModel({"P13.01": 0.9}), kept, (P13,))
    assert sorted(reads["P13.01"].tolist()) == [0.0, pytest.approx(0.9)]  # the privacy-policy copy answers
    assert readable["P13.01"] == 1  # the terms' copy is not read for P13


def test_a_reversed_element_is_no_on_a_negative_statement_and_partial_only_on_an_affirmative_one():
    verify = Element("F11.01", "Does the company require government-issued ID?", reversed=True)
    f11 = Criterion("rdr.F11", "rdr", "Identity policy", category="F", family="rdr.F11", scope="services",
                    elements=(verify,))

    def answer(text, negative, p):
        passages = _passages((text, "terms"))
        passages["negative"] = negative
        results = E.assess_elements("acme", "internet", pd.DataFrame(columns=["criterion"]), (f11,),
                                    E.ElementMatcher([verify]), yes_match=1.0, partial_match=0.75,
                                    learned=_FakeModel({"F11.01": p}), passages=passages, learned_yes=0.5,
                                    learned_partial=0.05)
        return results[0].result

    assert answer("We do not require you to provide identification.", True, 0.36) == "no"  # RDR's best answer
    assert answer("We may ask you to verify your phone number.", False, 0.3) == "partial"
    assert answer("You must upload a government-issued ID.", False, 0.9) == "yes"  # RDR's worst
    assert answer("Unrelated.", False, 0.01) == "no disclosure found"


class _FakeModel:
    """An element model with fixed probabilities per element, for the reading rules."""

    def __init__(self, p: dict[str, float]):
        self.p = p

    def covers(self, element_id):
        return element_id in self.p

    def predict_proba(self, texts, element_ids):
        return np.array([[self.p.get(e, 0.0) for e in element_ids] for _ in texts], np.float32)


def test_save_and_load_round_trip_and_bad_files_name_themselves(model, tmp_path):
    path = save_element_model(model, tmp_path / "m")
    loaded = load_element_model(str(tmp_path / "m"))
    texts = ["Independent auditors review our security every year."]
    assert np.allclose(loaded.predict_proba(texts, ["P13.03"]), model.predict_proba(texts, ["P13.03"]))
    assert load_element_model(str(tmp_path / "empty-folder")) is None  # no elements.joblib: lexical
    (tmp_path / "bad").mkdir()
    joblib.dump({"not": "a model"}, tmp_path / "bad" / "elements.joblib")
    with pytest.raises(ElementModelError, match="bad/elements.joblib"):
        load_element_model(str(tmp_path / "bad"))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "elements.joblib").write_bytes(b"\x00garbage")
    with pytest.raises(ElementModelError, match="retrain"):
        load_element_model(str(tmp_path / "broken"))
    assert path.name == "elements.joblib"


def test_rdr_quotes_lose_source_notes_and_excluded_companies(tmp_path):
    file = tmp_path / "quotes.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in (
        {"company": "Acme", "text": "(Source 3, p. 2) says staff access is limited.", "elements": ["P13.01"]},
        {"company": "Other", "text": "Auditors review us.", "elements": ["P13.03"]},
        {"company": "Acme", "text": "No element named here."})) + "\n", encoding="utf-8")
    examples = rdr_quote_examples(file)
    assert [e.text for e in examples] == ["says staff access is limited.", "Auditors review us."]
    assert [e.group for e in rdr_quote_examples(file, ["Acme"])] == ["Other"]
    file.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="quotes.jsonl, line 1"):
        rdr_quote_examples(file)


OUTCOME_HEADER = "Company_Category,Company,Class,Service_Name,Level,Category,Indicator,Scoring_Level,Element,Score,Answer,Comments,Sources\n"


def test_rdr2019_quotes_take_2020_elements_by_component(tmp_path):
    (tmp_path / "crosswalk.yaml").write_text(
        "elements:\n  G1.1: {F: [G01.01], P: [G01.02]}\n  P13.1: [P13.01]\n  F4.2: []\n", encoding="utf-8")
    quote = "At Acme we believe privacy is a fundamental human right for everyone."
    rows = [
        f'Internet,AT&T,Group,NA,Group - Privacy,Governance,G1,Element,G1.1,100,yes,"Yes. The page (Source 19) says, ""{quote}""",NA',
        f'Internet,AT&T,Group,NA,Group - Freedom of Expression,Governance,G1,Element,G1.1,50,partial,"Partial. It says \u201c{quote}\u201d",NA',
        'Internet,AT&T,Group,NA,Group,Privacy,P13,Element,P13.1,100,yes,"Yes. ""Only staff whose jobs require it (Source 2) may access...personal information.""",NA',
        'Internet,AT&T,Group,NA,Group,Privacy,P13,Element,P13.1,100,yes,"Yes. ""Too short.""",NA',
        'Internet,AT&T,Group,NA,Group,Freedom of Expression,F4,Element,F4.2,100,yes,"Yes. ""A quote for an element that 2020 no longer asks about at all.""",NA',
        'Internet,AT&T,Group,NA,Group,Privacy,P13,Element,P13.1,0,no disclosure found,"No. ""A quote under an answer that earned nothing, so not evidence.""",NA',
        'Internet,AT&T,Group,NA,Group,Privacy,P13,Level,NA,100,NA,NA,NA',
    ]
    (tmp_path / "RDR2019_ATT_Outcome.csv").write_text("\ufeff" + OUTCOME_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    examples = rdr2019_quote_examples(tmp_path, crosswalk=tmp_path / "crosswalk.yaml")
    by_text = {e.text: e.elements for e in examples}
    assert by_text == {quote: {"G01.01", "G01.02"},  # one example, both components' elements
                       "Only staff whose jobs require it may access personal information.": {"P13.01"}}
    assert {e.group for e in examples} == {"AT&T"}
    assert rdr2019_quote_examples(tmp_path, ["ATT"], crosswalk=tmp_path / "crosswalk.yaml") == []  # RDR's 2020 spelling
    (tmp_path / "bad.yaml").write_text("elements: [unclosed\n", encoding="utf-8")
    with pytest.raises(ElementModelError, match="bad.yaml"):
        rdr2019_quote_examples(tmp_path, crosswalk=tmp_path / "bad.yaml")


def test_shipped_2019_crosswalk_names_2020_elements():
    known = {e.id for c in load_taxonomy().framework("rdr") for e in c.elements}
    mapping = load_rdr2019_crosswalk()
    assert len(mapping) == 184  # every element of the 2019 methodology's 35 indicators
    targets = [t for parts in mapping.values() for ids in parts.values() for t in ids]
    assert targets and set(targets) <= known
    assert all(set(parts) <= {"*", "F", "P"} for parts in mapping.values())


def test_held_out_companies_are_matched_across_spellings_and_renames(tmp_path):
    from pipeline.references import company_identity

    assert company_identity("AT&T") == company_identity("ATT")
    assert company_identity("América Móvil") == company_identity("AmericaMovil")
    assert company_identity("Facebook") == company_identity("Meta") != company_identity("Yandex")
    file = tmp_path / "quotes.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in (
        {"company": "Facebook", "text": "We limit staff access to your data.", "elements": ["P13.01"]},
        {"company": "Yandex", "text": "Auditors review us.", "elements": ["P13.03"]})) + "\n", encoding="utf-8")
    assert [e.group for e in rdr_quote_examples(file, ["Meta"])] == ["Yandex"]  # a rename leaks nothing


def test_the_2019_quotes_must_be_there_when_asked_for(tmp_path):
    with pytest.raises(ElementModelError, match="RDR2019_.*rdr2019"):
        rdr2019_quote_examples(tmp_path)


def test_a_written_example_cannot_answer_and_reject_one_element(tmp_path):
    from pipeline.model.element_model import written_examples

    (tmp_path / "x.jsonl").write_text(json.dumps({"id": "a", "text": "t", "elements": ["P13.01"],
                                                  "rejected_elements": ["P13.01"]}) + "\n", encoding="utf-8")
    with pytest.raises(ElementModelError, match="x.jsonl, line 1: P13.01"):
        written_examples(tmp_path)
    only_positive = [ElementExample(f"staff access {i}", frozenset({"P13.01"}), "a") for i in range(3)]
    with pytest.raises(ElementModelError, match="P13.01"):
        ElementModel(min_positives=2).fit(only_positive)


def test_reader_settings_are_checked_and_reach_the_rules():
    with pytest.raises(SettingsError, match="element_reader"):
        Settings.from_mapping({"element_reader": "magic"})
    with pytest.raises(SettingsError, match="element_learned_partial"):
        Settings.from_mapping({"element_learned_yes": 0.2, "element_learned_partial": 0.4})
    with pytest.raises(SettingsError, match="element_learned_passages"):
        Settings.from_mapping({"element_learned_passages": 0})
    rules = ScoringRules.from_settings(Settings.from_mapping({"model": "models/other", "element_reader": "lexical"}))
    assert rules.element_model == "models/other" and rules.learned_model() is None


def test_the_shipped_model_folder_has_an_element_model_for_every_rdr_element():
    from pipeline.paths import DEFAULT_MODEL
    from pipeline.taxonomy import load_taxonomy

    model = load_element_model(str(DEFAULT_MODEL))
    rdr_elements = {e.id for c in load_taxonomy().framework("rdr") for e in c.elements}
    assert model is not None and rdr_elements <= set(model.elements_)


def test_a_fragment_answers_no_learned_element():
    passages = _passages(("250 channels, 7 days replay.", "other"),)
    reads, readable = E._learned_reads(_FakeModel({"P13.01": 0.9}), passages, (P13,), min_chars=40)
    assert reads["P13.01"].tolist() == [0.0] and readable["P13.01"] == 0
    assert E._learned_reads(_FakeModel({"P13.01": 0.9}), passages, (P13,), min_chars=0)[0]["P13.01"][0] > 0.8
    with pytest.raises(SettingsError, match="element_min_chars"):
        Settings.from_mapping({"element_min_chars": -1})


def test_the_more_passages_an_element_reads_the_more_its_best_one_must_score():
    model = _FakeModel({"P13.01": 0.4})
    text = "Access to user data is limited to employees who need it for their job, reviewed yearly."
    one = _passages((text, "privacy_policy"))
    many = _passages(*[(f"{text} Clause {i}.", "privacy_policy") for i in range(400)])
    # thresholds 0.5 / 0.35 hold up to 100 passages; among 400 yes needs 0.67 and partial 0.52
    assert _assess(model, one)["P13.01"].result == "partial"
    assert _assess(model, many)["P13.01"].result == "no disclosure found"
    assert _assess(model, many, count_slope=0.0)["P13.01"].result == "partial"
    assert _assess(_FakeModel({"P13.01": 0.6}), one)["P13.01"].result == "yes"
    assert _assess(_FakeModel({"P13.01": 0.6}), many)["P13.01"].result == "partial"
    assert _assess(_FakeModel({"P13.01": 0.6}), many, count_slope=0.0)["P13.01"].result == "yes"
    assert E.count_adjusted(0.35, 100, 100, 0.5) == E.count_adjusted(0.35, 1, 100, 0.5) == 0.35
    with pytest.raises(SettingsError, match="element_count_slope"):
        Settings.from_mapping({"element_count_slope": -1})


def test_a_near_miss_is_a_negative_only_for_the_elements_it_rejects():
    own = "We set cookies on our own website to remember your settings and measure visits."
    positives = [ElementExample(t, frozenset({"P03a.02"}), "a") for t in (
        "We collect information through cookies we set on our website when you visit it.",
        "Our site uses cookies to collect details of your visits, such as pages viewed.",
        "We use cookies and similar technologies on our website to collect usage information.")]
    third = [ElementExample(t, frozenset({"P09.01"}), "b") for t in (
        "Our ad tags on other companies' websites tell us which of those sites you visited.",
        "Through our social plug-ins embedded on third-party sites we receive the page you were on.",
        "Partner websites that use our analytics send us information about your visits to them.")]
    chatter = [ElementExample(t, frozenset(), "n") for t in ("Invoices are payable within 30 days.", "Our offices are in Lisbon.")]
    near = lambda exhaustive: ElementExample(own, frozenset(), "hrdc-authors", frozenset({"P09.01"}), exhaustive)
    assert near(False).judged("P09.01") and not near(False).judged("P03a.02") and near(True).judged("P03a.02")
    scores = {}
    for exhaustive in (True, False):
        m = ElementModel(min_positives=2, prune=0.0).fit(positives + third + chatter + [near(exhaustive)] * 3)
        scores[exhaustive] = m.predict_proba([own], ["P03a.02", "P09.01"])[0]
    assert scores[False][0] > scores[True][0]  # no longer taught that own-site cookies answer nothing
    assert scores[False][1] < 0.5  # still not third-party collection
