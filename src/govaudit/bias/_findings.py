"""Turn measured group rates into findings: statuses, plain-language messages, references."""

from __future__ import annotations

from typing import Any

import numpy as np

from govaudit.metrics import ci_pair
from govaudit.metrics import GroupingAnalysis, RateAnalysis
from govaudit.bias._config import LEGACY_GATES, BiasConfig, Gate
from govaudit.bias._gates import contrast_findings
from govaudit.bias._common import (FAIR, FAIR_OPEN, REF_BIAS_EXAM, REF_FOUR_FIFTHS, REF_LL144, REF_NIST, comparable,
                                   flips, gate_status, num, p_text, significance_evidence, unjudged)
from govaudit.bias._rows import RATES, columns_of as _columns, group_rows as _group_rows
from govaudit.core import Finding, Severity, Status
from govaudit.metrics import rate_parts, two_proportion_test

__all__ = ["grouping_findings"]

#: disparity gate -> the rate whose extreme groups its significance test compares
_DISPARITY_TEST: dict[str, str] = {
    "demographic_parity_difference": "selection_rate",
    "demographic_parity_ratio": "selection_rate",
    "equal_opportunity_difference": "tpr",
    "equalized_odds_difference": "tpr",
    "equalized_odds_ratio": "tpr",
}
_LABELLED = {"equal_opportunity_difference", "equalized_odds_difference", "equalized_odds_ratio"}
_HEADLINE = ("tpr", "fpr", "fnr", "tnr", "precision", "accuracy")


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
        what = ("shares flagged" if config.decision == "adverse" else "selection rates") \
            if rate_name == "selection_rate" else "shares scoring above the median"
        message = (f"By {grouping.feature}, {what} range from {num(lo[rate_name])} ({lo['group']}) "
                   f"to {num(hi[rate_name])} ({hi['group']})")
        if left_out:
            message += (" among the groups compared, leaving out "
                        + ", ".join(f"{r['group']!r} (n={r['count']}, {_left_out_reason(r)})" for r in left_out))
        message += "."
    else:
        message = f"By {grouping.feature}, no group is large enough to compare rates."
    unknown_count = int(sum(rates.counts.n[g] for g in grouping.unknown))
    if unknown_count:
        message = message[:-1] + f"; {unknown_count} people have an unknown {grouping.feature}."
    # the headline rates (what the report tables show); every column of the rows is in all_metrics
    metrics = [rate_name] + [m for m in _HEADLINE if m in rates.table]
    all_metrics = [m.replace("selection_rate", rate_name) for m in RATES if m in rates.table]
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
            "all_metrics": all_metrics,
            "decision": config.decision,
            "reference_mode": "named" if grouping.feature in config.reference_groups else config.reference,
            "references": {m.replace("selection_rate", rate_name): (labels[g] if g is not None else None)
                           for m, g in rates.references.items()},
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
        principles=FAIR_OPEN,
        references=(REF_BIAS_EXAM, REF_NIST, REF_LL144),
    )


def _impact_ratio_findings(grouping: GroupingAnalysis, rates: RateAnalysis, check: str, gate: Gate,
                           config: BiasConfig) -> list[Finding]:
    why_not = comparable(grouping, rates)
    if why_not is not None:
        return [unjudged(grouping, check, gate, why_not, (REF_LL144, REF_FOUR_FIFTHS))]
    labels = grouping.encoding.labels
    table = _columns(rates)
    ref_label = labels[rates.reference]
    flipped = flips(grouping, config)
    rate_word = ("flagged" if config.decision == "adverse" else "selected") if check == "bias.impact_ratio" \
        else "scored above the median"
    findings = []
    for g, test in sorted(rates.tests.items()):
        value = float(table["impact_ratio"][g])
        significant = bool(test.p_value <= config.significance_level) if test.p_value == test.p_value else False
        status, why = gate_status(value, gate)
        rate, ref_rate = table["selection_rate"][g], table["selection_rate"][rates.reference]
        claim = (f"People in {labels[g]!r} ({grouping.feature}) are {rate_word} at a rate of {num(rate)}, "
                 f"{num(value, 2)} times that of {ref_label!r} ({num(ref_rate)}); this {why}")
        sig_text = (f"the gap is statistically significant ({p_text(test.p_value)})" if significant
                    else "the gap is not statistically significant"
                    + (f" ({p_text(test.p_value)})" if test.p_value == test.p_value else ""))
        evidence = {
            "feature": grouping.feature, "group": labels[g], "reference": ref_label,
            "rate": rate, "reference_rate": ref_rate,
            "count": int(table["count"][g]), "reference_count": int(table["count"][rates.reference]),
            "ci": ci_pair(table["impact_ratio_low"][g], table["impact_ratio_high"][g]),
            "confidence": config.confidence,
            "metric": check.removeprefix("bias."), "gate": gate.band(), "gate_read_flipped": flipped,
            "four_fifths_rule_violated": (bool(value > 1 / 0.8 if flipped else value < 0.8)
                                          if value == value else None),
            "test": {"method": test.method, "statistic": test.statistic, "p_value": test.p_value,
                     "shortfall": test.shortfall, "significant": significant,
                     "level": config.significance_level},
        }
        block = significance_evidence(claim, value, gate, test.p_value, config)
        if block is not None:
            evidence["significance"] = block
        findings.append(Finding(
            auditor="bias", check=check, status=status,
            severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM,
            value=value, threshold=gate.binding(value)[1], operator=gate.binding(value)[0],
            groups=(labels[g], ref_label),
            evidence=evidence, message=f"{claim}, and {sig_text}.",
            principles=FAIR, references=(REF_LL144, REF_FOUR_FIFTHS, REF_BIAS_EXAM),
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
            return unjudged(grouping, f"bias.{metric}", gate, "it needs observed outcomes (a label), which were "
                             "not given", (REF_NIST,))
        return unjudged(grouping, f"bias.{metric}", gate, comparable(grouping, rates)
                         or "the disparity is undefined for these groups", (REF_BIAS_EXAM, REF_NIST))
    value, low, high = rates.disparities[metric]
    rate = _binding_rate(rates, metric) if metric.startswith("equalized_odds") else _DISPARITY_TEST[metric]
    paired = _pair_test(rates, rate)
    significant = None
    evidence: dict[str, Any] = {"feature": grouping.feature, "metric": metric, "gate": gate.band(),
                                "ci": ci_pair(low, high), "confidence": config.confidence}
    groups: tuple[str, ...] = ()
    if paired is not None:
        test, (lo, hi) = paired
        significant = bool(test.p_value <= config.significance_level) if test.p_value == test.p_value else False
        groups = (grouping.encoding.labels[lo], grouping.encoding.labels[hi])
        evidence["test"] = {"rate": rate, "lowest": groups[0], "highest": groups[1], "method": test.method,
                            "statistic": test.statistic, "p_value": test.p_value, "significant": significant}
    status, why = gate_status(value, gate)
    words = metric.replace("_", " ")
    claim = f"By {grouping.feature}, the {words} is {num(value)}; this {why}"
    block = significance_evidence(claim, value, gate, evidence["test"]["p_value"] if paired else float("nan"), config)
    if block is not None:
        evidence["significance"] = block
    return Finding(
        auditor="bias", check=f"bias.{metric}", status=status,
        severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM,
        value=value, threshold=gate.binding(value)[1], operator=gate.binding(value)[0], groups=groups,
        evidence=evidence,
        message=f"{claim}.", principles=FAIR, references=(REF_BIAS_EXAM, REF_NIST),
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
        principles=FAIR_OPEN, references=(REF_LL144, REF_FOUR_FIFTHS),
    )


def grouping_findings(grouping: GroupingAnalysis, config: BiasConfig) -> list[Finding]:
    """All findings for one sensitive feature or intersection."""
    findings: list[Finding] = []
    gates = config.gates_by_feature.get(grouping.feature, config.gates)
    for rates, rate_name, ratio_check, ratio_gate in (
        (grouping.selection, "selection_rate", "bias.impact_ratio", gates.get("impact_ratio")),
        (grouping.scoring, "scoring_rate", "bias.scoring_impact_ratio", gates.get("scoring_impact_ratio")),
    ):
        if ratio_gate is not None and flips(grouping, config):
            ratio_gate = ratio_gate.flipped()
        if rates is None:
            if ratio_gate is not None and ratio_check == "bias.scoring_impact_ratio":
                findings.append(unjudged(grouping, ratio_check, ratio_gate, "no scores were given",
                                          (REF_LL144,)))
            continue
        findings.append(_group_metrics_finding(grouping, rates, rate_name, ratio_gate, config))
        if ratio_gate is not None:
            findings.extend(_impact_ratio_findings(grouping, rates, ratio_check, ratio_gate, config))
    if grouping.selection is None:  # every decision gate, the legacy ones too, is unjudged rather than absent
        findings += [unjudged(grouping, f"bias.{m}", g, "no decisions were given", (REF_BIAS_EXAM,))
                     for m, g in gates.items() if m != "scoring_impact_ratio"]
    if grouping.selection is not None:
        for metric, gate in gates.items():
            if metric in ("impact_ratio", "scoring_impact_ratio"):
                continue
            if metric not in LEGACY_GATES:
                findings.extend(contrast_findings(grouping, grouping.selection, metric, gate, config))
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
