"""The bias audit of risk scores: findings, tables, gates, disclosure and the fairness trade-off."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from govaudit.bias import BiasAuditor
from govaudit.bias._score_findings import withheld
from govaudit.core import Status


def _scored(seed: int = 0, n: int = 6000, miscalibrated: float = 0.0, base_gap: float = 0.2):
    """Two groups with different base rates; the scores of group 'b' are off by ``miscalibrated``."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b"], n)
    region = rng.choice(["north", "south"], n)
    truth = np.clip(0.3 + base_gap * (group == "b") + rng.normal(0, 0.15, n), 0.01, 0.99)
    y = (rng.random(n) < truth).astype(int)
    score = np.clip(truth + miscalibrated * (group == "b"), 0, 1)
    decision = (score >= 0.5).astype(int)
    return pd.DataFrame({"group": group, "region": region}), y, decision, score


def _assess(frame, y, decision, score, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BiasAuditor(n_resamples=50, **settings).assess(y, decision, sensitive_features=frame, y_score=score)


def _one(report, check, feature=None):
    found = [f for f in report.findings if f.check == check and (feature is None or f.evidence.get("feature") == feature)]
    assert len(found) == 1, [f.check for f in report.findings]
    return found[0]


def test_tables_and_findings_equal_independent_computations():
    from scipy.stats import ks_2samp
    from sklearn.metrics import brier_score_loss, roc_auc_score

    frame, y, decision, score = _scored()
    report = _assess(frame, y, decision, score, intersections=[["group", "region"]])
    assert set(report.scores) == {"group", "region", "group & region"}
    assert set(report.calibration) == set(report.scores)
    table = report.scores["group & region"]
    assert list(table.index) == list(report.by_group["group & region"].index)
    labels = frame["group"] + " & " + frame["region"]
    for label in table.index:
        inside = (labels == label).to_numpy()
        assert table.at[label, "auc"] == pytest.approx(roc_auc_score(y[inside], score[inside]))
        assert table.at[label, "brier"] == pytest.approx(brier_score_loss(y[inside], score[inside]))
        assert table.at[label, "ks_statistic"] == pytest.approx(ks_2samp(score[inside], score[~inside]).statistic)
        assert table.at[label, "calibration_in_the_large"] == pytest.approx(y[inside].mean() - score[inside].mean())
    calibration = _one(report, "bias.score_calibration", "group")
    assert calibration.status is Status.REPORTED
    rows = {r["group"]: r for r in calibration.evidence["groups"]}
    assert rows["a"]["ece"] == pytest.approx(report.scores["group"].at["a", "ece"])
    curve = report.calibration["group"]
    assert curve[curve["group"] == "a"]["count"].sum() == (frame["group"] == "a").sum()
    json.dumps([f.model_dump(mode="json") for f in report.findings])  # evidence is plain JSON


def test_calibrated_scores_pass_the_gates_on_any_seed():
    gates = {"max_ece": 0.08, "max_auc_difference": 0.15, "max_calibration_in_the_large_difference": 0.05}
    for seed in range(4):
        report = _assess(*_scored(seed), require_significance=True, scores=gates)
        for check in ("bias.score_ece", "bias.score_auc_difference", "bias.score_calibration_in_the_large_difference"):
            assert {f.status for f in report.findings if f.check == check} == {Status.PASS}, seed


def test_miscalibrated_group_fails_the_calibration_gates():
    report = _assess(*_scored(miscalibrated=0.15), require_significance=True,
                     scores={"max_ece": 0.05, "max_calibration_in_the_large_difference": 0.05})
    ece = _one(report, "bias.score_ece", "group")
    assert ece.status is Status.FAIL and ece.groups == ("b",)
    assert ece.evidence["significance"]["significant"]
    citl = _one(report, "bias.score_calibration_in_the_large_difference", "group")
    assert citl.status is Status.FAIL and citl.value == pytest.approx(0.15, abs=0.03)
    # region is not involved: its calibration gap is small and passes
    assert _one(report, "bias.score_calibration_in_the_large_difference", "region").status is Status.PASS


def test_scores_outside_unit_interval_skip_calibration_but_keep_auc():
    frame, y, decision, score = _scored()
    report = _assess(frame, y, decision, score * 10)
    calibration = _one(report, "bias.score_calibration", "group")
    assert calibration.status is Status.SKIPPED and "[0, 1]" in calibration.message
    assert "group" not in report.calibration
    assert report.scores["group"]["auc"].notna().all()
    gated = _assess(frame, y, decision, score * 10, scores={"max_ece": 0.1})
    assert _one(gated, "bias.score_calibration", "group").status is Status.INCONCLUSIVE
    assert _one(gated, "bias.score_ece", "group").status is Status.INCONCLUSIVE


def test_without_outcomes_only_the_score_distributions_are_compared():
    frame, _, decision, score = _scored()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = BiasAuditor(n_resamples=0, scores={"max_auc_difference": 0.1}).assess(
            None, decision, sensitive_features=frame, y_score=score)
    assert _one(report, "bias.score_calibration", "group").status is Status.SKIPPED
    discrimination = _one(report, "bias.score_discrimination", "group")
    assert all(r["auc"] is None and r["ks_statistic"] is not None for r in discrimination.evidence["groups"])
    assert _one(report, "bias.score_auc_difference", "group").status is Status.INCONCLUSIVE
    assert not [f for f in report.findings if f.check == "bias.fairness_tradeoff"]


def test_shifted_scores_are_reported_and_never_fail_without_a_gate():
    frame, y, decision, score = _scored(miscalibrated=0.2)
    report = _assess(frame, y, decision, score)
    discrimination = _one(report, "bias.score_discrimination", "group")
    assert discrimination.status is Status.REPORTED and "distributed differently" in discrimination.message
    assert not [f for f in report.findings if f.check.startswith("bias.score") and f.status is Status.FAIL]
    rows = discrimination.evidence["groups"]
    assert all(r["ks_p_adjusted"] >= r["ks_p_value"] for r in rows)


def test_small_groups_and_bins_publish_counts_only():
    frame, y, decision, score = _scored(n=3000)
    frame.loc[:5, "group"] = "tiny"  # 6 people
    report = _assess(frame, y, decision, score, min_group_size=5, suppress_below=10)
    finding = _one(report, "bias.score_calibration", "group")
    tiny = next(r for r in finding.evidence["groups"] if r["group"] == "tiny")
    assert tiny["count"] == 6 and tiny["suppressed"]
    assert all(tiny[k] is None for k in ("observed_rate", "ece", "brier", "calibration_slope"))
    bins = finding.evidence["bins"]
    assert all(b["observed_rate"] is None and b["count"] is None for b in bins if b["group"] == "tiny")
    # 6 people withheld alone could be worked out from a total (another feature's groups count the same
    # people): a second group is withheld with them
    rows = {r["group"]: r for r in finding.evidence["groups"]}
    second = [label for label in ("a", "b") if rows[label].get("suppressed")]
    assert len(second) == 1 and "smaller group" in rows[second[0]]["note"]
    assert rows[second[0]]["count"] > 10 and rows[second[0]]["ece"] is None
    # bins of a published group with fewer than 10 people are withheld, at least 10 people together
    for label in {"a", "b"} - set(second):
        mine = [b for b in bins if b["group"] == label]
        hidden = [b for b in mine if b.get("suppressed")]
        assert all(b["observed_rate"] is not None for b in mine if b["count"] >= 10 and not b.get("suppressed"))
        assert all(b.get("suppressed") for b in mine if b["count"] < 10)
        assert hidden and sum(b["count"] for b in hidden) >= 10
    discrimination = _one(report, "bias.score_discrimination", "group")
    tiny = next(r for r in discrimination.evidence["groups"] if r["group"] == "tiny")
    assert tiny["auc"] is None and tiny["auc_ci"] == [None, None] and tiny["ks_statistic"] is None
    tradeoff = _one(report, "bias.fairness_tradeoff", "group")
    tiny = next(r for r in tradeoff.evidence["groups"] if r["group"] == "tiny")
    assert tiny["fpr"] is None and tiny["prevalence"] is None


def test_withheld_cells_add_up_to_the_threshold():
    assert withheld(np.array([100, 50, 3]), 10).tolist() == [False, True, True]
    assert withheld(np.array([100, 50, 30]), 10).tolist() == [False, False, False]
    assert withheld(np.array([4, 3, 100]), 10).tolist() == [True, True, True]
    assert withheld(np.array([0, 12, 5, 40]), 10).tolist() == [False, True, True, False]


def test_tradeoff_states_the_impossibility_when_base_rates_differ():
    frame, y, decision, score = _scored(n=8000)
    report = _assess(frame, y, decision, score)
    finding = _one(report, "bias.fairness_tradeoff", "group")
    assert finding.evidence["base_rates_differ"]
    assert "cannot" in finding.message and "Chouldechova" in finding.message
    rows = {r["group"]: r for r in finding.evidence["groups"]}
    inside = (frame["group"] == "a").to_numpy()
    negatives = inside & (y == 0)
    assert rows["a"]["fpr"] == pytest.approx(decision[negatives].mean())
    assert rows["a"]["fnr"] == pytest.approx(1 - decision[inside & (y == 1)].mean())
    assert rows["a"]["precision"] == pytest.approx(y[inside & (decision == 1)].mean())
    assert rows["a"]["npv"] == pytest.approx(1 - y[inside & (decision == 0)].mean())
    assert rows["a"]["prevalence"] == pytest.approx(y[inside].mean())
    # calibrated scores, different base rates, one threshold: error rates differ, predictive values too
    assert finding.evidence["error_rate_imbalance"]
    assert finding.status is Status.REPORTED  # information about the trade-off, not a warning against the model


def test_tradeoff_with_equal_base_rates_says_both_can_hold():
    frame, y, decision, score = _scored(n=8000, base_gap=0.0)
    finding = _one(_assess(frame, y, decision, score), "bias.fairness_tradeoff", "group")
    assert not finding.evidence["base_rates_differ"]
    assert "can hold together" in finding.message
    assert finding.evidence["tests"]["prevalence"]["p_value"] > 0.05


def test_tradeoff_p_values_equal_scipy():
    from scipy.stats import chi2_contingency

    frame, y, decision, score = _scored(n=4000)
    finding = _one(_assess(frame, y, decision, score), "bias.fairness_tradeoff", "group")
    table = pd.crosstab(frame["group"], y).to_numpy()
    assert finding.evidence["tests"]["prevalence"]["p_value"] == pytest.approx(
        chi2_contingency(table, correction=False).pvalue)


def test_decisions_alone_add_no_score_findings():
    frame, y, decision, _ = _scored()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = BiasAuditor(n_resamples=0).assess(y, decision, sensitive_features=frame)
        forced = BiasAuditor(n_resamples=0, scores={"fairness_tradeoff": True}).assess(
            y, decision, sensitive_features=frame)
    assert not [f for f in report.findings if f.check.startswith("bias.score") or f.check == "bias.fairness_tradeoff"]
    assert report.scores == {} and report.calibration == {}
    assert len([f for f in forced.findings if f.check == "bias.fairness_tradeoff"]) == 2
