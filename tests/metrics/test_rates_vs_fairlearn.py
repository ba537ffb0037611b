"""Rates and disparities from the counts table agree with fairlearn's MetricFrame."""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, confusion_matrix, precision_score

from govaudit.exceptions import InputDataError
from govaudit.metrics import (
    LABEL_FREE_METRICS,
    LABELLED_METRICS,
    disparities,
    encode_groups,
    group_counts,
    impact_ratios,
    rates_from_counts,
)

def _cell_ratio(num: str, den: tuple[str, ...]):
    """A rate from scikit-learn's confusion matrix (NaN on a zero denominator)."""
    def metric(y_true, y_pred) -> float:
        tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
        cells = {"tn": tn, "fp": fp, "fn": fn, "tp": tp}
        total = sum(cells[c] for c in den)
        return cells[num] / total if total else np.nan
    return metric


FAIRLEARN_METRICS = {
    "count": count,
    "selection_rate": selection_rate,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "fnr": false_negative_rate,
    "tnr": true_negative_rate,
    "precision": functools.partial(precision_score, zero_division=np.nan),
    "accuracy": accuracy_score,
    "prevalence": lambda y_true, y_pred: float(np.mean(y_true)),
    # NPV is the precision of the negative class
    "npv": lambda y_true, y_pred: precision_score(1 - np.asarray(y_true), 1 - np.asarray(y_pred),
                                                  zero_division=np.nan),
    "fdr": _cell_ratio("fp", ("fp", "tp")),
    "for": _cell_ratio("fn", ("fn", "tn")),
}
FAIRLEARN_DISPARITIES = {
    "demographic_parity_difference": demographic_parity_difference,
    "demographic_parity_ratio": demographic_parity_ratio,
    "equal_opportunity_difference": equal_opportunity_difference,
    "equalized_odds_difference": equalized_odds_difference,
    "equalized_odds_ratio": equalized_odds_ratio,
}


def _ours(y_true, y_pred, sensitive):
    enc = encode_groups(sensitive)
    rates = rates_from_counts(group_counts(y_pred, enc, y_true=y_true).counts)
    return enc, rates, disparities(rates)


def _fairlearn_frame(y_true, y_pred, sensitive_filled) -> MetricFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns about ill-defined metrics in tiny groups
        return MetricFrame(
            metrics=FAIRLEARN_METRICS,
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=sensitive_filled,
        )


def _fairlearn_by_group(
    y_true, y_pred, sensitive_filled, frame: MetricFrame | None = None
) -> pd.DataFrame:
    """fairlearn's by_group, indexed by our " & "-joined labels, absent combinations dropped."""
    mf = frame if frame is not None else _fairlearn_frame(y_true, y_pred, sensitive_filled)
    by_group = mf.by_group.dropna(subset=["count"])
    if isinstance(by_group.index, pd.MultiIndex):
        by_group.index = [" & ".join(str(v) for v in key) for key in by_group.index]
    else:
        by_group.index = [str(v) for v in by_group.index]
    return by_group


def _assert_rates_match(enc, rates, by_group: pd.DataFrame) -> None:
    assert sorted(enc.labels) == sorted(by_group.index)
    theirs = by_group.loc[list(enc.labels)]
    np.testing.assert_array_equal(rates["count"], theirs["count"].to_numpy(dtype=np.int64))
    # ppr: each group's positive decisions (fairlearn's count x selection rate) over all of them
    positives = theirs["count"].to_numpy(dtype=np.float64) * theirs["selection_rate"].to_numpy(dtype=np.float64)
    if positives.sum() > 0:
        np.testing.assert_allclose(rates["ppr"], positives / positives.sum(), rtol=1e-12, atol=1e-12)
    for name in (m for m in LABELLED_METRICS if m != "ppr"):
        ours = rates[name]
        ref = theirs[name].to_numpy(dtype=np.float64)
        defined = ~np.isnan(ours)
        # Wherever we have a number fairlearn has the same one. Where we say undefined,
        # fairlearn may report 0 (sklearn's zero-division fallback); see the nan tests below.
        assert not np.isnan(ref[defined]).any(), name
        np.testing.assert_allclose(
            ours[defined], ref[defined], rtol=1e-12, atol=1e-15, err_msg=name
        )


def _assert_disparities_match(y_true, y_pred, sensitive_filled, ours: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, func in FAIRLEARN_DISPARITIES.items():
            ref = func(y_true, y_pred, sensitive_features=sensitive_filled)
            np.testing.assert_allclose(
                float(ours[name]), float(ref), rtol=1e-12, atol=1e-15, err_msg=name
            )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_feature_matches_fairlearn(make, seed: int) -> None:
    d = make(3000, seed=seed, n_sex=5)
    sex = d["sensitive"]["sex"]
    enc, rates, disp = _ours(d["y_true"], d["y_pred"], sex)
    assert enc.labels[-1] == "unknown"  # missing values are a group, not dropped
    filled = sex.fillna("unknown")
    _assert_rates_match(enc, rates, _fairlearn_by_group(d["y_true"], d["y_pred"], filled))
    _assert_disparities_match(d["y_true"], d["y_pred"], filled, disp)


def test_intersection_matches_fairlearn_multiindex(make) -> None:
    d = make(4000, seed=11, n_sex=3, n_region=5)
    enc, rates, disp = _ours(d["y_true"], d["y_pred"], d["sensitive"])
    assert enc.n_groups == 4 * 5
    filled = d["sensitive"].fillna("unknown")
    by_group = _fairlearn_by_group(d["y_true"], d["y_pred"], filled)
    _assert_rates_match(enc, rates, by_group)
    _assert_disparities_match(d["y_true"], d["y_pred"], filled, disp)


def test_sparse_intersection_matches_fairlearn(make) -> None:
    # Few rows, many cells: some combinations absent, some one-class groups.
    d = make(150, seed=5, n_sex=4, n_region=8)
    enc, rates, _ = _ours(d["y_true"], d["y_pred"], d["sensitive"])
    by_group = _fairlearn_by_group(d["y_true"], d["y_pred"], d["sensitive"].fillna("unknown"))
    _assert_rates_match(enc, rates, by_group)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    n=st.integers(min_value=40, max_value=400),
    n_groups=st.integers(min_value=2, max_value=5),
)
def test_property_rates_and_disparities_match_fairlearn(seed: int, n: int, n_groups: int) -> None:
    rng = np.random.default_rng(seed)
    group = pd.Series(rng.integers(0, n_groups, n), name="g").map(lambda i: f"g{i}")
    y_true = rng.integers(0, 2, n)
    y_pred = rng.integers(0, 2, n)
    enc, rates, disp = _ours(y_true, y_pred, group)
    mf = _fairlearn_frame(y_true, y_pred, group)
    _assert_rates_match(enc, rates, _fairlearn_by_group(y_true, y_pred, group, mf))
    # fairlearn scores an undefined TPR/FPR as 0, so disparities agree only when all are defined.
    # The disparity functions are MetricFrame.difference()/ratio() (tested directly above); use
    # them on the same frame to keep this test fast.
    if not any(np.isnan(rates[k]).any() for k in ("tpr", "fpr", "selection_rate")):
        diff, ratio = mf.difference(), mf.ratio()
        expected = {
            "demographic_parity_difference": diff["selection_rate"],
            "demographic_parity_ratio": ratio["selection_rate"],
            "equal_opportunity_difference": diff["tpr"],
            "equalized_odds_difference": max(diff["tpr"], diff["fpr"]),
            "equalized_odds_ratio": min(ratio["tpr"], ratio["fpr"]),
        }
        for name, ref in expected.items():
            np.testing.assert_allclose(float(disp[name]), ref, rtol=1e-12, atol=1e-15, err_msg=name)


# --- undefined metrics -------------------------------------------------------------------------


def test_zero_denominators_are_nan_not_zero() -> None:
    # Group "a": no actual positives (TPR, FNR undefined) and no selections (precision undefined).
    # Group "b": no actual negatives (FPR, TNR undefined).
    group = ["a", "a", "a", "b", "b", "b"]
    y_true = [0, 0, 0, 1, 1, 1]
    y_pred = [0, 0, 0, 1, 0, 1]
    enc, rates, disp = _ours(y_true, y_pred, group)
    for name in ("tpr", "fnr", "precision"):
        assert np.isnan(rates[name][0]), name
    for name in ("fpr", "tnr"):
        assert np.isnan(rates[name][1]), name
    assert rates["tnr"][0] == 1.0 and rates["tpr"][1] == pytest.approx(2 / 3)
    # Only one group has a defined TPR (and FPR): there is no gap to measure.
    assert np.isnan(disp["equal_opportunity_difference"])
    assert np.isnan(disp["equalized_odds_difference"])
    assert np.isnan(disp["equalized_odds_ratio"])
    # fairlearn reports these undefined rates as 0 and so finds a TPR gap of 2/3.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = equal_opportunity_difference(y_true, y_pred, sensitive_features=group)
    assert theirs == pytest.approx(2 / 3)


def test_demographic_parity_ratio_is_nan_when_nobody_is_selected() -> None:
    rates = rates_from_counts(np.array([[5, 0], [7, 0]]))
    disp = disparities(rates)
    assert float(disp["demographic_parity_difference"]) == 0.0
    assert np.isnan(disp["demographic_parity_ratio"])
    assert set(disp) == {"demographic_parity_difference", "demographic_parity_ratio"}


def test_empty_group_has_undefined_rates() -> None:
    rates = rates_from_counts(np.array([[0, 0, 0, 0], [1, 2, 3, 4]]))
    for name in LABELLED_METRICS:
        if name == "ppr":  # its share of the positive decisions is 0, not undefined
            assert rates[name][0] == 0.0
            continue
        assert np.isnan(rates[name][0]), name
    assert rates["count"][0] == 0 and rates["share"][0] == 0.0


def test_rates_emit_no_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rates = rates_from_counts(np.zeros((3, 4), dtype=np.int64))
        disparities(rates)
        impact_ratios(rates["selection_rate"], 0)


# --- disparities: eligibility, vectorisation ---------------------------------------------------


def test_eligible_excludes_groups() -> None:
    counts = np.array([[10, 0], [5, 5], [2, 8]])  # selection rates 0, 0.5, 0.8
    rates = rates_from_counts(counts)
    full = disparities(rates)
    assert float(full["demographic_parity_difference"]) == pytest.approx(0.8)
    assert float(full["demographic_parity_ratio"]) == 0.0
    part = disparities(rates, eligible=np.array([False, True, True]))
    assert float(part["demographic_parity_difference"]) == pytest.approx(0.3)
    assert float(part["demographic_parity_ratio"]) == pytest.approx(0.625)
    alone = disparities(rates, eligible=np.array([False, False, True]))
    assert np.isnan(alone["demographic_parity_difference"])


def test_eligible_must_be_a_boolean_mask() -> None:
    rates = rates_from_counts(np.array([[1, 1], [1, 1]]))
    with pytest.raises(InputDataError, match=r"eligible must be a boolean array of shape \(2,\)"):
        disparities(rates, eligible=np.array([1, 0, 1]))


def test_functions_broadcast_over_leading_axes(data) -> None:
    enc = encode_groups(data["sensitive"])
    counts = group_counts(data["y_pred"], enc, y_true=data["y_true"]).counts
    stacked = np.stack([counts, counts[::-1], counts * 2])  # (3, G, 4)
    rates = rates_from_counts(stacked)
    disp = disparities(rates)
    for b in range(3):
        single = rates_from_counts(stacked[b])
        for name, values in single.items():
            np.testing.assert_array_equal(rates[name][b], values, err_msg=name)
        for name, value in disparities(single).items():
            assert disp[name].shape == (3,)
            np.testing.assert_array_equal(disp[name][b], value, err_msg=name)
    ratios = impact_ratios(rates["selection_rate"], reference=1)
    assert ratios.shape == (3, enc.n_groups)


def test_label_free_metrics() -> None:
    assert LABEL_FREE_METRICS == ("selection_rate", "ppr")
    assert LABELLED_METRICS[0] == "selection_rate"


def test_impact_ratios() -> None:
    rate = np.array([0.2, 0.5, 0.4, np.nan])
    np.testing.assert_allclose(impact_ratios(rate, 1), [0.4, 1.0, 0.8, np.nan])
    assert np.isnan(impact_ratios(np.array([0.3, 0.0]), 1)).all()
    with pytest.raises(InputDataError, match=r"reference must be a group index in 0..3; got 4"):
        impact_ratios(rate, 4)


def test_bad_counts_shape() -> None:
    with pytest.raises(InputDataError, match=r"got shape \(2, 3\)"):
        rates_from_counts(np.zeros((2, 3)))
