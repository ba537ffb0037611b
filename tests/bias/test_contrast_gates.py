"""Gates on every rate's ratio to and difference from the reference, bands, combinations, orientation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pydantic
import pytest

from govaudit.auditors import BiasAuditor
from govaudit.bias._config import GATE_METRICS, Gate
from govaudit.core import Status
from govaudit.exceptions import UndefinedMetricWarning

from test_full_metrics import HAND, _assess, _rows


def _sample(n: int = 6000, seed: int = 0, fpr_gap: float = 0.0) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Two groups with equal base rates; group b's false positive rate is raised by ``fpr_gap``."""
    rng = np.random.default_rng(seed)
    group = pd.Series(rng.choice(["a", "b"], n), name="g")
    y_true = (rng.random(n) < 0.4).astype(int)
    fpr = np.where(group == "b", 0.2 + fpr_gap, 0.2)
    y_pred = np.where(y_true == 1, rng.random(n) < 0.7, rng.random(n) < fpr).astype(int)
    return y_true, y_pred, group


def _gated(findings, check: str):
    return [f for f in findings if f.check == check]


def test_two_sided_band_fails_above_and_names_metric_band_and_reference() -> None:
    y_true, y_pred, group = _sample(fpr_gap=0.15)
    report = BiasAuditor(n_resamples=200, gates={"fpr_ratio": {"min": 0.8, "max": 1.25}},
                         reference_groups={"g": "a"}).assess(y_true, y_pred, sensitive_features=group)
    (finding,) = _gated(report.findings, "bias.fpr_ratio")
    table = report.by_group["g"]
    assert finding.status is Status.FAIL
    assert finding.value == pytest.approx(table.loc["b", "fpr"] / table.loc["a", "fpr"])
    assert finding.operator == "<=" and finding.threshold == 1.25  # the side it crossed
    ev = finding.evidence
    assert ev["metric"] == "fpr_ratio" and ev["gate"] == {"min": 0.8, "max": 1.25} and ev["reference"] == "a"
    assert ev["test"]["rate"] == "fpr" and ev["test"]["p_value"] < 1e-6
    assert "within [0.8, 1.25]" in finding.message and "'a'" in finding.message
    assert ev["ci"][0] <= finding.value <= ev["ci"][1]


def test_band_passes_a_clean_sample_on_any_seed() -> None:
    gates = {"fpr_ratio": {"min": 0.8, "max": 1.25}, "equalized_odds_parity": {"min": 0.8, "max": 1.25},
             "predictive_parity": {"min": 0.8, "max": 1.25}, "demographic_parity": {"min": 0.8},
             "tpr_difference": {"min": -0.1, "max": 0.1}, "impact_ratio": {"min": 0.8}}
    for seed in range(5):
        y_true, y_pred, group = _sample(seed=seed)
        report = BiasAuditor(n_resamples=100, gates=gates, require_significance=True).assess(
            y_true, y_pred, sensitive_features=group)
        assert report.passed, [f.message for f in report.findings if f.blocking]


def test_equalized_odds_parity_fails_on_either_component() -> None:
    y_true, y_pred, group = _sample(fpr_gap=0.15)
    report = BiasAuditor(n_resamples=0, reference_groups={"g": "a"},
                         gates={"equalized_odds_parity": {"min": 0.8, "max": 1.25},
                                "predictive_parity": {"min": 0.8, "max": 1.25}}).assess(
        y_true, y_pred, sensitive_features=group)
    (eo,) = _gated(report.findings, "bias.equalized_odds_parity")
    assert eo.status is Status.FAIL
    parts = {c["metric"]: c for c in eo.evidence["components"]}
    assert set(parts) == {"fpr_ratio", "fnr_ratio"}
    assert parts["fpr_ratio"]["passes"] is False and parts["fnr_ratio"]["passes"] is True
    assert eo.value == pytest.approx(parts["fpr_ratio"]["value"])
    (pp,) = _gated(report.findings, "bias.predictive_parity")
    assert {c["metric"] for c in pp.evidence["components"]} == {"precision_ratio", "npv_ratio"}


def test_undefined_component_is_inconclusive_never_a_pass() -> None:
    # C has no one without the outcome: its FPR is undefined; against A's, the ratio cannot be judged
    report = _assess(reference_groups={"g": "A"}, gates={"fpr_ratio": {"min": 0.5, "max": 2.0},
                                                         "equalized_odds_parity": {"min": 0.01, "max": 100.0}})
    by_group = {f.evidence["group"]: f for f in _gated(report.findings, "bias.fpr_ratio")}
    assert by_group["C"].status is Status.INCONCLUSIVE and by_group["B"].status is Status.PASS
    eo = {f.evidence["group"]: f for f in _gated(report.findings, "bias.equalized_odds_parity")}
    assert eo["C"].status is Status.INCONCLUSIVE
    # a reference whose rate is undefined: every group is inconclusive
    against_c = _assess(reference_groups={"g": "C"}, gates={"fpr_ratio": {"max": 2.0}})
    assert {f.status for f in _gated(against_c.findings, "bias.fpr_ratio")} == {Status.INCONCLUSIVE}


def test_labelled_gate_without_labels_is_inconclusive() -> None:
    _, y_pred, group = _rows(HAND)
    report = BiasAuditor(min_group_size=1, n_resamples=0, gates={"npv_ratio": {"min": 0.8}}).assess(
        y_pred=y_pred, sensitive_features=group)
    (finding,) = _gated(report.findings, "bias.npv_ratio")
    assert finding.status is Status.INCONCLUSIVE and "observed outcomes" in finding.message


def test_require_significance_makes_a_small_gap_inconclusive_and_holm_counts_it() -> None:
    y_true, y_pred, group = _sample(n=400, fpr_gap=0.06, seed=3)
    gates = {"fpr_ratio": {"max": 1.1}, "impact_ratio": {"min": 0.8}}
    plain = BiasAuditor(n_resamples=0, gates=gates, reference_groups={"g": "a"}).assess(
        y_true, y_pred, sensitive_features=group)
    judged = BiasAuditor(n_resamples=0, gates=gates, require_significance=True, reference_groups={"g": "a"}).assess(
        y_true, y_pred, sensitive_features=group)
    (before,), (after,) = _gated(plain.findings, "bias.fpr_ratio"), _gated(judged.findings, "bias.fpr_ratio")
    assert before.status is Status.FAIL
    assert after.status is Status.INCONCLUSIVE
    block = after.evidence["significance"]
    assert block["correction"] == "holm" and block["p_value"] == pytest.approx(before.evidence["test"]["p_value"])
    assert block["family_size"] >= 2  # the impact ratio's test is in the same family


def test_significant_gap_fails_under_require_significance() -> None:
    y_true, y_pred, group = _sample(fpr_gap=0.2)
    report = BiasAuditor(n_resamples=0, require_significance=True, reference_groups={"g": "a"},
                         gates={"fpr_difference": {"max": 0.05}, "equalized_odds_parity": {"max": 1.25}}).assess(
        y_true, y_pred, sensitive_features=group)
    assert {f.status for f in report.findings if f.check in ("bias.fpr_difference", "bias.equalized_odds_parity")} \
        == {Status.FAIL}


def test_every_legacy_gate_name_still_validates_and_runs() -> None:
    legacy = ["impact_ratio", "demographic_parity_difference", "demographic_parity_ratio",
              "equalized_odds_difference", "equalized_odds_ratio", "equal_opportunity_difference"]
    gates = {name: ({"min": 0.5} if "ratio" in name else {"max": 0.5}) for name in legacy}
    y_true, y_pred, group = _sample()
    report = BiasAuditor(n_resamples=0, gates=gates).assess(y_true, y_pred, sensitive_features=group)
    assert {f.check for f in report.findings} >= {f"bias.{name}" for name in legacy}
    assert report.passed
    assert "scoring_impact_ratio" in GATE_METRICS


def test_unknown_gate_metric_is_rejected_with_the_valid_names() -> None:
    with pytest.raises(pydantic.ValidationError) as err:
        BiasAuditor(gates={"fpr_ration": {"max": 1.25}})
    text = str(err.value)
    assert "fpr_ration" in text and "fpr_ratio" in text and "equalized_odds_parity" in text


def test_gate_bands() -> None:
    band = Gate(min=0.8, max=1.25)
    assert band.passes(1.0) and not band.passes(0.79) and not band.passes(1.26) and not band.passes(float("nan"))
    assert band.binding(1.3) == ("<=", 1.25) and band.binding(0.7) == (">=", 0.8)
    assert Gate(min=0.8).flipped() == Gate(max=1.25)
    assert Gate(min=0.8, max=1.25).flipped() == Gate(min=0.8, max=1.25)
    with pytest.raises(pydantic.ValidationError, match="must not exceed"):
        Gate(min=2, max=1)


# -- orientation ------------------------------------------------------------------------------


def test_same_data_in_both_codings_gives_consistent_numbers() -> None:
    """Adverse coding (1 = flagged / irregularity found) against favourable (1 = not flagged / no irregularity)."""
    rng = np.random.default_rng(8)
    n = 5000
    group = pd.Series(rng.choice(["p", "q", "r"], n, p=[0.5, 0.3, 0.2]), name="g")
    found = (rng.random(n) < np.where(group == "q", 0.3, 0.2)).astype(int)
    flagged = np.where(found == 1, rng.random(n) < 0.6, rng.random(n) < np.where(group == "r", 0.3, 0.15))
    flagged = flagged.astype(int)
    adverse = BiasAuditor(decision="adverse", n_resamples=200).assess(found, flagged, sensitive_features=group)
    favourable = BiasAuditor(n_resamples=200).assess(1 - found, 1 - flagged, sensitive_features=group)
    a, f = adverse.by_group["g"], favourable.by_group["g"]
    pairs = {"fpr": "fnr", "fnr": "fpr", "tpr": "tnr", "tnr": "tpr", "precision": "npv", "npv": "precision",
             "fdr": "for", "for": "fdr", "tp": "tn", "fp": "fn", "pp": "pn", "label_pos": "label_neg",
             "accuracy": "accuracy", "lr_plus": None}
    for ours, theirs in pairs.items():
        if theirs is not None:
            np.testing.assert_allclose(a[ours], f[theirs], rtol=1e-12, err_msg=ours)
    np.testing.assert_allclose(a["selection_rate"], 1 - f["selection_rate"], rtol=1e-12)
    np.testing.assert_allclose(a["prevalence"], 1 - f["prevalence"], rtol=1e-12)
    np.testing.assert_allclose(a["lr_plus"], 1 / f["lr_minus"], rtol=1e-12)  # tpr/fpr = 1/(fnr'/tnr')
    # the same reference: the least flagged group is the most selected one
    ref_a = adverse.group_disparities["g"]["reference"].unique()
    ref_f = favourable.group_disparities["g"]["reference"].unique()
    assert list(ref_a) == list(ref_f) == [a["selection_rate"].idxmin()]
    # the four-fifths rule read both ways: flagged at >= 1.25 x the reference fails
    flagged_ratio = {f_.evidence["group"]: f_ for f_ in adverse.findings if f_.check == "bias.impact_ratio"}
    for label, finding in flagged_ratio.items():
        value = a.loc[label, "selection_rate"] / a.loc[ref_a[0], "selection_rate"]
        assert finding.value == pytest.approx(value)
        assert finding.operator == "<=" and finding.threshold == 1.25
        assert (finding.status is Status.FAIL) == (value > 1.25)
        assert finding.evidence["four_fifths_rule_violated"] == (value > 1.25)
        assert "flagged" in finding.message and "selected" not in finding.message


def test_adverse_four_fifths_rule_fails_an_over_flagged_group() -> None:
    rng = np.random.default_rng(2)
    n = 4000
    group = pd.Series(rng.choice(["m", "f"], n), name="g")
    flagged = (rng.random(n) < np.where(group == "f", 0.26, 0.2)).astype(int)  # 1.3 x
    report = BiasAuditor(decision="adverse", n_resamples=0).assess(y_pred=flagged, sensitive_features=group)
    (finding,) = _gated(report.findings, "bias.impact_ratio")
    assert finding.evidence["group"] == "f" and finding.evidence["reference"] == "m"
    assert finding.value > 1.25 and finding.status is Status.FAIL
    # read the favourable way (default), the same flags compare the wrong direction: m would be the one failing
    wrong = BiasAuditor(n_resamples=0).assess(y_pred=flagged, sensitive_features=group)
    (misread,) = _gated(wrong.findings, "bias.impact_ratio")
    assert misread.evidence["group"] == "m" and misread.evidence["reference"] == "f"


def test_min_metric_reads_the_four_fifths_gate_from_the_lowest_group() -> None:
    _, y_pred, group = _rows(HAND)  # selection rates A 0.5, B 0.3, C 0.714
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        report = BiasAuditor(min_group_size=1, suppress_below=0, n_resamples=0, reference="min_metric").assess(
            y_pred=y_pred, sensitive_features=group)
    ratios = {f.evidence["group"]: f for f in _gated(report.findings, "bias.impact_ratio")}
    assert set(ratios) == {"A", "C"} and ratios["C"].value == pytest.approx((5 / 7) / 0.3)
    assert ratios["C"].status is Status.FAIL and ratios["A"].status is Status.FAIL  # 0.5/0.3 = 1.67 > 1.25
