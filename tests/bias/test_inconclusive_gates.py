"""A gate that could not be evaluated never passes: it is inconclusive, and inconclusive blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govaudit
from govaudit import InputDataError, Status, Verdict
from govaudit.gate import exit_code


def _table(sex: list, n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"sex": (sex * n)[:n], "decision": rng.integers(0, 2, n), "label": rng.integers(0, 2, n)})


def _audit(df: pd.DataFrame, **bias) -> govaudit.AuditRecord:
    return govaudit.audit(y_pred=df["decision"], sensitive_features=df[["sex"]],
                          auditors={"bias": {"n_resamples": 0, **bias}})


def test_every_sensitive_column_holding_one_group_is_inconclusive_and_blocks():
    record = _audit(_table(["female"]))
    [gate] = [f for f in record.findings if f.check == "bias.impact_ratio"]
    assert gate.status is Status.INCONCLUSIVE and "only one group ('female')" in gate.message
    assert record.verdict is Verdict.INCONCLUSIVE and exit_code(record) == 1


def test_a_sensitive_column_entirely_missing_is_inconclusive_and_blocks():
    record = _audit(_table([None]))
    [gate] = [f for f in record.findings if f.check == "bias.impact_ratio"]
    assert gate.status is Status.INCONCLUSIVE and "no group is large enough" in gate.message
    assert exit_code(record) == 1


def test_a_minimum_group_size_that_excludes_every_group_is_bad_input():
    with pytest.raises(InputDataError, match=r"min_group_size = 10+ is larger than every group .*sex: 200"):
        _audit(_table(["female", "male"]), min_group_size=10**30)


def test_an_accepted_inconclusive_gate_no_longer_blocks():
    gate = govaudit.Finding(auditor="bias", check="bias.impact_ratio", status=Status.INCONCLUSIVE, message="m",
                            accepted="one office this quarter; the next audit covers two")
    assert not gate.blocking
    assert govaudit.records.verdict_of([gate]) is Verdict.WARN


def test_a_warning_on_the_group_table_names_the_small_group():
    df = pd.DataFrame({"sex": ["f"] * 300 + ["m"] * 300 + ["x"] * 12, "decision": [1, 0] * 306})
    record = _audit(df)
    [table] = [f for f in record.findings if f.check == "bias.group_metrics"]
    assert table.status is Status.WARN
    assert "'x' (n=12" in table.message and "leaving out" in table.message and "too small" in table.message


def test_an_ungated_group_table_is_reported_not_passed():
    record = _audit(_table(["f", "m"]), gates_by_feature={"sex": {}})
    [table] = [f for f in record.findings if f.check == "bias.group_metrics"]
    assert table.status is Status.REPORTED and not [f for f in record.findings if f.check == "bias.impact_ratio"]


_GATES = st.dictionaries(
    st.sampled_from(["impact_ratio", "demographic_parity_difference", "equal_opportunity_difference"]),
    st.sampled_from([{"min": 0.8}, {"max": 0.1}]), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    groups=st.lists(st.sampled_from(["a", "b", "c", None]), min_size=1, max_size=4),
    n=st.integers(1, 120), seed=st.integers(0, 10_000), labelled=st.booleans(),
    min_group_size=st.integers(1, 80), require_significance=st.booleans(), gates=_GATES,
)
def test_a_pass_verdict_always_rests_on_every_gate_judged(groups, n, seed, labelled, min_group_size,
                                                          require_significance, gates):
    gates = {m: g for m, g in gates.items() if ("max" in g) == m.endswith("difference")}
    rng = np.random.default_rng(seed)
    sex = pd.Series([groups[i % len(groups)] for i in range(n)], name="sex")
    y_pred, y_true = rng.integers(0, 2, n), rng.integers(0, 2, n)
    if labelled and (y_true == y_true[0]).all():
        y_true[0] = 1 - y_true[0]
    try:
        record = govaudit.audit(y_true=y_true if labelled else None, y_pred=y_pred, sensitive_features=sex.to_frame(),
                                auditors={"bias": {"n_resamples": 0, "min_group_size": min_group_size,
                                                   "require_significance": require_significance, "gates": gates}})
    except InputDataError:
        return  # refused as bad input: nothing recorded, so nothing claimed
    if record.verdict is not Verdict.PASS:
        return
    assert not [f for f in record.findings if f.status in (Status.INCONCLUSIVE, Status.SKIPPED, Status.ERROR)]
    for metric in gates:
        judged = [f for f in record.findings if f.check == f"bias.{metric}"]
        assert judged and all(f.status is Status.PASS for f in judged), (metric, [f.message for f in judged])
