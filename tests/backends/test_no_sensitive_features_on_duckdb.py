"""A DuckDB audit without sensitive features is skipped (inconclusive) as in memory, never a silent pass."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit import Status, Verdict

AUDITS = {
    "amounts": {"amount": "amt", "auditors": ["amounts"]},
    "ranking": {"priority_score": "score", "auditors": ["ranking"]},
    "multiclass": {"class_prediction": "cls", "auditors": {"multiclass": {"adverse_class": "2"}}},
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"amt": rng.random(200) * 100, "score": rng.random(200),
                         "cls": rng.integers(0, 3, 200).astype(str)})


@pytest.mark.parametrize("auditor", sorted(AUDITS))
@pytest.mark.parametrize("engine", [None, "duckdb"])
def test_no_sensitive_features_skips_the_auditor(frame, auditor, engine):
    kwargs = AUDITS[auditor] if engine is None else {**AUDITS[auditor], "engine": engine}
    record = govaudit.audit(data=frame, **kwargs)
    assert record.verdict is Verdict.INCONCLUSIVE
    [finding] = record.findings
    assert finding.check == f"{auditor}.requirements" and finding.status is Status.INCONCLUSIVE
    assert "sensitive_features" in finding.message
