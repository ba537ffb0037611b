"""Score gates never pass silently, and a ``ppr`` gate is never judged on a test that does not apply."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from govaudit.bias import BiasAuditor
from govaudit.core import Status

_SCORE_GATES = {"max_ece": 0.1, "max_auc_difference": 0.1, "max_ks_statistic": 0.3,
                "max_calibration_in_the_large_difference": 0.1}
_CHECKS = {"bias.score_ece", "bias.score_auc_difference", "bias.score_ks",
           "bias.score_calibration_in_the_large_difference"}


def _data(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"group": rng.choice(["a", "b"], n), "region": rng.choice(["n", "s"], n)})
    score = rng.random(n)
    y = (rng.random(n) < score).astype(int)
    return frame, y, (score >= 0.5).astype(int), score


def _assess(auditor: BiasAuditor, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return auditor.assess(*args, **kwargs)


@pytest.mark.parametrize("disabled", [False, True], ids=["no-scores", "scores-disabled"])
def test_score_gates_without_scores_are_inconclusive(disabled: bool) -> None:
    frame, y, decision, score = _data()
    scores = {**_SCORE_GATES, "enabled": not disabled}
    report = _assess(BiasAuditor(n_resamples=0, scores=scores), y, decision, sensitive_features=frame,
                     y_score=score if disabled else None)
    gates = [f for f in report.findings if f.check in _CHECKS]
    assert {(f.check, f.evidence["feature"]) for f in gates} == {(c, g) for c in _CHECKS for g in ("group", "region")}
    assert all(f.status is Status.INCONCLUSIVE and f.blocking for f in gates)
    reason = "disabled" if disabled else "no scores"
    assert all(reason in f.evidence["reason"] and "cannot be judged" in f.message for f in gates)
    assert not report.passed


def test_no_score_gate_no_finding() -> None:
    frame, y, decision, _ = _data()
    report = _assess(BiasAuditor(n_resamples=0), y, decision, sensitive_features=frame)
    assert not [f for f in report.findings if f.check.startswith("bias.score")]


def test_auc_gate_with_an_undefined_compared_group_is_inconclusive() -> None:
    frame, y, decision, score = _data()
    frame = frame[["group"]].copy()
    frame.loc[:49, "group"] = "c"  # 50 people, every one with the outcome: AUC undefined
    y = y.copy()
    y[:50] = 1
    report = _assess(BiasAuditor(n_resamples=0, scores={"max_auc_difference": 0.5, "max_ks_statistic": 0.9}),
                     y, decision, sensitive_features=frame, y_score=score)
    auc = next(f for f in report.findings if f.check == "bias.score_auc_difference")
    assert auc.status is Status.INCONCLUSIVE and auc.value is None
    assert "'c'" in auc.evidence["reason"] and "undefined" in auc.message
    # a gate whose metric every compared group has is judged as before
    ks = next(f for f in report.findings if f.check == "bias.score_ks")
    assert ks.status is Status.PASS


def test_score_gate_significance_block_is_the_shared_one() -> None:
    frame, y, decision, score = _data()
    score = np.clip(score + 0.3 * (frame["group"] == "b").to_numpy(), 0, 1)  # b miscalibrated
    report = _assess(BiasAuditor(n_resamples=0, require_significance=True,
                                 scores={"max_calibration_in_the_large_difference": 0.05}),
                     y, decision, sensitive_features=frame[["group"]], y_score=score)
    gate = next(f for f in report.findings if f.check == "bias.score_calibration_in_the_large_difference")
    assert gate.status is Status.FAIL and gate.evidence["significance"]["significant"]


def _ppr_sample(n: int = 4000, seed: int = 1) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Group b is a third of the people, so its share of positive decisions is about half of a's."""
    rng = np.random.default_rng(seed)
    group = pd.Series(np.where(rng.random(n) < 1 / 3, "b", "a"), name="g")
    return rng.integers(0, 2, n), (rng.random(n) < 0.5).astype(int), group


def test_a_ppr_gate_is_tested_as_two_shares_of_one_total() -> None:
    from scipy.stats import binomtest

    y, decision, group = _ppr_sample()
    positives = pd.Series(decision).groupby(group.to_numpy()).sum()
    expected_p = binomtest(int(positives["b"]), int(positives.sum()), 0.5).pvalue
    missed = _assess(BiasAuditor(n_resamples=50, gates={"ppr_ratio": {"min": 0.8}}, require_significance=True,
                                 reference_groups={"g": "a"}), y, decision, sensitive_features=group)
    (gate,) = [f for f in missed.findings if f.check == "bias.ppr_ratio"]
    assert gate.status is Status.FAIL and gate.value == pytest.approx(positives["b"] / positives["a"])
    assert gate.evidence["test"]["method"].startswith("exact binomial")
    assert gate.evidence["test"]["p_value"] == pytest.approx(expected_p, rel=1e-9)
    assert "significance" in gate.evidence and "statistically significant" in gate.message
    met = _assess(BiasAuditor(n_resamples=50, gates={"ppr_ratio": {"min": 0.3}}, require_significance=True,
                              reference_groups={"g": "a"}), y, decision, sensitive_features=group)
    (gate,) = [f for f in met.findings if f.check == "bias.ppr_ratio"]
    assert gate.status is Status.PASS


def test_the_share_test_by_hand() -> None:
    from govaudit.metrics import share_test

    test = share_test(3, 9)  # P(X <= 3 or X >= 9), X ~ Binomial(12, 1/2) = 2 * (1 + 12 + 66 + 220) / 4096
    assert test.p_value == pytest.approx(2 * 299 / 4096, rel=1e-12)
    assert test.statistic == pytest.approx(3 / 12) and test.shortfall == 6
    assert share_test(5, 5).p_value == pytest.approx(1.0)
    undefined = share_test(0, 0)
    assert undefined.p_value != undefined.p_value and undefined.method.startswith("undefined")


def test_the_share_test_keeps_its_level_when_positives_are_binomial_per_group() -> None:
    """Equal expected shares from groups of different sizes and rates: false alarms at most the level."""
    from govaudit.metrics import share_test

    rng = np.random.default_rng(11)
    runs = 2000
    a = rng.binomial(3000, 0.2, runs)  # 600 positives expected in each group
    b = rng.binomial(1500, 0.4, runs)
    rejected = sum(share_test(int(x), int(z)).p_value <= 0.05 for x, z in zip(b, a))
    assert rejected / runs <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / runs)
