"""Properties over random control samples: counts add up, intervals hold their estimate, small never passes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govaudit.control_sample import ControlSampleAuditor

GROUPS = ("a", "b", "c", "d")


@st.composite
def samples(draw):
    """Per (method, group) counts, some zero: groups absent from one stream or from both."""
    model = draw(st.lists(st.integers(0, 60), min_size=len(GROUPS), max_size=len(GROUPS)))
    random = draw(st.lists(st.integers(0, 60), min_size=len(GROUPS), max_size=len(GROUPS)))
    if sum(model) == 0:
        model[0] = 1
    if sum(random) == 0:
        random[-1] = 1
    all_zero = draw(st.booleans())
    rows = []
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    for method, counts in (("model", model), ("random", random)):
        for group, n in zip(GROUPS, counts):
            hits = np.zeros(n, dtype=int) if all_zero else (rng.random(n) < 0.3).astype(int)
            rows += [{"how": method, "grp": group, "err": int(h)} for h in hits]
    return pd.DataFrame(rows), model, random, all_zero


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(samples(), st.integers(1, 40))
def test_counts_intervals_and_statuses(sample, min_random):
    table, model, random, all_zero = sample
    report = ControlSampleAuditor(min_random_cases=min_random).assess(table, method="how", sensitive_features="grp",
                                                                      outcome="err")
    t = report.by_group["grp"].set_index("group")
    present = [g for g, m, r in zip(GROUPS, model, random) if m + r > 0]
    assert sorted(t.index) == present  # a group absent from both streams does not exist
    for g, m, r in zip(GROUPS, model, random):
        if m + r == 0:
            continue
        row = t.loc[g]
        assert (row["model_count"], row["random_count"]) == (m, r)
        assert row["model_share"] == m / sum(model) and row["random_share"] == r / sum(random)
        assert row["share_difference_low"] <= row["share_difference"] <= row["share_difference_high"]
        if r == 0:  # absent from the random stream: the ratio is undefined, never infinite
            assert math.isnan(row["share_ratio"]) and math.isnan(row["share_ratio_low"])
        else:
            assert row["share_ratio_low"] <= row["share_ratio"] <= row["share_ratio_high"]
        if all_zero:
            assert row["model_hits"] == 0 and row["random_hits"] == 0
            assert math.isnan(row["hit_rate_ratio"])  # no error in the random stream: undefined
    for f in report.findings:
        if f.check in ("control_sample.share_ratio", "control_sample.share_difference"):
            g = f.groups[0]
            r = int(t.loc[g, "random_count"])
            if r < min_random or r + int(t.loc[g, "model_count"]) < 10:
                assert f.status.value == "inconclusive"
                assert f"it has {r} random case(s)" in f.message or "suppress_below" in f.message
            assert f.status.value in ("pass", "fail", "inconclusive")
    shares = report.findings[0]
    for row in shares.evidence["groups"]:
        if row["count"] < 10:  # disclosure: counts only
            assert row["model_share"] is None and row["share_ratio"] is None and row["model_hit_rate"] is None
        for key in ("model_hit_rate", "random_hit_rate"):
            stream = row["model_count"] if key.startswith("model") else row["random_count"]
            if stream < 10:
                assert row[key] is None and row[f"{key}_ci"] == [None, None]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 29), st.integers(30, 200))
def test_too_few_random_cases_is_inconclusive_naming_the_counts(few, many):
    rows = ([{"how": "model", "grp": "small"}] * many + [{"how": "random", "grp": "small"}] * few
            + [{"how": "model", "grp": "big"}] * many + [{"how": "random", "grp": "big"}] * many)
    report = ControlSampleAuditor().assess(pd.DataFrame(rows), method="how", sensitive_features="grp")
    small = [f for f in report.findings if f.groups == ("small",)]
    assert {f.check for f in small} == {"control_sample.share_ratio", "control_sample.share_difference"}
    for f in small:
        assert f.status.value == "inconclusive" and f.blocking
        assert f"it has {few} random case(s) (and {many} selected by the model)" in f.message
    assert not report.passed
