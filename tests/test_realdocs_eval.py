"""``hrdc evaluate realdocs``: metric functions on synthetic frames, and one small real run."""
import json

import numpy as np
import pandas as pd
import pytest

from pipeline.model import realdocs
from pipeline.settings import Settings
from pipeline.paths import data_dir

DOCTYPES = {"privacy", "terms", "community", "law_enforcement", "cookies", "copyright", "human_rights"}


def test_short_id_drops_padding_and_prefix():
    assert [realdocs.short_id(i) for i in ("P03a", "G01", "F11", "rdr.G4a", "P10b")] == ["P3a", "G1", "F11", "G4a", "P10b"]


def test_spearman_ci_of_a_monotone_relation_is_one():
    m = realdocs.spearman_ci([1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 61])
    assert m["value"] == 1.0 and m["n"] == 6
    assert m["lo"] <= 1.0 and m["hi"] == 1.0


def test_spearman_ci_leaves_out_missing_pairs_and_is_undefined_below_three():
    assert realdocs.spearman_ci([1, 2, np.nan, 4], [4, 3, 2, 1])["n"] == 3
    assert realdocs.spearman_ci([1, 2], [2, 1])["value"] is None


def _pairs():
    verdicts = pd.DataFrame({
        "company": ["a", "a", "b", "b", "b"], "indicator": ["P3a", "P4", "P3a", "P4", "G1"],
        "verdict": ["full", "none", "full", "partial", "full"], "score": [100.0, 0.0, 100.0, 50.0, 100.0],
    })
    published = pd.DataFrame({
        "rdr_company": ["A", "A", "B", "B", "B"], "indicator": ["P3a", "P4", "P3a", "P4", "G1"],
        "score": [60.0, 20.0, 80.0, np.nan, 0.0],
    })
    answerable = pd.DataFrame({"company": ["a", "a", "b", "b"], "rdr_company": ["A", "A", "B", "B"],
                               "indicator": ["P3a", "P4", "P3a", "P4"]})
    return realdocs.indicator_pairs(verdicts, published, answerable)


def test_indicator_pairs_keep_answerable_indicators_where_rdr_scores():
    pairs = _pairs()
    assert sorted(zip(pairs["company"], pairs["indicator"])) == [("a", "P3a"), ("a", "P4"), ("b", "P3a")]


def test_pair_metrics_mad_bias_and_share_full():
    m = realdocs.pair_metrics(_pairs())  # differences +40, -20, +20
    assert m["mad"]["value"] == pytest.approx(80 / 3, abs=1e-3)
    assert m["bias"]["value"] == pytest.approx(40 / 3, abs=1e-3)
    assert m["share_full"]["value"] == pytest.approx(2 / 3, abs=1e-3)
    assert m["mad"]["n"] == 3 and m["mad"]["lo"] <= m["mad"]["value"] <= m["mad"]["hi"]


def test_per_indicator_means():
    table = realdocs.per_indicator(_pairs())
    p3a = table.set_index("indicator").loc["P3a"]
    assert (p3a["companies"], p3a["hrdc"], p3a["rdr"], p3a["difference"], p3a["share_full"]) == (2, 100.0, 70.0, 30.0, 1.0)
    assert list(table["indicator"]) == ["P3a", "P4"]


def test_company_elements_average_levels_and_skip_na():
    levels = pd.DataFrame({
        "company": ["A"] * 5, "element": ["P03a.01", "P03a.01", "P03a.01", "P03a.02", "P04.01"],
        "result": ["yes", "partial", "NA", "no disclosure found", "yes"],
    })
    out = realdocs.company_elements(levels).set_index("element")["points"]
    assert out.to_dict() == {"P03a.01": 100.0, "P03a.02": 0.0, "P04.01": 100.0}  # mean 75 rounds to yes


def test_element_agreement_on_answerable_elements():
    hrdc = pd.DataFrame({"company": ["a", "a", "b"], "element": ["P03a.01", "P04.01", "P03a.01"], "points": [100.0, 0.0, 50.0]})
    rdr = pd.DataFrame({"company": ["a", "a", "b"], "element": ["P03a.01", "P04.01", "P03a.01"], "points": [100.0, 50.0, 50.0]})
    elements = pd.DataFrame({"company": ["a", "b"], "element": ["P03a.01", "P03a.01"]})
    m = realdocs.element_agreement(hrdc, rdr, elements)
    assert (m["element_agreement"]["value"], m["element_agreement"]["n"]) == (1.0, 2)
    assert m["element_agreement_floor"]["value"] == 0.0  # RDR answered neither "no"
    p4 = realdocs.element_agreement(hrdc, rdr, realdocs.answerable_elements(
        pd.DataFrame({"company": ["a"], "rdr_company": ["A"], "indicator": ["P4"]})))
    assert p4["element_agreement"]["value"] == 0.0 and p4["element_kappa"]["n"] == 1


def test_answerable_set_is_the_union_of_doctypes_minus_exclusions():
    spec = {"privacy": {"P3a": "r", "P4": "r"}, "community": {"F3a": "r", "G6b": "r"}}
    manifest = pd.DataFrame({
        "company": ["p", "p", "t", "t"], "rdr_company": ["P", "P", "T", "T"],
        "sector": ["platform", "platform", "telecom", "telecom"], "doctype": ["privacy", "community", "privacy", "community"],
    })
    got = realdocs.answerable_set(manifest, spec).groupby("company")["indicator"].apply(set).to_dict()
    assert got == {"p": {"P3a", "P4", "F3a", "G6b"}, "t": {"P3a", "P4", "F3a"}}  # G6b is not scored for telecoms


def test_shipped_answerable_spec_names_manifest_doctypes_and_rdr_indicators():
    spec = realdocs.load_answerable_spec()
    assert set(spec) == DOCTYPES
    assert all(reason.strip() for reasons in spec.values() for reason in reasons.values())


def test_answerable_spec_rejects_unknown_indicators(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("privacy_policy:\n  rdr.P99: no such indicator\n")
    with pytest.raises(ValueError, match=r"sources.yaml: privacy_policy: unknown criteria rdr.P99"):
        realdocs.load_answerable_spec(path)
    path.write_text("privacy_notice:\n  rdr.P3a: a type hrdc does not know\n")
    with pytest.raises(ValueError, match="unknown document type 'privacy_notice'"):
        realdocs.load_answerable_spec(path)


def test_reporting_handles_undefined_metrics(tmp_path):
    result = realdocs.EditionResult(
        "2022",
        pd.DataFrame([{"metric": "spearman_total", **realdocs.metric(np.nan, np.nan, np.nan, 1)},
                      {"metric": "mad", **realdocs.metric(12.5, 10.0, 15.0, 4)}]),
        realdocs.per_indicator(_pairs()),
        pd.DataFrame({"company": ["a"], "rdr_company": ["A"], "indicator": ["P3a"]}),
        pd.DataFrame({"company": ["a"], "rdr_company": ["A"], "hrdc_total": [50.0], "rdr_total": [np.nan], "n_passages": [3]}),
    )
    data = json.loads(json.dumps(realdocs.to_json({"2022": result})))
    rows = list(realdocs.table_rows(data))
    assert "| – |" in rows[0] and "12.500 [10.000, 15.000]" in rows[1] and "n/a: indicator-level method" in rows[-1]
    assert "P3a" in realdocs.render_answerable(data) and "| P3a |" in realdocs.render_detail(data)
    assert len(realdocs.write_csvs(data, tmp_path)) == 4


def test_one_company_of_2022_end_to_end(tmp_path):
    if not (data_dir() / "realdocs" / "README.md").is_file():
        pytest.skip(f"realdocs data not found at {data_dir() / 'realdocs'} (set HRDC_DATA to run this test)")
    result = realdocs.evaluate_edition("2022", tmp_path / "ws", companies=["yandex"], settings=Settings.from_mapping({"jobs": 1}))
    assert list(result.metrics.columns) == ["metric", "value", "lo", "hi", "n"]
    assert set(result.metrics["metric"]) == set(realdocs.METRICS)  # element answers in RDR's format
    assert set(result.baseline["metric"]) == set(realdocs.METRICS) - {"element_agreement", "element_agreement_floor", "element_kappa"}
    assert list(result.companies["company"]) == ["yandex"] and result.companies["n_passages"].iloc[0] > 0
    assert set(result.answerable["indicator"]) == set(realdocs.load_answerable_spec()["privacy"])
    assert result.metrics.set_index("metric").loc["mad", "n"] == len(result.answerable)
    assert list(result.indicators.columns) == ["indicator", "companies", "hrdc", "rdr", "difference", "share_full"]
