"""Turn measured group rates into findings: statuses, plain-language messages, references."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from govaudit.metrics import ci_pair
from govaudit.metrics import GroupingAnalysis, RateAnalysis
from govaudit.bias._config import BiasConfig, Gate
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import LABELLED_METRICS, rate_parts, two_proportion_test
from govaudit.metrics import significance_block

__all__ = ["grouping_findings"]

_FAIR = (Principle.FAIRNESS,)
_FAIR_OPEN = (Principle.FAIRNESS, Principle.TRANSPARENCY)
_REF_BIAS_EXAM = "EU AI Act Art. 10(2)(f)"
_REF_NIST = "NIST AI RMF MEASURE 2.11"
_REF_LL144 = "NYC LL144 6 RCNY §5-301"
_REF_FOUR_FIFTHS = "29 CFR 1607.4(D)"

#: disparity gate -> the rate whose extreme groups its significance test compares
_DISPARITY_TEST: dict[str, str] = {
    "demographic_parity_difference": "selection_rate",
    "demographic_parity_ratio": "selection_rate",
    "equal_opportunity_difference": "tpr",
    "equalized_odds_difference": "tpr",
    "equalized_odds_ratio": "tpr",
}
_LABELLED = {"equal_opportunity_difference", "equalized_odds_difference", "equalized_odds_ratio"}


def _num(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    return f"{value:.{digits}f}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _gate_status(value: float, gate: Gate) -> tuple[Status, str]:
    """The status of a gate judged on its point estimate alone (``require_significance = false``)."""
    if value != value:
        return Status.INCONCLUSIVE, "cannot be judged: the metric is undefined for these groups"
    if gate.passes(value):
        return Status.PASS, f"meets the gate {gate.operator} {gate.threshold:g}"
    return Status.FAIL, f"misses the gate {gate.operator} {gate.threshold:g}"


def _significance_evidence(claim: str, value: float, gate: Gate, p_value: float,
                           config: BiasConfig) -> dict[str, Any] | None:
    """With ``require_significance``, the gate's verdict waits for the audit-wide correction."""
    if not config.require_significance or value != value:
        return None
    return significance_block(claim=claim, p_value=p_value, level=config.significance_level,
                              beyond_limit=not gate.passes(value))


def _columns(rates: RateAnalysis) -> dict[str, np.ndarray]:
    """The group table's columns as arrays: the values ``.iat`` gives, without a lookup per cell."""
    return {name: rates.table[name].to_numpy() for name in rates.table.columns}


def _group_rows(grouping: GroupingAnalysis, rates: RateAnalysis, rate_name: str, gate: Gate | None,
                config: BiasConfig) -> list[dict]:
    table = _columns(rates)
    labels = grouping.encoding.labels
    metric_names = [m for m in LABELLED_METRICS if m in table]
    rows = []
    for g, label in enumerate(labels):
        row: dict[str, Any] = {"group": label, "count": int(table["count"][g]), "share": float(table["share"][g])}
        for m in metric_names:
            shown = rate_name if m == "selection_rate" else m
            row[shown] = table[m][g]
            row[f"{shown}_ci"] = ci_pair(table[f"{m}_low"][g], table[f"{m}_high"][g])
        row["impact_ratio"] = table["impact_ratio"][g]
        row["impact_ratio_ci"] = ci_pair(table["impact_ratio_low"][g], table["impact_ratio_high"][g])
        row["status"], row["note"] = _group_status(grouping, rates.reference, table, g, gate)
        if row["count"] < config.suppress_below:
            row = _suppressed(row, config.suppress_below)
        rows.append(row)
    return rows


def _suppressed(row: dict[str, Any], limit: int) -> dict[str, Any]:
    """Keep a small group's count, drop its rates: they could reveal individual decisions."""
    kept = {"group", "count", "share", "status", "note"}
    out = {k: (v if k in kept else ([None, None] if k.endswith("_ci") else None)) for k, v in row.items()}
    out["suppressed"] = True
    out["note"] = f"rates suppressed (n={row['count']} < {limit}) so that no individual can be singled out"
    return out


def _group_status(grouping: GroupingAnalysis, reference: int | None, table: dict[str, np.ndarray], g: int,
                  gate: Gate | None) -> tuple[str, str | None]:
    n = int(table["count"][g])
    if g in grouping.unknown:
        return "excluded", f"unknown category (n={n}): reported, excluded from ratios"
    if g in grouping.small:
        return "warn", f"small group (n={n}): excluded from ratio gates"
    if g in grouping.ll144_excluded:
        return "excluded", f"under the small-category share (n={n}): excluded from impact ratios"
    ratio = table["impact_ratio"][g]
    if ratio != ratio:
        return "inconclusive", "impact ratio undefined"
    undefined = [m for m in ("tpr", "fpr") if m in table and table[m][g] != table[m][g]]
    note = (f"{' and '.join(undefined)} undefined: only one observed outcome in this group; "
            "error-rate comparisons are inconclusive") if undefined else None
    if gate is not None and not gate.passes(float(ratio)):
        return "fail", note
    if g == reference:
        return "reference", note
    return ("inconclusive" if undefined else "pass"), note


def _left_out_reason(row: dict[str, Any]) -> str:
    if row["status"] == "excluded":
        return "unknown or under the small-category share"
    return "too small to compare"


def _degraded_reasons(rows: list[dict[str, Any]]) -> list[str]:
    """Why a group table warns, group by group (a warning always says why)."""
    reasons = []
    small = [f"{r['group']!r} (n={r['count']})" for r in rows if r["status"] == "warn"]
    if small:
        reasons.append(f"{'group' if len(small) == 1 else 'groups'} {', '.join(small)} "
                       f"{'is' if len(small) == 1 else 'are'} too small to judge reliably")
    for r in rows:
        if r["status"] not in ("excluded", "warn") and (r["status"] == "inconclusive" or r["note"]):
            reasons.append(f"{r['group']!r}: {r['note'] or 'its impact ratio is undefined'}")
    return reasons


def _group_metrics_finding(grouping: GroupingAnalysis, rates: RateAnalysis, rate_name: str, gate: Gate | None,
                           config: BiasConfig) -> Finding:
    labels = grouping.encoding.labels
    rows = _group_rows(grouping, rates, rate_name, gate, config)
    eligible = [r for r in rows if r["status"] not in ("excluded", "warn")]
    defined = [r for r in eligible if r[rate_name] == r[rate_name]]
    left_out = [r for r in rows if r not in eligible]
    if defined:
        lo, hi = min(defined, key=lambda r: r[rate_name]), max(defined, key=lambda r: r[rate_name])
        what = "selection rates" if rate_name == "selection_rate" else "shares scoring above the median"
        message = (f"By {grouping.feature}, {what} range from {_num(lo[rate_name])} ({lo['group']}) "
                   f"to {_num(hi[rate_name])} ({hi['group']})")
        if left_out:
            message += (" among the groups compared, leaving out "
                        + ", ".join(f"{r['group']!r} (n={r['count']}, {_left_out_reason(r)})" for r in left_out))
        message += "."
    else:
        message = f"By {grouping.feature}, no group is large enough to compare rates."
    unknown_count = int(sum(rates.counts.n[g] for g in grouping.unknown))
    if unknown_count:
        message = message[:-1] + f"; {unknown_count} people have an unknown {grouping.feature}."
    metrics = [rate_name] + [m for m in LABELLED_METRICS[1:] if m in rates.table]
    reasons = _degraded_reasons(rows)
    if reasons:
        message += " Warning: " + "; ".join(reasons) + "."
    return Finding(
        auditor="bias",
        check="bias.group_metrics" if rate_name == "selection_rate" else "bias.scoring_rates",
        status=Status.WARN if reasons else Status.REPORTED,
        severity=Severity.INFO,
        evidence={
            "feature": grouping.feature,
            "columns": list(grouping.columns),
            "reference": labels[rates.reference] if rates.reference is not None else None,
            "metrics": metrics,
            "groups": rows,
            "disparities": {k: {"value": v, "ci": ci_pair(lo_, hi_)} for k, (v, lo_, hi_) in rates.disparities.items()},
            "unknown_count": unknown_count,
            "total": int(rates.counts.total),
            "confidence": config.confidence,
            "n_resamples": config.n_resamples,
            "seed": config.seed,
            "interval_methods": {"rates": "wilson", "ratios_and_disparities": "bootstrap of the counts table"},
        },
        message=message,
        principles=_FAIR_OPEN,
        references=(_REF_BIAS_EXAM, _REF_NIST, _REF_LL144),
    )


def _unjudged(grouping: GroupingAnalysis, check: str, gate: Gate, why: str, references: tuple[str, ...]) -> Finding:
    """A configured gate with nothing to judge it on: inconclusive, never a silent pass."""
    return Finding(
        auditor="bias", check=check, status=Status.INCONCLUSIVE, severity=Severity.MEDIUM, threshold=gate.threshold,
        operator=gate.operator, evidence={"feature": grouping.feature, "reason": why},
        message=f"By {grouping.feature}, the gate {check.removeprefix('bias.')} {gate.operator} {gate.threshold:g} "
                f"cannot be judged: {why}.",
        principles=_FAIR, references=references,
    )


def _comparable(grouping: GroupingAnalysis, rates: RateAnalysis) -> str | None:
    """Why no group can be compared with another on this grouping, or None when some can."""
    labels = grouping.encoding.labels
    if rates.reference is not None and rates.tests:
        return None
    eligible = [labels[g] for g in np.flatnonzero(rates.eligible)]
    if not eligible:
        return "no group is large enough to compare (" + _group_sizes(grouping, rates) + ")"
    return f"only one group ({eligible[0]!r}) is large enough to compare (" + _group_sizes(grouping, rates) + ")"


def _group_sizes(grouping: GroupingAnalysis, rates: RateAnalysis) -> str:
    return ", ".join(f"{label!r}: n={int(n)}" for label, n in zip(grouping.encoding.labels, rates.counts.n))


def _impact_ratio_findings(grouping: GroupingAnalysis, rates: RateAnalysis, check: str, gate: Gate,
                           config: BiasConfig) -> list[Finding]:
    why_not = _comparable(grouping, rates)
    if why_not is not None:
        return [_unjudged(grouping, check, gate, why_not, (_REF_LL144, _REF_FOUR_FIFTHS))]
    labels = grouping.encoding.labels
    table = _columns(rates)
    ref_label = labels[rates.reference]
    rate_word = "selected" if check == "bias.impact_ratio" else "scored above the median"
    findings = []
    for g, test in sorted(rates.tests.items()):
        value = float(table["impact_ratio"][g])
        significant = bool(test.p_value <= config.significance_level) if test.p_value == test.p_value else False
        status, why = _gate_status(value, gate)
        rate, ref_rate = table["selection_rate"][g], table["selection_rate"][rates.reference]
        claim = (f"People in {labels[g]!r} ({grouping.feature}) are {rate_word} at a rate of {_num(rate)}, "
                 f"{_num(value, 2)} times that of {ref_label!r} ({_num(ref_rate)}); this {why}")
        sig_text = (f"the gap is statistically significant ({_p_text(test.p_value)})" if significant
                    else "the gap is not statistically significant"
                    + (f" ({_p_text(test.p_value)})" if test.p_value == test.p_value else ""))
        evidence = {
            "feature": grouping.feature, "group": labels[g], "reference": ref_label,
            "rate": rate, "reference_rate": ref_rate,
            "count": int(table["count"][g]), "reference_count": int(table["count"][rates.reference]),
            "ci": ci_pair(table["impact_ratio_low"][g], table["impact_ratio_high"][g]),
            "confidence": config.confidence,
            "four_fifths_rule_violated": bool(value < 0.8) if value == value else None,
            "test": {"method": test.method, "statistic": test.statistic, "p_value": test.p_value,
                     "shortfall": test.shortfall, "significant": significant,
                     "level": config.significance_level},
        }
        block = _significance_evidence(claim, value, gate, test.p_value, config)
        if block is not None:
            evidence["significance"] = block
        findings.append(Finding(
            auditor="bias", check=check, status=status,
            severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM,
            value=value, threshold=gate.threshold, operator=gate.operator, groups=(labels[g], ref_label),
            evidence=evidence, message=f"{claim}, and {sig_text}.",
            principles=_FAIR, references=(_REF_LL144, _REF_FOUR_FIFTHS, _REF_BIAS_EXAM),
        ))
    return findings


def _pair_test(rates: RateAnalysis, rate: str) -> tuple[Any, tuple[int, int]] | None:
    """Test the lowest against the highest eligible group on ``rate``."""
    if not rates.counts.has_labels and rate != "selection_rate":
        return None
    x, n = rate_parts(rates.counts.counts, rate)
    values = np.where(rates.eligible & (n > 0), x / np.maximum(n, 1), np.nan)
    if np.sum(~np.isnan(values)) < 2:
        return None
    lo, hi = int(np.nanargmin(values)), int(np.nanargmax(values))
    return two_proportion_test(int(x[lo]), int(n[lo]), int(x[hi]), int(n[hi])), (lo, hi)


def _binding_rate(rates: RateAnalysis, metric: str) -> str:
    """Which of TPR and FPR sets an equalized-odds value; its extreme groups are the ones to test.

    (An FPR gap, e.g. a face matcher's false match rate, must not be judged by a test on the TPR.)
    """
    spreads: dict[str, float] = {}
    for rate in ("tpr", "fpr"):
        x, n = rate_parts(rates.counts.counts, rate)
        values = np.where(rates.eligible & (n > 0), x / np.maximum(n, 1), np.nan)
        if np.sum(~np.isnan(values)) < 2:
            continue
        lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
        spreads[rate] = (lo / hi if hi > 0 else 1.0) if metric.endswith("ratio") else hi - lo
    if not spreads:
        return "tpr"
    pick = min if metric.endswith("ratio") else max
    return pick(spreads, key=spreads.__getitem__)


def _disparity_finding(grouping: GroupingAnalysis, rates: RateAnalysis, metric: str, gate: Gate,
                       config: BiasConfig) -> Finding | None:
    if metric not in rates.disparities:
        if metric in _LABELLED and not rates.counts.has_labels:  # a gate was asked for: never a silent skip
            return _unjudged(grouping, f"bias.{metric}", gate, "it needs observed outcomes (a label), which were "
                             "not given", (_REF_NIST,))
        return _unjudged(grouping, f"bias.{metric}", gate, _comparable(grouping, rates)
                         or "the disparity is undefined for these groups", (_REF_BIAS_EXAM, _REF_NIST))
    value, low, high = rates.disparities[metric]
    rate = _binding_rate(rates, metric) if metric.startswith("equalized_odds") else _DISPARITY_TEST[metric]
    paired = _pair_test(rates, rate)
    significant = None
    evidence: dict[str, Any] = {"feature": grouping.feature, "ci": ci_pair(low, high), "confidence": config.confidence}
    groups: tuple[str, ...] = ()
    if paired is not None:
        test, (lo, hi) = paired
        significant = bool(test.p_value <= config.significance_level) if test.p_value == test.p_value else False
        groups = (grouping.encoding.labels[lo], grouping.encoding.labels[hi])
        evidence["test"] = {"rate": rate, "lowest": groups[0], "highest": groups[1], "method": test.method,
                            "statistic": test.statistic, "p_value": test.p_value, "significant": significant}
    status, why = _gate_status(value, gate)
    words = metric.replace("_", " ")
    claim = f"By {grouping.feature}, the {words} is {_num(value)}; this {why}"
    block = _significance_evidence(claim, value, gate, evidence["test"]["p_value"] if paired else float("nan"), config)
    if block is not None:
        evidence["significance"] = block
    return Finding(
        auditor="bias", check=f"bias.{metric}", status=status,
        severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM,
        value=value, threshold=gate.threshold, operator=gate.operator, groups=groups, evidence=evidence,
        message=f"{claim}.", principles=_FAIR, references=(_REF_BIAS_EXAM, _REF_NIST),
    )


def _small_groups_finding(grouping: GroupingAnalysis, rates: RateAnalysis, config: BiasConfig) -> Finding | None:
    flagged = sorted(set(grouping.small) | set(grouping.ll144_excluded))
    if not flagged:
        return None
    labels = grouping.encoding.labels
    table = _columns(rates)
    rows = [{"group": labels[g], "count": int(table["count"][g]), "share": float(table["share"][g]),
             "selection_rate": (table["selection_rate"][g]
                                if table["count"][g] >= config.suppress_below else None),
             "reason": "below min_group_size" if g in grouping.small else "under the LL144 small-category share"}
            for g in flagged]
    names = ", ".join(f"{r['group']!r} (n={r['count']})" for r in rows)
    return Finding(
        auditor="bias", check="bias.small_groups", status=Status.WARN, severity=Severity.LOW,
        value=float(len(rows)), threshold=float(max(config.min_group_size, config.suppress_below)), operator=">=",
        groups=tuple(r["group"] for r in rows),
        evidence={"feature": grouping.feature, "groups": rows, "min_group_size": config.min_group_size,
                  "suppress_below": config.suppress_below,
                  "small_category_rule": config.small_category_rule,
                  "small_category_share": config.small_category_share},
        message=f"By {grouping.feature}, {len(rows)} group(s) are too small to judge reliably and are kept out "
                f"of ratio gates: {names}.",
        principles=_FAIR_OPEN, references=(_REF_LL144, _REF_FOUR_FIFTHS),
    )


def grouping_findings(grouping: GroupingAnalysis, config: BiasConfig) -> list[Finding]:
    """All findings for one sensitive feature or intersection."""
    findings: list[Finding] = []
    gates = config.gates_by_feature.get(grouping.feature, config.gates)
    for rates, rate_name, ratio_check, ratio_gate in (
        (grouping.selection, "selection_rate", "bias.impact_ratio", gates.get("impact_ratio")),
        (grouping.scoring, "scoring_rate", "bias.scoring_impact_ratio", gates.get("scoring_impact_ratio")),
    ):
        if rates is None:
            if ratio_gate is not None and ratio_check == "bias.scoring_impact_ratio":
                findings.append(_unjudged(grouping, ratio_check, ratio_gate, "no scores were given",
                                          (_REF_LL144,)))
            continue
        findings.append(_group_metrics_finding(grouping, rates, rate_name, ratio_gate, config))
        if ratio_gate is not None:
            findings.extend(_impact_ratio_findings(grouping, rates, ratio_check, ratio_gate, config))
    if grouping.selection is not None:
        for metric, gate in gates.items():
            if metric in ("impact_ratio", "scoring_impact_ratio"):
                continue
            finding = _disparity_finding(grouping, grouping.selection, metric, gate, config)
            if finding is not None:
                findings.append(finding)
    base = grouping.selection or grouping.scoring
    if base is not None:
        small = _small_groups_finding(grouping, base, config)
        if small is not None:
            findings.append(small)
    return findings
