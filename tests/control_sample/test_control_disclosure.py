"""Disclosure control of control-sample records: a small group's errors found cannot be worked out."""

from __future__ import annotations

import numpy as np
import pandas as pd

import govaudit


def _table() -> pd.DataFrame:
    """Random stream: region r1 has 5 cases; sex (every group large) gives the stream's total errors."""
    rng = np.random.default_rng(3)
    rows = []
    for how, region, n in (("model", "r1", 60), ("model", "r2", 400), ("model", "r3", 300),
                           ("random", "r1", 5), ("random", "r2", 300), ("random", "r3", 200)):
        for i in range(n):
            rows.append({"how": how, "region": region, "sex": "f" if rng.random() < 0.5 else "m",
                         "err": int(rng.random() < (0.6 if region == "r1" else 0.15))})
    return pd.DataFrame(rows)


def _groups(record, feature):
    finding = [f for f in record.findings if f.check == "control_sample.group_shares"
               and f.evidence["feature"] == feature][0]
    return {r["group"]: r for r in finding.evidence["groups"]}


def test_a_small_groups_errors_are_protected_across_features():
    table = _table()
    record = govaudit.audit(control_sample={"table": table, "method": "how", "sensitive_features": ["region", "sex"],
                                            "outcome": "err"}, auditors=["control_sample"])
    region, sex = _groups(record, "region"), _groups(record, "sex")
    assert region["r1"]["random_hit_rate"] is None and region["r1"]["random_count"] == 5  # primary: counts only
    # every sex group is published, so the random stream's total errors are known: r2 + r3 would give r1 away
    assert all(r["random_hit_rate"] is not None for r in sex.values())
    withheld = [g for g in ("r2", "r3") if region[g]["random_hit_rate"] is None]
    assert len(withheld) == 1  # one complementary cell, the smaller one
    assert withheld == ["r3"] and region["r3"]["random_suppression"] == "secondary"
    assert "complementary suppression" in region["r3"]["note"]
    assert region["r3"]["hit_rate_ratio"] is None and region["r3"]["model_hit_rate"] is not None
    # the model stream has no small cell: nothing of it is withheld
    assert all(r["model_hit_rate"] is not None for r in region.values())
    assert any("control_sample.group_shares region r3: random hit rate" in w
               for w in record.disclosure_control.withheld)


def test_the_python_tables_stay_whole_and_protecting_twice_changes_nothing():
    from govaudit.disclosure import protect_findings

    table = _table()
    report = govaudit.auditors.ControlSampleAuditor().assess(table, method="how", sensitive_features=["region", "sex"],
                                                             outcome="err")
    assert report.by_group["region"].set_index("group").loc["r1", "random_hit_rate"] == \
        table[(table.how == "random") & (table.region == "r1")]["err"].mean()
    once, _ = protect_findings(report.findings, threshold=10)
    twice, _ = protect_findings(once, threshold=10)
    assert [f.model_dump() for f in once] == [f.model_dump() for f in twice]
