"""Findings of a ranked queue: the group table with its share-by-depth curve, and one finding per group, capacity
and gate."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import ci_pair, gate_status
from govaudit.metrics._ranking import exposure_bound_test, precision_bound_test, top_share_bound_test
from govaudit.ranking._config import RankingConfig

__all__ = ["AUDITOR", "CHECKS", "gate_findings", "missing_relevance_finding", "table_finding"]

AUDITOR = "ranking"
#: every check id this auditor writes
CHECKS = ("ranking.group_shares", "ranking.top_k_share_ratio", "ranking.exposure_ratio",
          "ranking.precision_at_k_ratio", "ranking.requirements")
_FAIR = (Principle.FAIRNESS,)
_FAIR_OPEN = (Principle.FAIRNESS, Principle.TRANSPARENCY)
_REFS = ("EU AI Act Art. 10(2)(f)", "EU AI Act Art. 15(1)", "NIST AI RMF MEASURE 2.11",
         "Singh & Joachims 2018, Fairness of Exposure in Rankings")
_METHODS = {
    "ties": "shared as if broken uniformly at random: expected top-k membership and exposure",
    "top_share_ratio": "Wilson interval of the group's rate of reaching the top k, over k / N",
    "top_p_value": "two-sided z test against a random queue (hypergeometric variance)",
    "top_share_ratio_gate": "one-sided exact binomial test of the group's count in the top k against bound * k / N",
    "exposure_ratio": "normal interval with the spread of a random queue's exposures, over everyone's mean",
    "exposure_ratio_gate": "one-sided Bernstein bound on the mean exposure's gap to bound * everyone's mean",
    "precision": "wilson", "precision_ratio": "log (Katz), against the other cases in the top k",
    "precision_ratio_gate": "larger p-value of the one-sided Katz z test and an exact binomial test against the "
                            "bound times the rest's precision",
}
_PUBLISHED = ("in_top", "top_share", "population_share", "selection_rate", "top_share_ratio", "top_p_value",
              "exposure_share", "mean_exposure", "exposure_ratio", "exposure_p_value", "relevant",
              "relevance_share", "merit_ratio", "in_top_relevant", "precision", "precision_ratio",
              "precision_p_value")
_INTERVALS = ("top_share_ratio", "exposure_ratio", "precision", "precision_ratio")
_GATE_KEYS = {"ranking.top_k_share_ratio": "top_share_ratio", "ranking.exposure_ratio": "exposure_ratio",
              "ranking.precision_at_k_ratio": "precision_ratio"}


def _num(value: float | None) -> str:
    return "undefined" if value is None or value != value else f"{value:,.2f}"


def _pct(value: float | None) -> str:
    return "undefined" if value is None or value != value else f"{100 * value:.1f} %"


def _p(value: float) -> str:
    return "the test is undefined" if value != value else ("p < 0.001" if value < 0.001 else f"p = {value:.3f}")


def _clean(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if value != value else float(value)
    return value


def _top(row: dict[str, Any]) -> str:
    """``100``, or ``400 (20 %)`` when the capacity was given as a share."""
    return str(row["k"]) if str(row["capacity"]) == str(row["k"]) else f"{row['k']} ({row['capacity']})"


def why_unjudged(count: int, config: RankingConfig) -> str | None:
    """Why a group's figures cannot be judged (too small), or None."""
    if count < config.suppress_below:
        return f"it has {count} case(s), fewer than suppress_below = {config.suppress_below}, so nothing is published"
    if count < config.min_group_size:
        return f"it has {count} case(s), fewer than the {config.min_group_size} needed (min_group_size)"
    return None


def _row(row: pd.Series, config: RankingConfig) -> dict[str, Any]:
    n = int(row["count"])
    out: dict[str, Any] = {"group": row["group"], "capacity": row["capacity"], "k": int(row["k"]), "count": n}
    if n < config.suppress_below:
        out.update(suppressed=True, status="inconclusive", note=f"counts only (n={n} < {config.suppress_below}): "
                   "shares suppressed so that no individual can be singled out")
        return out
    out.update({key: _clean(row[key]) for key in _PUBLISHED if key in row.index})
    for key in _INTERVALS:
        if f"{key}_low" in row.index:
            out[f"{key}_ci"] = ci_pair(row[f"{key}_low"], row[f"{key}_high"])
    why = why_unjudged(n, config)
    out.update(status="inconclusive" if why else "compared", note=why)
    return out


def _curve(curve: np.ndarray, depths: tuple[int, ...], table: pd.DataFrame, config: RankingConfig) -> dict:
    """Each group's share of the top d cases for each depth d, for the plot (suppressed groups left out)."""
    first = table.drop_duplicates("group")
    shown = [(g, i) for i, (g, n) in enumerate(zip(first["group"], first["count"])) if n >= config.suppress_below]
    total = int(first["count"].sum())
    return {"depths": list(depths), "total": total,
            "shares": {str(g): [float(v) for v in curve[:, i]] for g, i in shown},
            "population_share": {str(g): float(first["count"].iloc[i]) / total for g, i in shown}}


def table_finding(feature: str, columns: tuple[str, ...], table: pd.DataFrame, curve: np.ndarray,
                  depths: tuple[int, ...], config: RankingConfig, relevance: bool) -> Finding:
    """The group table of one grouping: reported, or a warning naming the groups that cannot be judged."""
    rows = [_row(row, config) for _, row in table.iterrows()]
    judged = [r for r in rows if r["status"] == "compared" and r.get("top_share_ratio") is not None]
    unjudged = sorted({r["group"]: r["count"] for r in rows if r["status"] != "compared"}.items())
    if not judged:
        message = f"By {feature}, no group has enough cases to compare its place in the queue."
    else:
        low = min(judged, key=lambda r: r["top_share_ratio"])
        high = max(judged, key=lambda r: r["top_share_ratio"])
        message = (f"By {feature}, in the top {_top(low)} the least represented group is "
                   f"{low['group']!r}: {_pct(low['top_share'])} of the top against {_pct(low['population_share'])} "
                   f"of all cases (ratio {_num(low['top_share_ratio'])}); the most represented is "
                   f"{high['group']!r} (ratio {_num(high['top_share_ratio'])}).")
    if unjudged:
        message += " Warning: " + "; ".join(f"{g!r} ({n} cases)" for g, n in unjudged) + " cannot be judged."
    caps = list(dict.fromkeys(zip(table["capacity"], table["k"].astype(int))))
    return Finding(
        auditor=AUDITOR, check="ranking.group_shares", status=Status.WARN if unjudged else Status.REPORTED,
        severity=Severity.INFO, groups=tuple(dict.fromkeys(r["group"] for r in rows)),
        evidence={"feature": feature, "columns": list(columns), "discount": config.discount,
                  "capacities": [{"capacity": c, "k": int(k)} for c, k in caps], "relevance": relevance,
                  "groups": rows, "total": int(table["total"].iloc[0]) if len(table) else 0,
                  "curve": _curve(curve, depths, table, config), "min_group_size": config.min_group_size,
                  "suppress_below": config.suppress_below, "intervals": {"level": config.confidence, **_METHODS}},
        message=message, principles=_FAIR_OPEN, references=_REFS)


def _test(check: str, row: pd.Series, threshold: float, operator: str) -> float:
    """The one-sided test of "the ratio meets the bound" (see :mod:`govaudit.metrics._ranking`)."""
    if check == "ranking.top_k_share_ratio":
        return top_share_bound_test(float(row["in_top"]), int(row["count"]), int(row["k"]), int(row["total"]),
                                    threshold, operator)
    if check == "ranking.exposure_ratio":
        return exposure_bound_test(float(row["mean_exposure"]), int(row["count"]), float(row["mean_exposure_all"]),
                                   float(row["sd_exposure_all"]), threshold, operator)
    return precision_bound_test(row["in_top_relevant"], row["in_top"], row["rest_in_top_relevant"],
                                row["rest_in_top"], threshold, operator)


def _what(check: str, row: pd.Series, value: float) -> str:
    if check == "ranking.top_k_share_ratio":
        return (f"{_pct(row['top_share'])} of the top {row['k']} against {_pct(row['population_share'])} of all "
                f"cases, a ratio of {_num(value)}")
    if check == "ranking.exposure_ratio":
        return f"mean exposure in the top {row['k']} {_num(value)} times everyone's"
    return (f"precision at {row['k']} {_pct(row['precision'])}, {_num(value)} times that of the other cases in "
            "the top")


def _gate_finding(feature: str, row: pd.Series, check: str, gate: Any, config: RankingConfig) -> Finding:
    group, n, k = row["group"], int(row["count"]), int(row["k"])
    key = _GATE_KEYS[check]
    base = {"feature": feature, "group": group, "capacity": row["capacity"], "k": k, "count": n,
            "gate": gate.model_dump(mode="json")}
    value = float(row[key])
    why = why_unjudged(n, config) or (None if value == value else
                                      "the measure is undefined for this group (e.g. no case in the top k)")
    if why is not None:
        message = f"By {feature}, the {check.split('.')[1]} gate for {group!r} in the top {k} cannot be judged: {why}."
        return Finding(auditor=AUDITOR, check=check, status=Status.INCONCLUSIVE, severity=Severity.MEDIUM,
                       groups=(group,), message=message, principles=_FAIR, references=_REFS,
                       evidence={**base, "reason": why})
    threshold, operator = gate.bound(value)
    passes = gate.passes(value)
    p = _test(check, row, threshold, operator)
    claim = (f"By {feature}, {group!r} ({n} cases): {_what(check, row, value)} (gate {check.split('.')[1]} "
             f"{gate.text()}); "
             f"this {'meets' if passes else 'misses'} the gate")
    evidence = {**base, "confidence": config.confidence, "p_value": p,
                "ci": ci_pair(row[f"{key}_low"], row[f"{key}_high"])}
    status = gate_status(evidence, passes=passes, claim=claim, p_value=p,
                         require_significance=config.require_significance, level=config.significance_level)
    return Finding(auditor=AUDITOR, check=check, status=status,
                   severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM, value=value,
                   threshold=threshold, operator=operator, groups=(group,), evidence=evidence,
                   message=f"{claim} ({_p(p)}).", principles=_FAIR, references=_REFS)


def gate_findings(feature: str, table: pd.DataFrame, config: RankingConfig, relevance: bool) -> list[Finding]:
    """One finding per capacity, group and configured gate."""
    g = config.gates
    gates = [("ranking.top_k_share_ratio", g.top_k_share_ratio), ("ranking.exposure_ratio", g.exposure_ratio)]
    if relevance:
        gates.append(("ranking.precision_at_k_ratio", g.precision_at_k_ratio))
    return [_gate_finding(feature, row, check, gate, config)
            for _, row in table.iterrows() for check, gate in gates if gate is not None]


def missing_relevance_finding(config: RankingConfig) -> Finding | None:
    """An inconclusive finding when the precision gate is set but no relevance was given."""
    if config.gates.precision_at_k_ratio is None:
        return None
    return Finding(auditor=AUDITOR, check="ranking.precision_at_k_ratio", status=Status.INCONCLUSIVE,
                   severity=Severity.MEDIUM, evidence={"gates": ["precision_at_k_ratio"], "missing": ["relevance"]},
                   message="The gate precision_at_k_ratio cannot be judged: no relevance was given "
                   "([data] relevance: 1 when the case needed acting on).", principles=_FAIR, references=_REFS)
