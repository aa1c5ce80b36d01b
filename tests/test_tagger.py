import json

import numpy as np
import pytest

from pipeline.cli import main
from pipeline.model import tagger
from pipeline.paths import DEFAULT_MODEL

CRITERIA = ["x.privacy", "x.speech", "x.never"]
POS = {
    "x.privacy": ["we collect your personal data", "personal data we collect and share", "your data is shared with partners",
                  "we retain personal data for a year", "data collection and sharing practices", "we share personal data"],
    "x.speech": ["we remove content that breaks our rules", "content removal requests from governments",
                 "we restrict content in some countries", "appeal a content removal", "government demands to remove content",
                 "remove posts that violate rules"],
}
OTHER = ["buy our new phone today", "contact us by email", "annual revenue increased", "our stores are open daily",
         "read the latest press release", "terms and conditions apply"]


@pytest.fixture(scope="module")
def tiny():
    texts, rows = [], []
    for j, c in enumerate(CRITERIA[:2]):
        for t in POS[c]:
            texts.append(t)
            rows.append([int(k == j) for k in range(3)])
    texts += OTHER
    rows += [[0, 0, 0]] * len(OTHER)
    Y = np.array(rows)
    model = tagger.Tagger(criteria=CRITERIA, cv=2, min_positives=2, max_word_features=500, max_char_features=500)
    return model.fit(texts, Y, contexts=[""] * len(texts))


def test_fit_sets_sklearn_style_attributes(tiny):
    assert tiny.criteria_ == CRITERIA
    assert set(tiny.thresholds_) == set(CRITERIA)
    assert len(tiny.model_id) == 12
    assert tiny.get_params()["cv"] == 2  # __init__ only stores params


def test_predict_proba_shape_and_ranking(tiny):
    proba = tiny.predict_proba(["we collect personal data", "we remove content"], ["", ""])
    assert proba.shape == (2, 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert proba[0, 0] > proba[0, 1] and proba[1, 1] > proba[1, 0]


def test_criterion_without_positives_never_fires(tiny):
    proba = tiny.predict_proba(["anything at all"])
    assert proba[0, 2] < tiny.thresholds_["x.never"]
    assert all("x.never" not in labels for labels in tiny.predict(OTHER + POS["x.privacy"]))


def test_classify_records_contract(tiny):
    out = tagger.classify_records([{"id": 7, "text": "We will not share your personal data.", "context": "Privacy"}], tiny)
    assert out[0]["id"] == 7
    assert set(out[0]["scores"]) == set(CRITERIA)
    assert set(out[0]["labels"]) <= set(CRITERIA)
    assert out[0]["negative"] is True


def test_save_and_load_round_trip(tiny, tmp_path):
    tagger.save_model(tiny, tmp_path)
    loaded = tagger.load_model(tmp_path)
    assert loaded.model_id == tiny.model_id
    np.testing.assert_allclose(loaded.predict_proba(["we share data"]), tiny.predict_proba(["we share data"]))
    assert loaded.word_.vocabulary_ == tiny.word_.vocabulary_ and loaded.char_.vocabulary_ == tiny.char_.vocabulary_
    assert isinstance(tiny.word_.vocabulary_, dict)  # saving left the fitted tagger as it was


def test_save_keeps_terms_numpy_would_change(tmp_path):
    """A character n-gram can end in NUL, which a numpy string array drops: such a
    vocabulary is saved as a dict, and loads unchanged."""
    texts = ["ab\x00 cd", "ab\x00 cd ef", "plain words here", "plain words again", "more words"] * 3
    model = tagger.Tagger(criteria=["a"], cv=2, min_positives=2, max_word_features=50, max_char_features=200)
    model.fit(texts, np.array([[1], [0], [1], [0], [1]] * 3), contexts=[""] * len(texts))
    assert any(term.endswith("\x00") for term in model.char_.vocabulary_)
    tagger.save_model(model, tmp_path)
    assert tagger.load_model(tmp_path).char_.vocabulary_ == model.char_.vocabulary_


def test_load_model_reads_files_with_vocabulary_dicts(tiny, tmp_path, monkeypatch):
    """Models saved before vocabularies were stored as arrays still load and predict the same."""
    monkeypatch.setattr(tagger.Tagger, "_VECTORIZERS", ())  # save the way older versions did
    tagger.save_model(tiny, tmp_path)
    monkeypatch.undo()
    loaded = tagger.load_model(tmp_path)
    assert loaded.word_.vocabulary_ == tiny.word_.vocabulary_
    np.testing.assert_allclose(loaded.predict_proba(OTHER), tiny.predict_proba(OTHER))


def test_load_model_names_missing_path(tmp_path):
    with pytest.raises(tagger.ModelError, match="no model at"):
        tagger.load_model(tmp_path / "nowhere")


def test_load_model_rejects_foreign_pickle(tmp_path):
    import joblib

    joblib.dump({"not": "a tagger"}, tmp_path / "model.joblib")
    with pytest.raises(tagger.ModelError, match="not an hrdc Tagger"):
        tagger.load_model(tmp_path)


def test_classify_reports_bad_line(tmp_path, capsys):
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": 1, "text": "fine"}\n{"id": 2, "text": \n')
    assert main(["classify", str(bad)]) != 0
    err = capsys.readouterr().err
    assert str(bad) in err and "line 2" in err


def test_classify_rejects_record_without_text(tmp_path, capsys):
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": 1}\n')
    assert main(["classify", str(bad)]) == 2
    assert "line 1" in capsys.readouterr().err


def test_classify_writes_one_line_per_input(tiny, tmp_path):
    tagger.save_model(tiny, tmp_path / "m")
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"id": "a", "text": "we collect personal data"}\n\n{"id": "b", "text": "buy now", "context": null}\n')
    assert main(["classify", str(src), "-o", str(dst), "--model", str(tmp_path / "m")]) == 0
    lines = [json.loads(x) for x in dst.read_text().splitlines()]
    assert [r["id"] for r in lines] == ["a", "b"]
    assert "x.privacy" in lines[0]["labels"] and lines[1]["labels"] == []


@pytest.mark.skipif(not (DEFAULT_MODEL / tagger.MODEL_FILE).exists(), reason="no shipped default model")
def test_default_model_knows_every_taxonomy_criterion():
    from pipeline.taxonomy import load_taxonomy

    model = tagger.load_model()
    assert set(model.criteria_) == {c.id for c in load_taxonomy().leaves}
    assert (DEFAULT_MODEL / tagger.MODEL_FILE).stat().st_size <= 25 * 1024 * 1024
    out = tagger.classify_records([{"id": 1, "text": "We publish a transparency report on government requests for user data."}], model)
    top = max(out[0]["scores"], key=out[0]["scores"].get)
    assert top.startswith(("rdr.", "gni."))


def test_model_pickled_under_the_old_module_path_loads(tiny, tmp_path):
    # models/default was pickled when Tagger lived in pipeline.tag; such files must keep loading.
    import pickle
    import sys

    path = tagger.save_model(tiny, tmp_path / "m")
    raw = pickle.dumps(tiny)
    assert b"pipeline.model.tagger" in raw
    with open(path, "wb") as fh:
        fh.write(raw.replace(b"\x8c\x15pipeline.model.tagger", b"\x8c\x0cpipeline.tag"))
    assert b"pipeline.model.tagger" not in path.read_bytes()
    model = tagger.load_model(path)
    assert isinstance(model, tagger.Tagger) and model.model_id == tiny.model_id
    assert "pipeline.tag" not in sys.modules
