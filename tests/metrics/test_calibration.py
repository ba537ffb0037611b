"""Calibration, slope, AUC and KS per group against scikit-learn, scipy and hand counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govaudit.exceptions import InputDataError
from govaudit.metrics import (calibration_bins, calibration_counts, calibration_slopes, calibration_summary,
                              discrimination, score_bins, score_order, scores_in_unit_interval)


def _data(seed: int = 1, n: int = 3000, groups: int = 3):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, groups, n)
    scores = np.round(rng.beta(2, 3, n), 2)  # rounded: many ties, some scores on bin edges
    y = (rng.random(n) < scores ** 0.8).astype(np.int8)
    return codes, scores, y


def test_hand_counted_table():
    # group a: scores 0.05, 0.15, 0.15, 0.95 with outcomes 0, 1, 0, 1; group b: 0.5, 0.5 with 1, 0
    codes = np.array([0, 0, 0, 0, 1, 1])
    scores = np.array([0.05, 0.15, 0.15, 0.95, 0.5, 0.5])
    y = np.array([0, 1, 0, 1, 1, 0])
    counts = calibration_counts(codes, 2, y, scores, score_bins(scores, 10))
    summary = calibration_summary(counts, ("a", "b"))
    a = summary.loc["a"]
    assert a["observed_rate"] == 0.5 and a["mean_score"] == pytest.approx(0.325)
    assert a["calibration_in_the_large"] == pytest.approx(0.175)
    assert a["oe_ratio"] == pytest.approx(2 / 1.3)
    # Brier: (0.05² + 0.85² + 0.15² + 0.05²) / 4
    assert a["brier"] == pytest.approx((0.0025 + 0.7225 + 0.0225 + 0.0025) / 4)
    # ECE: bins [0, .1] |0 - .05|, (.1, .2] |1 - .3|, (.9, 1] |1 - .95|, over 4 people
    assert a["ece"] == pytest.approx((0.05 + 0.7 + 0.05) / 4)
    b = summary.loc["b"]
    assert b["ece"] == pytest.approx(0.0) and b["brier"] == pytest.approx(0.25)
    curve = calibration_bins(counts, ("a", "b"))
    assert curve[["group", "bin", "count", "positives"]].values.tolist() == [
        ["a", 0, 1, 0], ["a", 1, 2, 1], ["a", 9, 1, 1], ["b", 4, 2, 1]]  # 0.5 sits on an edge: the bin below


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_curve_and_brier_equal_scikit_learn(strategy):
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import brier_score_loss

    codes, scores, y = _data()
    labels = ("a", "b", "c")
    counts = calibration_counts(codes, 3, y, scores, score_bins(scores, 8, strategy))
    curve = calibration_bins(counts, labels)
    summary = calibration_summary(counts, labels)
    for g, label in enumerate(labels):
        inside = codes == g
        if strategy == "quantile":  # sklearn takes the quantiles of the scores it is given: use ours
            bin_of = np.searchsorted(counts.edges[1:-1], scores[inside])
            prob_true = [y[inside][bin_of == b].mean() for b in np.unique(bin_of)]
            prob_pred = [scores[inside][bin_of == b].mean() for b in np.unique(bin_of)]
        else:
            prob_true, prob_pred = calibration_curve(y[inside], scores[inside], n_bins=8, strategy="uniform")
        mine = curve[curve["group"] == label]
        np.testing.assert_allclose(mine["observed_rate"], prob_true, rtol=1e-12)
        np.testing.assert_allclose(mine["mean_score"], prob_pred, rtol=1e-12)
        assert summary.at[label, "brier"] == pytest.approx(brier_score_loss(y[inside], scores[inside]), rel=1e-12)


def test_quantile_edges_pool_all_scores():
    from sklearn.calibration import calibration_curve

    _, scores, y = _data(seed=4)
    counts = calibration_counts(np.zeros(len(scores), dtype=int), 1, y, scores, score_bins(scores, 5, "quantile"))
    prob_true, prob_pred = calibration_curve(y, scores, n_bins=5, strategy="quantile")
    curve = calibration_bins(counts, ("all",))
    np.testing.assert_allclose(curve["observed_rate"], prob_true)
    np.testing.assert_allclose(curve["mean_score"], prob_pred)


def test_slope_equals_unpenalised_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    codes, scores, y = _data(seed=2)
    fit = calibration_slopes(codes, 3, y, scores)
    for g in range(3):
        inside = codes == g
        s = np.clip(scores[inside], 1e-6, 1 - 1e-6)
        x = np.log(s / (1 - s))[:, None]
        model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(x, y[inside])
        assert fit.slope[g] == pytest.approx(model.coef_[0, 0], abs=1e-5)
        assert fit.intercept[g] == pytest.approx(model.intercept_[0], abs=1e-5)


def test_slope_on_cells_equals_slope_on_rows():
    from govaudit.metrics import score_cells

    codes, scores, y = _data(seed=6)
    rows = calibration_slopes(codes, 3, y, scores)
    cells = score_cells(codes, 3, y, scores, score_order(scores))
    assert cells.count.size < scores.size / 5  # rounded scores: far fewer cells than rows
    fit = calibration_slopes(cells.code, 3, cells.positives, cells.score, cells.count)
    np.testing.assert_allclose(fit.slope, rows.slope, rtol=1e-9)
    np.testing.assert_allclose(fit.intercept, rows.intercept, rtol=1e-9, atol=1e-12)


def test_slope_of_a_calibrated_score_is_one():
    rng = np.random.default_rng(7)
    scores = rng.uniform(0.02, 0.98, 200_000)
    y = (rng.random(scores.size) < scores).astype(int)
    fit = calibration_slopes(np.zeros(scores.size, dtype=int), 1, y, scores)
    assert fit.slope[0] == pytest.approx(1.0, abs=0.03) and fit.intercept[0] == pytest.approx(0.0, abs=0.03)


def test_slope_undefined_with_reasons():
    codes = np.array([0, 0, 1, 1, 2, 2, 2, 2])
    scores = np.array([0.2, 0.7, 0.4, 0.4, 0.1, 0.2, 0.8, 0.9])
    y = np.array([1, 1, 0, 1, 0, 0, 1, 1])  # group 2 is perfectly separated by its scores
    fit = calibration_slopes(codes, 4, y, scores)
    assert np.isnan(fit.slope).all()
    assert "one observed outcome" in fit.reason[0]
    assert "same" in fit.reason[1]
    assert "separated" in fit.reason[2]
    assert "empty" in fit.reason[3]


def _delong_reference(scores, y):
    """DeLong et al. (1988) straight from the definition: pairwise kernel, O(n1 * n0)."""
    pos, neg = scores[y == 1], scores[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return psi.mean(), np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))


def test_auc_and_ks_equal_scikit_learn_scipy_and_the_delong_definition():
    from scipy.stats import ks_2samp
    from sklearn.metrics import roc_auc_score

    codes, scores, y = _data(seed=3, n=2000, groups=4)
    table = discrimination(codes, 4, y, scores, score_order(scores))
    for g in range(4):
        inside = codes == g
        assert table.at[g, "auc"] == pytest.approx(roc_auc_score(y[inside], scores[inside]), rel=1e-12)
        auc, se = _delong_reference(scores[inside], y[inside])
        assert table.at[g, "auc"] == pytest.approx(auc, rel=1e-12)
        assert table.at[g, "auc_se"] == pytest.approx(se, rel=1e-9)
        assert table.at[g, "auc_low"] == pytest.approx(auc - 1.959963984540054 * se, rel=1e-9)
        ks = ks_2samp(scores[inside], scores[~inside])
        assert table.at[g, "ks_statistic"] == pytest.approx(ks.statistic, abs=1e-12)
        assert table.at[g, "ks_p_value"] == pytest.approx(ks.pvalue, rel=1e-9)


def test_ks_asymptotic_p_value_equals_scipy_for_large_groups():
    from scipy.stats import ks_2samp

    rng = np.random.default_rng(5)
    codes = (rng.random(30_000) < 0.6).astype(int)
    scores = rng.normal(codes * 0.02, 1.0)
    table = discrimination(codes, 2, None, scores, score_order(scores))
    for g in range(2):
        ks = ks_2samp(scores[codes == g], scores[codes != g])
        assert table.at[g, "ks_statistic"] == pytest.approx(ks.statistic, abs=1e-12)
        assert table.at[g, "ks_p_value"] == pytest.approx(ks.pvalue, rel=1e-9)
    assert table["auc"].isna().all()


def test_one_class_and_empty_groups_are_undefined():
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.3, 0.2, 0.35])
    y = np.array([1, 1, 0, 1, 0, 1, 1])
    codes = np.array([0, 0, 1, 1, 1, 1, 1])
    table = discrimination(codes, 3, y, scores, score_order(scores))
    assert np.isnan(table.at[0, "auc"])  # group 0 has positives only
    # positives 0.8, 0.2, 0.35 against negatives 0.35, 0.3: 2 + 0 + 1.5 wins of 6 pairs
    assert table.at[1, "auc"] == pytest.approx(3.5 / 6)
    assert np.isfinite(table.at[1, "auc_se"])
    one = discrimination(np.zeros(3, dtype=int), 1, np.array([1, 0, 0]), np.array([0.9, 0.2, 0.4]),
                         score_order(np.array([0.9, 0.2, 0.4])))
    assert one.at[0, "auc"] == 1.0 and np.isnan(one.at[0, "auc_se"])  # one positive: no DeLong variance
    assert np.isnan(table.at[2, "ks_statistic"]) and table.at[2, "count"] == 0


def test_scores_outside_unit_interval_have_a_reason():
    assert scores_in_unit_interval(np.array([0.0, 0.5, 1.0])) is None
    assert "[0, 1]" in scores_in_unit_interval(np.array([-0.5, 2.0]))
    assert "[0, 1]" in scores_in_unit_interval(np.array([0.5, np.inf]))
    with pytest.raises(InputDataError, match="n_bins"):
        score_bins(np.array([0.5]), 1)
    with pytest.raises(InputDataError, match="strategy"):
        score_bins(np.array([0.5]), 4, "width")  # type: ignore[arg-type]


_groups = st.integers(1, 4)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_properties_on_random_groups(data):
    """Any groups (empty, one-class, all-positive, equal scores): numbers agree with a per-group recount."""
    from sklearn.metrics import roc_auc_score

    g = data.draw(_groups)
    n = data.draw(st.integers(1, 40))
    codes = np.array(data.draw(st.lists(st.integers(0, g - 1), min_size=n, max_size=n)))
    equal = data.draw(st.booleans())
    scores = (np.full(n, 0.3) if equal else
              np.array(data.draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0]), min_size=n, max_size=n))))
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    counts = calibration_counts(codes, g, y, scores, score_bins(scores, 4))
    summary = calibration_summary(counts, tuple("abcd"[:g]))
    table = discrimination(codes, g, y, scores, score_order(scores))
    slopes = calibration_slopes(codes, g, y, scores)
    for k in range(g):
        inside = codes == k
        if not inside.any():
            assert np.isnan(summary.iloc[k]["brier"]) and np.isnan(table.at[k, "auc"])
            continue
        assert summary.iloc[k]["brier"] == pytest.approx(np.mean((scores[inside] - y[inside]) ** 2))
        assert 0.0 <= summary.iloc[k]["ece"] <= 1.0
        both = 0 < y[inside].sum() < inside.sum()
        if both:
            assert table.at[k, "auc"] == pytest.approx(roc_auc_score(y[inside], scores[inside]))
        else:
            assert np.isnan(table.at[k, "auc"]) and np.isnan(slopes.slope[k])
        if equal:
            assert np.isnan(slopes.slope[k])
            if both:
                assert table.at[k, "auc"] == 0.5
