"""The training set: labelled rows as a 0/1 label matrix and a weight matrix over criteria.

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
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..taxonomy import Taxonomy, load_taxonomy
from . import datasets


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
    """``rdr`` for ``rdr.G4a``."""
    return criterion.split(".", 1)[0]


def crosswalk_partners(taxonomy: Taxonomy | None = None) -> dict[str, set[str]]:
    """Criterion -> criteria the crosswalk pairs it with (either direction, any relation)."""
    taxonomy = taxonomy or load_taxonomy()
    partners = {c: set(taxonomy.equivalents(c)) for c in taxonomy.ids}
    return {c: found for c, found in partners.items() if found}


def taxonomy_criteria() -> tuple[list[str], dict[str, list[str]]]:
    """Every leaf criterion id and its signal phrases, from the taxonomy."""
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
        frames.append(datasets.load_labels())  # each row says what it was judged for
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


def configured_training_set(rows: pd.DataFrame, config: dict[str, Any], criteria: list[str] | None = None) -> TrainingSet:
    """:func:`build_training_set` over ``criteria`` (default: every leaf criterion) with the
    signals, crosswalk, transfer pairs and weights of a training config, as ``hrdc train`` and
    ``hrdc evaluate`` build it."""
    leaves, signals = taxonomy_criteria()
    return build_training_set(
        rows, leaves if criteria is None else criteria,
        signals=signals if config.get("signals", True) else None,
        partners=crosswalk_partners(),
        transfer=config.get("transfer") or {},
        transfer_weight=config.get("transfer_weight", 0.5),
        signal_weight=config.get("signal_weight", 0.5),
    )
