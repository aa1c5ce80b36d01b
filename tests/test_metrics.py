"""Metrics shared by the evaluations (pipeline/model/metrics.py)."""
import math

import numpy as np
import pytest

from pipeline.model.metrics import figure, fmt, ratio_of_sums


def test_ratio_of_sums_is_the_pooled_ratio_with_a_bootstrap_interval():
    value, lo, hi = ratio_of_sums(np.array([[1, 2], [2, 2], [0, 0], [3, 4]]))
    assert value == pytest.approx(6 / 8)
    assert lo <= value <= hi and 0 <= lo and hi <= 1
    same = ratio_of_sums(np.array([[1, 2], [2, 2], [3, 4]]))  # the empty group changes nothing
    assert same == pytest.approx((value, lo, hi))
    assert all(math.isnan(x) for x in ratio_of_sums(np.array([[0, 0], [0, 0]])))
    assert ratio_of_sums(np.ones((20, 2))) == (1.0, 1.0, 1.0)


def test_figure_and_fmt():
    assert figure(float("nan"), 0, 1) is None and fmt(None) == "–"
    entry = figure(0.72812, 0.68912, 0.76634)
    assert entry == {"value": 0.7281, "ci95": [0.6891, 0.7663]}
    assert fmt(entry) == "0.728 [0.689, 0.766]"
    assert fmt({"value": 0.5, "ci95": [None, 0.9]}) == "0.500 [–, 0.900]"
