"""``MODEL_CARD.md``: what a trained tagger is, what it learnt from and how well it does.

Written from a model folder's ``meta.json`` and ``metrics.json`` (``hrdc train``) and, once
``hrdc evaluate`` has stored one, its ``evaluation.json``.
"""
from __future__ import annotations

import json
from pathlib import Path

from .evaluation_table import EVALUATIONS, render_table


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
        "`future` and `negative` passage attributes come from transparent lexical rules (`pipeline/model/attributes.py`).", "",
        *_element_model_lines(meta),
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


def _element_model_lines(meta: dict) -> list[str]:
    """The element model's paragraph, when the folder has one (``elements.joblib``)."""
    info, params = meta.get("element_model"), meta["config"].get("element_model") or {}
    if not info:
        return []
    return [f"RDR's element questions are read by the element model (`{info['file']}`, "
            f"{info.get('bytes', 0) / 1e6:.1f} MB, trained in {info['train_seconds']} s): one class-balanced logistic "
            f"regression per element (C={params.get('C', 4.0)}) over TF-IDF word 1-2-grams, for the "
            f"{info['elements']} elements of {', '.join(params.get('frameworks', ['rdr']))} with at least "
            f"{params.get('min_positives', 3)} examples, learned from RDR's evidence quotes"
            f"{' (2020 and 2022, and the 2019 researchers’ comments mapped by `corpora/elements/rdr-2019-crosswalk.yaml`)' if params.get('rdr2019') else ''}"
            " and the written element "
            "examples of `corpora/elements/`, with near misses (each a negative for the element it rejects) and the labelled passages that answer no RDR question "
            f"({', '.join(params.get('negatives', ['labels']))}) as negatives (`pipeline/model/element_model.py`). "
            "`hrdc evaluate realdocs` trains its own without the quotes of the companies it evaluates.", ""]
