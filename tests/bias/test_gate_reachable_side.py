"""A one-sided contrast gate is read from the side its contrasts can reach, and no decision gate goes missing.

With the most favoured group as reference, every selection-rate ratio is at most 1 (favourable
decisions) or at least 1 (adverse decisions, the least flagged group); with ``min_metric`` every ratio
is at least 1. A floor or ceiling on the unreachable side could never fail: it is read flipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.bias import BiasAuditor
from govaudit.core import Status


def _data(rate_a: float, rate_b: float, n: int = 2000) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(3)
    group = np.repeat(["a", "b"], n)
    y_pred = np.concatenate([rng.random(n) < rate_a, rng.random(n) < rate_b]).astype(int)
    y_true = rng.integers(0, 2, 2 * n)
    return y_true, y_pred, pd.DataFrame({"g": group})


def _gate_findings(report, check):
    return [f for f in report.findings if f.check == check]


@pytest.mark.parametrize("name", ["selection_rate_ratio", "demographic_parity"])
def test_adverse_floor_on_selection_ratio_fails_a_group_flagged_six_times_as_often(name):
    y_true, y_pred, frame = _data(0.05, 0.30)
    report = BiasAuditor(decision="adverse", gates={name: {"min": 0.8}}).assess(
        y_true, y_pred, sensitive_features=frame)
    found = _gate_findings(report, f"bias.{name}")
    assert found and all(f.status is Status.FAIL for f in found)
    assert found[0].operator == "<=" and found[0].threshold == pytest.approx(1.25)


def test_favourable_ceiling_on_selection_difference_fails_a_large_gap():
    y_true, y_pred, frame = _data(0.60, 0.15)
    report = BiasAuditor(gates={"selection_rate_difference": {"max": 0.1}}).assess(
        y_true, y_pred, sensitive_features=frame)
    found = _gate_findings(report, "bias.selection_rate_difference")
    assert found and all(f.status is Status.FAIL for f in found)
    assert found[0].operator == ">=" and found[0].threshold == pytest.approx(-0.1)


def test_equal_rates_still_pass_the_flipped_gate():
    y_true, y_pred, frame = _data(0.30, 0.30)
    report = BiasAuditor(decision="adverse", gates={"selection_rate_ratio": {"min": 0.8}}).assess(
        y_true, y_pred, sensitive_features=frame)
    assert all(f.status is Status.PASS for f in _gate_findings(report, "bias.selection_rate_ratio"))


def test_a_gate_on_the_reachable_side_is_left_as_given():
    y_true, y_pred, frame = _data(0.60, 0.15)
    report = BiasAuditor(gates={"selection_rate_ratio": {"min": 0.8}}).assess(
        y_true, y_pred, sensitive_features=frame)
    found = _gate_findings(report, "bias.selection_rate_ratio")
    assert found[0].operator == ">=" and found[0].threshold == pytest.approx(0.8)
    assert found[0].status is Status.FAIL


def test_legacy_gates_without_decisions_are_inconclusive_not_missing():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"g": np.repeat(["a", "b"], 500)})
    auditor = BiasAuditor(gates={"impact_ratio": {"min": 0.8}, "demographic_parity_difference": {"max": 0.1}})
    report = auditor.assess(rng.integers(0, 2, 1000), None, sensitive_features=frame, y_score=rng.random(1000))
    checks = {f.check: f.status for f in report.findings}
    assert checks.get("bias.impact_ratio") is Status.INCONCLUSIVE
    assert checks.get("bias.demographic_parity_difference") is Status.INCONCLUSIVE
