"""Disclosure: a small group's classes can be read neither from its rows nor from the other groups' rows,
the margins of intersections, or the gates that quote rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

import govaudit
from govaudit.auditors import MultiClassAuditor
from govaudit.disclosure import protect_findings

from disclosure._attack import PublishedTable, solve

CLASSES = ["none", "letter", "investigation"]


def _frame(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = np.array(["F"] * 6 + ["M"] * 300 + ["X"] * 294, dtype=object)
    frame = pd.DataFrame({"sex": sex, "region": rng.choice(["N", "S"], sex.size)})
    frame["true"] = rng.choice(CLASSES, sex.size, p=[0.5, 0.3, 0.2])
    frame["pred"] = np.where(rng.random(sex.size) < 0.7, frame["true"], rng.choice(CLASSES, sex.size))
    return frame


def _decided(findings, k: int) -> list[PublishedTable]:
    """Per group, how many were decided into class ``k``, from every place a finding gives it away."""
    quoted: dict[tuple[str, str], int] = {}
    for f in findings:
        ev = f.evidence
        if f.check.endswith("_ratio") and ev.get("rate") == "rate" and ev.get("class") == CLASSES[k]:
            if ev.get("group_rate") is not None:
                quoted[(ev["feature"], ev["group"])] = round(ev["group_rate"] * ev["count"])
            if ev.get("reference_rate") is not None:
                quoted[(ev["feature"], ev["reference"])] = round(ev["reference_rate"] * ev["reference_count"])
        if f.check == "multiclass.class_rates" and ev["class"] == CLASSES[k]:
            for r in ev["groups"]:
                if r.get("class_rate") is not None:
                    quoted[(ev["feature"], r["group"])] = round(r["class_rate"] * r["count"])
    tables = []
    for f in findings:
        if f.check != "multiclass.confusion":
            continue
        ev = f.evidence
        cells = []
        for r in ev["groups"]:
            own = None if r.get("predicted") is None else r["predicted"][k]
            cells.append((r["group"], r["count"], quoted.get((ev["feature"], r["group"]), own)))
        tables.append(PublishedTable(ev["feature"], tuple(ev["columns"]), cells))
    return tables


def _cell(findings, i: int, j: int) -> list[PublishedTable]:
    return [PublishedTable(f.evidence["feature"], tuple(f.evidence["columns"]),
                           [(r["group"], r["count"], None if r.get("matrix") is None else r["matrix"][i][j])
                            for r in f.evidence["groups"]])
            for f in findings if f.check == "multiclass.confusion"]


def test_a_small_groups_classes_cannot_be_worked_out():
    frame = _frame()
    raw = MultiClassAuditor(adverse_class="investigation", classes=CLASSES, suppress_below=0, min_group_size=2,
                            intersections=[["sex", "region"]]).assess(
        frame["pred"], sensitive_features=frame[["sex", "region"]], y_class_true=frame["true"]).findings
    assert not solve(_decided(raw, 2), int((frame["pred"] == "investigation").sum()))  # everything published
    findings, report = protect_findings(raw, threshold=10)
    for k, name in enumerate(CLASSES):
        solved = solve(_decided(findings, k), int((frame["pred"] == name).sum()))
        assert solved.get(("sex", "F"), "published") is None and all(v is None for v in solved.values()), name
        for i, truth in enumerate(CLASSES):
            total = int(((frame["true"] == truth) & (frame["pred"] == name)).sum())
            cells = solve(_cell(findings, i, k), total)
            assert cells.get(("sex", "F")) is None and all(v is None for v in cells.values()), (truth, name)
    rows = {r["group"]: r for f in findings if f.check == "multiclass.confusion" and f.evidence["feature"] == "sex"
            for r in f.evidence["groups"]}
    assert rows["F"]["count"] == 6 and rows["F"]["matrix"] is None and rows["F"]["predicted"] is None
    assert sum(r["matrix"] is None for r in rows.values()) >= 2  # a complementary group is withheld too
    assert report.primary >= 1 and report.secondary >= 1
    for f in findings:  # no finding about a withheld group quotes its rates
        if f.check == "multiclass.class_rates" and f.evidence["feature"] == "sex":
            row = next(r for r in f.evidence["groups"] if r["group"] == "F")
            assert row["class_rate"] is None and row["fpr"] is None and row["class_rate_ci"] == [None, None]
        if f.check.endswith("_ratio") and "F" in (f.evidence.get("group"), f.evidence.get("reference")):
            assert f.value is None and "group_rate" not in f.evidence


def test_the_record_of_a_run_is_protected_and_protecting_twice_changes_nothing():
    frame = _frame(4)
    record = govaudit.audit(data=frame, sensitive_features=["sex", "region"], class_prediction="pred",
                            class_label="true", auditors={"multiclass": {
                                "adverse_class": "investigation", "intersectional": True, "min_group_size": 5}})
    solved = solve(_decided(record.findings, 2), int((frame["pred"] == "investigation").sum()))
    assert solved.get(("sex", "F"), "published") is None
    assert record.disclosure_control is not None and record.disclosure_control.primary >= 1
    again, _ = protect_findings(list(record.findings), threshold=10)
    assert again == list(record.findings)
