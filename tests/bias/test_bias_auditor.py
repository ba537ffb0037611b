"""The bias auditor's judgements: references, small and unknown groups, significance, LL144, scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit import Auditor, Status
from govaudit.auditors import BiasAuditor

# A hand-counted table. Group A: 10 people, 6 selected; group B: 10 people, 3 selected.
#            y_true  y_pred                      A: TP=4 FP=2 FN=1 TN=3   B: TP=2 FP=1 FN=3 TN=4
HAND = pd.DataFrame(
    {
        "group": ["A"] * 10 + ["B"] * 10,
        "y_true": [1, 1, 1, 1, 0, 0, 1, 0, 0, 0] + [1, 1, 0, 1, 1, 1, 0, 0, 0, 0],
        "y_pred": [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] + [1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    }
)


def _find(findings, check, group=None):
    return [f for f in findings if f.check == check and (group is None or (f.groups and f.groups[0] == group))]


def test_is_an_auditor():
    auditor = BiasAuditor()
    assert isinstance(auditor, Auditor)
    assert auditor.get_params()["gates"] == {"impact_ratio": {"min": 0.8, "max": None}}


def test_hand_counted_table():
    report = BiasAuditor(min_group_size=1, n_resamples=0).assess(
        HAND.y_true, HAND.y_pred, sensitive_features=HAND.group
    )
    table = report.by_group["group"]
    assert table.loc["A", "count"] == 10 and table.loc["B", "count"] == 10
    assert table.loc["A", "selection_rate"] == pytest.approx(0.6)
    assert table.loc["B", "selection_rate"] == pytest.approx(0.3)
    assert table.loc["A", "tpr"] == pytest.approx(4 / 5) and table.loc["B", "tpr"] == pytest.approx(2 / 5)
    assert table.loc["A", "fpr"] == pytest.approx(2 / 5) and table.loc["B", "fpr"] == pytest.approx(1 / 5)
    assert table.loc["A", "precision"] == pytest.approx(4 / 6) and table.loc["B", "precision"] == pytest.approx(2 / 3)
    assert table.loc["A", "accuracy"] == pytest.approx(7 / 10) and table.loc["B", "accuracy"] == pytest.approx(6 / 10)
    assert table.loc["B", "impact_ratio"] == pytest.approx(0.5)
    disp = report.disparities.set_index("disparity")["value"]
    assert disp["demographic_parity_difference"] == pytest.approx(0.3)
    assert disp["equalized_odds_difference"] == pytest.approx(0.4)
    [ratio] = _find(report.findings, "bias.impact_ratio", "B")
    assert ratio.status is Status.FAIL and ratio.value == pytest.approx(0.5)
    # 10 per group is under 30: Fisher's exact test, and the gap is far from significant
    assert ratio.evidence["test"]["method"] == "fisher exact"
    assert ratio.evidence["test"]["p_value"] > 0.05
    # EEOC shortfall: B would have 10 * 0.6 = 6 selections at A's rate, it has 3
    assert ratio.evidence["test"]["shortfall"] == pytest.approx(3.0)


def test_require_significance_makes_an_insignificant_gap_inconclusive_not_a_pass():
    report = BiasAuditor(min_group_size=1, n_resamples=0, require_significance=True).assess(
        HAND.y_true, HAND.y_pred, sensitive_features=HAND.group
    )
    [ratio] = _find(report.findings, "bias.impact_ratio", "B")
    assert ratio.status is Status.INCONCLUSIVE and ratio.blocking
    assert "not statistically significant" in ratio.message and "cannot be judged" in ratio.message
    assert ratio.evidence["significance"]["correction"] == "holm"


def _decisions(rates: dict[str, tuple[int, float]], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Exact group sizes and selection counts: rate * n selected in each group."""
    groups, preds = [], []
    for g, (n, rate) in rates.items():
        k = int(round(n * rate))
        groups += [g] * n
        preds += [1] * k + [0] * (n - k)
    order = np.random.default_rng(seed).permutation(len(groups))
    return np.array(groups, dtype=object)[order], np.array(preds)[order]


def test_small_groups_warn_and_stay_out_of_ratio_gates():
    groups, preds = _decisions({"a": (500, 0.5), "b": (400, 0.45), "tiny": (12, 0.0)})
    report = BiasAuditor(n_resamples=0).assess(y_pred=preds, sensitive_features=pd.Series(groups, name="g"))
    assert not _find(report.findings, "bias.impact_ratio", "tiny")
    [small] = _find(report.findings, "bias.small_groups")
    assert small.status is Status.WARN and small.groups == ("tiny",)
    [metrics] = _find(report.findings, "bias.group_metrics")
    assert metrics.status is Status.WARN
    row = {r["group"]: r for r in metrics.evidence["groups"]}["tiny"]
    assert row["status"] == "warn" and "small group" in row["note"]
    assert report.passed  # 0.45/0.5 = 0.9 passes; the tiny group cannot fail the gate


def test_missing_values_form_an_unknown_group_that_is_counted_not_dropped():
    groups, preds = _decisions({"x": (300, 0.5), "y": (300, 0.5)})
    groups = groups.copy()
    groups[:40] = None
    report = BiasAuditor(n_resamples=0).assess(y_pred=preds, sensitive_features=pd.Series(groups, name="sex"))
    table = report.by_group["sex"]
    assert "unknown" in table.index and table.loc["unknown", "count"] == 40
    assert table["count"].sum() == 600
    [metrics] = _find(report.findings, "bias.group_metrics")
    assert metrics.evidence["unknown_count"] == 40
    assert not _find(report.findings, "bias.impact_ratio", "unknown")


def test_ll144_rule_excludes_categories_under_two_percent():
    groups, preds = _decisions({"a": (3000, 0.5), "b": (2000, 0.5), "c": (50, 0.1)})  # c is ~1% of the data
    plain = BiasAuditor(n_resamples=0).assess(y_pred=preds, sensitive_features=groups)
    assert _find(plain.findings, "bias.impact_ratio", "c")[0].status is Status.FAIL
    ll144 = BiasAuditor(n_resamples=0, small_category_rule="ll144").assess(y_pred=preds, sensitive_features=groups)
    assert not _find(ll144.findings, "bias.impact_ratio", "c")
    [small] = _find(ll144.findings, "bias.small_groups")
    row = small.evidence["groups"][0]
    # the law asks that the excluded category's count and rate still be stated
    assert row["group"] == "c" and row["count"] == 50 and row["selection_rate"] == pytest.approx(0.1)


def test_reference_group_choices():
    groups, preds = _decisions({"big": (1000, 0.4), "top": (300, 0.6), "mid": (500, 0.5)})
    most = BiasAuditor(n_resamples=0).assess(y_pred=preds, sensitive_features=groups)
    assert _find(most.findings, "bias.group_metrics")[0].evidence["reference"] == "top"
    largest = BiasAuditor(n_resamples=0, reference="largest").assess(y_pred=preds, sensitive_features=groups)
    assert _find(largest.findings, "bias.group_metrics")[0].evidence["reference"] == "big"
    assert largest.by_group["sensitive_feature"].loc["top", "impact_ratio"] == pytest.approx(1.5)
    named = BiasAuditor(n_resamples=0, reference_groups={"sensitive_feature": "mid"}).assess(
        y_pred=preds, sensitive_features=groups)
    assert named.by_group["sensitive_feature"].loc["big", "impact_ratio"] == pytest.approx(0.8)


def test_scoring_rate_is_share_above_the_sample_median():
    rng = np.random.default_rng(3)
    groups = np.repeat(["p", "q"], [400, 600])
    scores = np.concatenate([rng.normal(0.0, 1, 400), rng.normal(0.5, 1, 600)])
    report = BiasAuditor(n_resamples=0).assess(y_score=scores, sensitive_features=groups)
    median = np.median(scores)
    table = report.by_group["sensitive_feature"]
    for g in ("p", "q"):
        expected = float(np.mean(scores[groups == g] > median))
        assert table.loc[g, "scoring_rate"] == pytest.approx(expected)
    assert _find(report.findings, "bias.scoring_rates")


def test_without_labels_a_label_based_gate_asked_for_is_inconclusive():
    groups, preds = _decisions({"a": (300, 0.5), "b": (300, 0.5)})
    report = BiasAuditor(n_resamples=0, gates={"equalized_odds_difference": {"max": 0.1}}).assess(
        y_pred=preds, sensitive_features=groups)
    [eo] = _find(report.findings, "bias.equalized_odds_difference")
    assert eo.status is Status.INCONCLUSIVE and eo.blocking and "label" in eo.message


@pytest.mark.parametrize("container", ["list", "array", "series", "frame"])
def test_input_containers_give_the_same_answer(container):
    values = HAND.group.tolist()
    sensitive = {
        "list": values,
        "array": np.array(values),
        "series": pd.Series(values, name="sensitive_feature"),
        "frame": pd.DataFrame({"sensitive_feature": values}),
    }[container]
    y_true = HAND.y_true.tolist() if container == "list" else HAND.y_true.to_numpy()
    report = BiasAuditor(min_group_size=1, n_resamples=0).assess(y_true, HAND.y_pred, sensitive_features=sensitive)
    assert report.by_group["sensitive_feature"]["selection_rate"].tolist() == pytest.approx([0.6, 0.3])


def test_intersections_and_shorthand(applications):
    frame = applications[["channel", "sex"]]
    explicit = BiasAuditor(n_resamples=0, intersections=[["channel", "sex"]]).assess(
        applications.eligible, applications.eligible, sensitive_features=frame)
    shorthand = BiasAuditor(n_resamples=0, intersectional=True).assess(
        applications.eligible, applications.eligible, sensitive_features=frame)
    assert "channel & sex" in explicit.by_group and "channel & sex" in shorthand.by_group
    expected = applications.fillna({"sex": "unknown"}).groupby(["channel", "sex"]).size()
    got = explicit.by_group["channel & sex"]["count"]
    for (channel, sex), n in expected.items():
        assert got[f"{channel} & {sex}"] == n


def test_bootstrap_interval_brackets_the_impact_ratio():
    groups, preds = _decisions({"a": (800, 0.5), "b": (800, 0.35)})
    report = BiasAuditor(n_resamples=500, seed=1).assess(y_pred=preds, sensitive_features=groups)
    [ratio] = _find(report.findings, "bias.impact_ratio", "b")
    low, high = ratio.evidence["ci"]
    assert low < ratio.value < high
    assert ratio.value == pytest.approx(0.7)
    again = BiasAuditor(n_resamples=500, seed=1).assess(y_pred=preds, sensitive_features=groups)
    assert _find(again.findings, "bias.impact_ratio", "b")[0].evidence["ci"] == [low, high]


def test_findings_hold_no_individual_level_data(applications):
    report = BiasAuditor().assess(applications.eligible, applications.eligible,
                                  sensitive_features=applications[["channel", "sex"]])
    text = " ".join(f.model_dump_json() for f in report.findings)
    assert not any(app_id in text for app_id in applications.application_id.head(200))
    assert len(text) < 60_000  # aggregate tables only, independent of the row count


def test_rates_of_very_small_groups_never_reach_the_findings():
    groups, preds = _decisions({"a": (500, 0.5), "b": (400, 0.45), "few": (4, 1.0)})
    report = BiasAuditor(n_resamples=200).assess(y_pred=preds, sensitive_features=pd.Series(groups, name="g"))
    [metrics] = _find(report.findings, "bias.group_metrics")
    few = {r["group"]: r for r in metrics.evidence["groups"]}["few"]
    assert few["count"] == 4 and few["suppressed"] is True
    assert few["selection_rate"] is None and few["selection_rate_ci"] == [None, None]
    assert few["impact_ratio"] is None and "suppressed" in few["note"]
    [small] = _find(report.findings, "bias.small_groups")
    assert small.evidence["groups"][0]["selection_rate"] is None
    # the in-memory table for the analyst still has the number; only what is recorded is suppressed
    assert report.by_group["g"].loc["few", "selection_rate"] == pytest.approx(1.0)
    # a spec may ask to publish every rate, and then a group that small can even be judged
    published = BiasAuditor(n_resamples=0, suppress_below=0, min_group_size=1).assess(
        y_pred=preds, sensitive_features=pd.Series(groups, name="g"))
    [metrics] = _find(published.findings, "bias.group_metrics")
    assert {r["group"]: r for r in metrics.evidence["groups"]}["few"]["selection_rate"] == pytest.approx(1.0)
