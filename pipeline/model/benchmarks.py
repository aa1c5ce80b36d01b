"""The tagger on labelled data sets, against a TF-IDF baseline and published figures.

Every split keeps whole groups apart (AIMS statements by jurisdiction, RDR companies, OPP-115
policies), thresholds come from out-of-fold predictions on the training side only, and each
figure carries a bootstrap 95% interval over groups. A plain TF-IDF + logistic regression
(word 1–2-grams, balanced class weights, no context, no calibration, threshold 0.5) trained on the same rows sits
beside every number.

Evaluations: ``aims`` (train AU → test CA and back), ``rdr`` (company-grouped 5-fold on the
evidence quotes), ``opp115`` (the shipped default model on OPP-115 policies it never saw),
``attributes`` (future / negative detection on the AIMS CA sets). ``hrdc evaluate`` runs them
with :mod:`pipeline.model.realdocs` and :mod:`pipeline.model.evidence_precision`
(:mod:`pipeline.model.evaluate`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from ..paths import DEFAULT_MODEL
from . import attributes, datasets
from .metrics import bootstrap, f1_counts, f1_report, grouped, mean_f1
from .tagger import Tagger, load_model
from .training_set import TrainingSet, configured_training_set, load_sources, taxonomy_criteria

PUBLISHED = {
    "aims:AU->CA": "BERT no context 0.677, BERT 100-word context 0.700, GPT-4o 0.582 (AIMSCheck Table 2, trained on the AIMS.au training split, far more data than our 50 statements)",
    "aims:CA->AU": "BERT no context 0.694, GPT-4o 0.601 on AU (AIMSCheck Table 2, trained on AIMS.au train)",
    "rdr": "none published (the quotes file is derived by us)",
    "opp115": "BERT macro-F1 0.784, PrivBERT 0.821 over 12 categories on a leaky random segment split, trained on OPP-115 (PrivacyGLUE); not comparable",
    "future": "NLTK tense heuristic F1 0.414 on AIMS UK future (kept back); different set",
    "negative": "zero-shot BART-MNLI positive-class F1 0.389 on this set",
}


# -- models ---------------------------------------------------------------------------------
class Baseline:
    """Plain TF-IDF + class-balanced logistic regression per criterion, threshold 0.5, passage text only."""

    def fit(self, texts, Y, W):
        self.vec_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(texts)
        X = self.vec_.transform(texts)
        self.models_ = []
        for j in range(Y.shape[1]):
            keep = W[:, j] > 0
            y = Y[keep, j]
            self.models_.append(LogisticRegression(solver="liblinear", class_weight="balanced").fit(X[keep], y) if 0 < y.sum() < len(y) else None)
        return self

    def predict_proba(self, texts):
        X = self.vec_.transform(texts)
        return np.column_stack([m.predict_proba(X)[:, 1] if m is not None else np.zeros(X.shape[0]) for m in self.models_])


def _baseline(ts: TrainingSet) -> Baseline:
    real = np.array([not g.startswith("signal:") for g in ts.groups])
    return Baseline().fit([t for t, r in zip(ts.texts, real) if r], ts.Y[real], ts.W[real])


def _train_pair(rows: pd.DataFrame, criteria: list[str], config: dict):
    """Our tagger and the TF-IDF+LR baseline, trained on the same rows."""
    ts = configured_training_set(rows, config, criteria)
    return _fit_ours(ts, criteria, config), _baseline(ts)


def _fit_ours(ts: TrainingSet, criteria: list[str], config: dict) -> Tagger:
    return Tagger(criteria=criteria, **(config.get("model") or {})).fit(ts.texts, ts.Y, ts.contexts, ts.groups, ts.W)


def _labels_matrix(labels: pd.Series, criteria: list[str]) -> np.ndarray:
    return np.array([[c in set(row) for c in criteria] for row in labels], dtype=bool)


def _other_sources(config: dict, exclude: str) -> pd.DataFrame:
    sources = {k: v for k, v in config["sources"].items() if k != exclude}
    return load_sources({**config, "sources": sources}) if sources else pd.DataFrame()


# -- evaluations ----------------------------------------------------------------------------
AIMS_CRITERIA = [f"msa.{c}" for c in datasets.AIMS_COLUMNS]


def aims_training_rows(train_j: str, config: dict, others: pd.DataFrame | None = None) -> pd.DataFrame:
    """The training rows of the AIMS split that trains on jurisdiction ``train_j``: its AIMS
    sentences (negatives as the config's ``aims.negative_for`` says) plus the config's other sources."""
    aims_spec = config["sources"].get("aims") or {}
    train = datasets.load_aims(train_j, context_sentences=config.get("context_sentences", 1))
    train["negative_for"] = [aims_spec.get("negative_for", ["msa"])] * len(train)
    others = _other_sources(config, "aims") if others is None else others
    return pd.concat([train, others], ignore_index=True)


def train_aims_tagger(train_j: str, config: dict):
    """Our tagger as ``evaluate_aims`` trains it for the split that trains on ``train_j``."""
    ts = configured_training_set(aims_training_rows(train_j, config), config, AIMS_CRITERIA)
    return _fit_ours(ts, AIMS_CRITERIA, config)


def evaluate_aims(config: dict) -> dict:
    """Cross-jurisdiction AIMS: mean F1 over the 9 criteria UK/CA annotate."""
    criteria = AIMS_CRITERIA
    nine = [criteria.index(f"msa.{c}") for c in datasets.AIMS_SHARED9]
    others = _other_sources(config, "aims")
    results = {}
    for train_j, test_j in (("AU", "CA"), ("CA", "AU")):
        test = datasets.load_aims(test_j, context_sentences=1)
        ours, base = _train_pair(aims_training_rows(train_j, config, others), criteria, config)
        y = _labels_matrix(test["labels"], criteria)[:, nine]
        thr = np.array([ours.thresholds_[criteria[j]] for j in nine])
        pred = ours.predict_proba(test["text"].tolist(), test["context"].tolist())[:, nine] >= thr
        pred_base = base.predict_proba(test["text"].tolist())[:, nine] >= 0.5
        groups = test["group"].to_numpy()
        key = f"aims:{train_j}->{test_j}"
        results[key] = {
            "metric": "mean F1, 9 shared criteria", "n": len(test), "groups": int(test["group"].nunique()),
            "ours": f1_report(y, pred, groups), "baseline_tfidf_lr": f1_report(y, pred_base, groups),
            "per_criterion": {criteria[j]: round(mean_f1(f1_counts(y[:, [k]], pred[:, [k]])), 4) for k, j in enumerate(nine)},
            "published": PUBLISHED[key],
        }
    return results


def evaluate_rdr(config: dict, folds: int = 5) -> dict:
    """Company-grouped k-fold on the RDR evidence quotes: accuracy@1 and macro-F1."""
    quotes = datasets.load_rdr_quotes()
    quotes["negative_for"] = [(config["sources"].get("rdr_quotes") or {}).get("negative_for", ["rdr"])] * len(quotes)
    criteria = [c for c in taxonomy_criteria()[0] if c.startswith("rdr.")]
    others = _other_sources(config, "rdr_quotes")
    y = _labels_matrix(quotes["labels"], criteria)
    proba, proba_base = np.zeros(y.shape), np.zeros(y.shape)
    pred = np.zeros(y.shape, dtype=bool)
    groups = quotes["group"].to_numpy()
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(quotes, groups=groups):
        ours, base = _train_pair(pd.concat([quotes.iloc[train_idx], others], ignore_index=True), criteria, config)
        texts = quotes["text"].iloc[test_idx].tolist()
        proba[test_idx] = ours.predict_proba(texts)
        pred[test_idx] = proba[test_idx] >= np.array([ours.thresholds_[c] for c in criteria])
        proba_base[test_idx] = base.predict_proba(texts)
    support = y.sum(0) >= 5
    out = {"n": len(quotes), "groups": int(len(set(groups))), "folds": folds,
           "indicators_with_5_quotes": int(support.sum()), "published": PUBLISHED["rdr"]}
    for name, p, labels in (("ours", proba, pred), ("baseline_tfidf_lr", proba_base, proba_base >= 0.5)):
        hit = y[np.arange(len(y)), p.argmax(1)].astype(float)
        per_group_hits = grouped(np.column_stack([hit, np.ones_like(hit)]), groups)
        acc = lambda s: float(s[0] / s[1])  # noqa: E731
        lo, hi = bootstrap(acc, per_group_hits)
        out[name] = {"accuracy_at_1": {"value": round(acc(per_group_hits.sum(0)), 4), "ci95": [round(lo, 4), round(hi, 4)]},
                     "macro_f1": f1_report(y[:, support], labels[:, support], groups)}
    return out


def evaluate_opp115(config: dict, model: str | Path | None = None) -> dict:
    """The shipped default model on OPP-115 segments (never trained on): macro-F1, 8 categories."""
    segments = datasets.load_opp115()
    tagger = load_model(model or DEFAULT_MODEL)
    categories = list(datasets.OPP115_TO_RDR)
    y = _labels_matrix(segments["labels"], categories)
    proba = tagger.predict_proba(segments["text"].tolist(), segments["context"].tolist())
    labels = proba >= np.array([tagger.thresholds_[c] for c in tagger.criteria_])
    rdr = [c for c in tagger.criteria_ if c.startswith("rdr.")]
    base = _baseline(configured_training_set(load_sources(config), config, rdr))
    base_labels = base.predict_proba(segments["text"].tolist()) >= 0.5

    def categories_of(pred: np.ndarray, names: list[str]) -> np.ndarray:
        cols = {c: j for j, c in enumerate(names)}
        return np.column_stack([pred[:, [cols[i] for i in datasets.OPP115_TO_RDR[cat]]].any(1) for cat in categories])

    groups = segments["group"].to_numpy()
    pred = categories_of(labels, tagger.criteria_)
    return {
        "metric": "macro-F1, 8 mapped categories (majority labels)", "n": len(segments), "groups": int(len(set(groups))),
        "model_id": tagger.model_id,
        "ours": f1_report(y, pred, groups), "baseline_tfidf_lr": f1_report(y, categories_of(base_labels, rdr), groups),
        "per_category": {cat: round(mean_f1(f1_counts(y[:, [k]], pred[:, [k]])), 4) for k, cat in enumerate(categories)},
        "published": PUBLISHED["opp115"],
    }


def evaluate_attributes() -> dict:
    """Future and negative detection on the AIMS CA evidence sets (positive-class F1)."""
    fut, neg = datasets.load_ca_future(), datasets.load_negative_ca()
    out = {}
    for key, frame, gold, population in (
        ("future", fut[fut["relevant"]], "future", "CA C2-C5 evidence sentences, gold from the expert's 'future' notes"),
        ("future_all_sentences", fut, "future", "all CA sentences"),
        ("negative", neg, "negative", "negative_evidence_ca.csv"),
    ):
        detect = attributes.is_future if gold == "future" else attributes.is_negative
        y = frame[gold].to_numpy()[:, None]
        pred = np.array([detect(t) for t in frame["text"]])[:, None]
        entry = {"population": population, "n": len(frame), "positives": int(y.sum()),
                 "ours": f1_report(y, pred, frame["statement_id"].to_numpy()),
                 "published": PUBLISHED["future" if gold == "future" else "negative"]}
        if gold == "negative":
            entry["published_model_on_this_set"] = f1_report(y, frame["baseline"].to_numpy()[:, None], frame["statement_id"].to_numpy())
        out[key] = entry
    return out
