"""Properties over random amounts: empty and single groups, all-equal amounts, counts add up, intervals hold."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govaudit.amounts import AmountAuditor
from govaudit.core import Status

GROUPS = ("a", "b", "c")


@st.composite
def cases(draw):
    sizes = draw(st.lists(st.integers(0, 50), min_size=len(GROUPS), max_size=len(GROUPS)))
    if sum(sizes) == 0:
        sizes[0] = 1
    equal = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    groups = np.repeat(GROUPS, sizes)
    amounts = np.full(groups.size, 250.0) if equal else rng.gamma(2.0, 100.0, groups.size).round(0)
    return groups, amounts, equal


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.integers(2, 40), st.integers(0, 15))
def test_counts_intervals_and_statuses(sample, min_size, suppress):
    groups, amounts, equal = sample
    report = AmountAuditor(min_group_size=min_size, suppress_below=suppress).assess(
        amounts, sensitive_features=groups, amount_true=amounts)
    table = report.by_group["sensitive_feature"]
    assert int(table["count"].sum()) == groups.size  # groups with no case are not invented
    for _, row in table.iterrows():
        if row["count"] >= 2:
            assert row["mean_low"] <= row["mean"] + 1e-9 and row["mean"] <= row["mean_high"] + 1e-9
        if not math.isnan(row["median_low"]):
            assert row["median_low"] <= row["median"] <= row["median_high"]
        assert row["mae"] == 0 and row["underpaid"] == 0  # paid exactly what is due
    for finding in report.findings:
        assert finding.status is not Status.FAIL or not equal  # equal amounts can never fail a gate
        if finding.status is Status.PASS:
            assert finding.evidence["count"] >= min_size and finding.evidence["count"] >= suppress
    published = [r for f in report.findings if f.check == "amounts.group_amounts" for r in f.evidence["groups"]]
    for row in published:
        assert ("mean" in row) == (row["count"] >= suppress)


def test_one_group_alone_has_no_comparison_to_fail():
    report = AmountAuditor().assess(np.arange(100.0), sensitive_features=["a"] * 100)
    assert report.passed
    assert [f.check for f in report.findings] == ["amounts.group_amounts"]
    assert report.findings[0].evidence["reference"] == "a"
