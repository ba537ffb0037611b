"""Never cry wolf: clean control samples pass on every seed; the documented over-selection is caught on every seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.control_sample import ControlSampleAuditor

BACKGROUND = (("none", 0.62), ("eu", 0.10), ("non_eu", 0.28))


def _clean(seed: int, model_cases: int = 2000, random_cases: int = 1000) -> pd.DataFrame:
    """Both streams drawn from one population: whoever selects, the groups come in the same shares."""
    rng = np.random.default_rng(seed)
    n = model_cases + random_cases
    names, shares = zip(*BACKGROUND)
    return pd.DataFrame({
        "selection": ["model"] * model_cases + ["random"] * random_cases,
        "migration_background": rng.choice(names, n, p=shares),
        "sex": rng.choice(["female", "male"], n, p=[0.55, 0.45]),
        # the model finds more errors than chance, equally in every group
        "error_found": np.concatenate([rng.random(model_cases) < 0.3, rng.random(random_cases) < 0.08]).astype(int),
    })


@pytest.mark.parametrize("seed", range(40))
def test_a_clean_sample_passes_with_intersections(seed):
    report = ControlSampleAuditor(intersectional=True).assess(
        _clean(seed), method="selection", sensitive_features=["migration_background", "sex"], outcome="error_found")
    blocking = [(f.check, f.groups, f.status.value) for f in report.findings if f.blocking]
    assert not blocking
    assert {f.status.value for f in report.findings} <= {"pass", "reported"}


@pytest.mark.slow  # trains the welfare model 40 times at 8,000 rows: about 25 s
def test_the_welfare_control_stream_passes_clean_and_fails_biased_over_seeds():
    from sample_models.welfare_fraud_risk.control_sample import generate_control_sample
    from sample_models.welfare_fraud_risk.generate import generate_recipients, split_train_eval
    from sample_models.welfare_fraud_risk.train import train_model

    alarms, missed = [], []
    for seed in range(20):
        for bias in (False, True):
            train, _ = split_train_eval(generate_recipients(8000, seed, bias=bias), seed=seed)
            table = generate_control_sample(train_model(train, seed=seed), seed, bias=bias)
            report = ControlSampleAuditor().assess(table, method="selection", outcome="error_found",
                                                   sensitive_features=["migration_background", "sex"])
            failed = {(f.check, f.groups[0]) for f in report.findings if f.status.value == "fail"}
            if not bias and not report.passed:
                alarms.append((seed, [(f.check, f.groups) for f in report.findings if f.blocking]))
            if bias and not {("control_sample.share_ratio", "none"), ("control_sample.share_difference", "none")} <= failed:
                missed.append(seed)
    assert not alarms
    assert not missed


def _streams(model: dict[str, int], random: dict[str, int]) -> pd.DataFrame:
    """One row per case from per-group counts of each stream."""
    rows = [("model", g) for g, n in model.items() for _ in range(n)]
    rows += [("random", g) for g, n in random.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["selection", "grp"])


def test_a_ratio_just_over_its_bound_is_inconclusive_not_failed():
    # 420 / 2000 against 100 / 1000: ratio 2.1, interval about [1.71, 2.57]. The shares differ (the test of
    # equal shares gives p < 0.001), but nothing shows the ratio is beyond 2: one-sided p = 0.32.
    table = _streams({"a": 420, "b": 1580}, {"a": 100, "b": 900})
    report = ControlSampleAuditor(gates={"share_ratio": {"max": 2.0}}).assess(
        table, method="selection", sensitive_features="grp")
    ratio = next(f for f in report.findings if f.check == "control_sample.share_ratio" and f.groups == ("a",))
    assert ratio.value == pytest.approx(2.1)
    assert ratio.evidence["ci"] == pytest.approx([1.71, 2.57], abs=0.01)
    assert ratio.evidence["test"]["p_value"] == pytest.approx(0.32, abs=0.01)
    assert ratio.status.value == "inconclusive"
    assert report.by_group["grp"].set_index("group").loc["a", "p_value"] < 0.001


def test_a_difference_just_over_its_ceiling_is_inconclusive_not_failed():
    # 920 / 2000 against 140 / 1000: 32 points against a ceiling of 30, well inside the noise
    table = _streams({"a": 920, "b": 1080}, {"a": 140, "b": 860})
    report = ControlSampleAuditor(gates={"share_difference": {"max": 0.30}}).assess(
        table, method="selection", sensitive_features="grp")
    diff = next(f for f in report.findings if f.check == "control_sample.share_difference" and f.groups == ("a",))
    assert diff.value == pytest.approx(0.32)
    assert diff.evidence["test"]["p_value"] > 0.05
    assert diff.status.value == "inconclusive"


def test_a_difference_well_beyond_its_ceiling_fails():
    table = _streams({"a": 1200, "b": 800}, {"a": 140, "b": 860})  # 46 points against 30
    report = ControlSampleAuditor(gates={"share_difference": {"max": 0.30}}).assess(
        table, method="selection", sensitive_features="grp")
    statuses = {f.groups: f.status.value for f in report.findings if f.check == "control_sample.share_difference"}
    assert statuses == {("a",): "fail", ("b",): "fail"}
