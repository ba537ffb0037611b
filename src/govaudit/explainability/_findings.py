"""Turn what the explainability auditor measured into findings: statuses, messages, references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from govaudit.explainability._config import ExplainabilityConfig
from govaudit.explainability._proxy import ProxyStrength
from govaudit.core import Finding, Principle, Severity, Status

__all__ = [
    "Measured",
    "concentration_finding",
    "coverage_finding",
    "direct_use_finding",
    "fidelity_finding",
    "importance_finding",
    "proxy_findings",
    "stability_finding",
]

_AUDITOR = "explainability"
_OPEN = (Principle.TRANSPARENCY,)
_PEOPLE = (Principle.PEOPLE_ORIENTED, Principle.TRANSPARENCY)
_FAIR = (Principle.FAIRNESS, Principle.TRANSPARENCY)
_REF_EXPLAIN_DECISION = "EU AI Act Art. 86"
_REF_INTERPRET = "EU AI Act Art. 13(3)"
_REF_ADVERSE_ACTION = "12 CFR 1002.9(b)(2)"
_REF_DADM = "Canada Directive on Automated Decision-Making (explanation of decisions)"
_REF_NIST_EXPLAIN = "NIST AI RMF MEASURE 2.9"
_REF_NIST_BIAS = "NIST AI RMF MEASURE 2.11"
_REF_BIAS_EXAM = "EU AI Act Art. 10(2)(f)"


@dataclass(frozen=True)
class Measured:
    """Everything the auditor measured, aggregate only."""

    columns: list[str]
    importance: np.ndarray
    low: np.ndarray
    high: np.ndarray
    explainer: dict[str, Any]
    sample: dict[str, Any]
    adverse_total: int
    adverse_explained: int
    adverse_with_reason: int
    first_reasons: dict[str, int]
    reason_rows: int
    max_error: float
    mean_error: float
    rows_checked: int
    rows_over: int
    stability: float
    stability_detail: dict[str, Any]
    drawn: dict[str, Any] | None = None
    share_low: np.ndarray | None = None
    share_high: np.ndarray | None = None

    @property
    def shares(self) -> np.ndarray:
        """Each feature's share of total importance (zeros when the model ignores every feature)."""
        total = float(self.importance.sum())
        return self.importance / total if total > 0 else np.zeros_like(self.importance)

    def share_interval(self, feature: str) -> tuple[float, float] | None:
        """The bootstrap interval of a feature's share of importance (None without resamples)."""
        if self.share_low is None or self.share_high is None or feature not in self.columns:
            return None
        j = self.columns.index(feature)
        low, high = float(self.share_low[j]), float(self.share_high[j])
        return None if low != low or high != high else (low, high)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _described(name: str, descriptions: Mapping[str, str]) -> str:
    return f"{descriptions[name]} ({name})" if name in descriptions else name


def importance_finding(m: Measured, config: ExplainabilityConfig) -> Finding:
    """explainability.global_importance: what the model relies on, with bootstrap intervals."""
    order = np.argsort(-m.importance, kind="stable")
    shares = m.shares
    top = [{
        "feature": m.columns[j], "mean_abs_contribution": float(m.importance[j]),
        "ci": [None if m.low[j] != m.low[j] else float(m.low[j]), None if m.high[j] != m.high[j] else float(m.high[j])],
        "share": float(shares[j]),
    } for j in order[:config.top_features_recorded]]
    named = ", ".join(f"{_described(t['feature'], config.descriptions)} ({_pct(t['share'])})" for t in top[:3])
    return Finding(
        auditor=_AUDITOR, check="explainability.global_importance", status=Status.PASS, severity=Severity.INFO,
        value=float(shares[order[0]]) if len(order) else None,
        evidence={"top_features": top, "features": len(m.columns), "explainer": m.explainer, "sample": m.sample,
                  "n_resamples": config.n_resamples, "confidence": config.confidence,
                  "measure": "mean |SHAP value| per original input column (one-hot columns summed), "
                             "weighted back to the population by stratum"},
        message=f"The model relies most on {named} of its total importance.",
        principles=_OPEN, references=(_REF_INTERPRET, _REF_NIST_EXPLAIN),
    )


def coverage_finding(m: Measured, config: ExplainabilityConfig) -> Finding:
    """explainability.coverage: every adverse decision has at least one reason."""
    if m.adverse_total == 0:
        return Finding(
            auditor=_AUDITOR, check="explainability.coverage", status=Status.PASS, severity=Severity.INFO,
            value=1.0, threshold=1.0, operator=">=",
            evidence={"adverse_decisions": 0, "adverse": config.adverse},
            message="There were no adverse decisions to explain.",
            principles=_PEOPLE, references=(_REF_EXPLAIN_DECISION, _REF_ADVERSE_ACTION, _REF_DADM),
        )
    value = m.adverse_with_reason / m.adverse_total
    status = Status.PASS if m.adverse_with_reason == m.adverse_total else Status.FAIL
    missing = m.adverse_total - m.adverse_with_reason
    scope = "" if m.drawn is None else (f" in the sample of {m.drawn['rows']} rows drawn by {m.drawn['backend']} "
                                        f"from {m.drawn['population']} (the others were not explained)")
    message = (f"All {m.adverse_total} adverse decisions{scope} have reason codes (up to {config.top_k} each)."
               if status is Status.PASS else
               f"{missing} of {m.adverse_total} adverse decisions{scope} have no reason code"
               + (f" ({m.adverse_total - m.adverse_explained} were not explained: the limit is "
                  f"{m.adverse_explained} for this explainer)" if m.adverse_explained < m.adverse_total else
                  " (no feature pushed them toward the adverse side: the model's average case is already adverse)")
               + ".")
    return Finding(
        auditor=_AUDITOR, check="explainability.coverage", status=status,
        severity=Severity.INFO if status is Status.PASS else Severity.HIGH,
        value=value, threshold=1.0, operator=">=",
        evidence={"adverse": config.adverse, "adverse_decisions": m.adverse_total,
                  "explained": m.adverse_explained, "with_reason": m.adverse_with_reason, "top_k": config.top_k,
                  "case_file": "reason_codes", "case_file_rows": m.reason_rows,
                  "first_reason_counts": m.first_reasons,
                  **({"scope": "adverse decisions in the sample drawn by the backend", "sample": m.drawn}
                     if m.drawn is not None else {})},
        message=message, principles=_PEOPLE, references=(_REF_EXPLAIN_DECISION, _REF_ADVERSE_ACTION, _REF_DADM),
    )


def fidelity_finding(m: Measured, config: ExplainabilityConfig) -> Finding:
    """explainability.fidelity: base value + contributions reproduce the model's output on every row."""
    ok = m.rows_over == 0
    what = m.explainer.get("explained_output", "model output")
    message = (f"On all {m.rows_checked} explained rows the contributions add up to the model's output "
               f"({what}) within {config.additivity_tolerance:g} (largest gap {m.max_error:.2g})."
               if ok else
               f"On {m.rows_over} of {m.rows_checked} explained rows the contributions do not add up to the "
               f"model's output (largest gap {m.max_error:.2g} > {config.additivity_tolerance:g}): "
               "the explanations do not describe this model faithfully.")
    return Finding(
        auditor=_AUDITOR, check="explainability.fidelity", status=Status.PASS if ok else Status.FAIL,
        severity=Severity.INFO if ok else Severity.HIGH, value=m.max_error,
        threshold=config.additivity_tolerance, operator="<=",
        evidence={"rows_checked": m.rows_checked, "rows_over_tolerance": m.rows_over,
                  "max_abs_error": m.max_error, "mean_abs_error": m.mean_error, "explained_output": what,
                  "method": m.explainer.get("method")},
        message=message, principles=_OPEN, references=(_REF_NIST_EXPLAIN, _REF_INTERPRET),
    )


def stability_finding(m: Measured, config: ExplainabilityConfig) -> Finding:
    """explainability.stability: the importance ranking survives another sample, background and seed."""
    ok = m.stability >= config.stability_min
    message = (f"The ranking of features by importance is stable: rank correlation {m.stability:.2f} between "
               "two independent samples" if ok else
               f"The ranking of features by importance changes between two independent samples (rank "
               f"correlation {m.stability:.2f} < {config.stability_min:g}): explanations of this model are "
               "not reliable enough to publish")
    message += (" with different seeds and backgrounds." if m.stability_detail.get("backgrounds_differ") else ".")
    return Finding(
        auditor=_AUDITOR, check="explainability.stability", status=Status.PASS if ok else Status.FAIL,
        severity=Severity.INFO if ok else Severity.MEDIUM, value=m.stability, threshold=config.stability_min,
        operator=">=", evidence={"measure": "Spearman rank correlation of mean |SHAP| per feature",
                                 **m.stability_detail},
        message=message, principles=_OPEN, references=(_REF_NIST_EXPLAIN,),
    )


def concentration_finding(m: Measured, config: ExplainabilityConfig) -> Finding:
    """explainability.concentration: is the model one rule in disguise?"""
    shares = np.sort(m.shares)[::-1]
    top_share = float(shares[0]) if len(shares) else 0.0
    order = np.argsort(-m.importance, kind="stable")
    top_name = m.columns[order[0]] if len(order) else ""
    ok = top_share <= config.concentration_max
    message = (f"No single feature dominates: the most important, {_described(top_name, config.descriptions)}, "
               f"carries {_pct(top_share)} of the importance." if ok else
               f"One feature, {_described(top_name, config.descriptions)}, carries {_pct(top_share)} of the "
               "model's importance: the model behaves much like a single rule on it.")
    return Finding(
        auditor=_AUDITOR, check="explainability.concentration", status=Status.PASS if ok else Status.WARN,
        severity=Severity.INFO if ok else Severity.MEDIUM, value=top_share, threshold=config.concentration_max,
        operator="<=", groups=(top_name,) if top_name else (),
        evidence={"top_feature": top_name, "top_share": top_share, "top3_share": float(shares[:3].sum())},
        message=message, principles=_OPEN, references=(_REF_NIST_EXPLAIN, _REF_INTERPRET),
    )


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _reason(text: str) -> str:
    """A justification from the spec, as a clause (its final full stop dropped)."""
    return text.strip().rstrip(".")


_HOW = {"binning": "a binning of the input {x}: each of its groups is an interval of {x}",
        "recoding": "a recoding of the input {x}: each value of {x} falls in one of its groups"}


def direct_use_finding(columns: list[str], sensitive: list[str], m: Measured | None,
                       config: ExplainabilityConfig, strengths: Sequence[ProxyStrength] = ()) -> Finding:
    """explainability.direct_use: a sensitive feature is a model input, or a binning or recoding of one.

    Fails unless the spec justifies it in words (for a derived feature, the justification may name
    the sensitive feature or the input).
    """
    shares = dict(zip(columns, m.shares)) if m is not None else {}
    rows = [{"feature": s, "input": s, "derived": None} for s in sensitive if s in columns]
    rows += [{"feature": p.sensitive, "input": p.feature, "derived": p.derived} for p in strengths
             if p.derived and p.sensitive in sensitive and p.sensitive not in columns and p.feature in columns]
    for r in rows:
        reason = config.justifications.get(r["feature"], "").strip() or config.justifications.get(r["input"], "").strip()
        r.update(justification=reason or None,
                 importance_share=float(shares[r["input"]]) if r["input"] in shares else None)

    def what(r: dict[str, Any]) -> str:
        how = "a model input" if r["derived"] is None else _HOW[r["derived"]].format(x=r["input"])
        return f"{r['feature']} ({how})"

    unjustified = [r for r in rows if not r["justification"]]
    used = list(dict.fromkeys(r["feature"] for r in rows))
    if not rows:
        status, message = Status.PASS, "No sensitive feature is a model input, or a binning or recoding of one."
    elif unjustified:
        status = Status.FAIL
        plural = len(unjustified) > 1
        message = (f"The model uses the sensitive feature{'s' if plural else ''} "
                   f"{_listed([what(r) for r in unjustified])} directly, and the audit spec gives no justification "
                   f"for {'them' if plural else 'it'}.")
    else:
        status, plural = Status.PASS, len(rows) > 1
        message = (f"The model uses the sensitive feature{'s' if plural else ''} {_listed([what(r) for r in rows])}; "
                   f"the spec justifies {'them' if plural else 'it'}: "
                   + "; ".join(f"{r['feature']}: {_reason(r['justification'])}" for r in rows) + ".")
    return Finding(
        auditor=_AUDITOR, check="explainability.direct_use", status=status,
        severity=Severity.HIGH if status is Status.FAIL else Severity.INFO, value=float(len(unjustified)),
        threshold=0.0, operator="<=", groups=tuple(used), evidence={"sensitive_inputs": rows,
                                                                    "sensitive_features": sensitive},
        message=message, principles=(Principle.FAIRNESS,), references=(_REF_BIAS_EXAM, _REF_NIST_BIAS),
    )


def _proxy_rows(strengths: Sequence[ProxyStrength], m: Measured) -> dict[str, list[dict[str, Any]]]:
    """Per sensitive feature, every input (not the feature itself, nor one it is derived from) with its score."""
    shares = dict(zip(m.columns, m.shares))
    out: dict[str, list[dict[str, Any]]] = {}
    for p in strengths:
        if p.feature == p.sensitive or p.derived:  # the feature itself or a coarsening of it: direct use
            continue
        strength = max(0.0, 2 * p.auc - 1) if p.auc == p.auc else 0.0
        share, interval = float(shares.get(p.feature, 0.0)), m.share_interval(p.feature)
        out.setdefault(p.sensitive, []).append({
            "feature": p.feature, "auc": None if p.auc != p.auc else p.auc, "group": p.group,
            "importance_share": share, "importance_share_ci": list(interval) if interval else None,
            "score": strength * share, "score_ci": [strength * v for v in interval] if interval else None,
        })
    for rows in out.values():
        rows.sort(key=lambda r: -r["score"])
    return out


def _proxy_sentences(sensitive: str, named: dict[str, list[dict[str, Any]]], config: ExplainabilityConfig) -> str:
    """The proxy finding's message: one sentence per kind of input named."""
    def says(r: dict[str, Any]) -> str:
        share = _pct(r["importance_share"])
        if r["importance_share_ci"]:
            low, high = r["importance_share_ci"]
            share += f" ({100 * config.confidence:g}% interval {_pct(low)} to {_pct(high)})"
        return (f"{_described(r['feature'], config.descriptions)} predicts {sensitive} = {r['group']!r} with "
                f"AUC {r['auc']:.2f} and carries {share} of the model's importance")

    limit = f"{config.proxy_max_score:g}"
    parts = []
    if named["flagged"]:
        parts.append(f"Proxy for {sensitive}: " + "; ".join(
            f"{says(r)} (score {r['score']:.3f} > {limit})" for r in named["flagged"]) + ".")
    uncertain, justified, strong = named["uncertain"], named["justified"], named["strong"]
    if uncertain:
        parts.append(f"Possible prox{'ies' if len(uncertain) > 1 else 'y'} for {sensitive}: " + "; ".join(
            f"{says(r)}: a score of {r['score']:.3f}, above the limit of {limit}, whose interval reaches down to "
            f"{r['score_ci'][0]:.3f}" for r in uncertain) + ". The gate cannot be judged on this evidence.")
    if justified:
        parts.append(f"Possible prox{'ies' if len(justified) > 1 else 'y'} for {sensitive}, justified in the spec: "
                     + "; ".join(f"{says(r)} ({_reason(r['justification'])})" for r in justified) + ".")
    if strong:
        listed = _listed([f"{r['feature']} (AUC {r['auc']:.2f})" for r in strong])
        parts.append(f"{listed} strongly predict{'s' if len(strong) == 1 else ''} {sensitive} but "
                     f"carr{'ies' if len(strong) == 1 else 'y'} little weight in the model.")
    return " ".join(parts) or f"No model input acts as a proxy for {sensitive}."


def proxy_findings(strengths: Sequence[ProxyStrength], m: Measured, config: ExplainabilityConfig,
                   rows_used: int) -> list[Finding]:
    """explainability.proxy_risk, one per sensitive feature: inputs that encode it and carry weight.

    An input is beyond the gate when it predicts the group (AUC at least ``proxy_min_auc``) and its
    score, (2 x AUC - 1) x its share of importance, exceeds ``proxy_max_score``. It fails the gate
    when the lower end of the score's bootstrap interval exceeds the limit too; when only the point
    estimate does, the gate is inconclusive. A justified input is a warning, as is one that predicts
    the group strongly (``proxy_warn_auc``) while carrying little weight.
    """
    findings = []
    for sensitive, rows in _proxy_rows(strengths, m).items():
        named: dict[str, list[dict[str, Any]]] = {"flagged": [], "uncertain": [], "justified": [], "strong": []}
        for r in rows:
            gated = r["auc"] is not None and r["auc"] >= config.proxy_min_auc
            if gated and r["score"] > config.proxy_max_score:
                r["justification"] = config.justifications.get(r["feature"], "").strip() or None
                sure = r["score_ci"] is None or r["score_ci"][0] > config.proxy_max_score
                named["justified" if r["justification"] else "flagged" if sure else "uncertain"].append(r)
            elif r["auc"] is not None and r["auc"] >= config.proxy_warn_auc:
                named["strong"].append(r)
        status = (Status.FAIL if named["flagged"] else Status.INCONCLUSIVE if named["uncertain"]
                  else Status.WARN if named["justified"] or named["strong"] else Status.PASS)
        shown = [r for kind in named.values() for r in kind]
        gated_rows = [r for r in rows if r["auc"] is not None and r["auc"] >= config.proxy_min_auc]
        # the score shown is that of the first input named (or, when none is, of the nearest to the gate)
        value = shown[0]["score"] if shown else (gated_rows[0]["score"] if gated_rows else 0.0)
        findings.append(Finding(
            auditor=_AUDITOR, check="explainability.proxy_risk", status=status,
            severity={Status.FAIL: Severity.HIGH, Status.INCONCLUSIVE: Severity.MEDIUM,
                      Status.WARN: Severity.MEDIUM}.get(status, Severity.INFO),
            value=value, threshold=config.proxy_max_score, operator="<=", groups=tuple(r["feature"] for r in shown),
            evidence={"sensitive_feature": sensitive, "features": rows[:10], "rows": rows_used,
                      "measure": "score = (2 x AUC - 1) x importance share; AUC of the feature alone predicting "
                                 "one sensitive group (cross-fitted bin shares, one-vs-rest, best group); the "
                                 "score's interval is the bootstrap interval of the share, times (2 x AUC - 1)",
                      "bins": config.proxy_bins, "min_auc": config.proxy_min_auc,
                      "warn_auc": config.proxy_warn_auc, "confidence": config.confidence},
            message=_proxy_sentences(sensitive, named, config), principles=_FAIR,
            references=(_REF_BIAS_EXAM, _REF_NIST_BIAS),
        ))
    return findings
