import numpy as np
import pandas as pd
import pytest

from pipeline import store
from pipeline.cli import main
from pipeline.model import datasets, review, training_set

CRITERIA = ["rdr.P3a", "rdr.P6", "gni.gat_reporting"]


@pytest.fixture
def workspace(tmp_path):
    ws = store.Workspace(tmp_path / "ws")
    texts = ["We collect your email address.", "We keep logs for 18 months.", "Buy our phone today.", "We publish a report."]
    ws.insert("passages", [
        {"passage_id": f"p{i}", "sha256": "s" * 64, "seq": i, "text": t, "page": None, "section": "", "char_start": 0,
         "char_end": len(t), "context_before": "", "context_after": ""} for i, t in enumerate(texts)])
    scores = np.array([[0.9, 0.1, 0.02], [0.3, 0.55, 0.01], [0.01, 0.02, 0.03], [0.05, 0.02, 0.48]])
    ws.insert("tags", [
        {"model": "m", "passage_id": f"p{i}", "criterion": c, "score": float(scores[i, j]), "label": int(scores[i, j] >= 0.5)}
        for i in range(4) for j, c in enumerate(CRITERIA)])
    ws.close()
    return tmp_path / "ws"


def test_select_puts_scores_nearest_the_threshold_first(workspace):
    passages, tags = store.load("passages", workspace), store.load("tags", workspace)
    picked = review.select_for_review(passages, tags, {c: 0.5 for c in CRITERIA}, n_uncertain=2, n_confident=1)
    assert list(picked["kind"]) == ["uncertain", "uncertain", "confident"]
    assert set(zip(picked["passage_id"][:2], picked["criterion"][:2])) == {("p1", "rdr.P6"), ("p3", "gni.gat_reporting")}
    assert picked["text"].iloc[0].startswith("We ")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_export_edit_import_train(workspace, tmp_path, monkeypatch, suffix):
    passages, tags = store.load("passages", workspace), store.load("tags", workspace)
    frame = review.select_for_review(passages, tags, {c: 0.5 for c in CRITERIA}, n_uncertain=3, n_confident=0)
    path = review.write_review(frame, tmp_path / f"review{suffix}")
    edited = pd.read_csv(path, dtype=str) if suffix == ".csv" else pd.read_excel(path, dtype=str)
    edited.loc[0, "correct"], edited.loc[1, "correct"] = "1", "0"
    (edited.to_csv(path, index=False) if suffix == ".csv" else edited.to_excel(path, index=False))

    labels_dir = tmp_path / "labels"
    monkeypatch.setattr(review, "REVIEW_FILE", labels_dir / "review.jsonl")
    assert main(["review", "import", str(path)]) == 0
    stored = datasets.load_labels(labels_dir)
    judged = {(r.id, c) for r in stored.itertuples() for c in r.labels} | {(r.id, c) for r in stored.itertuples() for c in r.rejected}
    assert len(judged) == 2 and not stored["exhaustive"].any()

    # hrdc train uses the judgements, and only for the judged criteria.
    ts = training_set.build_training_set(stored.assign(negative_for=[["*"]] * len(stored)), CRITERIA)
    assert int((ts.W > 0).sum()) == 2
    assert int(ts.Y.sum()) == 1

    # Importing a later judgement of the same pair replaces the earlier one.
    edited.loc[0, "correct"] = "0"
    (edited.to_csv(path, index=False) if suffix == ".csv" else edited.to_excel(path, index=False))
    assert main(["review", "import", str(path)]) == 0
    again = datasets.load_labels(labels_dir)
    assert sum(len(x) for x in again["labels"]) == 0 and sum(len(x) for x in again["rejected"]) == 2


def test_import_rejects_bad_answer_with_row_number(tmp_path, capsys):
    path = tmp_path / "r.csv"
    pd.DataFrame({"passage_id": ["p1"], "criterion": ["rdr.P3a"], "text": ["t"], "correct": ["maybe"]}).to_csv(path, index=False)
    assert main(["review", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "row 2" in err


def test_import_rejects_unknown_criterion_and_missing_columns(tmp_path):
    path = tmp_path / "r.csv"
    pd.DataFrame({"passage_id": ["p1"], "criterion": ["rdr.X99"], "text": ["t"], "correct": ["1"]}).to_csv(path, index=False)
    with pytest.raises(review.ReviewError, match="unknown criterion"):
        review.read_review(path, {"rdr.P3a"})
    pd.DataFrame({"passage_id": ["p1"]}).to_csv(path, index=False)
    with pytest.raises(review.ReviewError, match="missing column"):
        review.read_review(path)


def test_export_on_workspace_without_tags(tmp_path, capsys):
    store.Workspace(tmp_path / "empty").close()
    assert main(["review", "export", "--workspace", str(tmp_path / "empty"), "-o", str(tmp_path / "out.csv")]) == 2
    assert "no tags" in capsys.readouterr().err
