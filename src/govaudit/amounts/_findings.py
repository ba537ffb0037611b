"""Findings of an amounts comparison: the group table, and one finding per group and gate."""

from __future__ import annotations

from typing import Any

import pandas as pd

from govaudit.amounts._config import AmountConfig, Band
from govaudit.amounts._reference import reference_rule
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import ci_pair, gate_status, mean_ratio_bound_test, share_ratio_bound_test
from govaudit.metrics._amounts import REFERENCE_RULES

__all__ = ["AUDITOR", "CHECKS", "gate_findings", "missing_truth_finding", "table_finding"]

AUDITOR = "amounts"
#: every check id this auditor writes
CHECKS = ("amounts.group_amounts", "amounts.mean_ratio", "amounts.above_ratio", "amounts.group_mae",
          "amounts.underpaid_share", "amounts.requirements")
_FAIR = (Principle.FAIRNESS,)
_FAIR_OPEN = (Principle.FAIRNESS, Principle.TRANSPARENCY)
_REFS = ("EU AI Act Art. 10(2)(f)", "EU AI Act Art. 15(1)", "NIST AI RMF MEASURE 2.11", "NYC LL144 scoring rate")
_METHODS = {
    "mean": "t interval", "median": "order-statistic (binomial) interval, distribution-free",
    "mean_difference": "Welch interval; Welch's t-test", "mean_ratio": "delta method on the log scale",
    "mean_ratio_gate": "one-sided Welch t test of mean_g - bound * mean_ref against 0",
    "shares": "wilson", "above_ratio": "log (Katz)",
    "above_ratio_gate": "one-sided z test of the log share ratio against the log bound (Katz standard error)",
    "distance": "two-sample Kolmogorov-Smirnov test against everyone else; Wasserstein-1 distance",
    "mae": "one-sided t-test of the absolute errors against the ceiling",
    "underpaid_share": "one-sided exact binomial test against the ceiling",
}
_PUBLISHED = ("mean", "median", "above_share", "mean_difference", "mean_ratio", "above_ratio", "ks", "wasserstein",
              "mean_error", "underpaid_share")
_PLAIN = ("ks_p_value", "p_value", "above_p_value", "mae")


def _num(value: float | None, digits: int = 2) -> str:
    return "undefined" if value is None or value != value else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "undefined" if value is None or value != value else f"{100 * value:.1f} %"


def _p(value: float) -> str:
    return "the test is undefined" if value != value else ("p < 0.001" if value < 0.001 else f"p = {value:.3f}")


def _why_unjudged(row: pd.Series, config: AmountConfig) -> str | None:
    n = int(row["count"])
    if n < config.suppress_below:
        return f"it has {n} case(s), fewer than suppress_below = {config.suppress_below}, so nothing is published"
    if n < config.min_group_size:
        return f"it has {n} case(s), fewer than the {config.min_group_size} needed (min_group_size)"
    return None


def _no_reference(rule: str, config: AmountConfig) -> str:
    """Why no group is the reference: none large enough, or the named one too small to compare with."""
    if rule in REFERENCE_RULES:
        return "no group is large enough to be the reference"
    return (f"the reference group {rule!r} has fewer than the {config.min_group_size} cases needed "
            "(min_group_size)")


_NOT_EVALUATED = ("not evaluated on the {backend} backend: Kolmogorov-Smirnov and Wasserstein compare whole "
                  "distributions, which the aggregated moments do not keep (audit in memory for them)")


def _row(row: pd.Series, config: AmountConfig, reference: str | None, distances: bool = True) -> dict[str, Any]:
    n = int(row["count"])
    out: dict[str, Any] = {"group": row["group"], "count": n, "reference": row["group"] == reference}
    if n < config.suppress_below:
        out.update(suppressed=True, status="inconclusive", note=f"counts only (n={n} < {config.suppress_below}): "
                   "amounts suppressed so that no individual can be singled out")
        return out
    for key in _PUBLISHED:
        if key in row.index and (distances or key not in ("ks", "wasserstein")):
            out[key] = row[key]
            if f"{key}_low" in row.index:
                out[f"{key}_ci"] = ci_pair(row[f"{key}_low"], row[f"{key}_high"])
    out.update({key: row[key] for key in _PLAIN if key in row.index and (distances or key != "ks_p_value")})
    why = _why_unjudged(row, config)
    out.update(status="inconclusive" if why else "compared", note=why)
    return out


def table_finding(feature: str, columns: tuple[str, ...], table: pd.DataFrame, reference: str | None, cut: float,
                  config: AmountConfig, *, backend: str = "memory") -> Finding:
    """The group table of one grouping: reported, or a warning naming the groups that cannot be judged.

    On a backend (``duckdb``, ``spark``) the distribution distances are not evaluated: left out of the
    rows, and the methods say why.
    """
    distances = backend == "memory"
    rows = [_row(row, config, reference, distances) for _, row in table.iterrows()]
    methods = {**_METHODS, **({} if distances else {"distance": _NOT_EVALUATED.format(backend=backend)})}
    judged = [r for r in rows if r["status"] == "compared" and r.get("mean_ratio") == r.get("mean_ratio")]
    unjudged = [r for r in rows if r["status"] != "compared"]
    if reference is None or not judged:
        message = f"By {feature}, no group has enough cases to compare amounts."
    else:
        low = min(judged, key=lambda r: r["mean_ratio"])
        message = (f"By {feature}, against the reference {reference!r}, the group with the lowest mean amount is "
                   f"{low['group']!r}: {_num(low['mean'])} (mean ratio {_num(low['mean_ratio'])}; "
                   f"{_pct(low['above_share'])} above {_num(cut)}).")
    if unjudged:
        message += " Warning: " + "; ".join(f"{r['group']!r} ({r['count']} cases)" for r in unjudged) + \
            " cannot be judged."
    return Finding(
        auditor=AUDITOR, check="amounts.group_amounts", status=Status.WARN if unjudged else Status.REPORTED,
        severity=Severity.INFO, groups=tuple(r["group"] for r in rows),
        evidence={"feature": feature, "columns": list(columns), "reference": reference, "above": cut,
                  "above_is_median": config.above is None, "groups": rows, "total": int(table["count"].sum()),
                  "min_group_size": config.min_group_size, "suppress_below": config.suppress_below,
                  "intervals": {"level": config.confidence, **methods}, "backend": backend},
        message=message, principles=_FAIR_OPEN, references=_REFS)


def _bound_p(key: str, row: pd.Series, ref_row: pd.Series, threshold: float, operator: str) -> float:
    """The one-sided test of "the ratio meets the bound" (see :mod:`govaudit.metrics._amounts`)."""
    if key == "mean_ratio":
        return mean_ratio_bound_test((row["mean"], row["sd"], int(row["count"])),
                                     (ref_row["mean"], ref_row["sd"], int(ref_row["count"])), threshold, operator)
    return share_ratio_bound_test(int(row["above"]), int(row["count"]), int(ref_row["above"]), int(ref_row["count"]),
                                  threshold, operator)


def _parts(check: str, gate: Any, row: pd.Series, ref_row: pd.Series,
           cut: float) -> tuple[float, float, str, str, bool, float]:
    """(value, threshold, operator, what the value is, passes, raw p-value) of one gate on one group."""
    if check in ("amounts.mean_ratio", "amounts.above_ratio"):
        key, ref = check.split(".")[1], ref_row["group"]
        value = float(row[key])
        threshold, operator = gate.bound(value)
        what = (f"mean amount {_num(row['mean'])}, {_num(value)} times that of {ref!r}" if key == "mean_ratio" else
                f"{_pct(row['above_share'])} above {_num(cut)}, {_num(value)} times the share of {ref!r}")
        p = _bound_p(key, row, ref_row, threshold, operator)
        return value, threshold, operator, f"{what} (gate {key} {operator} {threshold:g})", gate.passes(value), p
    if check == "amounts.group_mae":
        value = float(row["mae"])
        return (value, float(gate), "<=", f"mean absolute error {_num(value)} (gate <= {gate:g})",
                value == value and value <= gate, row["mae_p_value"])
    value = float(row["underpaid_share"])
    return (value, float(gate), "<=", f"{_pct(value)} under-paid (gate <= {_pct(gate)})",
            value == value and value <= gate, row["underpaid_p_value"])


def _gate_finding(feature: str, row: pd.Series, check: str, gate: Any, ref_row: pd.Series | None, cut: float,
                  config: AmountConfig, rule: str) -> Finding:
    group, n = row["group"], int(row["count"])
    ref = None if ref_row is None else ref_row["group"]
    bounds = gate.model_dump(mode="json") if isinstance(gate, Band) else {"max": gate}
    why = _why_unjudged(row, config) or (None if ref is not None else _no_reference(rule, config))
    value = float("nan") if why else _parts(check, gate, row, ref_row, cut)[0]  # type: ignore[arg-type]
    if why is None and value != value:
        why = "the measure is undefined for this group (e.g. a mean of zero or a single distinct value)"
    if why is not None:
        return Finding(auditor=AUDITOR, check=check, status=Status.INCONCLUSIVE, severity=Severity.MEDIUM,
                       groups=(group,), message=f"By {feature}, the {check.split('.')[1]} gate for {group!r} cannot "
                       f"be judged: {why}.", principles=_FAIR, references=_REFS,
                       evidence={"feature": feature, "group": group, "count": n, "gate": bounds, "reason": why})
    value, threshold, operator, what, passes, p = _parts(check, gate, row, ref_row, cut)  # type: ignore[arg-type]
    claim = f"By {feature}, {group!r} ({n} cases): {what}; this {'meets' if passes else 'misses'} the gate"
    evidence: dict[str, Any] = {"feature": feature, "group": group, "count": n, "reference": ref, "gate": bounds,
                                "confidence": config.confidence, "p_value": p}
    low_key = {"amounts.mean_ratio": "mean_ratio", "amounts.above_ratio": "above_ratio",
               "amounts.underpaid_share": "underpaid_share"}.get(check)
    if low_key is not None:
        evidence["ci"] = ci_pair(row[f"{low_key}_low"], row[f"{low_key}_high"])
    p = float(p)
    status = gate_status(evidence, passes=passes, claim=claim, p_value=p,
                         require_significance=config.require_significance, level=config.significance_level)
    return Finding(auditor=AUDITOR, check=check, status=status,
                   severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM, value=value,
                   threshold=threshold, operator=operator, groups=(group,), evidence=evidence,
                   message=f"{claim} ({_p(p)}).", principles=_FAIR, references=_REFS)


def gate_findings(feature: str, table: pd.DataFrame, reference: str | None, cut: float, config: AmountConfig,
                  has_true: bool) -> list[Finding]:
    """One finding per group and configured gate (the reference group is not compared with itself)."""
    g = config.gates
    gates = [("amounts.mean_ratio", g.mean_ratio), ("amounts.above_ratio", g.above_ratio)]
    if has_true:
        gates += [("amounts.group_mae", g.max_group_mae), ("amounts.underpaid_share", g.max_underpaid_share)]
    out = []
    ref_row = None if reference is None else table.loc[table["group"] == reference].iloc[0]
    rule = reference_rule(config, feature, [str(g) for g in table["group"]])
    for _, row in table.iterrows():
        for check, gate in gates:
            if gate is None or (check in ("amounts.mean_ratio", "amounts.above_ratio") and row["group"] == reference):
                continue
            out.append(_gate_finding(feature, row, check, gate, ref_row, cut, config, rule))
    return out


def missing_truth_finding(config: AmountConfig) -> Finding | None:
    """An inconclusive finding when an error gate is set but no correct amounts were given."""
    g = config.gates
    named = [k for k, v in (("max_group_mae", g.max_group_mae), ("max_underpaid_share", g.max_underpaid_share))
             if v is not None]
    if not named:
        return None
    return Finding(auditor=AUDITOR, check="amounts.group_mae" if "max_group_mae" in named else
                   "amounts.underpaid_share", status=Status.INCONCLUSIVE, severity=Severity.MEDIUM,
                   evidence={"gates": named, "missing": ["y_amount_true"]},
                   message=f"The gate(s) {', '.join(named)} cannot be judged: no correct amounts were given "
                   "([data] amount_true).", principles=_FAIR, references=_REFS)

