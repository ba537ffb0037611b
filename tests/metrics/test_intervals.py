"""Wilson intervals, the counts-table bootstrap, and percentile intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from govaudit.exceptions import InputDataError
from govaudit.metrics import (
    bootstrap_counts,
    disparities,
    encode_groups,
    group_counts,
    percentile_interval,
    rates_from_counts,
    wilson_interval,
)

# --- Wilson ------------------------------------------------------------------------------------


def test_wilson_known_value() -> None:
    # 8 of 10 at 95%: p = 0.8, z = 1.959964; centre = (0.8 + z²/20) / (1 + z²/10) = 0.71674,
    # half-width = z / (1 + z²/10) * sqrt(0.016 + z²/400) = 0.22658.
    lo, hi = wilson_interval(8, 10)
    assert float(lo) == pytest.approx(0.4902, abs=5e-5)
    assert float(hi) == pytest.approx(0.9433, abs=5e-5)


def _wilson_by_quadratic(x: int, n: int, z: float) -> tuple[float, float]:
    """Independent form: the bounds are the roots p of (x/n - p)² = z² p (1 - p) / n."""
    phat = x / n
    a = 1 + z * z / n
    b = -(2 * phat + z * z / n)
    c = phat * phat
    roots = np.sort(np.roots([a, b, c]).real)
    return float(roots[0]), float(roots[1])


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_wilson_matches_the_quadratic_roots(confidence: float) -> None:
    from scipy.stats import norm

    z = norm.ppf(0.5 + confidence / 2)
    x = np.array([1, 3, 17, 50, 99, 250])
    n = np.array([4, 10, 40, 100, 100, 1000])
    lo, hi = wilson_interval(x, n, confidence)
    assert lo.shape == hi.shape == (6,)
    for i in range(6):
        ref = _wilson_by_quadratic(int(x[i]), int(n[i]), z)
        assert (lo[i], hi[i]) == pytest.approx(ref, abs=1e-10)


def test_z_is_scipys_normal_quantile() -> None:
    """The stdlib's quantile (scipy.stats is not imported for it) agrees with ``norm.ppf`` to 1e-12."""
    from scipy.stats import norm

    from govaudit.metrics._intervals import _z

    for confidence in [*np.linspace(0.001, 0.999, 999).tolist(), 0.8, 0.9, 0.95, 0.99, 0.999999]:
        assert _z(confidence) == pytest.approx(float(norm.ppf(0.5 + confidence / 2.0)), rel=1e-12, abs=0)


def test_wilson_extremes_stay_in_unit_interval() -> None:
    lo, hi = wilson_interval(np.array([0, 10, 0, 1]), np.array([10, 10, 1, 1]))
    assert np.all((lo >= 0) & (hi <= 1))
    assert lo[0] == 0.0 and hi[0] > 0.2  # 0 of 10 is not "certainly 0"
    assert hi[1] == 1.0 and lo[1] < 0.8
    assert np.all(lo < hi)


def test_wilson_empty_group_is_nan() -> None:
    lo, hi = wilson_interval(np.array([0, 2]), np.array([0, 4]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    assert not np.isnan(lo[1])


def test_wilson_rejects_bad_arguments() -> None:
    with pytest.raises(InputDataError, match="confidence must be strictly between 0 and 1; got 95"):
        wilson_interval(1, 2, confidence=95)
    with pytest.raises(InputDataError, match="0 <= successes <= n"):
        wilson_interval(5, 4)


# --- counts bootstrap --------------------------------------------------------------------------


def test_bootstrap_shape_totals_and_empty_groups() -> None:
    counts = np.array([[50, 10, 5, 35], [0, 0, 0, 0], [3, 0, 0, 0]])
    boot = bootstrap_counts(counts, n_resamples=200, seed=1)
    assert boot.shape == (200, 3, 4)
    assert boot.dtype == np.int64
    np.testing.assert_array_equal(boot.sum(axis=2), np.broadcast_to(counts.sum(axis=1), (200, 3)))
    assert (boot[:, 1] == 0).all()
    # A cell that is empty in the data is empty in every resample.
    assert (boot[:, 2, 1:] == 0).all()


def test_bootstrap_is_reproducible() -> None:
    counts = np.array([[40, 10, 5, 45], [30, 20, 10, 40]])
    a = bootstrap_counts(counts, 100, seed=123)
    b = bootstrap_counts(counts, 100, seed=123)
    c = bootstrap_counts(counts, 100, seed=124)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_bootstrap_mean_is_close_to_the_point_estimate() -> None:
    counts = np.array([[400, 100, 50, 450], [300, 200, 100, 400]])
    boot = bootstrap_counts(counts, 2000, seed=0)
    np.testing.assert_allclose(boot.mean(axis=0), counts, rtol=0.02)
    point = rates_from_counts(counts)["selection_rate"]
    boot_mean = rates_from_counts(boot)["selection_rate"].mean(axis=0)
    np.testing.assert_allclose(boot_mean, point, atol=0.002)


def test_bootstrap_two_column_table() -> None:
    boot = bootstrap_counts(np.array([[7, 3]]), 50, seed=0)
    assert boot.shape == (50, 1, 2)


@pytest.mark.parametrize(
    ("counts", "n_resamples", "message"),
    [
        (np.array([1, 2, 3, 4]), 10, r"counts must be a 2-D \(groups × cells\) array"),
        (np.array([[1.5, 2.0]]), 10, "non-negative integers; got shape"),
        (np.array([[1, -2]]), 10, "non-negative integers"),
        (np.array([[1, 2]]), 0, "n_resamples must be a positive integer; got 0"),
    ],
)
def test_bootstrap_rejects_bad_arguments(
    counts: np.ndarray, n_resamples: int, message: str
) -> None:
    with pytest.raises(InputDataError, match=message):
        bootstrap_counts(counts, n_resamples)


def _row_bootstrap(codes, y_true, y_pred, n_groups, n_resamples, seed):
    """The textbook stratified bootstrap: resample rows within each group and recount.

    Vectorised over replicates (one index matrix per group), so it is not a row loop.
    """
    rng = np.random.default_rng(seed)
    boot = np.zeros((n_resamples, n_groups, 4), dtype=np.int64)
    cell = 2 * y_true + y_pred
    for g in range(n_groups):
        rows = np.flatnonzero(codes == g)
        picks = cell[rows][rng.integers(0, rows.size, size=(n_resamples, rows.size))]
        for k in range(4):
            boot[:, g, k] = (picks == k).sum(axis=1)
    return boot


def test_counts_bootstrap_agrees_with_row_bootstrap(make) -> None:
    d = make(2000, seed=21, n_sex=2, missing=0.0)
    enc = encode_groups(d["sensitive"]["sex"])
    counts = group_counts(d["y_pred"], enc, y_true=d["y_true"]).counts
    b = 2000
    fast = bootstrap_counts(counts, b, seed=0)
    slow = _row_bootstrap(enc.codes, d["y_true"], d["y_pred"], enc.n_groups, b, seed=1)

    fast_rates, slow_rates = rates_from_counts(fast), rates_from_counts(slow)
    for name in ("selection_rate", "tpr", "fpr"):
        f_lo, f_hi = percentile_interval(fast_rates[name])
        s_lo, s_hi = percentile_interval(slow_rates[name])
        np.testing.assert_allclose(f_lo, s_lo, atol=0.01, err_msg=name)
        np.testing.assert_allclose(f_hi, s_hi, atol=0.01, err_msg=name)

    fast_dp = disparities(fast_rates)["demographic_parity_difference"]
    slow_dp = disparities(slow_rates)["demographic_parity_difference"]
    assert fast_dp.shape == (b,)
    np.testing.assert_allclose(
        percentile_interval(fast_dp), percentile_interval(slow_dp), atol=0.01
    )

    point = disparities(rates_from_counts(counts))["demographic_parity_difference"]
    assert abs(fast_dp.mean() - point) < 0.005
    lo, hi = percentile_interval(fast_dp)
    assert lo < point < hi


# --- percentile interval -----------------------------------------------------------------------


def test_percentile_interval_basic_and_axis() -> None:
    samples = np.arange(1001, dtype=float) / 1000  # 0.000 .. 1.000
    lo, hi = percentile_interval(samples, 0.9)
    assert float(lo) == pytest.approx(0.05) and float(hi) == pytest.approx(0.95)
    two = np.stack([samples, 2 * samples])  # replicates along axis 1
    lo, hi = percentile_interval(two, 0.9, axis=1)
    np.testing.assert_allclose(lo, [0.05, 0.1])
    np.testing.assert_allclose(hi, [0.95, 1.9])


def test_percentile_interval_ignores_nan_and_all_nan_is_nan() -> None:
    samples = np.full((100, 2), np.nan)
    samples[:, 0] = np.linspace(0, 1, 100)
    samples[::2, 0] = np.nan  # undefined in half the replicates
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lo, hi = percentile_interval(samples)
    assert 0 <= lo[0] < 0.05 and 0.95 < hi[0] <= 1
    assert np.isnan(lo[1]) and np.isnan(hi[1])


def test_percentile_interval_rejects_bad_confidence() -> None:
    with pytest.raises(InputDataError, match="confidence must be strictly between 0 and 1"):
        percentile_interval(np.ones(10), confidence=1.0)
