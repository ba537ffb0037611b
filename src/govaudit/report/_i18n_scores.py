"""The score audit's findings in the report's language (``message.bias_scores.*`` keys).

A language without these keys shows the auditor's English words (the caller falls back to them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._html_first import gate_text
from govaudit.report._i18n import Catalogue, fmt_num

__all__ = ["SCORE_CHECKS", "score_message"]

SCORE_CHECKS = frozenset({"bias.score_calibration", "bias.score_discrimination", "bias.fairness_tradeoff",
                          "bias.score_ece", "bias.score_auc_difference",
                          "bias.score_calibration_in_the_large_difference", "bias.score_ks"})
_P = "message.bias_scores."


def _span(rows: list[Mapping[str, Any]], key: str) -> str | None:
    defined = [r for r in rows if isinstance(r.get(key), (int, float)) and r[key] == r[key]
               and r.get("status", "compared") == "compared" and r.get("compared", True)]
    if not defined:
        return None
    lo, hi = min(defined, key=lambda r: r[key]), max(defined, key=lambda r: r[key])
    return f"{fmt_num(lo[key])}（{lo['group']}）到 {fmt_num(hi[key])}（{hi['group']}）"


def score_message(finding: Finding, t: Catalogue) -> str | None:
    """The finding's message from the catalogue, or None when the catalogue lacks its wording."""
    ev = finding.evidence
    feature = str(ev.get("feature", ""))
    rows = [r for r in ev.get("groups", []) if isinstance(r, Mapping)] if isinstance(ev.get("groups"), list) else []
    check = finding.check
    if finding.status in (Status.SKIPPED, Status.INCONCLUSIVE) and "reason" in ev and check == "bias.score_calibration":
        return t.get(_P + "not_computed", None, feature=feature or "—")
    if check == "bias.score_calibration":
        ece, citl = _span(rows, "ece"), _span(rows, "calibration_in_the_large")
        return t.get(_P + "calibration", None, feature=feature, ece=ece, citl=citl) if ece and citl else \
            t.get(_P + "none", None, feature=feature)
    if check == "bias.score_discrimination":
        auc = _span(rows, "auc")
        text = t.get(_P + "discrimination", None, feature=feature, auc=auc) if auc else \
            t.get(_P + "none", None, feature=feature)
        if text is not None and finding.status is Status.WARN:
            text += t.get(_P + "shifted", "") or ""
        return text
    if check == "bias.fairness_tradeoff":
        key = "tradeoff_differ" if ev.get("base_rates_differ") else "tradeoff_same"
        return t.get(_P + key, None, feature=feature, prevalence=_span(rows, "prevalence") or "—",
                     fpr=_span(rows, "fpr") or "—", fnr=_span(rows, "fnr") or "—",
                     precision=_span(rows, "precision") or "—", npv=_span(rows, "npv") or "—")
    if "reason" in ev or finding.value is None:
        return t.get(_P + "gate_unjudged", None, feature=feature, check=check.removeprefix("bias."))
    key = "gate_met" if finding.status is Status.PASS else "gate_missed"
    return t.get(_P + key, None, feature=feature, check=check.removeprefix("bias."), value=fmt_num(finding.value),
                 gate=gate_text(finding))
