"""Disclosure: a small group's amounts can be read neither from its row nor from the other groups' rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

import govaudit
from govaudit.amounts import AmountAuditor
from govaudit.core import Status
from govaudit.disclosure import protect_findings

from disclosure._attack import PublishedTable, solve


def _frame(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = np.array(["F"] * 6 + ["M"] * 300 + ["X"] * 294, dtype=object)
    frame = pd.DataFrame({"sex": sex, "region": rng.choice(["N", "S"], sex.size)})
    frame["paid"] = rng.integers(50, 900, sex.size).astype(float)  # whole amounts: sums are integers
    return frame


def _sum_tables(findings) -> list[PublishedTable]:
    """Each group's total amount (count x mean) as the attacker reads it; None where withheld."""
    out = []
    for f in findings:
        if f.check != "amounts.group_amounts":
            continue
        ev = f.evidence
        cells = [(r["group"], r["count"], None if r.get("mean") is None else int(round(r["mean"] * r["count"])))
                 for r in ev["groups"]]
        out.append(PublishedTable(ev["feature"], tuple(ev["columns"]), cells))
    return out


def test_a_small_groups_total_cannot_be_worked_out_from_the_published_means():
    frame = _frame()
    raw = AmountAuditor(suppress_below=0, min_group_size=2, intersections=[["sex", "region"]]).assess(
        frame["paid"], sensitive_features=frame[["sex", "region"]]).findings
    exposed = solve(_sum_tables(raw), int(frame["paid"].sum()))
    assert not exposed  # suppress_below = 0 publishes everything: nothing withheld to solve for
    findings, report = protect_findings(raw, threshold=10)
    published = _sum_tables(findings)
    solved = solve(published, int(frame["paid"].sum()))
    assert ("sex", "F") in solved and solved[("sex", "F")] is None
    assert all(v is None for v in solved.values())
    rows = {r["group"]: r for f in findings if f.check == "amounts.group_amounts" and f.evidence["feature"] == "sex"
            for r in f.evidence["groups"]}
    assert rows["F"]["count"] == 6 and rows["F"].get("median") is None and rows["F"].get("ks") is None
    assert sum(r.get("mean") is None for r in rows.values()) >= 2  # a complementary group is withheld too
    assert report.primary >= 1 and report.secondary >= 1
    for f in findings:  # no gate finding of a withheld group quotes a value
        if f.check != "amounts.group_amounts" and f.evidence.get("group") == "F":
            assert f.value is None and "mean" not in f.evidence


def test_the_record_of_a_run_is_protected_and_protecting_twice_changes_nothing():
    frame = _frame(4)
    record = govaudit.audit(data=frame, sensitive_features=["sex", "region"], amount="paid",
                            auditors={"amounts": {"intersectional": True, "min_group_size": 5}})
    solved = solve(_sum_tables(record.findings), int(frame["paid"].sum()))
    assert solved.get(("sex", "F")) is None
    assert record.disclosure_control is not None and record.disclosure_control.primary >= 1
    again, _ = protect_findings(list(record.findings), threshold=10)
    assert again == list(record.findings)
    assert all(f.status is not Status.FAIL for f in record.findings if f.evidence.get("group") == "F")
