"""The full per-group table and the per-group disparities, against hand counts, scikit-learn and fairlearn."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (MetricFrame, false_negative_rate, false_positive_rate, selection_rate,
                               true_negative_rate, true_positive_rate)
from sklearn.metrics import accuracy_score, confusion_matrix, precision_score, recall_score

from govaudit.auditors import BiasAuditor
from govaudit.exceptions import UndefinedMetricWarning

Z95 = 1.959963984540054  # the standard normal 97.5% quantile

#: group -> (TN, FP, FN, TP), counted by hand; C has everyone with the outcome (no FPR, TNR, LRs)
HAND = {"A": (3, 1, 1, 3), "B": (4, 2, 3, 1), "C": (0, 0, 2, 5)}
#: every metric of every group, worked out by hand from HAND (12 positive decisions in all)
EXPECTED = {
    "A": dict(count=8, tp=3, fp=1, tn=3, fn=1, pp=4, pn=4, label_pos=4, label_neg=4, prevalence=4 / 8,
              selection_rate=4 / 8, tpr=3 / 4, fpr=1 / 4, fnr=1 / 4, tnr=3 / 4, precision=3 / 4, npv=3 / 4,
              fdr=1 / 4, **{"for": 1 / 4}, accuracy=6 / 8, ppr=4 / 12, lr_plus=3.0, lr_minus=1 / 3),
    "B": dict(count=10, tp=1, fp=2, tn=4, fn=3, pp=3, pn=7, label_pos=4, label_neg=6, prevalence=4 / 10,
              selection_rate=3 / 10, tpr=1 / 4, fpr=2 / 6, fnr=3 / 4, tnr=4 / 6, precision=1 / 3, npv=4 / 7,
              fdr=2 / 3, **{"for": 3 / 7}, accuracy=5 / 10, ppr=3 / 12, lr_plus=0.75, lr_minus=1.125),
    "C": dict(count=7, tp=5, fp=0, tn=0, fn=2, pp=5, pn=2, label_pos=7, label_neg=0, prevalence=1.0,
              selection_rate=5 / 7, tpr=5 / 7, fpr=math.nan, fnr=2 / 7, tnr=math.nan, precision=1.0, npv=0.0,
              fdr=0.0, **{"for": 1.0}, accuracy=5 / 7, ppr=5 / 12, lr_plus=math.nan, lr_minus=math.nan),
}
#: (numerator, denominator) of each rate, for the Wilson interval by hand
PARTS = {"prevalence": ("label_pos", "count"), "selection_rate": ("pp", "count"), "tpr": ("tp", "label_pos"),
         "fpr": ("fp", "label_neg"), "fnr": ("fn", "label_pos"), "tnr": ("tn", "label_neg"),
         "precision": ("tp", "pp"), "npv": ("tn", "pn"), "fdr": ("fp", "pp"), "for": ("fn", "pn")}


def _rows(table: dict[str, tuple[int, int, int, int]]) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    y_true, y_pred, group = [], [], []
    for label, (tn, fp, fn, tp) in table.items():
        for (t, p), k in (((0, 0), tn), ((0, 1), fp), ((1, 0), fn), ((1, 1), tp)):
            y_true += [t] * k
            y_pred += [p] * k
            group += [label] * k
    return np.array(y_true), np.array(y_pred), pd.Series(group, name="g")


def _assess(table=HAND, **config):
    y_true, y_pred, group = _rows(table)
    settings = {"min_group_size": 1, "suppress_below": 0, "n_resamples": 300, **config}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return BiasAuditor(**settings).assess(y_true, y_pred, sensitive_features=group)


def _wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def test_every_column_equals_the_hand_count() -> None:
    table = _assess().by_group["g"]
    for label, expected in EXPECTED.items():
        for column, value in expected.items():
            got = table.loc[label, column]
            if math.isnan(value):
                assert math.isnan(got), (label, column)
            else:
                assert got == pytest.approx(value, abs=1e-12), (label, column)
    np.testing.assert_allclose(table["share"], [8 / 25, 10 / 25, 7 / 25])


def test_rates_have_wilson_intervals_by_the_textbook_formula() -> None:
    table = _assess().by_group["g"]
    for label, expected in EXPECTED.items():
        for rate, (num, den) in PARTS.items():
            if expected[den] == 0:
                assert math.isnan(table.loc[label, f"{rate}_low"]), (label, rate)
                continue
            low, high = _wilson(expected[num], expected[den])
            assert table.loc[label, f"{rate}_low"] == pytest.approx(low, abs=1e-12), (label, rate)
            assert table.loc[label, f"{rate}_high"] == pytest.approx(high, abs=1e-12), (label, rate)
        low, high = _wilson(expected["pp"], 12)  # ppr: the group's part of all 12 positive decisions
        assert table.loc[label, "ppr_low"] == pytest.approx(low, abs=1e-12)
        assert table.loc[label, "ppr_high"] == pytest.approx(high, abs=1e-12)


def test_likelihood_ratios_have_log_method_intervals() -> None:
    table = _assess().by_group["g"]
    for label in ("A", "B"):
        e = EXPECTED[label]
        se_plus = math.sqrt(1 / e["tp"] - 1 / e["label_pos"] + 1 / e["fp"] - 1 / e["label_neg"])
        se_minus = math.sqrt(1 / e["fn"] - 1 / e["label_pos"] + 1 / e["tn"] - 1 / e["label_neg"])
        for name, se in (("lr_plus", se_plus), ("lr_minus", se_minus)):
            assert table.loc[label, f"{name}_low"] == pytest.approx(e[name] * math.exp(-Z95 * se), rel=1e-12)
            assert table.loc[label, f"{name}_high"] == pytest.approx(e[name] * math.exp(Z95 * se), rel=1e-12)
    assert np.isnan(table.loc["C", ["lr_plus", "lr_plus_low", "lr_minus", "lr_minus_high"]].astype(float)).all()


def test_undefined_metrics_carry_their_reason_in_the_evidence() -> None:
    finding = next(f for f in _assess().findings if f.check == "bias.group_metrics")
    rows = {r["group"]: r for r in finding.evidence["groups"]}
    assert "undefined" not in rows["A"]
    reasons = rows["C"]["undefined"]
    assert set(reasons) == {"fpr", "tnr", "lr_plus", "lr_minus"}
    assert "label_neg = 0" in reasons["fpr"]
    assert rows["C"]["fpr"] is None and rows["C"]["fpr_ci"] == [None, None]  # null, never 0
    assert rows["C"]["tp"] == 5 and rows["C"]["label_neg"] == 0


def test_without_labels_only_the_label_free_columns() -> None:
    _, y_pred, group = _rows(HAND)
    table = BiasAuditor(min_group_size=1, n_resamples=0).assess(y_pred=y_pred, sensitive_features=group).by_group["g"]
    for column in ("count", "share", "pp", "pn", "selection_rate", "ppr"):
        assert column in table
    for column in ("tp", "fp", "label_pos", "prevalence", "tpr", "npv", "lr_plus"):
        assert column not in table
    np.testing.assert_array_equal(table["pp"], [4, 3, 5])
    np.testing.assert_allclose(table["ppr"], [4 / 12, 3 / 12, 5 / 12])


def test_cells_and_rates_equal_scikit_learn_per_group() -> None:
    rng = np.random.default_rng(11)
    n = 3000
    group = pd.Series(rng.choice(["x", "y", "z", "w"], n, p=[0.4, 0.3, 0.2, 0.1]), name="g")
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(group == "x", 0.6, 0.4)).astype(int)
    table = BiasAuditor(n_resamples=0).assess(y_true, y_pred, sensitive_features=group).by_group["g"]
    for label in table.index:
        m = (group == label).to_numpy()
        t, p = y_true[m], y_pred[m]
        tn, fp, fn, tp = confusion_matrix(t, p, labels=[0, 1]).ravel()
        assert (table.loc[label, ["tn", "fp", "fn", "tp"]].to_numpy() == [tn, fp, fn, tp]).all()
        assert table.loc[label, "precision"] == pytest.approx(precision_score(t, p))
        assert table.loc[label, "npv"] == pytest.approx(precision_score(1 - t, 1 - p))
        assert table.loc[label, "tpr"] == pytest.approx(recall_score(t, p))
        assert table.loc[label, "tnr"] == pytest.approx(recall_score(1 - t, 1 - p))
        assert table.loc[label, "fdr"] == pytest.approx(1 - precision_score(t, p))
        assert table.loc[label, "for"] == pytest.approx(1 - precision_score(1 - t, 1 - p))
        assert table.loc[label, "accuracy"] == pytest.approx(accuracy_score(t, p))
        assert table.loc[label, "prevalence"] == pytest.approx(t.mean())
        assert table.loc[label, "ppr"] == pytest.approx(p.sum() / y_pred.sum())
        assert table.loc[label, "lr_plus"] == pytest.approx(recall_score(t, p) / (fp / (fp + tn)))
        assert table.loc[label, "lr_minus"] == pytest.approx((fn / (fn + tp)) / recall_score(1 - t, 1 - p))


def test_rates_and_reference_ratios_equal_fairlearn_metricframe() -> None:
    rng = np.random.default_rng(5)
    n = 4000
    group = pd.Series(rng.choice(["a", "b", "c"], n), name="g")
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(group == "a", 0.35, 0.5)).astype(int)
    report = BiasAuditor(n_resamples=0, reference_groups={"g": "b"}).assess(y_true, y_pred, sensitive_features=group)
    metrics = {"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
               "fnr": false_negative_rate, "tnr": true_negative_rate}
    frame = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=group)
    table = report.by_group["g"]
    long = report.group_disparities["g"].set_index(["group", "metric"])
    for name in metrics:
        np.testing.assert_allclose(table.loc[frame.by_group.index, name], frame.by_group[name], rtol=1e-12)
        ratio = frame.by_group[name] / frame.by_group.loc["b", name]
        diff = frame.by_group[name] - frame.by_group.loc["b", name]
        for label in ratio.index:
            assert long.loc[(label, name), "ratio"] == pytest.approx(ratio[label], rel=1e-12)
            assert long.loc[(label, name), "difference"] == pytest.approx(diff[label], abs=1e-12)
            assert long.loc[(label, name), "reference"] == "b"
    # the largest difference from b is fairlearn's difference() when b is one of its extremes
    assert set(long.reset_index()["metric"]) >= {"ppr", "prevalence", "npv", "fdr", "for", "accuracy"}


def test_disparity_table_layout_and_hand_values() -> None:
    report = _assess(reference_groups={"g": "A"})
    long = report.group_disparities["g"]
    assert list(long.columns) == ["group", "metric", "ratio", "ratio_low", "ratio_high", "difference",
                                  "difference_low", "difference_high", "reference"]
    rows = long.set_index(["group", "metric"])
    assert rows.loc[("B", "fpr"), "ratio"] == pytest.approx((2 / 6) / (1 / 4))
    assert rows.loc[("B", "npv"), "difference"] == pytest.approx(4 / 7 - 3 / 4)
    assert rows.loc[("C", "precision"), "ratio"] == pytest.approx(1 / (3 / 4))
    assert math.isnan(rows.loc[("C", "fpr"), "ratio"])  # C has no FPR
    assert rows.loc[("A", "tpr"), "ratio"] == 1.0 and rows.loc[("A", "tpr"), "difference"] == 0.0
    # impact_ratio is the selection-rate ratio
    table = report.by_group["g"]
    np.testing.assert_allclose(table["impact_ratio"], rows.xs("selection_rate", level="metric")["ratio"])
    for _, r in long.dropna(subset=["ratio_low"]).iterrows():  # intervals contain the point
        assert r["ratio_low"] - 1e-12 <= r["ratio"] <= r["ratio_high"] + 1e-12
        assert r["difference_low"] - 1e-12 <= r["difference"] <= r["difference_high"] + 1e-12


@pytest.mark.parametrize("mode, expected", [
    ("most_favoured", {m: "C" for m in ("selection_rate", "tpr", "fpr")}),
    ("largest", {m: "B" for m in ("selection_rate", "tpr", "fpr")}),
    ("min_metric", {"selection_rate": "B", "tpr": "B", "fpr": "A", "npv": "C", "precision": "B"}),
])
def test_reference_modes(mode: str, expected: dict[str, str]) -> None:
    long = _assess(reference=mode).group_disparities["g"]
    refs = long.drop_duplicates("metric").set_index("metric")["reference"]
    for metric, group in expected.items():
        assert refs[metric] == group, (mode, metric)


def test_adverse_most_favoured_is_the_least_flagged_group() -> None:
    report = _assess(decision="adverse")
    refs = report.group_disparities["g"].drop_duplicates("metric").set_index("metric")["reference"]
    assert set(refs) == {"B"}  # B is flagged least (3 of 10)
    finding = next(f for f in report.findings if f.check == "bias.group_metrics")
    assert finding.evidence["decision"] == "adverse" and finding.evidence["references"]["fpr"] == "B"
    assert "flagged" in finding.message
