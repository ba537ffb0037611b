"""The score findings publish observed outcomes per group: record-wide suppression must reach them."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from govaudit.auditors import BiasAuditor
from govaudit.disclosure import protect_findings

from _attack import PublishedTable, solve


def _data(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """sex M/F 500 each; race B has 2 men and 3 women, everyone else is A."""
    rng = np.random.default_rng(seed)
    sex = np.array(["M"] * 500 + ["F"] * 500)
    race = np.array(["A"] * 1000, dtype=object)
    race[:2] = "B"
    race[500:503] = "B"
    y_true, y_pred = rng.integers(0, 2, 1000), rng.integers(0, 2, 1000)
    return pd.DataFrame({"sex": sex, "race": race}), y_true, y_pred, rng.random(1000)


def _label_pos(findings) -> dict[tuple[str, str], int]:
    """Every number of people with the observed outcome that any finding publishes, per group."""
    out: dict[tuple[str, str], int] = {}
    rates = {"bias.score_calibration": "observed_rate", "bias.fairness_tradeoff": "prevalence"}
    for f in findings:
        ev = f.evidence
        for r in ev.get("groups", []) if isinstance(ev.get("groups"), list) else []:
            if not isinstance(r, dict):
                continue
            key = (ev.get("feature"), r["group"])
            if isinstance(r.get("label_pos"), (int, float)):
                out[key] = round(r["label_pos"])
            if isinstance(r.get("tp"), int) and isinstance(r.get("fn"), int):
                out[key] = r["tp"] + r["fn"]
            rate = r.get(rates.get(f.check, ""))
            if isinstance(rate, float):
                out[key] = round(rate * r["count"])
    return out


def _tables(findings) -> list[PublishedTable]:
    known = _label_pos(findings)
    tables = []
    for f in findings:
        if f.check == "bias.group_metrics":
            ev = f.evidence
            tables.append(PublishedTable(ev["feature"], tuple(ev["columns"]),
                                         [(r["group"], r["count"], known.get((ev["feature"], r["group"])))
                                          for r in ev["groups"]]))
    return tables


def test_score_findings_give_no_suppressed_intersection_cell_away() -> None:
    frame, y_true, y_pred, y_score = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = BiasAuditor(n_resamples=0, intersections=[["sex", "race"]], scores={"max_auc_difference": 0.5}).assess(
            y_true, y_pred, sensitive_features=frame, y_score=y_score).findings
    findings, report = protect_findings(raw, threshold=10)
    # a score gate measured on withheld groups keeps its outcome, not its value
    gate = next(f for f in findings if f.check == "bias.score_auc_difference" and f.evidence["feature"] == "sex & race")
    before = next(f for f in raw if f.check == "bias.score_auc_difference" and f.evidence["feature"] == "sex & race")
    assert before.value is not None and gate.value is None and gate.status is before.status
    assert "p_value" not in gate.evidence and "withheld" in gate.message
    metrics = next(f for f in findings if f.check == "bias.group_metrics" and f.evidence["feature"] == "sex & race")
    withheld = {r["group"] for r in metrics.evidence["groups"] if r.get("suppressed")}
    assert {"M & B", "F & B", "M & A", "F & A"} <= withheld
    # the score tables withhold the same groups as the group-metrics table
    for check in ("bias.score_calibration", "bias.score_discrimination", "bias.fairness_tradeoff"):
        f = next(f for f in findings if f.check == check and f.evidence["feature"] == "sex & race")
        assert {r["group"] for r in f.evidence["groups"] if r.get("suppressed")} == withheld, check
        assert not any(f"({label})" in f.message for label in withheld), f.message  # no range quotes them
    discrimination = next(f for f in findings
                          if f.check == "bias.score_discrimination" and f.evidence["feature"] == "sex & race")
    assert all(r["label_pos"] is None for r in discrimination.evidence["groups"])
    calibration = next(f for f in findings if f.check == "bias.score_calibration" and f.evidence["feature"] == "sex & race")
    assert all(b["observed_rate"] is None for b in calibration.evidence["bins"])
    # the attack: every published count of the observed outcome, with the margins and the total
    derived = solve(_tables(findings), int(y_true.sum()))
    for cell in (("sex & race", "M & B"), ("sex & race", "F & B"), ("race", "B")):
        assert derived[cell] is None, f"{cell} can be derived"
    assert any("bias.score_discrimination sex & race" in w for w in report.withheld)


def test_before_protection_the_score_table_gave_the_cell_away() -> None:
    """The attack itself works: on the auditor's own output the two men in race B are exposed."""
    frame, y_true, y_pred, y_score = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = BiasAuditor(n_resamples=0, intersections=[["sex", "race"]]).assess(
            y_true, y_pred, sensitive_features=frame, y_score=y_score).findings
    derived = solve(_tables(raw), int(y_true.sum()))
    assert derived[("sex & race", "M & B")] == int(y_true[:2].sum())
