import json

import numpy as np
import pytest

from pipeline.cli import main
from pipeline.model import benchmarks, metrics
from pipeline.model.evaluation_table import render_table
from pipeline.model.model_card import write_model_card


def test_f1_counts_and_mean_f1():
    y = np.array([[1, 0], [1, 1], [0, 0]], dtype=bool)
    pred = np.array([[1, 1], [0, 1], [0, 0]], dtype=bool)
    counts = metrics.f1_counts(y, pred)
    assert counts.tolist() == [[1, 1], [0, 1], [1, 0]]
    assert metrics.mean_f1(counts) == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_bootstrap_interval_brackets_the_value_and_is_deterministic():
    rng = np.random.default_rng(1)
    y = rng.random((200, 3)) < 0.3
    pred = y ^ (rng.random((200, 3)) < 0.1)
    groups = np.repeat(np.arange(20), 10)
    a, b = metrics.f1_report(y, pred, groups), metrics.f1_report(y, pred, groups)
    assert a == b
    assert a["ci95"][0] <= a["value"] <= a["ci95"][1]
    assert a["ci95"][1] - a["ci95"][0] > 0


def test_perfect_predictions_have_a_degenerate_interval():
    y = np.eye(4, dtype=bool)
    assert metrics.f1_report(y, y, np.arange(4)) == {"value": 1.0, "ci95": [1.0, 1.0]}


def test_baseline_learns_a_separable_toy_task():
    texts = ["collect data", "collect personal data", "we collect data", "buy phones", "phones on sale", "buy now"]
    Y = np.array([[1], [1], [1], [0], [0], [0]])
    base = benchmarks.Baseline().fit(texts, Y, np.ones_like(Y, dtype=float))
    p = base.predict_proba(["collect data", "buy phones"])
    assert p[0, 0] > p[1, 0]


def test_render_table_and_model_card(tmp_path):
    results = {"opp115": {"metric": "macro-F1", "groups": 3, "n": 9, "ours": {"value": 0.7, "ci95": [0.6, 0.8]},
                          "baseline_tfidf_lr": {"value": 0.5, "ci95": [0.4, 0.6]}, "published": "x"}}
    table = render_table(results)
    assert "0.700 [0.600, 0.800]" in table and "0.500 [0.400, 0.600]" in table
    (tmp_path / "meta.json").write_text(json.dumps({
        "name": "t", "model_id": "abc", "trained_at": "now", "train_seconds": 1, "rows": 2, "model_bytes": 10,
        "config": {"model": {}}, "licences": ["L"], "data": {"f": "0" * 64}}))
    (tmp_path / "metrics.json").write_text(json.dumps({"criteria": {"rdr.P3a": {"n_positives": 3, "threshold": 0.4, "oof_f1": 0.5}}}))
    (tmp_path / "evaluation.json").write_text(json.dumps(results))
    card = write_model_card(tmp_path).read_text()
    assert "0.700 [0.600, 0.800]" in card and "| rdr.P3a | 3 | 0.400 | 0.500 |" in card
    assert "element model" not in card  # a folder from before element models
    meta = json.loads((tmp_path / "meta.json").read_text())
    meta["element_model"] = {"file": "elements.joblib", "elements": 335, "bytes": 5e6, "train_seconds": 13.1}
    meta["config"]["element_model"] = {"C": 4.0, "min_positives": 2, "frameworks": ["rdr"], "negatives": ["labels"]}
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    card = write_model_card(tmp_path).read_text()
    assert "element model (`elements.joblib`, 5.0 MB" in card and "335 elements of rdr with at least 2" in card


def test_unknown_evaluation_is_rejected(capsys):
    assert main(["evaluate", "nonsense"]) == 2
    assert "unknown evaluation" in capsys.readouterr().err


def test_attribute_evaluation_on_shared_data(shared_data):
    out = benchmarks.evaluate_attributes()
    assert out["negative"]["n"] == 2179 and out["negative"]["positives"] == 118
    # The published zero-shot prediction shipped with the file scores F1 0.389.
    assert out["negative"]["published_model_on_this_set"]["value"] == pytest.approx(0.389, abs=0.001)
    assert 0 < out["future"]["ours"]["value"] <= 1


def test_a_partial_run_merges_into_the_stored_results_and_card(tmp_path, monkeypatch):
    from pipeline.model import evaluate

    (tmp_path / "meta.json").write_text(json.dumps({
        "name": "t", "model_id": "new", "trained_at": "now", "train_seconds": 1, "rows": 2, "model_bytes": 10,
        "config": {"model": {}}, "licences": ["L"], "data": {}}))
    (tmp_path / "metrics.json").write_text(json.dumps({"criteria": {}}))
    opp = {"metric": "macro-F1", "groups": 3, "n": 9, "ours": {"value": 0.7, "ci95": [0.6, 0.8]},
           "baseline_tfidf_lr": {"value": 0.5, "ci95": [0.4, 0.6]}, "published": "x"}
    (tmp_path / "evaluation.json").write_text(json.dumps(
        {"opp115": opp, "seconds": {"opp115": 20.0}, "measured_with": {"opp115": "old"}}))
    f = {"verdicts": 4, "quotes": 6, "top_quote": {"value": 0.5, "ci95": [0.25, 0.75]},
         "all_quotes": {"value": 0.4, "ci95": [0.2, 0.6]}}
    supply = {"folds": 4, "documents": 36, "passages": 279, "target": 0.85, **f, "frameworks": {"ktc": f},
              "per_criterion": {}}
    monkeypatch.setattr(evaluate, "DEFAULT_MODEL", tmp_path)
    evaluate.save_results({"supply_evidence": supply, "seconds": {"supply_evidence": 70.0}})
    stored = json.loads((tmp_path / "evaluation.json").read_text())
    assert stored["opp115"] == opp and stored["supply_evidence"] == supply
    assert stored["seconds"] == {"opp115": 20.0, "supply_evidence": 70.0}
    assert stored["measured_with"] == {"opp115": "old", "supply_evidence": "new"}
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "0.700 [0.600, 0.800]" in card and "supply-chain evidence" in card and "KnowTheChain" in card
    assert "figures from an earlier model): opp115." in card
