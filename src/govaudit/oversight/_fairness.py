"""Do overrides and appeals differ by group? Override, appeal and appeal-success rates by sensitive group.

The numbers come from the bias auditor's counts engine, unchanged: each rate is a "selection rate"
of an event (overridden, appealed, appeal won) within the cases where it can happen, so
:func:`~govaudit.metrics.analyse_rates` gives the per-group counts, Wilson
intervals, counts-table bootstrap of the gap, small-group and unknown-group handling; the gap
between the lowest and highest eligible groups is tested with
:func:`~govaudit.metrics.two_proportion_test` (Fisher's exact test for small groups).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from govaudit.metrics import (
    GroupComparison,
    GroupingAnalysis,
    analyse_counts,
    analyse_rates,
    ci_pair,
    judge_significance,
    significance_block,
)
from govaudit.oversight._checks import AUDITOR, REF_NIST_MANAGE, REF_OMB
from govaudit.oversight._config import OversightConfig
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import GroupCounts, GroupEncoding, encode_groups, rate_parts, two_proportion_test
from govaudit.oversight._log_validation import DecisionLog

__all__ = ["GroupRate", "group_rates", "rate_findings", "rate_findings_for"]

_REF_NIST_BIAS = "NIST AI RMF MEASURE 2.11"
_REF_EQUALITY = "EU AI Act Art. 10(2)(f)"


@dataclass(frozen=True)
class GroupRate:
    """One rate to compare across groups: its check, name, the cases where the event can happen, the event."""

    check: str
    rate: str
    words: str
    population: str
    mask: np.ndarray
    event: np.ndarray


def group_rates(decided: np.ndarray, reviewed: np.ndarray, final: np.ndarray, recommendation: np.ndarray,
                filed: np.ndarray | None = None, overturned: np.ndarray | None = None) -> list[GroupRate]:
    """The rates compared across groups, one entry per case or per compressed row (appeal rates when given).

    ``final`` is 0/1 (NaN while pending); ``overturned`` is 1/0 (NaN while an appeal is pending or absent).
    """
    rates = [GroupRate("oversight.override_fairness", "override_rate", "reviewers override the model",
                       "reviewed cases", reviewed & decided, final != recommendation)]
    if filed is not None and overturned is not None:
        rates += [
            GroupRate("oversight.appeal_fairness", "appeal_rate", "people refused appeal", "refused cases",
                      decided & (final == 0), filed),
            GroupRate("oversight.appeal_fairness", "appeal_success_rate", "appeals succeed", "decided appeals",
                      ~np.isnan(overturned), overturned == 1),
        ]
    return rates


def _comparison(config: OversightConfig) -> GroupComparison:
    return GroupComparison(min_group_size=config.min_group_size, suppress_below=config.suppress_below,
                           confidence=config.confidence, n_resamples=config.n_resamples, seed=config.seed)


def _pct(v: float) -> str:
    return "undefined" if v != v else f"{100 * v:.1f}%"


def _finding(feature: str, spec: GroupRate, analysis: GroupingAnalysis, config: OversightConfig) -> Finding:
    rates = analysis.selection
    assert rates is not None
    labels = analysis.encoding.labels
    table = rates.table
    x, n = rate_parts(rates.counts.counts, "selection_rate")
    gap, gap_low, gap_high = rates.disparities["demographic_parity_difference"]
    defined = rates.eligible & (n > 0)
    groups: tuple[str, ...] = ()
    test_evidence: dict[str, Any] | None = None
    significant = False
    if defined.sum() >= 2:
        values = np.where(defined, x / np.maximum(n, 1), np.nan)
        lo, hi = int(np.nanargmin(values)), int(np.nanargmax(values))
        test = two_proportion_test(int(x[lo]), int(n[lo]), int(x[hi]), int(n[hi]))
        significant = bool(test.p_value <= config.significance_level) if test.p_value == test.p_value else False
        groups = (labels[lo], labels[hi])
        test_evidence = {"lowest": labels[lo], "highest": labels[hi], "method": test.method,
                         "statistic": test.statistic, "p_value": test.p_value, "significant": significant,
                         "level": config.significance_level}
    rows = []
    for g, label in enumerate(labels):
        count = int(n[g])
        row: dict[str, Any] = {"group": label, "cases": count}
        if count >= config.suppress_below:
            row.update({"events": int(x[g]), spec.rate: table["selection_rate"].iat[g],
                        f"{spec.rate}_ci": ci_pair(table["selection_rate_low"].iat[g], table["selection_rate_high"].iat[g]),
                        "ratio_to_highest": table["impact_ratio"].iat[g]})
        else:
            row["note"] = f"rate suppressed (n={count} < {config.suppress_below}) so that no individual can be singled out"
        row["compared"] = bool(rates.eligible[g])
        rows.append(row)
    p_value = test_evidence["p_value"] if test_evidence else float("nan")
    if gap != gap:
        status, why = Status.INCONCLUSIVE, "cannot be judged: too few groups with enough cases to compare"
    elif gap <= config.max_rate_gap:
        status, why = Status.PASS, f"within the limit of {config.max_rate_gap:g}"
    else:
        status, why = Status.FAIL, f"above the limit of {config.max_rate_gap:g}"
    if groups:
        lo_rate = table["selection_rate"].iat[labels.index(groups[0])]
        hi_rate = table["selection_rate"].iat[labels.index(groups[1])]
        claim = (f"By {feature}, {spec.words} in {_pct(lo_rate)} ({groups[0]}) to {_pct(hi_rate)} ({groups[1]}) of "
                 f"{spec.population}; the gap of {gap:.3f} is {why}")
        message = claim + (f" (p = {p_value:.3g})." if p_value == p_value else ".")
    else:
        claim, message = "", f"By {feature}, {spec.words}: {why}."
    significance = (significance_block(claim=claim, p_value=p_value, level=config.significance_level,
                                       beyond_limit=gap > config.max_rate_gap)
                    if config.require_significance and groups and gap == gap else None)
    return Finding(
        auditor=AUDITOR, check=spec.check, status=status,
        severity=Severity.HIGH if status is Status.FAIL else (Severity.MEDIUM if status is Status.WARN else Severity.INFO),
        value=gap, threshold=config.max_rate_gap, operator="<=", groups=groups,
        evidence={"feature": feature, "rate": spec.rate, "population": spec.population, "groups": rows,
                  "gap": gap, "gap_ci": ci_pair(gap_low, gap_high), "test": test_evidence,
                  "total": int(n.sum()), "confidence": config.confidence, "n_resamples": config.n_resamples,
                  "seed": config.seed, "min_group_size": config.min_group_size,
                  "interval_methods": {"rates": "wilson", "gap": "bootstrap of the counts table"},
                  **({"significance": significance} if significance else {})},
        message=message, principles=(Principle.FAIRNESS, Principle.PEOPLE_ORIENTED),
        references=(REF_NIST_MANAGE, _REF_NIST_BIAS, _REF_EQUALITY, REF_OMB),
    )


def rate_findings(log: DecisionLog, config: OversightConfig) -> list[Finding]:
    """One finding per (rate, sensitive feature); skipped findings when there is nothing to compare."""
    specs = group_rates(log.decided, log.reviewed, log.final_decision, log.recommendation, log.appeal_filed,
                        log.appeal_overturned)
    return rate_findings_for(specs, lambda feature: encode_groups(log.frame, [feature]), None, config)


def _weighted_counts(encoding: GroupEncoding, event: np.ndarray, weights: np.ndarray) -> GroupCounts:
    """``[no event, event]`` counts per group when each row stands for ``weights`` rows (a compressed table)."""
    flat = np.zeros(encoding.n_groups * 2, dtype=np.int64)
    np.add.at(flat, encoding.codes * 2 + event.astype(np.int64), weights.astype(np.int64))  # exact integer sums
    return GroupCounts(labels=encoding.labels, counts=flat.reshape(encoding.n_groups, 2))


def rate_findings_for(specs: list[GroupRate], encode: Callable[[str], GroupEncoding], weights: np.ndarray | None,
                      config: OversightConfig) -> list[Finding]:
    """:func:`rate_findings` on rows (``weights`` None) or on a backend's compressed rows (``weights`` = counts).

    ``encode(feature)`` gives the group codes of the same rows the specs' masks and events index.
    """
    if not config.sensitive_features:
        checks = dict.fromkeys(s.check for s in specs)
        return [Finding(auditor=AUDITOR, check=c, status=Status.SKIPPED, severity=Severity.INFO,
                        message="No sensitive features were named (sensitive_features), so overrides and appeals "
                                "were not compared across groups.",
                        principles=(Principle.FAIRNESS,), references=(REF_NIST_MANAGE,)) for c in checks]
    comparison = _comparison(config)
    findings = []
    for feature in config.sensitive_features:
        encoding = encode(feature)  # each column encoded once, reused for every rate
        for spec in specs:
            sub = GroupEncoding(codes=encoding.codes[spec.mask], labels=encoding.labels, columns=encoding.columns)
            if not spec.mask.any():
                findings.append(Finding(auditor=AUDITOR, check=spec.check, status=Status.SKIPPED,
                                        severity=Severity.INFO, evidence={"feature": feature, "rate": spec.rate},
                                        message=f"No {spec.population} in the log, so {spec.rate.replace('_', ' ')}s "
                                                "cannot be compared.",
                                        principles=(Principle.FAIRNESS,), references=(REF_NIST_MANAGE,)))
                continue
            if weights is None:
                analysis = analyse_rates(feature, sub, spec.event[spec.mask].astype(np.int8), None, None, comparison)
            else:
                counts = _weighted_counts(sub, spec.event[spec.mask], weights[spec.mask])
                analysis = analyse_counts(feature, sub, counts.counts.sum(axis=1), counts, None, comparison)
            findings.append(_finding(feature, spec, analysis, config))
    # gaps that need statistical evidence are judged together (Holm); the runner repeats it audit-wide
    return judge_significance(findings)

