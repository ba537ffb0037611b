"""The bias auditor's findings in the report's language (``message.bias.*`` keys in ``<lang>.toml``).

Group rates, impact ratios, small groups and the summary disparities are worded here; risk-score
findings in :mod:`govaudit.report._i18n_scores` and the contrast gates (``fpr_ratio``,
``equalized_odds_parity``) in :mod:`govaudit.report._i18n_bias_gates`. A gate judged after the
audit-wide Holm correction says what the correction made of it, as the English message does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue, finite, fmt_num, judged_sentence, p_text

__all__ = ["message"]


def _judged(finding: Finding, t: Catalogue) -> str | None:
    """The gate against its bound and the correction's sentence, for a finding judged after Holm's correction."""
    block = finding.evidence.get("significance")
    if not isinstance(block, Mapping) or finding.threshold is None or finding.operator is None:
        return None
    sentence = judged_sentence(block, t)
    if sentence is None:
        return None
    gate = f"{finding.operator} {finding.threshold:g}"
    verdict = t("message.gate_missed" if block["beyond_limit"] else "message.gate_met", gate=gate)
    return t("meta.clause_separator") + verdict + sentence


def _gate_clause(finding: Finding, t: Catalogue) -> str:
    if finding.threshold is None or finding.operator is None:
        return t("message.gate_none")
    gate = f"{finding.operator} {finding.threshold:g}"
    if finding.value is None:
        return t("message.gate_undefined")
    if finding.status is Status.PASS:
        return t("message.gate_met", gate=gate)
    significant = (finding.evidence.get("test") or {}).get("significant") if isinstance(
        finding.evidence.get("test"), Mapping) else None
    if finding.status is Status.WARN and significant is False:
        return t("message.gate_missed_not_significant", gate=gate)
    return t("message.gate_missed", gate=gate)


def _significance_clause(test: Any, t: Catalogue) -> str:
    if not isinstance(test, Mapping) or "significant" not in test:
        return ""
    p = finite(test.get("p_value"))
    if p is None:
        return t("message.not_tested")
    key = "message.significant" if test.get("significant") else "message.not_significant"
    return t(key, p=p_text(p))


def _rate_range(evidence: Mapping[str, Any], rate: str) -> tuple[dict, dict] | None:
    rows = [r for r in evidence.get("groups", []) if isinstance(r, Mapping)
            and r.get("status") not in ("excluded", "warn") and finite(r.get(rate)) is not None]
    if not rows:
        return None
    return min(rows, key=lambda r: r[rate]), max(rows, key=lambda r: r[rate])


def message(finding: Finding, t: Catalogue) -> str | None:
    """The bias auditor's ``finding`` in ``t``'s language (see :class:`~govaudit.report._i18n.Wording`)."""
    ev = finding.evidence
    feature = str(ev.get("feature", ""))
    check = finding.check
    if check in ("bias.group_metrics", "bias.scoring_rates"):
        rate = "selection_rate" if check == "bias.group_metrics" else "scoring_rate"
        span = _rate_range(ev, rate)
        if span is None:
            text = t("message.bias.group_metrics_none", feature=feature)
        else:
            lo, hi = span
            text = t(f"message.bias.{check.split('.')[1]}", feature=feature, low=fmt_num(lo[rate]),
                     low_group=lo.get("group"), high=fmt_num(hi[rate]), high_group=hi.get("group"))
        unknown = ev.get("unknown_count")
        if isinstance(unknown, int) and unknown:
            text += t("message.bias.unknown", n=unknown, feature=feature)
        return text
    if check in ("bias.impact_ratio", "bias.scoring_impact_ratio"):
        if finding.value is None and "group" not in ev:
            return t("message.bias.no_reference", feature=feature)
        fields = dict(feature=feature, group=ev.get("group"), rate=fmt_num(ev.get("rate")),
                      ratio=fmt_num(finding.value, 2), reference=ev.get("reference"),
                      reference_rate=fmt_num(ev.get("reference_rate")))
        judged = _judged(finding, t)
        if judged is not None:  # require_significance: what Holm's correction across the audit made of it
            return t(f"message.bias.{check.split('.')[1]}_claim", **fields) + judged
        return t(f"message.bias.{check.split('.')[1]}", **fields, gate=_gate_clause(finding, t),
                 significance=_significance_clause(ev.get("test"), t))
    if check == "bias.requirements":
        return t("message.bias.no_decisions")
    if check == "bias.small_groups":
        names = t.join([f"{r.get('group')} (n={r.get('count')})" for r in ev.get("groups", [])
                        if isinstance(r, Mapping)])
        return t("message.bias.small_groups", feature=feature, n=len(ev.get("groups", [])), names=names)
    if check.startswith("bias.score") or check == "bias.fairness_tradeoff":
        from govaudit.report._i18n_scores import score_message

        return score_message(finding, t)
    if "components" in ev or {"reason", "gate", "metric"} <= set(ev):  # a contrast gate (bias._gates)
        from govaudit.report._i18n_bias_gates import contrast_message

        text = contrast_message(finding, t)
        if text is not None:
            return text
    metric = check.split(".", 1)[1]
    if t.has(f"metric.{metric}"):
        if finding.status is Status.SKIPPED:
            return t("message.bias.needs_label", metric=t(f"metric.{metric}"))
        fields = dict(feature=feature, metric=t(f"metric.{metric}"), value=fmt_num(finding.value))
        judged = _judged(finding, t)
        if judged is not None:
            return t("message.bias.disparity_claim", **fields) + judged
        return t("message.bias.disparity", **fields, gate=_gate_clause(finding, t))
    return None
