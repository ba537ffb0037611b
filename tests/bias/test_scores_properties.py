"""Property tests of the score audit through the auditor: any groups (empty after filtering, one-class,
all-positive, equal scores, scores outside [0, 1]) give a finding per feature, numbers that equal a
per-group recount, no withheld group's numbers in the evidence, and never a fail without a gate."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govaudit.bias import BiasAuditor
from govaudit.core import Status
from govaudit.exceptions import InputDataError

_SCORES = st.sampled_from([0.0, 0.05, 0.2, 0.5, 0.7, 0.95, 1.0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_score_audit_on_random_groups(data: st.DataObject) -> None:
    n = data.draw(st.integers(4, 80))
    group = np.array(data.draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n)))
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    assume(0 < y.sum() < n)
    kind = data.draw(st.sampled_from(["varied", "equal", "outside"]))
    scores = {"varied": np.array(data.draw(st.lists(_SCORES, min_size=n, max_size=n))),
              "equal": np.full(n, 0.4),
              "outside": np.array(data.draw(st.lists(st.floats(-3, 3), min_size=n, max_size=n)))}[kind]
    decision = (scores >= 0.5).astype(int)
    suppress = data.draw(st.sampled_from([0, 5]))
    auditor = BiasAuditor(n_resamples=0, min_group_size=1, suppress_below=suppress)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            report = auditor.assess(y, decision, sensitive_features=pd.Series(group, name="g"), y_score=scores)
        except InputDataError:
            return  # e.g. every decision equal where the decision audit refuses it: not the score audit's concern
    calibration = [f for f in report.findings if f.check == "bias.score_calibration"]
    assert len(calibration) == 1
    outside = scores.min() < 0 or scores.max() > 1
    assert (calibration[0].status is Status.SKIPPED) == outside
    assert not [f for f in report.findings if f.check.startswith("bias.score") and f.status is Status.FAIL]
    table = report.scores["g"]
    for label in table.index:
        inside = group == label
        pos = y[inside].sum()
        if 0 < pos < inside.sum() and kind != "equal":
            from sklearn.metrics import roc_auc_score

            assert table.at[label, "auc"] == pytest.approx(roc_auc_score(y[inside], scores[inside]))
        elif kind == "equal" and 0 < pos < inside.sum():
            assert table.at[label, "auc"] == 0.5
        else:
            assert np.isnan(table.at[label, "auc"])
        if not outside:
            assert table.at[label, "brier"] == pytest.approx(np.mean((scores[inside] - y[inside]) ** 2))
    # a group under suppress_below has no number in the evidence but its count
    text = json.dumps([f.model_dump(mode="json") for f in report.findings if f.check.startswith("bias.score")])
    for finding in calibration + [f for f in report.findings if f.check == "bias.score_discrimination"]:
        for row in finding.evidence.get("groups", []):
            if row["count"] < suppress:
                assert row.get("suppressed")
                assert all(v is None for k, v in row.items()
                           if k not in ("group", "count", "status", "suppressed", "note", "auc_ci"))
    assert "NaN" not in text
