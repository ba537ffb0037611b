"""Two capacities that come to the same number of cases are judged once, under the first one's name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.ranking import RankingAuditor


@pytest.fixture(scope="module")
def queue() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    group = rng.choice(["a", "b"], 1000)
    return pd.DataFrame({"risk": rng.random(1000) + 0.1 * (group == "b"), "group": group})


def _findings(report):
    return [(f.check, f.groups, f.value) for f in report.findings]


def test_duplicate_capacities_are_judged_once(queue):
    once = RankingAuditor(capacities=[100]).assess(priority_score=queue["risk"], sensitive_features=queue[["group"]])
    twice = RankingAuditor(capacities=[100, 0.1]).assess(priority_score=queue["risk"],
                                                         sensitive_features=queue[["group"]])
    assert _findings(twice) == _findings(once)
    table = twice.by_group["group"]
    assert list(table["capacity"].unique()) == ["100"] and list(table["k"].unique()) == [100]
    assert twice.findings[0].evidence["capacities"] == [{"capacity": "100", "k": 100}]


def test_duplicate_capacities_are_judged_once_on_duckdb(queue):
    record = govaudit.audit(data=queue, priority_score="risk", sensitive_features=["group"], engine="duckdb",
                            auditors={"ranking": {"capacities": [0.1, 100, 50]}})
    shares = next(f for f in record.findings if f.check == "ranking.group_shares")
    assert shares.evidence["capacities"] == [{"capacity": "10 %", "k": 100}, {"capacity": "50", "k": 50}]
    gates = [f for f in record.findings if f.check == "ranking.top_k_share_ratio"]
    assert len(gates) == 2 * 2  # two groups at two distinct capacities
