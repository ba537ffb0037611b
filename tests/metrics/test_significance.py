"""two_proportion_test: the z test, Fisher's exact test, undefined cases and the shortfall."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2_contingency, fisher_exact, norm

from govaudit.exceptions import InputDataError
from govaudit.metrics import ProportionTest, two_proportion_test


def _z_by_hand(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    p1, p2, p = x1 / n1, x2 / n2, (x1 + x2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return z, 2 * norm.sf(abs(z))


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [(30, 100, 50, 100), (120, 400, 150, 380), (500, 1000, 520, 1000), (45, 60, 20, 50)],
)
def test_z_test_matches_hand_computation(x1: int, n1: int, x2: int, n2: int) -> None:
    res = two_proportion_test(x1, n1, x2, n2)
    assert isinstance(res, ProportionTest)
    assert res.method == "two-proportion z"
    z, p = _z_by_hand(x1, n1, x2, n2)
    assert res.statistic == pytest.approx(z, rel=1e-12)
    assert res.p_value == pytest.approx(p, rel=1e-12)
    # The pooled z test is the uncorrected chi-square test on the 2×2 table: z² = χ².
    chi2 = chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    assert res.statistic**2 == pytest.approx(chi2.statistic, rel=1e-9)
    assert res.p_value == pytest.approx(chi2.pvalue, rel=1e-9)


def test_z_p_value_is_scipys_normal_tail_far_into_the_tails() -> None:
    """The stdlib's erfc (scipy.stats is not imported for it) gives ``2 * norm.sf(|z|)`` to 1e-12, p < 1e-300 too."""
    zs = []
    for x1 in range(2_000, 18_001, 100):
        res = two_proportion_test(x1, 20_000, 10_000, 20_000)
        assert res.method == "two-proportion z"
        assert res.p_value == pytest.approx(2.0 * norm.sf(abs(res.statistic)), rel=1e-12, abs=0)
        zs.append(abs(res.statistic))
    assert min(zs) == 0.0 and max(zs) > 37


def test_z_sign_says_which_group_is_selected_less() -> None:
    assert two_proportion_test(30, 100, 50, 100).statistic < 0
    assert two_proportion_test(50, 100, 30, 100).statistic > 0


def test_critical_value_1_96_corresponds_to_p_0_05() -> None:
    for x1 in range(20, 60):
        res = two_proportion_test(x1, 200, 60, 200)
        assert res.method == "two-proportion z"
        assert (abs(res.statistic) >= 1.959964) == (res.p_value <= 0.05)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "why"),
    [
        (2, 10, 8, 12, "small groups"),
        (5, 29, 20, 100, "group 1 below 30"),
        (1, 100, 3, 100, "expected selections below 5"),
        (97, 100, 99, 100, "expected rejections below 5"),
    ],
)
def test_fisher_is_used_when_the_normal_approximation_is_poor(
    x1: int, n1: int, x2: int, n2: int, why: str
) -> None:
    res = two_proportion_test(x1, n1, x2, n2)
    assert res.method == "fisher exact", why
    ref = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="two-sided")
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-12)


def test_fisher_odds_ratio_may_be_zero_or_infinite() -> None:
    res = two_proportion_test(0, 10, 6, 10)
    assert res.method == "fisher exact"
    assert res.statistic == 0.0 and 0 < res.p_value < 0.05


def test_shortfall_is_the_eeoc_practical_significance() -> None:
    # Group 2 selected at 50%; group 1 (100 rows) at that rate would have had 50, it had 30.
    assert two_proportion_test(30, 100, 50, 100).shortfall == pytest.approx(20.0)
    assert two_proportion_test(9, 20, 10, 40).shortfall == pytest.approx(-4.0)


@pytest.mark.parametrize(
    ("args", "method"),
    [
        ((0, 0, 5, 10), "undefined: empty group"),
        ((3, 10, 0, 0), "undefined: empty group"),
        ((0, 50, 0, 80), "undefined: no variation"),
        ((50, 50, 80, 80), "undefined: no variation"),
    ],
)
def test_undefined_comparisons(args: tuple[int, int, int, int], method: str) -> None:
    res = two_proportion_test(*args)
    assert res.method == method
    assert math.isnan(res.p_value) and math.isnan(res.statistic)


def test_undefined_shortfall() -> None:
    assert math.isnan(two_proportion_test(3, 10, 0, 0).shortfall)
    assert two_proportion_test(0, 0, 5, 10).shortfall == 0.0
    assert two_proportion_test(0, 50, 0, 80).shortfall == 0.0


def test_numpy_integers_are_accepted() -> None:
    counts = np.array([30, 100, 50, 100], dtype=np.int64)
    assert two_proportion_test(*counts).method == "two-proportion z"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 10, 5, 10), "x1 must be a non-negative integer; got -1"),
        ((1, 10.5, 5, 10), "n1 must be a non-negative integer; got 10.5"),
        ((1, 10, float("nan"), 10), "x2 must be a non-negative integer; got nan"),
        ((11, 10, 5, 10), "x1=11 exceeds n1=10"),
        ((1, 10, 5, 4), "x2=5 exceeds n2=4"),
    ],
)
def test_bad_counts_are_refused(args: tuple, message: str) -> None:
    with pytest.raises(InputDataError, match=message):
        two_proportion_test(*args)
