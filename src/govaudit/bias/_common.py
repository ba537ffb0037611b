"""What every bias gate finding shares: references, number wording, gate status, significance."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from govaudit.bias._config import BiasConfig, Gate
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import GroupingAnalysis, RateAnalysis, significance_block

__all__ = ["REF_BIAS_EXAM", "REF_FOUR_FIFTHS", "REF_LL144", "REF_NIST", "FAIR", "FAIR_OPEN", "comparable", "flips",
           "gate_status", "num", "p_text", "significance_evidence", "unjudged"]

FAIR = (Principle.FAIRNESS,)
FAIR_OPEN = (Principle.FAIRNESS, Principle.TRANSPARENCY)
REF_BIAS_EXAM = "EU AI Act Art. 10(2)(f)"
REF_NIST = "NIST AI RMF MEASURE 2.11"
REF_LL144 = "NYC LL144 6 RCNY §5-301"
REF_FOUR_FIFTHS = "29 CFR 1607.4(D)"


def num(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    return f"{value:.{digits}f}"


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def gate_status(value: float, gate: Gate) -> tuple[Status, str]:
    """The status of a gate judged on its point estimate alone (``require_significance = false``)."""
    if value != value:
        return Status.INCONCLUSIVE, "cannot be judged: the metric is undefined for these groups"
    if gate.passes(value):
        return Status.PASS, f"meets the gate {gate.describe()}"
    return Status.FAIL, f"misses the gate {gate.describe()}"


def significance_evidence(claim: str, value: float, gate: Gate, p_value: float,
                           config: BiasConfig) -> dict[str, Any] | None:
    """With ``require_significance``, the gate's verdict waits for the audit-wide correction."""
    if not config.require_significance or value != value:
        return None
    return significance_block(claim=claim, p_value=p_value, level=config.significance_level,
                              beyond_limit=not gate.passes(value))


def unjudged(grouping: GroupingAnalysis, check: str, gate: Gate, why: str, references: tuple[str, ...]) -> Finding:
    """A configured gate with nothing to judge it on: inconclusive, never a silent pass."""
    return Finding(
        auditor="bias", check=check, status=Status.INCONCLUSIVE, severity=Severity.MEDIUM, threshold=gate.threshold,
        operator=gate.operator,
        evidence={"feature": grouping.feature, "reason": why, "metric": check.removeprefix("bias."),
                  "gate": gate.band()},
        message=f"By {grouping.feature}, the gate {check.removeprefix('bias.')} {gate.describe()} "
                f"cannot be judged: {why}.",
        principles=FAIR, references=references,
    )


def comparable(grouping: GroupingAnalysis, rates: RateAnalysis) -> str | None:
    """Why no group can be compared with another on this grouping, or None when some can."""
    labels = grouping.encoding.labels
    if rates.reference is not None and rates.tests:
        return None
    eligible = [labels[g] for g in np.flatnonzero(rates.eligible)]
    if not eligible:
        return "no group is large enough to compare (" + group_sizes(grouping, rates) + ")"
    return f"only one group ({eligible[0]!r}) is large enough to compare (" + group_sizes(grouping, rates) + ")"


def group_sizes(grouping: GroupingAnalysis, rates: RateAnalysis) -> str:
    return ", ".join(f"{label!r}: n={int(n)}" for label, n in zip(grouping.encoding.labels, rates.counts.n))




def flips(grouping: GroupingAnalysis, config: BiasConfig) -> bool:
    """Whether an impact-ratio gate is read flipped: the reference is then the least favoured group
    (adverse decisions, or ``min_metric``), so the four-fifths floor becomes a ceiling of 1/0.8."""
    named = grouping.feature in config.reference_groups
    return config.decision == "adverse" or (config.reference == "min_metric" and not named)
