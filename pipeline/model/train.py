"""``hrdc train``: fit a :class:`Tagger` on the training set a config describes.

The model folder gets ``model.joblib``, ``elements.joblib`` (the element model, when the config
has ``element_model:`` and trains on RDR's quotes; :mod:`pipeline.model.element_model`),
``meta.json`` (config, data files and hashes, licences), ``metrics.json`` (out-of-fold F1 and
thresholds per criterion) and ``MODEL_CARD.md``.
How the rows and their weights are built is in :mod:`pipeline.model.training_set`.
"""
from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..paths import CORPORA_DIR, MODELS_DIR, data_dir
from ..records import sha256_bytes
from .element_model import ELEMENT_MODEL_FILE, RDR2019_CROSSWALK, save_element_model, train_element_model
from .model_card import write_model_card
from .tagger import Tagger, save_model
from .training_config import SOURCES
from .training_set import configured_training_set, load_sources

LICENCES = {
    "aims": "AIMS.au / AIMS.ca (Bora et al., ICLR 2025; AIMSCheck, ACL 2025), CC BY 4.0",
    "rdr_quotes": "Ranking Digital Rights, 2020 Corporate Accountability Index and 2022 Big Tech Scorecard, CC BY 4.0",
    "rdr2019": "Ranking Digital Rights, 2019 Corporate Accountability Index (element outcomes and comments), CC BY 4.0",
    "labels": "hrdc authors (corpora/labels), same licence as hrdc",
    "signals": "hrdc taxonomy signal phrases (corpora/criteria), same licence as hrdc",
}


def _reads_2019(config: dict[str, Any]) -> bool:
    return bool((config.get("element_model") or {}).get("rdr2019")) and "rdr_quotes" in config["sources"]


def file_hashes(config: dict[str, Any]) -> dict[str, str]:
    """sha256 of every data file a config trains on, keyed by a readable name."""
    root, sources = data_dir(), config["sources"]
    files: dict[str, Path] = {}
    if "aims" in sources:
        for j in (sources["aims"] or {}).get("jurisdictions", ["AU", "CA"]):
            files[f"shared/data/aims/aims_{j.lower()}.csv"] = root / f"aims/aims_{j.lower()}.csv"
    if "rdr_quotes" in sources:
        files["shared/data/rdr/rdr_evidence_quotes.jsonl"] = root / "rdr/rdr_evidence_quotes.jsonl"
    if "labels" in sources or "element_model" in config:
        for f in sorted((CORPORA_DIR / "labels").glob("*.jsonl")):
            files[f"corpora/labels/{f.name}"] = f
    if "element_model" in config:
        for f in sorted((CORPORA_DIR / "elements").glob("*.jsonl")):
            files[f"corpora/elements/{f.name}"] = f
    if _reads_2019(config):
        files["corpora/elements/rdr-2019-crosswalk.yaml"] = RDR2019_CROSSWALK
        for f in sorted((root / "rdr" / "2019-index").glob("RDR2019_*_Outcome.csv")):
            files[f"shared/data/rdr/2019-index/{f.name}"] = f
    return {name: hashlib.sha256(f.read_bytes()).hexdigest() for name, f in files.items()}


def train(config: dict[str, Any], out_dir: Path | None = None) -> Path:
    """Train the tagger a config describes and write its model folder; return the folder."""
    training = configured_training_set(load_sources(config), config)
    criteria = training.criteria
    start, cpu_start = time.perf_counter(), time.process_time()
    tagger = Tagger(criteria=criteria, **(config.get("model") or {})).fit(
        training.texts, training.Y, training.contexts, training.groups, training.W
    )
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    folder = out_dir or MODELS_DIR / config["name"]
    path = save_model(tagger, folder)
    elements = None
    (folder / ELEMENT_MODEL_FILE).unlink(missing_ok=True)  # never pair a new tagger with an old element model
    if "element_model" in config and "rdr_quotes" in config["sources"]:
        started = time.perf_counter()
        element_model = train_element_model(data_dir() / "rdr" / "rdr_evidence_quotes.jsonl",
                                            **(config["element_model"] or {}))
        saved = save_element_model(element_model, folder)
        elements = {"file": saved.name, "id": sha256_bytes(saved.read_bytes())[:12],  # as runs record it
                    "elements": len(element_model.elements_), "bytes": saved.stat().st_size,
                    "train_seconds": round(time.perf_counter() - started, 1)}
    meta = {
        "name": config["name"], "model_id": tagger.model_id, "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 1), "train_cpu_seconds": round(cpu_seconds, 1), "config": {k: v for k, v in config.items() if not k.startswith("_")},
        "rows": len(training.texts), "data": file_hashes(config),
        "licences": [LICENCES[s] for s in SOURCES if s in config["sources"]] + [LICENCES["signals"]]
                    + ([LICENCES["rdr2019"]] if _reads_2019(config) else []),
        "model_bytes": path.stat().st_size,
        "element_model": elements,
    }
    metrics = {
        "criteria": {c: {"n_positives": training.counts[c], "threshold": tagger.thresholds_[c],
                         "oof_f1": None if tagger.oof_f1_[c] is None else round(tagger.oof_f1_[c], 4)}
                     for c in tagger.criteria_},
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    write_model_card(folder)
    return folder

