"""Findings of a control-sample comparison: the group table, one finding per group and gate, the hit rates."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import pandas as pd

from govaudit.control_sample._config import ControlSampleConfig, DifferenceGate, RatioBand
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import ci_pair, gate_status, share_ratio_bound_test

__all__ = ["CHECKS", "gate_findings", "hit_rates_finding", "table_finding"]

AUDITOR = "control_sample"
#: every check id this auditor writes
CHECKS = ("control_sample.group_shares", "control_sample.share_ratio", "control_sample.share_difference",
          "control_sample.hit_rates", "control_sample.requirements")
_FAIR = (Principle.FAIRNESS,)
_FAIR_OPEN = (Principle.FAIRNESS, Principle.TRANSPARENCY)
_REFS = ("EU AI Act Art. 10(2)(f)", "EU AI Act Art. 15(1)", "NIST AI RMF MEASURE 2.11")
_RATIO_TEST = "one-sided z test of the log share ratio against the log bound (Katz standard error)"
_DIFFERENCE_TEST = ("one-sided z test of the absolute share difference against the ceiling "
                    "(Agresti-Caffo: one case in and one out of the group added to each stream)")
_METHODS = {
    "shares_and_hit_rates": "wilson",
    "share_difference": "newcombe hybrid score (method 10), from the two Wilson intervals",
    "ratios": "log (Katz); a zero numerator count gives a lower bound of 0 and an upper bound with 0.5 in its place",
    "test": "two-proportion z test, Fisher's exact test when a stream has under 30 cases or an expected cell under 5",
}
_SHARE_KEYS = ("model_share", "random_share", "share_difference", "share_ratio")
_HIT_KEYS = ("model_hit_rate", "random_hit_rate", "hit_rate_ratio")


def _pct(value: float | None) -> str:
    return "undefined" if value is None or value != value else f"{100 * value:.1f} %"


def _num(value: float | None, digits: int = 2) -> str:
    return "undefined" if value is None or value != value else f"{value:.{digits}f}"


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _why_unjudged(row: pd.Series, config: ControlSampleConfig) -> str | None:
    """Why a group's gates cannot be judged (too few random cases, too small to publish), or None."""
    m, r = int(row["model_count"]), int(row["random_count"])
    if r < config.min_random_cases:
        return (f"it has {r} random case(s) (and {m} selected by the model), fewer than the "
                f"{config.min_random_cases} random cases needed (min_random_cases)")
    if m + r < config.suppress_below:
        return f"it has {m + r} case(s), fewer than suppress_below = {config.suppress_below}, so no share is published"
    return None


def _row(row: pd.Series, config: ControlSampleConfig, has_hits: bool) -> dict[str, Any]:
    m, r = int(row["model_count"]), int(row["random_count"])
    out: dict[str, Any] = {"group": row["group"], "count": m + r, "share": None, "model_count": m, "random_count": r}
    hidden = m + r < config.suppress_below
    for key in _SHARE_KEYS:
        out[key] = None if hidden else row[key]
        out[f"{key}_ci"] = [None, None] if hidden else ci_pair(row[f"{key}_low"], row[f"{key}_high"])
    out["p_value"] = None if hidden else row["p_value"]
    if has_hits:
        for key, stream_n in (("model_hit_rate", m), ("random_hit_rate", r), ("hit_rate_ratio", min(m, r))):
            withheld = stream_n < config.suppress_below
            out[key] = None if withheld else row[key]
            out[f"{key}_ci"] = [None, None] if withheld else ci_pair(row[f"{key}_low"], row[f"{key}_high"])
    why = _why_unjudged(row, config)
    out["status"] = "inconclusive" if why else "compared"
    out["note"] = why
    if hidden:
        out["suppressed"] = True
        out["note"] = (f"counts only (n={m + r} < {config.suppress_below}): shares and hit rates suppressed so "
                       "that no individual can be singled out")
    elif has_hits and min(m, r) < config.suppress_below:
        out["note"] = ((why + "; ") if why else "") + (f"hit rate of a stream with under {config.suppress_below} "
                                                       "cases suppressed")
    return out


def table_finding(feature: str, columns: tuple[str, ...], table: pd.DataFrame, totals: tuple[int, int],
                  config: ControlSampleConfig) -> Finding:
    """The group table of one grouping: reported, or a warning naming the groups that cannot be judged."""
    has_hits = "model_hit_rate" in table.columns
    rows = [_row(row, config, has_hits) for _, row in table.iterrows()]
    judged = [r for r in rows if r["status"] == "compared" and r["share_ratio"] is not None]
    unjudged = [r for r in rows if r["status"] != "compared"]
    if judged:
        top = max(judged, key=lambda r: r["share_ratio"])
        message = (f"By {feature}, the group most over-represented among the {totals[0]} cases the model selected, "
                   f"against the {totals[1]} selected at random, is {top['group']!r}: {_pct(top['model_share'])} "
                   f"against {_pct(top['random_share'])} (share ratio {_num(top['share_ratio'])}).")
    else:
        message = f"By {feature}, no group has enough random cases to compare its shares."
    if unjudged:
        message += " Warning: " + "; ".join(f"{r['group']!r} (model {r['model_count']}, random {r['random_count']})"
                                            for r in unjudged) + " cannot be judged."
    metrics = list(_SHARE_KEYS) + (list(_HIT_KEYS) if has_hits else [])
    return Finding(
        auditor=AUDITOR, check="control_sample.group_shares", status=Status.WARN if unjudged else Status.REPORTED,
        severity=Severity.INFO, groups=tuple(r["group"] for r in rows),
        evidence={"feature": feature, "columns": list(columns), "metrics": metrics, "groups": rows,
                  "total": totals[0] + totals[1], "model_cases": totals[0], "random_cases": totals[1],
                  "min_random_cases": config.min_random_cases, "suppress_below": config.suppress_below,
                  # not under "confidence": the reports' note on that key describes the bias auditor's bootstrap
                  "intervals": {"level": config.confidence, **_METHODS}},
        message=message, principles=_FAIR_OPEN, references=_REFS)


def _difference_bound_test(x_m: int, n_m: int, x_r: int, n_r: int, ceiling: float) -> tuple[float, float]:
    """(z, one-sided p-value) of "``|x_m/n_m - x_r/n_r| <= ceiling``": small when the gap is beyond the ceiling.

    The Agresti-Caffo adjustment keeps the standard error positive when a share is 0 or 1, where the
    plain Wald test would claim certainty from a handful of cases. NaN when a stream is empty.
    """
    if n_m <= 0 or n_r <= 0:
        return math.nan, math.nan
    p_m, p_r = (x_m + 1) / (n_m + 2), (x_r + 1) / (n_r + 2)
    se = math.sqrt(p_m * (1 - p_m) / (n_m + 2) + p_r * (1 - p_r) / (n_r + 2))
    z = (abs(p_m - p_r) - ceiling) / se
    return z, 1.0 - NormalDist().cdf(z)


def _bound_test(gate: RatioBand | DifferenceGate, row: pd.Series, totals: tuple[int, int], threshold: float,
                operator: str) -> dict[str, Any]:
    """The test of a gate against its own bound (not of equal shares): a gap near the bound is no evidence."""
    x_m, x_r, (n_m, n_r) = int(row["model_count"]), int(row["random_count"]), totals
    if isinstance(gate, RatioBand):
        p = share_ratio_bound_test(x_m, n_m, x_r, n_r, threshold, operator)
        return {"method": _RATIO_TEST, "bound": threshold, "operator": operator, "p_value": p}
    z, p = _difference_bound_test(x_m, n_m, x_r, n_r, threshold)
    return {"method": _DIFFERENCE_TEST, "bound": threshold, "operator": operator, "statistic": z, "p_value": p}


def _gate_parts(gate: RatioBand | DifferenceGate, row: pd.Series) -> tuple[str, float, tuple[float, float],
                                                                          float, str, str, bool]:
    """(check, value, interval, threshold, operator, what the value is, passes) for one gate on one group."""
    if isinstance(gate, RatioBand):
        value = float(row["share_ratio"])
        threshold, operator = gate.bound(value)
        what = f"{_num(value)} times its share among the random cases (share ratio; gate {gate.text()})"
        return ("control_sample.share_ratio", value, (row["share_ratio_low"], row["share_ratio_high"]),
                threshold, operator, what, gate.passes(value))
    signed = float(row["share_difference"])
    points = f"{100 * abs(signed):.1f} percentage points {'more' if signed >= 0 else 'less'}"
    what = f"{points} than among the random cases (share difference; gate |difference| <= {gate.max:g})"
    return ("control_sample.share_difference", abs(signed), (row["share_difference_low"],
            row["share_difference_high"]), gate.max, "<=", what, gate.passes(signed))


def _gate_finding(feature: str, row: pd.Series, gate: RatioBand | DifferenceGate, totals: tuple[int, int],
                  config: ControlSampleConfig) -> Finding:
    check, value, (low, high), threshold, operator, what, passes = _gate_parts(gate, row)
    group, m, r = row["group"], int(row["model_count"]), int(row["random_count"])
    bounds = gate.model_dump(mode="json")
    why = _why_unjudged(row, config)
    if why is not None:
        return Finding(
            auditor=AUDITOR, check=check, status=Status.INCONCLUSIVE, severity=Severity.MEDIUM, threshold=threshold,
            operator=operator, groups=(group,), message=f"By {feature}, the {check.split('.')[1]} gate for {group!r} "
            f"cannot be judged: {why}.", principles=_FAIR, references=_REFS,
            evidence={"feature": feature, "group": group, "model_count": m, "random_count": r, "gate": bounds,
                      "reason": why})
    test = {**_bound_test(gate, row, totals, threshold, operator), "level": config.significance_level}
    evidence: dict[str, Any] = {
        "feature": feature, "group": group, "model_count": m, "random_count": r,
        "model_share": row["model_share"], "random_share": row["random_share"],
        "share_difference": row["share_difference"], "share_ratio": row["share_ratio"], "ci": ci_pair(low, high),
        "confidence": config.confidence, "gate": bounds, "test": test}
    claim = (f"{_pct(row['model_share'])} of the cases the model selected are in {group!r} ({feature}), against "
             f"{_pct(row['random_share'])} of the cases selected at random: {what}; this "
             f"{'meets' if passes else 'misses'} the gate")
    p = float(test["p_value"])
    status = gate_status(evidence, passes=passes, claim=claim, p_value=p,
                         require_significance=config.require_significance, level=config.significance_level)
    sig = "the test is undefined" if math.isnan(p) else f"the one-sided test against the gate's bound gives {_p(p)}"
    return Finding(
        auditor=AUDITOR, check=check, status=status, severity=Severity.HIGH if status is Status.FAIL else
        Severity.MEDIUM, value=value, threshold=threshold, operator=operator, groups=(group,), evidence=evidence,
        message=f"{claim} ({sig}).", principles=_FAIR, references=_REFS)


def gate_findings(feature: str, table: pd.DataFrame, config: ControlSampleConfig) -> list[Finding]:
    """One finding per group and configured gate."""
    gates = [g for g in (config.gates.share_ratio, config.gates.share_difference) if g is not None]
    # every case is in one group, so the columns add up to each stream's size
    totals = (int(table["model_count"].sum()), int(table["random_count"].sum()))
    return [_gate_finding(feature, row, gate, totals, config) for _, row in table.iterrows() for gate in gates]


def hit_rates_finding(overall: dict[str, Any], config: ControlSampleConfig) -> Finding:
    """How often a check finds an error in each stream: does the model find more than chance?"""
    if min(overall["model_cases"], overall["random_cases"]) < config.suppress_below:
        overall = {**overall, **{k: None for k in ("model_hits", "random_hits", "model_hit_rate", "random_hit_rate",
                                                   "hit_rate_ratio")},
                   **{k: [None, None] for k in ("model_hit_rate_ci", "random_hit_rate_ci", "hit_rate_ratio_ci")},
                   "test": {"method": overall["test"]["method"], "statistic": None, "p_value": None},
                   "suppressed": True}
    test = overall["test"]
    p = float("nan") if test["p_value"] is None else test["p_value"]
    ratio = overall["hit_rate_ratio"]
    message = (f"Checks found an error in {_pct(overall['model_hit_rate'])} of the {overall['model_cases']} cases "
               f"the model selected and in {_pct(overall['random_hit_rate'])} of the {overall['random_cases']} "
               f"selected at random (hit-rate ratio {_num(ratio)}"
               + ("" if p != p else f"; {_p(p)}") + ").")
    return Finding(
        auditor=AUDITOR, check="control_sample.hit_rates", status=Status.REPORTED, severity=Severity.INFO,
        value=ratio, evidence={**overall, "test": {**test, "level": config.significance_level},
                               "confidence": config.confidence},
        message=message, principles=(Principle.FAIRNESS, Principle.PEOPLE_ORIENTED), references=_REFS)
