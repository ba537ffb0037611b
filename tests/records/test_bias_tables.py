"""record.by_group / record.disparities: a record read back from JSON gives BiasReport's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.auditors import BiasAuditor
from govaudit.exceptions import InputDataError
from govaudit.records import AuditRecord


def _frame(seed: int = 4, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"sex": rng.choice(["f", "m"], n), "region": rng.choice(["n", "s", "e"], n)})
    frame["y"] = rng.integers(0, 2, n)
    frame["p"] = (rng.random(n) < np.where(frame["sex"] == "f", 0.35, 0.5)).astype(int)
    return frame


@pytest.mark.parametrize("config", [{}, {"decision": "adverse", "reference": "min_metric"}],
                         ids=["favourable", "adverse-min-metric"])
def test_record_tables_equal_the_report_after_a_json_round_trip(config) -> None:
    frame = _frame()
    settings = {"n_resamples": 200, "intersections": [["sex", "region"]], **config}
    record = govaudit.audit(data=frame, label="y", prediction="p", sensitive_features=["sex", "region"],
                            auditors={"bias": settings})
    back = AuditRecord.from_json(record.to_json())
    report = BiasAuditor(**settings).assess(frame["y"], frame["p"], sensitive_features=frame[["sex", "region"]])
    for feature in ("sex", "region", "sex & region"):
        ours = back.by_group(feature)
        pd.testing.assert_frame_equal(ours, report.by_group[feature], check_exact=False, rtol=1e-12)
        pd.testing.assert_frame_equal(back.disparities(feature), report.group_disparities[feature],
                                      check_exact=False, rtol=1e-12)
    assert list(back.disparities("sex").columns) == ["group", "metric", "ratio", "ratio_low", "ratio_high",
                                                     "difference", "difference_low", "difference_high", "reference"]


def test_suppressed_groups_stay_null_in_the_record_tables() -> None:
    frame = _frame()
    frame.loc[:5, "region"] = "tiny"  # 6 people: under suppress_below = 10
    record = govaudit.audit(data=frame, label="y", prediction="p", sensitive_features=["region"],
                            auditors={"bias": {"n_resamples": 100}})
    back = AuditRecord.from_json(record.to_json())
    table = back.by_group("region")
    assert table.loc["tiny", "count"] == 6
    for column in ("tp", "fp", "tn", "fn", "pp", "label_pos", "selection_rate", "fpr", "npv", "ppr", "lr_plus",
                   "impact_ratio"):
        assert pd.isna(table.loc["tiny", column]), column
    assert table["tp"].dtype == "Int64"  # withheld counts are null, not 0
    long = back.disparities("region").set_index(["group", "metric"])
    assert long.loc[("tiny", "fpr"), ["ratio", "difference"]].isna().all()


def test_unknown_feature_is_a_typed_error() -> None:
    frame = _frame()
    record = govaudit.audit(data=frame, label="y", prediction="p", sensitive_features=["sex"],
                            auditors={"bias": {"n_resamples": 0}})
    with pytest.raises(InputDataError, match="no bias group table for 'age'.*sex"):
        record.by_group("age")
