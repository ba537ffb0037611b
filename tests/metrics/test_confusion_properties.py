"""Property tests of the full group table over random groups, including empty, one-class and all-positive ones."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govaudit.auditors import BiasAuditor
from govaudit.metrics._confusion import UNDEFINED_REASONS, contrast_columns, likelihood_ratios, metric_references
from govaudit.metrics._intervals import bootstrap_counts
from govaudit.metrics._rates import rates_from_counts

#: per group [TN, FP, FN, TP]; zeros are common so that empty, one-class and all-positive groups occur
cell = st.one_of(st.just(0), st.integers(0, 40))
tables = st.lists(st.tuples(cell, cell, cell, cell), min_size=2, max_size=5).map(
    lambda rows: np.array(rows, dtype=np.int64))


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    y_true, y_pred, group = [], [], []
    for g, row in enumerate(counts):
        for (t, p), k in zip(((0, 0), (0, 1), (1, 0), (1, 1)), row):
            y_true += [t] * int(k)
            y_pred += [p] * int(k)
            group += [f"g{g}"] * int(k)
    return np.array(y_true, dtype=int), np.array(y_pred, dtype=int), pd.Series(group, name="g")


@given(tables)
@settings(max_examples=150, deadline=None)
def test_rates_are_proportions_or_undefined_by_their_denominator(counts: np.ndarray) -> None:
    rates = rates_from_counts(counts)
    tn, fp, fn, tp = counts.T
    denominators = {"tpr": tp + fn, "fnr": tp + fn, "fpr": fp + tn, "tnr": fp + tn, "precision": tp + fp,
                    "fdr": tp + fp, "npv": tn + fn, "for": tn + fn, "prevalence": counts.sum(1),
                    "selection_rate": counts.sum(1), "accuracy": counts.sum(1)}
    for name, den in denominators.items():
        values = rates[name]
        np.testing.assert_array_equal(np.isnan(values), den == 0, err_msg=name)
        assert ((values[den > 0] >= 0) & (values[den > 0] <= 1)).all(), name
    defined = ~np.isnan(rates["tpr"])
    np.testing.assert_allclose(rates["tpr"][defined] + rates["fnr"][defined], 1.0)
    defined = ~np.isnan(rates["precision"])
    np.testing.assert_allclose(rates["precision"][defined] + rates["fdr"][defined], 1.0)
    if (tp + fp).sum() > 0:
        assert math.isclose(float(np.sum(rates["ppr"])), 1.0)


@given(tables)
@settings(max_examples=150, deadline=None)
def test_likelihood_ratio_intervals_contain_the_point(counts: np.ndarray) -> None:
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        out = likelihood_ratios(counts, 0.95)
    tn, fp, fn, tp = counts.T.astype(float)
    for name, num, den in (("lr_plus", tp, fp), ("lr_minus", fn, tn)):
        value, low, high = out[name], out[f"{name}_low"], out[f"{name}_high"]
        undefined = (tp + fn == 0) | (tn + fp == 0) | (den == 0)
        np.testing.assert_array_equal(np.isnan(value), undefined, err_msg=name)
        both = ~np.isnan(low)
        assert (low[both] <= value[both] * (1 + 1e-12)).all() and (value[both] <= high[both] * (1 + 1e-12)).all()
        assert np.isnan(low[num == 0]).all()  # ln 0 has no interval


@given(tables, st.sampled_from(["most_favoured", "largest", "min_metric"]), st.booleans())
@settings(max_examples=100, deadline=None)
def test_contrasts_broadcast_and_intervals_contain_the_point(counts: np.ndarray, mode: str, adverse: bool) -> None:
    rates = rates_from_counts(counts)
    eligible = counts.sum(1) > 0
    refs = metric_references(rates, counts.sum(1), eligible, mode, None, adverse)
    boot = rates_from_counts(bootstrap_counts(counts, 200, seed=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = contrast_columns(rates, boot, refs, 0.95)
    for metric, ref in refs.items():
        if ref is None:
            assert np.isnan(out[f"{metric}_ratio"]).all()
            continue
        assert eligible[ref]
        if np.isnan(rates[metric][ref]):  # one reference for every rate: its own may be undefined
            assert mode != "min_metric" and np.isnan(out[f"{metric}_ratio"]).all()
            continue
        if mode == "min_metric":
            assert rates[metric][ref] == np.nanmin(np.where(eligible, rates[metric], np.nan))
        np.testing.assert_allclose(out[f"{metric}_difference"], rates[metric] - rates[metric][ref])
        for kind in ("ratio", "difference"):
            point, low, high = out[f"{metric}_{kind}"], out[f"{metric}_{kind}_low"], out[f"{metric}_{kind}_high"]
            assert point.shape == low.shape == (len(counts),)
            shown = ~np.isnan(low)
            assert (low[shown] <= high[shown]).all()
            assert low[ref] == high[ref] == (1.0 if kind == "ratio" else 0.0) or np.isnan(low[ref])


@given(tables)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_auditor_never_crashes_and_gives_reasons_for_nulls(counts: np.ndarray) -> None:
    y_true, y_pred, group = _expand(counts)
    assume(len(y_true) > 0 and 0 < y_true.sum() < len(y_true))  # one class overall is a typed input error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = BiasAuditor(min_group_size=1, suppress_below=0, n_resamples=50,
                             gates={"impact_ratio": {"min": 0.8}, "equalized_odds_parity": {"min": 0.8, "max": 1.25},
                                    "npv_difference": {"min": -0.1, "max": 0.1}}).assess(
            y_true, y_pred, sensitive_features=group)
    table = report.by_group["g"]
    rows = {r["group"]: r for f in report.findings if f.check == "bias.group_metrics" for r in f.evidence["groups"]}
    for label, row in rows.items():
        for metric in UNDEFINED_REASONS:
            if metric in table and np.isnan(table.loc[label, metric]):
                assert row[metric] is None and metric in row["undefined"], (label, metric)
        for metric in ("tpr", "fpr", "precision", "npv", "selection_rate"):
            low, high = row[f"{metric}_ci"]
            if row[metric] is not None:
                assert low <= row[metric] + 1e-12 and row[metric] <= high + 1e-12
    for f in report.findings:
        if f.check in ("bias.equalized_odds_parity", "bias.npv_difference"):
            assert f.status.value in ("pass", "fail", "inconclusive")
            if f.value is None:  # undefined: never a pass
                assert f.status.value != "pass"
