import json

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.model import datasets, tagger, train, training_config, training_set

CRITERIA = ["msa.c3", "msa.c6", "rdr.P3a", "rdr.G4a", "gni.rcdm_hria", "ungp.C6"]


def rows(**cols):
    base = {"context": "", "group": "g", "unannotated": [[]], "negative_for": [["msa"]]}
    return pd.DataFrame({**{k: v * len(cols["labels"]) if isinstance(v, list) and len(v) == 1 else v
                            for k, v in base.items()}, **cols})


def test_positives_negatives_and_unannotated():
    r = rows(id=["a", "b"], text=["risk", "other"], labels=[["msa.c3"], []], unannotated=[["msa.c6"], ["msa.c6"]])
    ts = training_set.build_training_set(r, CRITERIA)
    j = CRITERIA.index
    assert ts.Y[0, j("msa.c3")] == 1 and ts.W[0, j("msa.c3")] == 1
    assert ts.Y[1, j("msa.c3")] == 0 and ts.W[1, j("msa.c3")] == 1      # negative for its own framework
    assert ts.W[1, j("msa.c6")] == 0                                      # not annotated: no evidence either way
    assert ts.W[1, j("rdr.P3a")] == 0                                     # other frameworks: not a negative


def test_crosswalk_partners_are_not_negatives_and_transfer_copies_positives():
    r = rows(id=["q"], text=["we assess human rights impacts"], labels=[["rdr.G4a"]], negative_for=[["rdr", "gni", "ungp"]])
    ts = training_set.build_training_set(r, CRITERIA, partners={"rdr.G4a": {"ungp.C6"}}, transfer={"rdr.G4a": ["gni.rcdm_hria"]},
                                  transfer_weight=0.5)
    j = CRITERIA.index
    assert ts.W[0, j("ungp.C6")] == 0
    assert ts.Y[0, j("gni.rcdm_hria")] == 1 and ts.W[0, j("gni.rcdm_hria")] == 0.5
    assert ts.Y[0, j("rdr.P3a")] == 0 and ts.W[0, j("rdr.P3a")] == 1


def test_signals_and_review_rows_only_speak_for_their_criteria():
    r = rows(id=["rev"], text=["a passage"], labels=[["rdr.P3a"]], negative_for=[["*"]],
             exhaustive=[False], rejected=[["rdr.G4a"]])
    ts = training_set.build_training_set(r, CRITERIA, signals={"ungp.C6": ["grievance mechanism"]}, signal_weight=0.5)
    j = CRITERIA.index
    assert (ts.W[0] > 0).sum() == 2 and ts.Y[0, j("rdr.P3a")] == 1 and ts.Y[0, j("rdr.G4a")] == 0
    assert ts.texts[-1] == "grievance mechanism" and ts.W[-1, j("ungp.C6")] == 0.5 and (ts.W[-1] > 0).sum() == 1
    assert ts.counts["ungp.C6"] == 1


def test_config_errors_name_the_file(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("name: x\nsources: {opp115: {}}\n")
    with pytest.raises(training_config.ConfigError, match="OPP-115 is research-only"):
        training_config.load_config(bad)
    bad.write_text("name: [unclosed\n")
    with pytest.raises(training_config.ConfigError, match=str(bad)):
        training_config.load_config(bad)
    assert main(["train", "--training-config", str(tmp_path / "missing.yaml")]) == 2


def test_default_config_never_trains_on_opp115():
    config = training_config.load_config(None)
    assert set(config["sources"]) <= {"aims", "rdr_quotes", "labels"}


def test_labels_corpus_is_valid_and_covers_gni_and_ungp():
    from pipeline.taxonomy import load_taxonomy

    labels = datasets.load_labels()
    known = {c.id for c in load_taxonomy().leaves}
    used = {c for row in labels["labels"] for c in row}
    assert used <= known
    for framework in ("gni", "ungp"):
        for c in (c for c in known if c.startswith(framework + ".")):
            assert sum(c in row for row in labels["labels"]) >= 6, c
    assert (labels["labels"].map(len) == 0).sum() >= 20  # negatives


def test_load_labels_names_file_and_line(tmp_path):
    (tmp_path / "x.jsonl").write_text('{"id": "1", "text": "t", "labels": []}\n\n{"id": "2", "text": "t"}\n')
    with pytest.raises(datasets.DatasetError, match=r"x.jsonl, line 3: missing field\(s\) labels"):
        datasets.load_labels(tmp_path)


def _tiny_labels(folder):
    """Four rdr.P3a passages and six negatives as ``folder/labels/l.jsonl``; returns the rows."""
    (folder / "labels").mkdir()
    lines = [{"id": f"p{i}", "text": t, "labels": ["rdr.P3a"]} for i, t in enumerate(
        ["we collect your email address", "information we collect includes location", "we collect device identifiers",
         "we collect your name and phone number"])]
    lines += [{"id": f"n{i}", "text": t, "labels": []} for i, t in enumerate(
        ["buy our phone", "contact support", "revenue grew", "press release", "open on sundays", "terms apply"])]
    (folder / "labels" / "l.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    return lines


def test_train_writes_a_loadable_model_folder(tmp_path, monkeypatch):
    lines = _tiny_labels(tmp_path)
    monkeypatch.setattr(training_set, "taxonomy_criteria", lambda: (["rdr.P3a", "rdr.P6"], {"rdr.P6": ["we retain your data"]}))
    monkeypatch.setattr(datasets, "CORPORA_DIR", tmp_path)
    monkeypatch.setattr(train, "CORPORA_DIR", tmp_path)
    config = {"name": "tiny", "sources": {"labels": {}}, "model": {"cv": 2, "min_positives": 2}}
    folder = train.train(config, out_dir=tmp_path / "model")
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["name"] == "tiny" and any(k.endswith("l.jsonl") for k in meta["data"])
    assert "OPP-115" in (folder / "MODEL_CARD.md").read_text()
    model = tagger.load_model(folder)
    assert model.criteria_ == ["rdr.P3a", "rdr.P6"]
    p = model.predict_proba(["we collect your email address", "buy our phone"])
    assert p[0, 0] > p[1, 0]


def test_train_writes_the_element_model_and_drops_a_stale_one(tmp_path, monkeypatch):
    from pipeline.model import element_model

    lines = _tiny_labels(tmp_path)
    (tmp_path / "elements").mkdir()
    monkeypatch.setattr(training_set, "taxonomy_criteria", lambda: (["rdr.P3a"], {}))
    monkeypatch.setattr(datasets, "CORPORA_DIR", tmp_path)
    monkeypatch.setattr(train, "CORPORA_DIR", tmp_path)
    monkeypatch.setattr(datasets, "load_rdr_quotes", lambda: pd.DataFrame(columns=["id", "text", "context", "group",
                                                                                   "labels", "unannotated", "source"]))
    monkeypatch.setattr(train, "file_hashes", lambda config: {})
    seen = {}

    def tiny(quotes, **params):
        seen.update(params)
        examples = [element_model.ElementExample(x["text"], frozenset({"P03a.01"}), "x") for x in lines[:4]]
        examples += [element_model.ElementExample(x["text"], frozenset(), "n") for x in lines[4:]]
        return element_model.ElementModel(min_positives=2, prune=0.0).fit(examples)

    monkeypatch.setattr(train, "train_element_model", tiny)
    config = {"name": "tiny", "sources": {"labels": {}, "rdr_quotes": {}}, "model": {"cv": 2, "min_positives": 2},
              "element_model": {"C": 2.0}}
    folder = train.train(config, out_dir=tmp_path / "model")
    meta = json.loads((folder / "meta.json").read_text())
    assert seen == {"C": 2.0} and meta["element_model"]["elements"] == 1 and len(meta["element_model"]["id"]) == 12
    assert element_model.load_element_model(str(folder / "elements.joblib")).covers("P03a.01")
    assert "element model (`elements.joblib`" in (folder / "MODEL_CARD.md").read_text()
    del config["element_model"]  # retrained without one: the old file must not stay beside the new tagger
    train.train(config, out_dir=folder)
    assert not (folder / "elements.joblib").exists()
    assert json.loads((folder / "meta.json").read_text())["element_model"] is None


def test_element_model_config_keys_are_checked(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("name: x\nsources: {labels: {}}\nelement_model: {C: 4, min_positive: 2}\n")
    with pytest.raises(training_config.ConfigError, match="element_model: unknown key.s. min_positive"):
        training_config.load_config(bad)


def test_file_hashes_and_licences_name_the_2019_outcomes_when_read(tmp_path, monkeypatch):
    (tmp_path / "rdr" / "2019-index").mkdir(parents=True)
    (tmp_path / "rdr" / "rdr_evidence_quotes.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "rdr" / "2019-index" / "RDR2019_Acme_Outcome.csv").write_text("Company\n", encoding="utf-8")
    monkeypatch.setattr(train, "data_dir", lambda: tmp_path)
    config = {"name": "x", "sources": {"rdr_quotes": {}}, "element_model": {"rdr2019": True}}
    hashes = train.file_hashes(config)
    assert {"shared/data/rdr/2019-index/RDR2019_Acme_Outcome.csv", "corpora/elements/rdr-2019-crosswalk.yaml"} <= set(hashes)
    config["element_model"]["rdr2019"] = False
    assert not any("2019" in name for name in train.file_hashes(config))
