"""Metrics with bootstrap 95% intervals over groups (statements, companies, policies).

Every evaluation resamples whole groups, never rows, so an interval says how much a figure
would move with another sample of companies or statements.
"""
from __future__ import annotations

from typing import Callable

import numpy as np


# -- F1 --------------------------------------------------------------------------------
def f1_counts(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Per-column (tp, fp, fn) of boolean matrices y and pred: shape (3, n_columns)."""
    y, pred = y.astype(bool), pred.astype(bool)
    return np.stack([(y & pred).sum(0), (~y & pred).sum(0), (y & ~pred).sum(0)]).astype(float)


def mean_f1(counts: np.ndarray) -> float:
    """Mean F1 over columns; a column with neither gold nor predicted positives is left out."""
    tp, fp, fn = counts
    denom = 2 * tp + fp + fn
    if not (denom > 0).any():
        return 0.0
    return float(np.mean(2 * tp[denom > 0] / denom[denom > 0]))


def bootstrap(stat: Callable[[np.ndarray], float], per_group: np.ndarray, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% interval of ``stat(sum of per-group arrays)`` resampling groups with replacement."""
    rng = np.random.default_rng(seed)
    k = len(per_group)
    values = [stat(per_group[rng.integers(0, k, k)].sum(0)) for _ in range(n)]
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def grouped(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sum row-level arrays (n, ...) into per-group arrays (n_groups, ...)."""
    _, inverse = np.unique(groups, return_inverse=True)
    out = np.zeros((inverse.max() + 1,) + values.shape[1:])
    np.add.at(out, inverse, values)
    return out


def f1_report(y: np.ndarray, pred: np.ndarray, groups: np.ndarray) -> dict:
    per_row = np.stack([y & pred, ~y & pred, y & ~pred], axis=1).astype(float)  # (n, 3, C)
    per_group = grouped(per_row, groups)
    value = mean_f1(per_group.sum(0))
    lo, hi = bootstrap(mean_f1, per_group)
    return {"value": round(value, 4), "ci95": [round(lo, 4), round(hi, 4)]}


def ratio_of_sums(per_group: np.ndarray, n: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """``sum(numerators) / sum(denominators)`` of per-group rows ``(numerator, denominator)``
    with its 95% interval; groups with a zero denominator are left out. NaN when nothing is left."""
    per_group = np.asarray(per_group, float).reshape(-1, 2)
    per_group = per_group[per_group[:, 1] > 0]
    if not len(per_group):
        return float("nan"), float("nan"), float("nan")
    lo, hi = bootstrap(_ratio, per_group, n=n, seed=seed)
    return _ratio(per_group.sum(0)), lo, hi


def _ratio(sums: np.ndarray) -> float:
    return float(sums[0] / sums[1]) if sums[1] else float("nan")


def figure(value: float, lo: float, hi: float) -> dict | None:
    """A figure for JSON: ``{"value", "ci95"}`` rounded to 4 places; None when undefined."""
    if np.isnan(value):
        return None
    return {"value": round(float(value), 4), "ci95": [round(float(lo), 4), round(float(hi), 4)]}


def fmt(entry: dict | None) -> str:
    """``0.728 [0.689, 0.766]``; '–' for a missing figure or bound."""
    if not entry or entry["value"] is None:
        return "–"
    lo, hi = ("–" if x is None else f"{x:.3f}" for x in entry["ci95"])
    return f"{entry['value']:.3f} [{lo}, {hi}]"
