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
