"""``hrdc train``: build the training matrix from a YAML config and fit a :class:`Tagger`.

Data sets label different frameworks, so each row carries a weight per criterion:

* a row is a positive for its labels;
* it is a negative only for the frameworks and single criteria its source annotates
  exhaustively (``negative_for`` in the config), never for criteria the source leaves
  unannotated, and never for crosswalk partners of its own labels (an RDR G4a quote may well
  evidence ``gni.rcdm_hria``; it is not evidence against it);
* ``transfer`` pairs of the config copy positives to a near-identical criterion of another
  framework at a lower weight;
* every criterion's taxonomy ``signals`` are added as short weak positives, so a criterion
  with few labelled passages still gets a principled score.

The model folder gets ``model.joblib``, ``meta.json`` (config, data files and hashes,
licences), ``metrics.json`` (out-of-fold F1 and thresholds per criterion) and ``MODEL_CARD.md``.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import datasets
from .paths import CORPORA_DIR, MODELS_DIR, REPO_ROOT, data_dir
from .tag import Tagger, save_model

DEFAULT_CONFIG = REPO_ROOT / "configs" / "default.yaml"
CROSSWALK = CORPORA_DIR / "criteria" / "crosswalk.yaml"

LICENCES = {
    "aims": "AIMS.au / AIMS.ca (Bora et al., ICLR 2025; AIMSCheck, ACL 2025), CC BY 4.0",
    "rdr_quotes": "Ranking Digital Rights, 2020 Corporate Accountability Index and 2022 Big Tech Scorecard, CC BY 4.0",
    "labels": "hrdc authors (corpora/labels), same licence as hrdc",
    "signals": "hrdc taxonomy signal phrases (corpora/criteria), same licence as hrdc",
}


class ConfigError(ValueError):
    """A training config is missing or invalid."""


@dataclass
class TrainingSet:
    """Rows, their 0/1 labels and per-criterion weights (0 = the row says nothing)."""

    texts: list[str]
    contexts: list[str]
    groups: np.ndarray
    Y: np.ndarray
    W: np.ndarray
    criteria: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def framework_of(criterion: str) -> str:
    return criterion.split(".", 1)[0]


def load_config(path: str | Path | None) -> dict[str, Any]:
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(config, dict) or "name" not in config or "sources" not in config:
        raise ConfigError(f"{path}: a config needs at least `name:` and `sources:`")
    unknown = set(config["sources"]) - {"aims", "rdr_quotes", "labels"}
    if unknown:
        raise ConfigError(f"{path}: unknown source(s) {', '.join(sorted(unknown))}; use aims, rdr_quotes, labels "
                          "(OPP-115 is research-only and never a training source)")
    config["_path"] = str(path)
    return config


def crosswalk_partners(path: Path = CROSSWALK) -> dict[str, set[str]]:
    """Criterion -> criteria the crosswalk pairs it with (either direction, any relation)."""
    partners: dict[str, set[str]] = {}
    if not path.exists():
        return partners
    for a, _, b in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("pairs", []):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    return partners


def taxonomy_criteria() -> tuple[list[str], dict[str, list[str]]]:
    """Every leaf criterion id and its signal phrases, from the taxonomy."""
    from .taxonomy import load_taxonomy

    leaves = load_taxonomy().leaves
    return [c.id for c in leaves], {c.id: list(c.signals or []) for c in leaves}


def load_sources(config: dict[str, Any]) -> pd.DataFrame:
    """The configured training rows, each with the frameworks its source annotates exhaustively."""
    sources = config["sources"]
    frames = []
    if "aims" in sources:
        spec = sources["aims"] or {}
        for j in spec.get("jurisdictions", ["AU", "CA"]):
            frame = datasets.load_aims(j, context_sentences=config.get("context_sentences", 1))
            frames.append(frame.assign(negative_for=[spec.get("negative_for", ["msa"])] * len(frame)))
    if "rdr_quotes" in sources:
        spec = sources["rdr_quotes"] or {}
        frame = datasets.load_rdr_quotes()
        frames.append(frame.assign(negative_for=[spec.get("negative_for", ["rdr"])] * len(frame)))
    if "labels" in sources:
        frame = datasets.load_labels()
        frames.append(frame.assign(negative_for=[["*"]] * len(frame)))
    return pd.concat(frames, ignore_index=True)


def build_training_set(
    rows: pd.DataFrame,
    criteria: list[str],
    *,
    signals: dict[str, list[str]] | None = None,
    partners: dict[str, set[str]] | None = None,
    transfer: dict[str, list[str]] | None = None,
    transfer_weight: float = 0.5,
    signal_weight: float = 0.5,
) -> TrainingSet:
    """Turn labelled rows into ``Y`` and ``W`` over ``criteria`` (see the module docstring)."""
    index = {c: j for j, c in enumerate(criteria)}
    frameworks = np.array([framework_of(c) for c in criteria])
    ids = np.array(criteria)
    partners = partners or {}
    transfer = transfer or {}
    texts, contexts, groups = rows["text"].tolist(), rows["context"].fillna("").tolist(), rows["group"].tolist()
    n = len(rows)
    Y = np.zeros((n, len(criteria)), dtype=np.int8)
    W = np.zeros((n, len(criteria)), dtype=np.float32)
    # Columns only some sources carry: missing means exhaustive, nothing rejected.
    exhaustive = [e is not False for e in rows.get("exhaustive", [True] * n)]
    rejected = [r if isinstance(r, list) else [] for r in rows.get("rejected", [[]] * n)]
    for i, (labels, unannotated, neg_for, exh, rej) in enumerate(
        zip(rows["labels"], rows["unannotated"], rows["negative_for"], exhaustive, rejected)
    ):
        if exh:
            W[i] = 1.0 if "*" in neg_for else (np.isin(frameworks, neg_for) | np.isin(ids, neg_for)).astype(np.float32)
            # Unannotated criteria say nothing, and neither do their crosswalk partners or transfer targets.
            silent = [*unannotated, *(t for u in unannotated for t in transfer.get(u, ()))]
            for c in silent + [p for lab in [*labels, *unannotated] for p in partners.get(lab, ())]:
                if c in index:
                    W[i, index[c]] = 0.0
        for c in rej:
            if c in index:
                Y[i, index[c]], W[i, index[c]] = 0, 1.0
        for lab in labels:
            for c in transfer.get(lab, ()):
                if c in index and Y[i, index[c]] == 0:
                    Y[i, index[c]], W[i, index[c]] = 1, transfer_weight
        for c in labels:
            if c in index:
                Y[i, index[c]], W[i, index[c]] = 1, 1.0
    extra_Y, extra_W = [], []
    for c, phrases in (signals or {}).items():
        if c not in index:
            continue
        for k, phrase in enumerate(phrases):
            texts.append(phrase)
            contexts.append("")
            groups.append(f"signal:{c}:{k}")
            y, w = np.zeros(len(criteria), np.int8), np.zeros(len(criteria), np.float32)
            y[index[c]], w[index[c]] = 1, signal_weight
            extra_Y.append(y)
            extra_W.append(w)
    if extra_Y:
        Y, W = np.vstack([Y, extra_Y]), np.vstack([W, extra_W])
    counts = {c: int(((Y[:, j] == 1) & (W[:, j] > 0)).sum()) for c, j in index.items()}
    return TrainingSet(texts, contexts, np.asarray(groups), Y, W, list(criteria), counts)


def file_hashes(config: dict[str, Any]) -> dict[str, str]:
    """sha256 of every data file a config trains on, keyed by a readable name."""
    root, sources = data_dir(), config["sources"]
    files: dict[str, Path] = {}
    if "aims" in sources:
        for j in (sources["aims"] or {}).get("jurisdictions", ["AU", "CA"]):
            files[f"shared/data/aims/aims_{j.lower()}.csv"] = root / f"aims/aims_{j.lower()}.csv"
    if "rdr_quotes" in sources:
        files["shared/data/rdr/rdr_evidence_quotes.jsonl"] = root / "rdr/rdr_evidence_quotes.jsonl"
    if "labels" in sources:
        for f in sorted((CORPORA_DIR / "labels").glob("*.jsonl")):
            files[f"corpora/labels/{f.name}"] = f
    return {name: hashlib.sha256(f.read_bytes()).hexdigest() for name, f in files.items()}


def train(config: dict[str, Any], out_dir: Path | None = None) -> Path:
    """Train the tagger a config describes and write its model folder; return the folder."""
    criteria, signals = taxonomy_criteria()
    rows = load_sources(config)
    training = build_training_set(
        rows, criteria,
        signals=signals if config.get("signals", True) else None,
        partners=crosswalk_partners(),
        transfer=config.get("transfer") or {},
        transfer_weight=config.get("transfer_weight", 0.5),
        signal_weight=config.get("signal_weight", 0.5),
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    tagger = Tagger(criteria=criteria, **(config.get("model") or {})).fit(
        training.texts, training.Y, training.contexts, training.groups, training.W
    )
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    folder = out_dir or MODELS_DIR / config["name"]
    path = save_model(tagger, folder)
    meta = {
        "name": config["name"], "model_id": tagger.model_id, "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 1), "train_cpu_seconds": round(cpu_seconds, 1), "config": {k: v for k, v in config.items() if not k.startswith("_")},
        "rows": len(training.texts), "data": file_hashes(config),
        "licences": [LICENCES[s] for s in ("aims", "rdr_quotes", "labels") if s in config["sources"]] + [LICENCES["signals"]],
        "model_bytes": path.stat().st_size,
    }
    metrics = {
        "criteria": {c: {"n_positives": training.counts[c], "threshold": tagger.thresholds_[c],
                         "oof_f1": None if tagger.oof_f1_[c] is None else round(tagger.oof_f1_[c], 4)}
                     for c in tagger.criteria_},
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    from .evaluate import write_model_card

    write_model_card(folder)
    return folder


def main(config: str | None = None) -> int:
    """``hrdc train [--config FILE]``."""
    try:
        cfg = load_config(config)
        folder = train(cfg)
    except (ConfigError, datasets.DatasetError) as exc:
        print(f"hrdc train: {exc}", file=sys.stderr)
        return 2
    meta = json.loads((folder / "meta.json").read_text())
    print(f"trained {meta['name']} ({meta['model_id']}) on {meta['rows']} rows in {meta['train_seconds']} s "
          f"-> {folder} ({meta['model_bytes'] / 1e6:.1f} MB)")
    return 0
