"""``hrdc evaluate``: group-aware evaluation of the tagger against published baselines.

Every split keeps whole groups apart (AIMS statements by jurisdiction, RDR companies, OPP-115
policies), thresholds come from out-of-fold predictions on the training side only, and each
figure carries a bootstrap 95% interval over groups. A plain TF-IDF + logistic regression
(word 1–2-grams, balanced class weights, no context, no calibration, threshold 0.5) trained on the same rows sits
beside every number.

Evaluations: ``aims`` (train AU → test CA and back), ``rdr`` (company-grouped 5-fold on the
evidence quotes), ``opp115`` (the shipped default model on OPP-115 policies it never saw),
``attributes`` (future / negative detection on the AIMS CA sets), ``realdocs`` (hrdc's RDR
scores on real company policies against RDR's published results; :mod:`pipeline.realdocs`),
``evidence`` (whole AIMS statements through segment/tag/score: the share of MSA verdicts whose
top quote, and of all quotes shown, are sentences the experts labelled; :mod:`pipeline.evidence_eval`).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from . import attributes, datasets
from .metrics import bootstrap, f1_counts, f1_report, fmt as _fmt, grouped, mean_f1  # noqa: F401 (f1_counts: scripts use it)
from .paths import DEFAULT_MODEL

EVALUATIONS = ("aims", "rdr", "opp115", "attributes", "realdocs", "evidence")

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


def _training_set(rows: pd.DataFrame, criteria: list[str], config: dict):
    from .train import build_training_set, crosswalk_partners, taxonomy_criteria

    _, signals = taxonomy_criteria()
    return build_training_set(
        rows, criteria, signals=signals if config.get("signals", True) else None, partners=crosswalk_partners(),
        transfer=config.get("transfer") or {}, transfer_weight=config.get("transfer_weight", 0.5),
        signal_weight=config.get("signal_weight", 0.5),
    )


def _baseline(ts) -> Baseline:
    real = np.array([not g.startswith("signal:") for g in ts.groups])
    return Baseline().fit([t for t, r in zip(ts.texts, real) if r], ts.Y[real], ts.W[real])


def _train_pair(rows: pd.DataFrame, criteria: list[str], config: dict):
    """Our tagger and the TF-IDF+LR baseline, trained on the same rows."""
    ts = _training_set(rows, criteria, config)
    return _fit_ours(ts, criteria, config), _baseline(ts)


def _fit_ours(ts, criteria: list[str], config: dict):
    from .tag import Tagger

    return Tagger(criteria=criteria, **(config.get("model") or {})).fit(ts.texts, ts.Y, ts.contexts, ts.groups, ts.W)


def _labels_matrix(labels: pd.Series, criteria: list[str]) -> np.ndarray:
    return np.array([[c in set(row) for c in criteria] for row in labels], dtype=bool)


def _other_sources(config: dict, exclude: str) -> pd.DataFrame:
    from .train import load_sources

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
    ts = _training_set(aims_training_rows(train_j, config), AIMS_CRITERIA, config)
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
    from .train import taxonomy_criteria

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
    from .tag import load_model

    segments = datasets.load_opp115()
    tagger = load_model(model or DEFAULT_MODEL)
    categories = list(datasets.OPP115_TO_RDR)
    y = _labels_matrix(segments["labels"], categories)
    proba = tagger.predict_proba(segments["text"].tolist(), segments["context"].tolist())
    labels = proba >= np.array([tagger.thresholds_[c] for c in tagger.criteria_])
    rdr = [c for c in tagger.criteria_ if c.startswith("rdr.")]
    from .train import load_sources

    base = _baseline(_training_set(load_sources(config), rdr, config))
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


# -- reporting ------------------------------------------------------------------------------


def render_table(results: dict) -> str:
    """Markdown table: ours vs TF-IDF+LR vs published, with 95% bootstrap intervals."""
    lines = ["| evaluation | metric | ours [95% CI] | TF-IDF+LR [95% CI] | published |", "|---|---|---|---|---|"]
    for key, r in results.get("aims", {}).items():
        lines.append(f"| AIMS {key[5:]} ({r['groups']} statements) | {r['metric']} | {_fmt(r['ours'])} | {_fmt(r['baseline_tfidf_lr'])} | {r['published']} |")
    if "rdr" in results:
        r = results["rdr"]
        lines.append(f"| RDR quotes, {r['folds']}-fold by company ({r['groups']} companies) | accuracy@1 | {_fmt(r['ours']['accuracy_at_1'])} | {_fmt(r['baseline_tfidf_lr']['accuracy_at_1'])} | {r['published']} |")
        lines.append(f"| RDR quotes, {r['folds']}-fold by company | macro-F1, {r['indicators_with_5_quotes']} indicators with >= 5 quotes | {_fmt(r['ours']['macro_f1'])} | {_fmt(r['baseline_tfidf_lr']['macro_f1'])} | – |")
    if "opp115" in results:
        r = results["opp115"]
        lines.append(f"| OPP-115, {r['groups']} policies, not trained on | {r['metric']} | {_fmt(r['ours'])} | {_fmt(r['baseline_tfidf_lr'])} | {r['published']} |")
    for key, r in results.get("attributes", {}).items():
        published = r["published"]
        if "published_model_on_this_set" in r:
            published = f"{published} (recomputed: {_fmt(r['published_model_on_this_set'])})"
        lines.append(f"| {key} ({r['population']}, {r['positives']}/{r['n']}) | positive-class F1 | {_fmt(r['ours'])} | – | {published} |")
    if "realdocs" in results:
        from .realdocs import table_rows

        lines += table_rows(results["realdocs"])
    if "evidence" in results:
        from . import evidence_eval

        lines += evidence_eval.table_rows(results["evidence"])
    return "\n".join(lines) + "\n"


def write_model_card(folder: str | Path) -> Path:
    """Write ``MODEL_CARD.md`` from ``meta.json``, ``metrics.json`` and ``evaluation.json``."""
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    evaluation_file = folder / "evaluation.json"
    evaluation = json.loads(evaluation_file.read_text()) if evaluation_file.exists() else None
    model = meta["config"].get("model", {})
    crit = metrics["criteria"]
    few = sorted(c for c, m in crit.items() if m["oof_f1"] is None)
    lines = [
        f"# Model card: hrdc tagger `{meta['name']}` ({meta['model_id']})", "",
        f"Trained {meta['trained_at']} in {meta['train_seconds']} s wall"
        + (f" ({meta['train_cpu_seconds']} s CPU)" if "train_cpu_seconds" in meta else "")
        + f" on {meta['rows']} rows; "
        f"{len(crit)} criteria; file {meta['model_bytes'] / 1e6:.1f} MB (`model.joblib`, a joblib pickle: "
        "loading it runs code, so load only models you trust).", "",
        "## Model", "",
        f"One logistic regression per criterion (`{model.get('estimator', 'lr')}`, C={model.get('C')}, "
        f"class_weight={model.get('class_weight')}) over TF-IDF word {tuple(model.get('word_ngrams', (1, 2)))}-grams and "
        f"character {tuple(model.get('char_ngrams', (3, 5)))}-grams of the passage, plus word n-grams of its context "
        f"(neighbouring sentences) weighted {model.get('context_weight')}. Probabilities are Platt-calibrated on "
        f"out-of-fold decision values ({model.get('cv')}-fold, folds never split a statement, company or labelled "
        "passage), and each criterion's threshold maximises F1 on those out-of-fold predictions: no test data is used.",
        "",
        "Criteria without enough labelled data: every criterion also learns from its taxonomy signal phrases "
        f"(weight {meta['config'].get('signal_weight')}) and from our labelled passages in `corpora/labels/` "
        "(GUIDE.md); selected crosswalk equivalents share positives (`transfer` in the config), and crosswalk "
        "partners are never used as negatives. Criteria with fewer than 3 positives or positives in fewer "
        f"groups than folds use the uncalibrated probability and threshold 0.5: {', '.join(few) or 'none'}.", "",
        "`future` and `negative` passage attributes come from transparent lexical rules (`pipeline/attributes.py`).", "",
        "## Training data and licences", "",
        *[f"- {lic}" for lic in meta["licences"]],
        "- OPP-115 (research-only licence) is used for evaluation only, never for training.", "",
        "Data files (sha256):", "",
        *[f"- `{name}` {digest[:16]}…" for name, digest in meta["data"].items()], "",
    ]
    if evaluation:
        lines += ["## Evaluation (`hrdc evaluate`)", "",
                  "Group-aware splits only; 95% bootstrap intervals over groups. Baseline: plain TF-IDF word "
                  "1-2-grams + class-balanced logistic regression, no context, threshold 0.5, same training rows.", "",
                  render_table(evaluation)]
        if "measured_with" in evaluation:
            stale = [name for name in EVALUATIONS
                     if name in evaluation and evaluation["measured_with"].get(name) != meta["model_id"]]
            if stale:
                lines += [f"Not re-run for this model (figures from an earlier model): {', '.join(stale)}.", ""]
    if meta["config"].get("selection"):
        lines += ["## Model selection", "", " ".join(str(meta["config"]["selection"]).split()), ""]
    lines += ["## Thresholds and out-of-fold F1 per criterion", "", "| criterion | positives | threshold | OOF F1 |", "|---|---|---|---|"]
    lines += [f"| {c} | {m['n_positives']} | {m['threshold']:.3f} | {'–' if m['oof_f1'] is None else format(m['oof_f1'], '.3f')} |"
              for c, m in crit.items()]
    path = folder / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(what: list[str] | None = None, config_path: str | None = None, *, edition: str = "both",
        workspace: str | None = None) -> dict:
    """Run the evaluations ``what`` (default all); ``edition`` and ``workspace`` are realdocs'."""
    from .train import load_config

    config = load_config(config_path)
    results, timings = {}, {}
    for name in what or EVALUATIONS:
        start = time.perf_counter()
        if name == "aims":
            results["aims"] = evaluate_aims(config)
        elif name == "rdr":
            results["rdr"] = evaluate_rdr(config)
        elif name == "opp115":
            results["opp115"] = evaluate_opp115(config)
        elif name == "attributes":
            results["attributes"] = evaluate_attributes()
        elif name == "realdocs":
            from . import realdocs

            results["realdocs"] = realdocs.to_json(realdocs.run(edition, workspace))
        elif name == "evidence":
            from . import evidence_eval

            results["evidence"] = evidence_eval.evaluate(config)
        timings[name] = round(time.perf_counter() - start, 1)
    results["seconds"] = timings
    return results


def main(what: list[str] | None = None, out: str | None = None, *, edition: str = "both",
         workspace: str | None = None, detail: bool = False) -> int:
    """``hrdc evaluate [aims rdr opp115 attributes realdocs evidence] [--out PATH]``.

    ``--out`` names the metrics JSON file, or a folder (an existing one, or a path without a
    suffix) that gets ``evaluation.json``; realdocs' CSVs go to that folder (beside the file).
    Without ``--out`` the results also go to ``models/default/evaluation.json`` and its model
    card. realdocs: ``edition`` (2020, 2022, both), ``workspace`` (reuse a folder; default a
    temporary one), ``detail`` (print per-indicator and per-company tables).
    """
    from . import realdocs
    from .tag import ModelError
    from .train import ConfigError

    unknown = sorted(set(what or ()) - set(EVALUATIONS))
    if unknown:
        print(f"hrdc evaluate: unknown evaluation(s) {', '.join(unknown)}; choose from {', '.join(EVALUATIONS)}", file=sys.stderr)
        return 2
    try:
        results = run(what, edition=edition, workspace=workspace)
    except (datasets.DatasetError, ConfigError, ModelError) as exc:
        print(f"hrdc evaluate: {exc}", file=sys.stderr)
        return 2
    print(render_table(results), end="")
    if "realdocs" in results:
        print(realdocs.render_answerable(results["realdocs"]), end="")
        if detail:
            print(realdocs.render_detail(results["realdocs"]), end="")
    if "evidence" in results:
        from . import evidence_eval

        print(evidence_eval.render_detail(results["evidence"]), end="")
    text = json.dumps(results, indent=2) + "\n"
    if out:
        path = Path(out)
        if path.is_dir() or not path.suffix:
            path = path / "evaluation.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if "realdocs" in results:
            for written in realdocs.write_csvs(results["realdocs"], path.parent):
                print(written)
    elif (DEFAULT_MODEL / "meta.json").exists():
        path = DEFAULT_MODEL / "evaluation.json"
        previous = json.loads(path.read_text()) if path.exists() else {}
        # Which model each result was measured with, so the card can flag results left from an earlier model.
        model_id = json.loads((DEFAULT_MODEL / "meta.json").read_text())["model_id"]
        measured = {**previous.get("measured_with", {}), **{name: model_id for name in results if name != "seconds"}}
        path.write_text(json.dumps({**previous, **results, "measured_with": measured}, indent=2) + "\n", encoding="utf-8")
        write_model_card(DEFAULT_MODEL)
    return 0

