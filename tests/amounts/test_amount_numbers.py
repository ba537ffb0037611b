"""Every amount statistic against an independent computation: numpy/pandas by hand, scipy, scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import mean_absolute_error

from govaudit.amounts import AmountAuditor
from govaudit.metrics import AmountSettings, amount_table, encode_groups, median_interval


@pytest.fixture(scope="module")
def cases():
    rng = np.random.default_rng(11)
    n = 500
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    paid = rng.gamma(2.0, 150.0, n) * np.where(group == "c", 0.8, 1.0)
    due = paid + rng.normal(0.0, 20.0, n)
    return pd.DataFrame({"group": group, "paid": paid, "due": due})


@pytest.fixture(scope="module")
def measured(cases):
    enc = encode_groups(cases["group"])
    settings = AmountSettings(confidence=0.95, underpaid_tolerance=5.0, max_mae=15.0, max_underpaid_share=0.3)
    table, ref, cut = amount_table(cases["paid"].to_numpy(), enc.codes, enc.labels, true=cases["due"].to_numpy(),
                                   settings=settings)
    return table.set_index("group"), table["group"].iloc[ref], cut


def _ecdf_gap(x, y):
    """KS statistic and Wasserstein-1 distance from the two empirical CDFs on the pooled support, by hand."""
    grid = np.sort(np.concatenate([x, y]))
    fx = np.searchsorted(np.sort(x), grid, side="right") / x.size
    fy = np.searchsorted(np.sort(y), grid, side="right") / y.size
    return float(np.max(np.abs(fx - fy))), float(np.sum(np.abs(fx - fy)[:-1] * np.diff(grid)))


def test_counts_means_medians_and_their_intervals(cases, measured):
    table, _, _ = measured
    for name, amounts in cases.groupby("group")["paid"]:
        row = table.loc[name]
        x = amounts.to_numpy()
        assert row["count"] == x.size
        assert row["mean"] == pytest.approx(x.mean())
        assert row["median"] == pytest.approx(np.median(x))
        ci = stats.ttest_1samp(x, 0.0).confidence_interval(0.95)
        assert (row["mean_low"], row["mean_high"]) == pytest.approx((ci.low, ci.high))
        if hasattr(stats, "quantile_test"):  # scipy >= 1.12; the older minimum checks the rest
            med = stats.quantile_test(x, q=0.0, p=0.5).confidence_interval(0.95)
            assert (row["median_low"], row["median_high"]) == pytest.approx((med.low, med.high))


def test_the_reference_is_the_highest_mean_and_the_comparisons(cases, measured):
    table, ref, _ = measured
    means = cases.groupby("group")["paid"].mean()
    assert ref == means.idxmax()
    b = cases.loc[cases["group"] == ref, "paid"].to_numpy()
    for name, amounts in cases.groupby("group")["paid"]:
        a, row = amounts.to_numpy(), table.loc[name]
        welch = stats.ttest_ind(a, b, equal_var=False)
        ci = welch.confidence_interval(0.95)
        assert row["mean_difference"] == pytest.approx(a.mean() - b.mean())
        assert (row["mean_difference_low"], row["mean_difference_high"]) == pytest.approx((ci.low, ci.high))
        assert row["p_value"] == pytest.approx(welch.pvalue)
        r = a.mean() / b.mean()
        se = math.sqrt(a.var(ddof=1) / (a.size * a.mean() ** 2) + b.var(ddof=1) / (b.size * b.mean() ** 2))
        assert row["mean_ratio"] == pytest.approx(r)
        assert row["mean_ratio_low"] == pytest.approx(r * math.exp(-1.959963984540054 * se))
        assert row["mean_ratio_high"] == pytest.approx(r * math.exp(1.959963984540054 * se))


def test_share_above_the_overall_median_and_its_ratio(cases, measured):
    table, ref, cut = measured
    assert cut == pytest.approx(cases["paid"].median())
    above = (cases["paid"] > cut).groupby(cases["group"]).agg(["sum", "count"])
    z = 1.959963984540054
    for name, (x, n) in above.iterrows():
        row, p = table.loc[name], x / n
        assert row["above"] == x and row["above_share"] == pytest.approx(p)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        assert (row["above_share_low"], row["above_share_high"]) == pytest.approx((centre - half, centre + half))
        xr, nr = above.loc[ref]
        assert row["above_ratio"] == pytest.approx(p / (xr / nr))
        se = math.sqrt(1 / x - 1 / n + 1 / xr - 1 / nr)
        assert row["above_ratio_low"] == pytest.approx(p / (xr / nr) * math.exp(-z * se))
        if name != ref:  # the pooled z test, by hand (every cell is large here)
            pooled = (x + xr) / (n + nr)
            zstat = (p - xr / nr) / math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / nr))
            assert row["above_p_value"] == pytest.approx(2 * stats.norm.sf(abs(zstat)), rel=1e-6)


def test_distribution_distances_against_everyone_else(cases, measured):
    table, _, _ = measured
    for name in table.index:
        inside = cases.loc[cases["group"] == name, "paid"].to_numpy()
        rest = cases.loc[cases["group"] != name, "paid"].to_numpy()
        ks, w1 = _ecdf_gap(inside, rest)
        assert table.loc[name, "ks"] == pytest.approx(ks)
        assert table.loc[name, "wasserstein"] == pytest.approx(w1)
        assert table.loc[name, "ks_p_value"] == pytest.approx(stats.ks_2samp(inside, rest).pvalue)
        assert table.loc[name, "wasserstein"] == pytest.approx(stats.wasserstein_distance(inside, rest))


def test_errors_against_the_correct_amount(cases, measured):
    table, _, _ = measured
    for name, part in cases.groupby("group"):
        row = table.loc[name]
        error = part["paid"] - part["due"]
        assert row["mean_error"] == pytest.approx(error.mean())
        assert row["mae"] == pytest.approx(mean_absolute_error(part["due"], part["paid"]))
        under = int((error < -5.0).sum())
        assert row["underpaid"] == under and row["underpaid_share"] == pytest.approx(under / len(part))
        assert row["underpaid_p_value"] == pytest.approx(stats.binom.sf(under - 1, len(part), 0.3))
        absolute = error.abs().to_numpy()
        t = (absolute.mean() - 15.0) / (absolute.std(ddof=1) / math.sqrt(absolute.size))
        assert row["mae_p_value"] == pytest.approx(stats.t.sf(t, absolute.size - 1))


def test_median_interval_is_undefined_for_five_cases_or_fewer():
    assert all(math.isnan(v) for v in median_interval(np.arange(5.0), 0.95))
    assert median_interval(np.arange(6.0), 0.95) == (0.0, 5.0)  # P(B(6, .5) = 0) = 1/64 < 2.5 %


def test_the_reference_can_be_named_or_the_largest(cases):
    for rule, expected in (("largest", "a"), ("b", "b")):
        report = AmountAuditor(reference=rule).assess(cases["paid"], sensitive_features=cases[["group"]])
        assert report.findings[0].evidence["reference"] == expected
        row = report.by_group["group"].set_index("group").loc[expected]
        assert row["mean_ratio"] == pytest.approx(1.0)


def test_a_named_cut_for_the_share_above(cases):
    report = AmountAuditor(above=400.0).assess(cases["paid"], sensitive_features=cases[["group"]])
    table = report.by_group["group"].set_index("group")
    expected = (cases["paid"] > 400.0).groupby(cases["group"]).mean()
    assert table["above_share"].to_dict() == pytest.approx(expected.to_dict())


def test_gate_tests_are_against_the_bound_not_against_equality():
    from govaudit.metrics import mean_ratio_bound_test, share_ratio_bound_test

    rng = np.random.default_rng(5)
    a, b = rng.gamma(2.0, 100.0, 80), rng.gamma(2.0, 120.0, 120)
    # m_a - 0.9 m_b < 0 is Welch's one-sided test on a against 0.9 * b (same variances and df)
    expected = stats.ttest_ind(a, 0.9 * b, equal_var=False, alternative="less").pvalue
    got = mean_ratio_bound_test((a.mean(), a.std(ddof=1), a.size), (b.mean(), b.std(ddof=1), b.size), 0.9, ">=")
    assert got == pytest.approx(expected)
    upper = mean_ratio_bound_test((a.mean(), a.std(ddof=1), a.size), (b.mean(), b.std(ddof=1), b.size), 1.2, "<=")
    assert upper == pytest.approx(stats.ttest_ind(a, 1.2 * b, equal_var=False, alternative="greater").pvalue)
    x, n, xr, nr = 30, 100, 50, 100
    z = (math.log(0.3 / 0.5) - math.log(0.8)) / math.sqrt(1 / 30 - 1 / 100 + 1 / 50 - 1 / 100)
    assert share_ratio_bound_test(x, n, xr, nr, 0.8, ">=") == pytest.approx(stats.norm.cdf(z))
    assert math.isnan(share_ratio_bound_test(3, 10, 0, 10, 0.8, ">="))
