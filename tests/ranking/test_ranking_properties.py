"""Properties over random queues: ties in ranks, empty groups, capacities beyond the data, everyone in one group."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govaudit.ranking import RankingAuditor

GROUPS = ("a", "b", "c")


@st.composite
def queues(draw):
    sizes = draw(st.lists(st.integers(0, 40), min_size=len(GROUPS), max_size=len(GROUPS)))
    if sum(sizes) == 0:
        sizes[draw(st.integers(0, 2))] = 1
    groups = np.repeat(GROUPS, sizes)
    levels = draw(st.integers(1, 12))  # few levels: many ties, one level: everyone tied
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    rank = rng.integers(1, levels + 1, groups.size)
    relevance = (rng.random(groups.size) < 0.4).astype(int)
    return groups, rank, relevance


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queues(), st.lists(st.integers(1, 150), min_size=1, max_size=3), st.sampled_from(["log", "none"]))
def test_shares_add_up_whatever_the_ties(queue, capacities, discount):
    groups, rank, relevance = queue
    n = groups.size
    report = RankingAuditor(capacities=capacities, discount=discount, min_group_size=2, suppress_below=0).assess(
        rank=rank, sensitive_features=pd.Series(groups, name="g"), relevance=relevance)
    table = report.by_group["g"]
    assert set(table["group"]) == set(groups)  # a group with no case is not invented
    # capacities that come to the same number of cases (beyond the data: all n) are judged once, first name kept
    first = {min(c, n): str(c) for c in reversed(capacities)}
    assert list(dict.fromkeys(table["capacity"])) == [first[k] for k in dict.fromkeys(min(c, n) for c in capacities)]
    for (capacity, k), rows in table.groupby(["capacity", "k"], sort=False):
        assert k == min(int(capacity), n)  # a capacity beyond the data acts on everyone
        assert math.isclose(rows["in_top"].sum(), k, rel_tol=1e-9)
        assert (rows["in_top"] <= rows["count"] + 1e-9).all() and (rows["in_top"] >= -1e-12).all()
        total = k if discount == "none" else sum(1 / math.log2(1 + j) for j in range(1, k + 1))
        assert math.isclose(rows["exposure"].sum(), total, rel_tol=1e-9)
        assert math.isclose(rows["top_share"].sum(), 1.0, rel_tol=1e-9)
        assert math.isclose(rows["population_share"].sum(), 1.0, rel_tol=1e-9)
        assert (rows["in_top_relevant"] <= rows["in_top"] + 1e-9).all()
        if k == n:  # everyone is acted on: every group's share of the top is its share of the cases
            assert np.allclose(rows["top_share_ratio"], 1.0)
        low, high = rows["top_share_ratio_low"], rows["top_share_ratio_high"]
        assert ((low <= rows["top_share_ratio"] + 1e-9) & (rows["top_share_ratio"] <= high + 1e-9)).all()
    if len(set(rank)) == 1:  # all tied: every case holds the same expected place
        assert np.allclose(table["top_share_ratio"], 1.0) and np.allclose(table["exposure_ratio"], 1.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queues(), st.integers(1, 60))
def test_the_order_of_the_rows_does_not_matter(queue, k):
    groups, rank, relevance = queue
    order = np.random.default_rng(0).permutation(groups.size)
    audit = RankingAuditor(capacities=[k], min_group_size=2)
    a = audit.assess(rank=rank, sensitive_features=groups, relevance=relevance).by_group
    b = audit.assess(rank=rank[order], sensitive_features=groups[order], relevance=relevance[order]).by_group
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], rtol=1e-9)


def test_everyone_in_one_group_is_their_own_yardstick():
    rank = np.arange(1, 101)
    report = RankingAuditor(capacities=[10, 0.5, 500]).assess(rank=rank, sensitive_features=["only"] * 100)
    table = next(iter(report.by_group.values()))
    assert np.allclose(table["top_share"], 1.0) and np.allclose(table["top_share_ratio"], 1.0)
    assert np.allclose(table["exposure_ratio"], 1.0)
    assert report.passed


def test_an_empty_category_is_not_a_group_and_breaks_nothing():
    groups = pd.Series(pd.Categorical(["a"] * 40 + ["b"] * 40, categories=["a", "b", "never"]), name="g")
    report = RankingAuditor(capacities=[20]).assess(priority_score=np.linspace(1, 0, 80), sensitive_features=groups)
    table = report.by_group["g"]
    assert set(table["group"]) <= {"a", "b", "never"}
    assert table.loc[table["group"] == "a", "in_top"].item() == 20
    empty = table[table["count"] == 0]
    assert empty.empty or empty["top_share_ratio"].isna().all()
    # 'a' fills the whole top 20 of 80: a share ratio of 2, significant
    assert {(f.check, f.groups[0]) for f in report.findings if f.status.value == "fail"} >= {
        ("ranking.top_k_share_ratio", "a")}
