"""The review loop: export uncertain tags for a researcher, import their corrections.

``hrdc review export --workspace DIR`` writes one row per (passage, criterion) the model is
least sure about (score closest to the criterion's threshold), plus a random sample of
confident ones as a check on silent errors, to XLSX or CSV. The researcher fills the
``correct`` column with 1 (applies) or 0 (does not apply); ``hrdc review import FILE``
validates the file and merges the judgements into ``corpora/labels/review.jsonl``, which
``hrdc train`` reads like every other labelled file (only the judged criteria count).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..jsonl import iter_jsonl
from ..paths import CORPORA_DIR

REVIEW_FILE = CORPORA_DIR / "labels" / "review.jsonl"
COLUMNS = ["passage_id", "criterion", "score", "threshold", "model_label", "kind", "text", "context", "correct", "note"]
_TRUE, _FALSE = {"1", "yes", "y", "true", "x"}, {"0", "no", "n", "false"}


class ReviewError(ValueError):
    """A review file is malformed; the message names the file and row."""


def select_for_review(
    passages: pd.DataFrame, tags: pd.DataFrame, thresholds: dict[str, float],
    n_uncertain: int = 200, n_confident: int = 50, seed: int = 0,
) -> pd.DataFrame:
    """The (passage, criterion) pairs closest to their threshold, plus a sample of confident ones."""
    if tags.empty:
        return pd.DataFrame(columns=COLUMNS)
    t = tags.copy()
    t["threshold"] = t["criterion"].map(thresholds).fillna(0.5)
    # Distance on the log-odds scale, so 0.01 vs 0.02 is as far apart as 0.5 vs 0.67.
    logit = lambda p: np.log(np.clip(p, 1e-6, 1 - 1e-6) / (1 - np.clip(p, 1e-6, 1 - 1e-6)))  # noqa: E731
    t["distance"] = np.abs(logit(t["score"].to_numpy(float)) - logit(t["threshold"].to_numpy(float)))
    t = t.sort_values(["distance", "passage_id", "criterion"], kind="stable")
    uncertain = t.head(n_uncertain).assign(kind="uncertain")
    rest = t.iloc[n_uncertain:]
    # Confident pairs worth checking are mostly positives: a random negative is nearly always right.
    pool = rest[rest["label"] == 1] if (rest["label"] == 1).any() else rest
    confident = pool.sample(n=min(n_confident, len(pool)), random_state=seed).assign(kind="confident")
    picked = pd.concat([uncertain, confident])
    p = passages.set_index("passage_id")
    context = (p["context_before"].fillna("") + " … " + p["context_after"].fillna("")).str.strip(" …")
    return pd.DataFrame({
        "passage_id": picked["passage_id"].to_numpy(), "criterion": picked["criterion"].to_numpy(),
        "score": picked["score"].round(4).to_numpy(), "threshold": picked["threshold"].to_numpy(),
        "model_label": picked["label"].astype(int).to_numpy(), "kind": picked["kind"].to_numpy(),
        "text": picked["passage_id"].map(p["text"]).to_numpy(), "context": picked["passage_id"].map(context).to_numpy(),
        "correct": "", "note": "",
    })


def write_review(frame: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="review")
    elif path.suffix.lower() == ".csv":
        frame.to_csv(path, index=False)
    else:
        raise ReviewError(f"{path}: choose an .xlsx or .csv file name")
    return path


def read_review(path: str | Path, known_criteria: set[str] | None = None) -> list[dict]:
    """Validate a filled-in review file; return one label record per judged passage."""
    path = Path(path)
    if not path.exists():
        raise ReviewError(f"{path} not found")
    try:
        frame = pd.read_excel(path, dtype=str) if path.suffix.lower() == ".xlsx" else pd.read_csv(path, dtype=str)
    except Exception as exc:  # openpyxl and the csv parser raise many types
        raise ReviewError(f"{path}: cannot read it as {path.suffix or 'CSV'} ({exc})") from None
    missing = {"passage_id", "criterion", "text", "correct"} - set(frame.columns)
    if missing:
        raise ReviewError(f"{path}: missing column(s) {', '.join(sorted(missing))}; export a fresh file with `hrdc review export`")
    records: dict[str, dict] = {}
    for row_number, row in enumerate(frame.fillna("").to_dict("records"), start=2):  # row 1 is the header
        answer = str(row["correct"]).strip().lower()
        if answer == "":
            continue
        if answer.endswith(".0"):  # Excel stores typed 1 as 1.0
            answer = answer[:-2]
        if answer not in _TRUE | _FALSE:
            raise ReviewError(f"{path}, row {row_number}: correct={row['correct']!r}; use 1 (applies) or 0 (does not apply)")
        criterion = str(row["criterion"]).strip()
        if known_criteria is not None and criterion not in known_criteria:
            raise ReviewError(f"{path}, row {row_number}: unknown criterion {criterion!r}")
        if not str(row["passage_id"]).strip() or not str(row["text"]).strip():
            raise ReviewError(f"{path}, row {row_number}: passage_id and text must not be empty")
        rec = records.setdefault(str(row["passage_id"]), {
            "id": f"review-{row['passage_id']}", "text": str(row["text"]), "context": str(row.get("context", "")),
            "labels": [], "rejected": [], "exhaustive": False, "source": "hrdc-review", "note": "",
        })
        (rec["labels"] if answer in _TRUE else rec["rejected"]).append(criterion)
        if str(row.get("note", "")).strip():
            rec["note"] = "; ".join(filter(None, [rec["note"], str(row["note"]).strip()]))
    return list(records.values())


def merge_labels(new: list[dict], path: Path | None = None) -> int:
    """Merge judgements into the review labels file (a later judgement of a pair wins)."""
    path = path or REVIEW_FILE
    stored: dict[str, dict] = {}
    if path.exists():
        for _, rec in iter_jsonl(path):
            stored[rec["id"]] = rec
    for rec in new:
        old = stored.get(rec["id"])
        if old:
            judged = set(rec["labels"]) | set(rec["rejected"])
            rec = {**old, **rec,
                   "labels": sorted(set(rec["labels"]) | (set(old["labels"]) - judged)),
                   "rejected": sorted(set(rec["rejected"]) | (set(old["rejected"]) - judged))}
        stored[rec["id"]] = rec
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in stored.values()), encoding="utf-8")
    tmp.replace(path)
    return len(new)


def export_review(workspace: str | Path, out: str | Path | None = None) -> tuple[pd.DataFrame, Path]:
    """Select a workspace's tags for review and write them to ``out`` (default
    ``WORKSPACE/review.xlsx``); return the rows and the file."""
    from .. import store
    from .tagger import load_model

    passages, tags = store.load("passages", workspace), store.load("tags", workspace)
    if tags.empty:
        raise ReviewError(f"workspace {workspace} has no tags yet; run `hrdc tag --workspace {workspace}` first")
    frame = select_for_review(passages, tags, load_model().thresholds_)
    return frame, write_review(frame, out or Path(workspace) / "review.xlsx")


def import_review(path: str | Path, labels: Path | None = None) -> int:
    """Validate a filled-in review file against the taxonomy and merge it into ``labels``
    (default :data:`REVIEW_FILE`); return the number of passages judged."""
    from ..taxonomy import load_taxonomy

    return merge_labels(read_review(path, {c.id for c in load_taxonomy().leaves}), labels)
