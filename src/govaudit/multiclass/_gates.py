"""Gates of the multi-class auditor: a group's class rate over the reference's, tested against the gate's bound.

Each gated ratio is a ratio of two shares (cases decided into a class, or wrongly decided into it,
...), so each is judged by the one-sided z test of the log share ratio against the log bound
(:func:`govaudit.metrics.share_ratio_bound_test`): a group fails only when its ratio is beyond the
bound with significance after Holm's correction over the audit, never on noise around it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govaudit.core import Finding, Severity, Status
from govaudit.metrics import ci_pair, gate_status, rate_parts, share_ratio_bound_test
from govaudit.metrics._bands import RatioBand
from govaudit.multiclass._analysis import ClassAnalysis
from govaudit.multiclass._config import LABELLED, MultiClassConfig
from govaudit.multiclass._findings import AUDITOR, FAIR, REFS, group_status, rate_key

__all__ = ["gate_findings"]

_WORDS = {"rate": "share decided {cls!r}", "tpr": "share of true {cls!r} cases decided {cls!r}",
          "fpr": "share wrongly decided {cls!r}", "fnr": "share of true {cls!r} cases decided otherwise",
          "precision": "share of cases decided {cls!r} that are truly {cls!r}"}


def _gates(analysis: ClassAnalysis, config: MultiClassConfig) -> list[tuple[str, int, str, RatioBand]]:
    """(check, class index, rate, band) of every gate that applies to this grouping."""
    out = []
    g = config.gates
    for check, rate, band in (("multiclass.adverse_rate_ratio", "rate", g.adverse_rate_ratio),
                              ("multiclass.adverse_fpr_ratio", "fpr", g.adverse_fpr_ratio)):
        if band is not None:
            out.append((check, analysis.adverse, rate, band))
    classes = analysis.counts.classes
    for name, gates in config.class_gates.items():  # analyse has checked that each is a class
        out += [("multiclass.class_ratio", classes.index(name), rate, band) for rate, band in gates.named()]
    return out


def _inconclusive(feature: str, check: str, cls: str, rate: str, band: RatioBand, why: str,
                  group: str | None = None, count: int | None = None) -> Finding:
    who = f" for {group!r}" if group is not None else ""
    evidence: dict[str, Any] = {"feature": feature, "class": cls, "rate": rate, "gate": band.model_dump(mode="json"),
                                "reason": why}
    if group is not None:
        evidence.update(group=group, count=count)
    return Finding(auditor=AUDITOR, check=check, status=Status.INCONCLUSIVE, severity=Severity.MEDIUM,
                   groups=() if group is None else (group,), evidence=evidence, principles=FAIR, references=REFS,
                   message=f"By {feature}, the {rate}_ratio gate of class {cls!r}{who} ({band.text()}) cannot be "
                           f"judged: {why}.")


def _judged(analysis: ClassAnalysis, check: str, k: int, rate: str, band: RatioBand, g: int,
            config: MultiClassConfig) -> Finding:
    labels, cls = analysis.counts.labels, analysis.counts.classes[k]
    rates = analysis.per_class[k].selection
    assert rates is not None and analysis.reference is not None
    ref = analysis.reference
    key = rate_key(rate)
    x, n = rate_parts(rates.counts.counts, key)
    value = float(rates.contrasts[f"{key}_ratio"][g])
    n_g = int(analysis.counts.n[g])
    if value != value:
        return _inconclusive(analysis.feature, check, cls, rate, band, "the ratio is undefined (the reference's "
                             f"rate is zero or undefined, or {labels[g]!r} has nobody it applies to)", labels[g], n_g)
    threshold, operator = band.bound(value)
    p = share_ratio_bound_test(int(x[g]), int(n[g]), int(x[ref]), int(n[ref]), threshold, operator)
    passes = band.passes(value)
    what = _WORDS[rate].format(cls=cls)
    claim = (f"By {analysis.feature}, the {what} for {labels[g]!r} is {x[g] / max(n[g], 1):.3f}, {value:.2f} times "
             f"that of {labels[ref]!r} ({x[ref] / max(n[ref], 1):.3f}); this {'meets' if passes else 'misses'} "
             f"the gate {rate}_ratio {band.text()}")
    evidence: dict[str, Any] = {
        "feature": analysis.feature, "class": cls, "rate": rate, "group": labels[g], "reference": labels[ref],
        "count": n_g, "reference_count": int(analysis.counts.n[ref]), "gate": band.model_dump(mode="json"),
        "group_rate": float(x[g] / n[g]) if n[g] else None, "reference_rate": float(x[ref] / n[ref]) if n[ref] else None,
        "ci": ci_pair(rates.contrasts[f"{key}_ratio_low"][g], rates.contrasts[f"{key}_ratio_high"][g]),
        "confidence": config.confidence, "p_value": p,
        "test": "one-sided z test of the log share ratio against the log bound (Katz standard error)"}
    status = gate_status(evidence, passes=passes, claim=claim, p_value=p,
                         require_significance=config.require_significance, level=config.significance_level)
    p_text = "the test is undefined" if p != p else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")
    return Finding(auditor=AUDITOR, check=check, status=status,
                   severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM, value=value,
                   threshold=threshold, operator=operator, groups=(labels[g], labels[ref]), evidence=evidence,
                   message=f"{claim} ({p_text}).", principles=FAIR, references=REFS)


def gate_findings(analysis: ClassAnalysis, config: MultiClassConfig) -> list[Finding]:
    """One finding per compared group and gate; inconclusive (never pass) where a gate cannot be judged."""
    out: list[Finding] = []
    feature, labels = analysis.feature, analysis.counts.labels
    eligible = analysis.eligible
    for check, k, rate, band in _gates(analysis, config):
        cls = analysis.counts.classes[k]
        if rate in LABELLED and not analysis.counts.has_truth:
            out.append(_inconclusive(feature, check, cls, rate, band, "it needs the true class, which was not given"))
            continue
        if analysis.reference is None or int(np.sum(eligible)) < 2:
            out.append(_inconclusive(feature, check, cls, rate, band,
                                     f"fewer than two groups have {config.min_group_size} or more cases"))
            continue
        for g in range(len(labels)):
            if g == analysis.reference:
                continue
            status, why = group_status(analysis, g, config)
            if status != "compared":
                if status != "excluded":  # an unknown category is reported, never gated
                    out.append(_inconclusive(feature, check, cls, rate, band, str(why), labels[g],
                                             int(analysis.counts.n[g])))
                continue
            out.append(_judged(analysis, check, k, rate, band, g, config))
    return out
