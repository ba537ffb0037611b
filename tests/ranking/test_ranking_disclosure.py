"""Disclosure: a small group's count in the top k can be read neither from its row nor from the other rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

import govaudit
from govaudit.disclosure import protect_findings
from govaudit.ranking import RankingAuditor

from disclosure._attack import PublishedTable, solve

K = 150


def _frame(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = np.array(["F"] * 6 + ["M"] * 300 + ["X"] * 294, dtype=object)
    frame = pd.DataFrame({"sex": sex, "region": rng.choice(["N", "S"], sex.size)})
    frame["risk"] = rng.permutation(sex.size).astype(float)  # no ties: whole counts in the top k
    frame["risk"] += 1000 * (frame["sex"] == "F")  # the small group fills the top: its count is 6, not 0
    return frame


def _top_tables(findings, k: int = K) -> list[PublishedTable]:
    """Each group's count in the top k as the attacker reads it; None where withheld."""
    out = []
    for f in findings:
        if f.check != "ranking.group_shares":
            continue
        ev = f.evidence
        cells = [(r["group"], r["count"], None if r.get("in_top") is None else int(round(r["in_top"])))
                 for r in ev["groups"] if r["k"] == k]
        out.append(PublishedTable(ev["feature"], tuple(ev["columns"]), cells))
    return out


def test_a_small_groups_place_in_the_queue_cannot_be_worked_out():
    frame = _frame()
    raw = RankingAuditor(capacities=[K], suppress_below=0, min_group_size=2, intersections=[["sex", "region"]]).assess(
        priority_score=frame["risk"], sensitive_features=frame[["sex", "region"]]).findings
    assert not solve(_top_tables(raw), K)  # suppress_below = 0 publishes everything: nothing to solve for
    findings, report = protect_findings(raw, threshold=10)
    solved = solve(_top_tables(findings), K)
    assert ("sex", "F") in solved and all(v is None for v in solved.values())
    table = next(f for f in findings if f.check == "ranking.group_shares" and f.evidence["feature"] == "sex")
    rows = {r["group"]: r for r in table.evidence["groups"]}
    assert rows["F"]["count"] == 6 and rows["F"].get("exposure_share") is None
    assert sum(r.get("in_top") is None for r in rows.values()) >= 2  # a complementary group is withheld too
    assert "F" not in table.evidence["curve"]["shares"]  # nor drawn
    assert report.primary >= 1 and report.secondary >= 1
    for f in findings:  # no gate finding of a withheld group quotes a value
        if f.check != "ranking.group_shares" and f.evidence.get("group") == "F":
            assert f.value is None and "ci" not in f.evidence


def test_the_record_of_a_run_is_protected_and_protecting_twice_changes_nothing():
    frame = _frame(4)
    record = govaudit.audit(data=frame, sensitive_features=["sex", "region"], priority_score="risk",
                            auditors={"ranking": {"capacities": [K, 0.5], "intersectional": True}})
    for k in (K, 300):
        assert solve(_top_tables(record.findings, k), k).get(("sex", "F")) is None
    assert record.disclosure_control is not None and record.disclosure_control.primary >= 1
    again, _ = protect_findings(list(record.findings), threshold=10)
    assert again == list(record.findings)
