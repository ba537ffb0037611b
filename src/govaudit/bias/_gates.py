"""Gates on each group's ratio to, or difference from, the reference group, and named combinations.

``fpr_ratio = { min = 0.8, max = 1.25 }`` gives one finding per compared group: its FPR over the
reference group's, the bootstrap interval, and a two-proportion test of the two FPRs (so that
``require_significance`` and Holm's correction work as for the impact ratio). A combination such as
``equalized_odds_parity`` gives one finding per group that fails when any of its ratios is outside
the band. A value that cannot be computed makes the finding inconclusive, never a pass.

``ppr`` (a group's share of all positive decisions) is tested differently: two groups' shares of the
same total are not independent proportions, so the two-proportion test does not apply; given the
positives the two groups have between them, equal shares make the group's part binomial with
probability 1/2 (:func:`govaudit.metrics.share_test`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govaudit.bias._common import (FAIR, REF_BIAS_EXAM, REF_NIST, gate_status, num, p_text, significance_evidence,
                                   unjudged)
from govaudit.bias._config import COMBINATIONS, BiasConfig, Gate
from govaudit.bias._rows import columns_of
from govaudit.core import Finding, Severity, Status
from govaudit.metrics import GroupingAnalysis, RateAnalysis, ci_pair, rate_parts, share_test, two_proportion_test

__all__ = ["contrast_findings"]

#: rates that need observed outcomes
_LABEL_FREE = ("selection_rate", "ppr")
#: rates that are shares of one total (the positive decisions): tested as such, not as two proportions
_SHARES = frozenset({"ppr"})
_WORDS = {"selection_rate": "selection rate", "ppr": "share of positive decisions", "for": "false omission rate",
          "npv": "negative predictive value", "fdr": "false discovery rate", "tpr": "true positive rate",
          "fpr": "false positive rate", "fnr": "false negative rate", "tnr": "true negative rate"}


def _split(metric: str) -> tuple[str, str]:
    rate, kind = metric.rsplit("_", 1)
    return rate, kind


def _measure(rates: RateAnalysis, metric: str, g: int, config: BiasConfig) -> dict[str, Any]:
    """Group ``g``'s contrast ``metric`` with its interval, both rates, and the test of the two rates."""
    rate, _ = _split(metric)
    ref = rates.references.get(rate)
    x, n = rate_parts(rates.counts.counts, rate)
    values = rates.contrasts[metric]
    out: dict[str, Any] = {
        "metric": metric, "value": float(values[g]),
        "ci": ci_pair(rates.contrasts[f"{metric}_low"][g], rates.contrasts[f"{metric}_high"][g]),
        "rate": float(columns_of(rates)[rate][g]), "reference_rate": float(columns_of(rates)[rate][ref]),
        "count": int(rates.counts.n[g]), "reference_count": int(rates.counts.n[ref]), "reference": ref,
        "test": None, "p_value": float("nan"),
    }
    if n[g] > 0 and n[ref] > 0:
        test = share_test(int(x[g]), int(x[ref])) if rate in _SHARES else \
            two_proportion_test(int(x[g]), int(n[g]), int(x[ref]), int(n[ref]))
        significant = bool(test.p_value <= config.significance_level) if test.p_value == test.p_value else False
        out["test"] = {"rate": rate, "method": test.method, "statistic": test.statistic, "p_value": test.p_value,
                       "significant": significant, "level": config.significance_level}
        out["p_value"] = float(test.p_value)
    return out


def _compared(rates: RateAnalysis, metrics: tuple[str, ...]) -> list[int]:
    """Eligible groups that are not the reference of every rate the gate reads."""
    refs = {rates.references.get(_split(m)[0]) for m in metrics}
    return [int(g) for g in np.flatnonzero(rates.eligible) if {g} != refs]


def _why_unjudgeable(grouping: GroupingAnalysis, rates: RateAnalysis, metrics: tuple[str, ...]) -> str | None:
    labelled = [m for m in metrics if _split(m)[0] not in _LABEL_FREE]
    if labelled and not rates.counts.has_labels:
        return "it needs observed outcomes (a label), which were not given"
    eligible = int(np.sum(rates.eligible))
    if eligible < 2:
        return f"fewer than two groups ({eligible}) are large enough to compare"
    for m in metrics:
        if rates.references.get(_split(m)[0]) is None:
            return f"the {_WORDS.get(_split(m)[0], _split(m)[0])} is undefined for every group compared"
    return None


def _claim(grouping: GroupingAnalysis, part: dict[str, Any], labels: tuple[str, ...]) -> str:
    rate, kind = _split(part["metric"])
    word = _WORDS.get(rate, rate)
    ref = labels[part["reference"]]
    how = "over" if kind == "ratio" else "minus"
    return (f"the {word} of {labels[part['group']]!r} ({num(part['rate'])}) {how} that of {ref!r} "
            f"({num(part['reference_rate'])}) is {num(part['value'])}")


def _finding(grouping: GroupingAnalysis, name: str, gate: Gate, parts: list[dict[str, Any]],
             config: BiasConfig) -> Finding:
    labels = grouping.encoding.labels
    failing = [p for p in parts if p["value"] == p["value"] and not gate.passes(p["value"])]
    undefined = [p for p in parts if p["value"] != p["value"]]
    binding = failing[0] if failing else (undefined[0] if undefined else parts[0])
    if failing:  # the component furthest outside the band sets the value
        binding = max(failing, key=lambda p: abs(p["value"] - gate.binding(p["value"])[1]))
    value = float("nan") if undefined and not failing else binding["value"]
    status, why = gate_status(value, gate)
    texts = "; ".join(_claim(grouping, p, labels) for p in parts)
    claim = f"By {grouping.feature}, {texts}; {name.replace('_', ' ')} {why}"
    # Bonferroni within the combination: a fail needs one failing component's gap to be significant
    p_values = [p["p_value"] for p in failing if p["p_value"] == p["p_value"]]
    p_value = min(1.0, min(p_values) * len(failing)) if p_values else binding["p_value"]
    evidence: dict[str, Any] = {
        "feature": grouping.feature, "group": labels[binding["group"]], "reference": labels[binding["reference"]],
        "metric": name, "gate": gate.band(), "decision": config.decision, "confidence": config.confidence,
        "components": [{**{k: v for k, v in p.items() if k not in ("group", "reference", "p_value")},
                        "reference": labels[p["reference"]], "passes": p["value"] == p["value"]
                        and gate.passes(p["value"])} for p in parts],
        "ci": binding["ci"], "rate": binding["rate"], "reference_rate": binding["reference_rate"],
        "count": binding["count"], "reference_count": binding["reference_count"], "test": binding["test"],
    }
    block = significance_evidence(claim, value, gate, p_value, config)
    if block is not None:
        evidence["significance"] = block
    sig = ""
    if binding["test"] is not None and status is not Status.INCONCLUSIVE:
        sig = (", and the gap is statistically significant" if binding["test"]["significant"]
               else ", and the gap is not statistically significant") + f" ({p_text(binding['p_value'])})"
    operator, threshold = gate.binding(value)
    return Finding(
        auditor="bias", check=f"bias.{name}", status=status,
        severity=Severity.HIGH if status is Status.FAIL else Severity.MEDIUM,
        value=value, threshold=threshold, operator=operator,
        groups=(labels[binding["group"]], labels[binding["reference"]]), evidence=evidence,
        message=f"{claim}{sig}.", principles=FAIR, references=(REF_BIAS_EXAM, REF_NIST),
    )


def contrast_findings(grouping: GroupingAnalysis, rates: RateAnalysis, name: str, gate: Gate,
                      config: BiasConfig) -> list[Finding]:
    """Findings of the gate ``name`` (a ``<rate>_ratio``/``<rate>_difference`` or a combination)."""
    metrics = COMBINATIONS.get(name, (name,))
    gate = _reachable_side(grouping, gate, metrics, config)
    why = _why_unjudgeable(grouping, rates, metrics)
    if why is not None:
        return [unjudged(grouping, f"bias.{name}", gate, why, (REF_BIAS_EXAM, REF_NIST))]
    findings = []
    for g in _compared(rates, metrics):
        parts = []
        for m in metrics:
            if rates.references[_split(m)[0]] == g:
                continue  # a group is not compared with itself (``min_metric`` references differ by rate)
            parts.append({**_measure(rates, m, g, config), "group": g})
        findings.append(_finding(grouping, name, gate, parts, config))
    return findings


def _forced_sign(grouping: GroupingAnalysis, rate: str, config: BiasConfig) -> int:
    """+1 when the reference has the lowest ``rate`` of all groups, -1 the highest, 0 when either side can occur."""
    if grouping.feature in config.reference_groups:
        return 0
    if config.reference == "min_metric":
        return 1
    if config.reference == "most_favoured" and rate == "selection_rate":
        return 1 if config.decision == "adverse" else -1  # the least flagged, or the most often selected
    return 0


def _reachable_side(grouping: GroupingAnalysis, gate: Gate, metrics: tuple[str, ...], config: BiasConfig) -> Gate:
    """A one-sided gate read from the side its contrasts can reach, as the impact ratio's gate is.

    When the reference is the group with the lowest rate, every ratio is at least 1 and every difference
    at least 0, so a floor alone could never fail; with the highest, a ceiling alone could not. Such a
    gate is read from the other side: ``{min = 0.8}`` on a ratio as ``{max = 1.25}``, ``{max = 0.1}`` on
    a difference as ``{min = -0.1}``.
    """
    if gate.two_sided:
        return gate
    signs = {_forced_sign(grouping, _split(m)[0], config) for m in metrics}
    kinds = {_split(m)[1] for m in metrics}
    if len(signs) != 1 or len(kinds) != 1:
        return gate
    sign, kind = signs.pop(), kinds.pop()
    if not ((sign > 0 and gate.max is None) or (sign < 0 and gate.min is None)):
        return gate
    if kind == "ratio":
        return gate.flipped()
    return Gate(min=None if gate.max is None else -gate.max, max=None if gate.min is None else -gate.min)
