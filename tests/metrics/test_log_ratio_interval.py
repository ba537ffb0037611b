"""One log (Katz) ratio interval, for a single reference (amounts) or one reference per group (control sample)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from govaudit.control_sample import _measures
from govaudit.metrics._ratio_tests import log_ratio_interval


def test_the_control_sample_uses_the_shared_interval():
    assert _measures.log_ratio_interval is log_ratio_interval
    assert not hasattr(_measures, "_z")


def test_a_reference_per_group_matches_the_formula_written_out():
    x1, n1, x2, n2 = np.array([12, 0, 30, 5]), np.array([40, 25, 60, 0]), np.array([8, 10, 0, 3]), 50
    ratio, low, high = log_ratio_interval(x1, n1, x2, n2, 0.9)
    z = norm.ppf(0.95)
    se = math.sqrt(1 / 12 - 1 / 40 + 1 / 8 - 1 / 50)
    r = (12 / 40) / (8 / 50)
    assert (ratio[0], low[0], high[0]) == pytest.approx((r, r * math.exp(-z * se), r * math.exp(z * se)))
    shifted, se0 = (0.5 / 25) / (10 / 50), math.sqrt(1 / 0.5 - 1 / 25 + 1 / 10 - 1 / 50)
    assert (ratio[1], low[1], high[1]) == pytest.approx((0.0, 0.0, shifted * math.exp(z * se0)))
    assert np.isnan([ratio[2], low[2], high[2], ratio[3]]).all()  # no reference case; an empty group


def test_one_reference_for_all_is_the_same_as_it_repeated():
    x1, n1 = np.array([3, 9, 0]), np.array([10, 20, 7])
    single = log_ratio_interval(x1, n1, 6.0, 30.0)
    repeated = log_ratio_interval(x1, n1, np.full(3, 6.0), np.full(3, 30.0))
    for a, b in zip(single, repeated):
        np.testing.assert_array_equal(a, b)
