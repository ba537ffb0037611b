"""The explainability auditor's parts against independent computations: top-k, AUC, sampling, bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from govaudit.explainability._importance import (
    global_importance,
    rank_correlation,
    strata_codes,
    stratified_sample,
)
from govaudit.explainability._proxy import binned_codes, count_auc, proxy_strength
from govaudit.explainability._reasons import format_value, reason_table, top_k


@pytest.mark.parametrize("k", [1, 3, 6])
def test_top_k_matches_a_full_sort(k):
    rng = np.random.default_rng(0)
    values = rng.normal(size=(500, 6))
    cols, vals = top_k(values, k)
    expected = np.argsort(-values, axis=1)[:, :k]
    np.testing.assert_array_equal(cols, expected)
    np.testing.assert_array_equal(vals, np.take_along_axis(values, expected, axis=1))


def test_reason_table_keeps_only_positive_reasons_in_rank_order():
    features = pd.DataFrame({"income": [1200.0, 950.5], "region": ["north", None]})
    cols = np.array([[1, 0], [0, 1]])
    vals = np.array([[0.7, 0.2], [0.4, -0.1]])
    table = reason_table(np.array(["A", "B"]), features, ["income", "region"], cols, vals,
                         {"income": "Declared income"}, "refusal")
    assert table[["case_id", "rank", "feature", "value"]].values.tolist() == [
        ["A", 1, "region", "north"], ["A", 2, "income", "1200"], ["B", 1, "income", "950.50"]]
    assert table["sentence"].tolist()[1] == "Reason 2: Declared income was 1200; this also weighed toward refusal."
    assert format_value(None) == "missing" and format_value(True) == "yes" and format_value(np.int64(3)) == "3"


def test_count_auc_equals_sklearn_with_ties():
    rng = np.random.default_rng(1)
    score = rng.integers(0, 7, size=3000).astype(float)  # many ties
    target = rng.random(3000) < 1 / (1 + np.exp(-(score - 3) / 2))
    assert count_auc(score, target) == pytest.approx(roc_auc_score(target, score), abs=1e-12)
    assert np.isnan(count_auc(score, np.zeros(3000, dtype=bool)))


def test_binned_codes_quantiles_and_missing():
    values = pd.Series(np.r_[np.arange(100.0), np.nan])
    codes = binned_codes(values, 4)
    assert len(np.unique(codes[:100])) == 4
    assert np.bincount(codes[:100]).tolist() == [25, 25, 25, 25]
    assert codes[100] not in codes[:100]
    cats = binned_codes(pd.Series(["a", "b", None, "a"]), 10)
    assert cats[0] == cats[3] and len(set(cats)) == 3


def test_proxy_strength_finds_an_encoding_and_ignores_noise():
    rng = np.random.default_rng(2)
    n = 4000
    group = rng.choice(["x", "y"], size=n, p=[0.7, 0.3])
    proxy = np.where(rng.random(n) < 0.9, group, rng.choice(["x", "y"], size=n))  # 95% agreement
    frame = pd.DataFrame({"proxy": proxy, "noise": rng.normal(size=n)})
    out = {p.feature: p for p in proxy_strength(frame, pd.DataFrame({"g": group}), 10, rng)}
    # the in-sample AUC of the proxy's category as a score, computed with sklearn
    expected = roc_auc_score(group == out["proxy"].group, proxy == out["proxy"].group)
    assert out["proxy"].auc == pytest.approx(expected, abs=0.01)
    assert out["noise"].auc < 0.56


def test_stratified_sample_is_proportional_and_weights_reach_the_population():
    codes = np.repeat([0, 1, 2], [6000, 3000, 1000])
    sample = stratified_sample(codes, 1000, np.random.default_rng(0))
    assert np.bincount(sample.strata).tolist() == [600, 300, 100]
    assert sample.weights.sum() == pytest.approx(10_000)
    assert len(np.unique(sample.rows)) == sample.size
    second = stratified_sample(codes, 1000, np.random.default_rng(1), exclude=sample.rows)
    assert np.intersect1d(second.rows, sample.rows).size == 0


def test_small_strata_get_at_least_one_row_and_are_reweighted():
    codes = np.repeat([0, 1], [9990, 10])
    sample = stratified_sample(codes, 100, np.random.default_rng(0))
    assert np.bincount(sample.strata).tolist() == [99, 1]
    assert sample.weights[sample.strata == 1][0] == pytest.approx(10.0)


def test_strata_codes_combine_features_with_missing_values():
    frame = pd.DataFrame({"a": ["x", "x", "y", None], "b": [1, 2, 1, 1]})
    codes = strata_codes(frame, 4)
    assert len(set(codes)) == 4
    assert strata_codes(None, 3).tolist() == [0, 0, 0]


def test_global_importance_bootstrap_against_a_plain_loop():
    rng = np.random.default_rng(3)
    abs_phi = np.abs(rng.normal(size=(400, 3))) * np.array([1.0, 0.5, 0.1])
    sample = stratified_sample(np.zeros(400, dtype=np.int64), 400, rng)
    imp, low, high, share_low, share_high = global_importance(abs_phi, sample, 500, 0.9, np.random.default_rng(9))
    np.testing.assert_allclose(imp, abs_phi.mean(axis=0))
    loop_rng = np.random.default_rng(10)
    boots = np.array([abs_phi[loop_rng.integers(0, 400, 400)].mean(axis=0) for _ in range(2000)])
    np.testing.assert_allclose(low, np.quantile(boots, 0.05, axis=0), rtol=0.05)
    np.testing.assert_allclose(high, np.quantile(boots, 0.95, axis=0), rtol=0.05)
    # the share's interval comes from each resample's own total, not from the point total
    shares = boots / boots.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(share_low, np.quantile(shares, 0.05, axis=0), rtol=0.05)
    np.testing.assert_allclose(share_high, np.quantile(shares, 0.95, axis=0), rtol=0.05)
    assert (share_low < imp / imp.sum()).all() and (imp / imp.sum() < share_high).all()
    assert np.isnan(global_importance(abs_phi, sample, 0, 0.9, np.random.default_rng(9)).share_low).all()


def test_rank_correlation_is_spearman():
    a, b = np.array([3.0, 1.0, 2.0, 0.5]), np.array([2.5, 1.5, 0.2, 0.1])
    assert rank_correlation(a, b) == pytest.approx(spearmanr(a, b).statistic)
    assert rank_correlation(np.ones(3), np.ones(3)) == 1.0
