"""The confusion cells a group table publishes (tp, fp, fn, tn) cannot give a small group's away."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.auditors import BiasAuditor
from govaudit.disclosure import protect_findings

from _attack import PublishedTable, solve

_CELLS = {"tn": (0, 0), "fp": (0, 1), "fn": (1, 0), "tp": (1, 1)}


def _data(seed: int = 7) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sex = np.array(["F"] * 5 + ["M"] * 70 + ["X"] * 65)
    region = rng.choice(["N", "S", "E"], size=sex.size)
    return pd.DataFrame({"sex": sex, "region": region}), rng.integers(0, 2, sex.size), rng.integers(0, 2, sex.size)


def _cell_tables(findings, cell: str) -> list[PublishedTable]:
    tables = []
    for f in findings:
        if f.check != "bias.group_metrics":
            continue
        ev = f.evidence
        tables.append(PublishedTable(ev["feature"], tuple(ev["columns"]),
                                     [(r["group"], r["count"], r.get(cell)) for r in ev["groups"]]))
    return tables


@pytest.mark.parametrize("intersections", [[], [["sex", "region"]]], ids=["features", "intersection"])
def test_no_small_group_cell_is_derivable_from_published_cells(intersections) -> None:
    frame, y_true, y_pred = _data()
    raw = BiasAuditor(n_resamples=0, intersections=intersections).assess(
        y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    small = [(f.evidence["feature"], r["group"]) for f in raw if f.check == "bias.group_metrics"
             for r in f.evidence["groups"] if r["count"] < 10]
    assert small
    # before protection, primary suppression alone falls to a subtraction on each cell
    before = solve(_cell_tables(raw, "tp"), int(((y_true == 1) & (y_pred == 1)).sum()))
    assert before[("sex", "F")] is not None
    findings, _ = protect_findings(raw, threshold=10)
    for cell, (t, p) in _CELLS.items():
        total = int(((y_true == t) & (y_pred == p)).sum())
        derived = solve(_cell_tables(findings, cell), total)
        for key in small:
            assert derived[key] is None, f"{cell} of {key} can be derived"


def test_contrasts_of_and_against_withheld_groups_are_withheld() -> None:
    frame, y_true, y_pred = _data()
    raw = BiasAuditor(n_resamples=100, min_group_size=3, reference_groups={"sex": "F"},
                      gates={"fpr_ratio": {"min": 0.5, "max": 2.0}}).assess(
        y_true, y_pred, sensitive_features=frame[["sex"]]).findings
    findings, report = protect_findings(raw, threshold=10)
    table = next(f for f in findings if f.check == "bias.group_metrics")
    for row in table.evidence["groups"]:  # F is the reference and withheld: no group's ratio is shown
        assert row["fpr_ratio"] is None and row["fpr_difference_ci"] == [None, None]
        assert row["impact_ratio"] is None
    f_row = next(r for r in table.evidence["groups"] if r["group"] == "F")
    assert all(f_row[c] is None for c in ("tp", "fp", "tn", "fn", "pp", "pn", "label_pos", "label_neg"))
    gates = [f for f in findings if f.check == "bias.fpr_ratio"]
    assert gates and all(f.value is None and f.evidence["rate"] is None and f.evidence["reference_rate"] is None
                         for f in gates)
    assert all(c["value"] is None for f in gates for c in f.evidence["components"])
    # the statuses stand; the report lists the confusion cells with their table, not as tables of their own
    assert [f.status for f in gates] == [f.status for f in raw if f.check == "bias.fpr_ratio"]
    assert {t.measure for t in report.tables} <= {"selection_rate", "scoring_rate"}
