"""The explainability auditor's findings in the report's language (``message.explainability.*`` keys).

Each finding is worded from its value, threshold and evidence, with the numbers formatted as the
auditor's English message formats them (shares as whole percentages, AUC with two decimals, proxy
scores with three, the additivity gap with two significant digits). Feature, group and sensitive
feature names, the backend's name and the spec's justifications are data, inserted as they are.

The data dictionary's plain descriptions of inputs, which the English message adds to an input's
name, are not part of the evidence: this wording names the input only. A finding whose evidence does
not reproduce what its English message says (for instance a proxy named beyond the ten inputs the
evidence records, or an explained output this module does not know) is left to the auditor's words:
:func:`message` returns ``None``. ``explainability.requirements`` (the auditor skipped for want of a
model, or made inconclusive because the audit asked for it) and ``explainability.run`` are worded by
:func:`govaudit.report._i18n.localise_message`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue

__all__ = ["message"]

#: The explainer's ``explained_output`` (English, from the auditor) -> its key under ``message.explainability.output``.
_OUTPUTS = {
    "probability of the favourable class": "probability",
    "log-odds of the favourable class (raw margin)": "log_odds_margin",
    "log-odds (decision function) of the favourable class": "log_odds_decision",
    "model output": "model_output",
}


def _pct(share: Any) -> str:
    """A share as a whole percentage, as the English message writes it (``51%``)."""
    return f"{100 * float(share):.0f}%"


def _reason(text: Any) -> str:
    """A justification from the spec as a clause: its final full stop dropped."""
    return str(text).strip().rstrip(".。")


def _importance(finding: Finding, t: Catalogue) -> str | None:
    top = [r for r in finding.evidence["top_features"] if isinstance(r, Mapping)][:3]
    if not top:
        return None
    items = [t("message.explainability.importance_item", feature=r["feature"], share=_pct(r["share"])) for r in top]
    return t("message.explainability.importance", items=t.join(items))


def _coverage(finding: Finding, t: Catalogue) -> str | None:
    ev = finding.evidence
    total = int(ev["adverse_decisions"])
    if total == 0:
        return t("message.explainability.no_adverse") if finding.status is Status.PASS else None
    explained, with_reason = int(ev["explained"]), int(ev["with_reason"])
    drawn = ev.get("sample")
    scope = t("message.explainability.scope", rows=drawn["rows"], backend=drawn["backend"],
              population=drawn["population"]) if isinstance(drawn, Mapping) else ""
    if finding.status is Status.PASS and with_reason == total:
        return t("message.explainability.covered", scope=scope, total=total, top_k=int(ev["top_k"]))
    if finding.status is not Status.FAIL or with_reason >= total:
        return None
    if explained < total:
        return t("message.explainability.uncovered_limit", scope=scope, total=total, missing=total - with_reason,
                 unexplained=total - explained, limit=explained)
    return t("message.explainability.uncovered_base", scope=scope, total=total, missing=total - with_reason)


def _fidelity(finding: Finding, t: Catalogue) -> str | None:
    ev = finding.evidence
    over, rows = int(ev["rows_over_tolerance"]), int(ev["rows_checked"])
    gap, tolerance = f"{float(ev['max_abs_error']):.2g}", f"{float(finding.threshold):g}"  # type: ignore[arg-type]
    if finding.status is Status.PASS and over == 0:
        output = _OUTPUTS.get(str(ev.get("explained_output", "model output")))
        if output is None:  # an output this module cannot name in the catalogue's language
            return None
        return t("message.explainability.fidelity_met", rows=rows, tolerance=tolerance, gap=gap,
                 output=t(f"message.explainability.output.{output}"))
    if finding.status is Status.FAIL and over > 0:
        return t("message.explainability.fidelity_missed", rows=rows, over=over, tolerance=tolerance, gap=gap)
    return None


def _stability(finding: Finding, t: Catalogue) -> str | None:
    rho, minimum = f"{float(finding.value):.2f}", f"{float(finding.threshold):g}"  # type: ignore[arg-type]
    design = t("message.explainability.backgrounds_differ") if finding.evidence.get("backgrounds_differ") else ""
    if finding.status is Status.PASS:
        return t("message.explainability.stability_met", rho=rho, design=design)
    if finding.status is Status.FAIL:
        return t("message.explainability.stability_missed", rho=rho, minimum=minimum, design=design)
    return None


def _concentration(finding: Finding, t: Catalogue) -> str | None:
    feature, share = finding.evidence["top_feature"], _pct(finding.evidence["top_share"])
    if not feature:
        return None
    key = {Status.PASS: "concentration_met", Status.WARN: "concentration_missed"}.get(finding.status)
    return None if key is None else t(f"message.explainability.{key}", feature=feature, share=share)


def _use(row: Mapping[str, Any], t: Catalogue) -> str:
    """``age_band（输入 age 的分箱：…）``: a sensitive feature and how the model uses it."""
    how = "input" if row["derived"] is None else str(row["derived"])  # an unknown derivation: KeyError
    return t(f"message.explainability.use.{how}", feature=row["feature"], input=row["input"])


def _direct_use(finding: Finding, t: Catalogue) -> str | None:
    rows = [r for r in finding.evidence["sensitive_inputs"] if isinstance(r, Mapping)]
    if not rows:
        return t("message.explainability.direct_none") if finding.status is Status.PASS else None
    unjustified = [r for r in rows if not r.get("justification")]
    if unjustified:
        if finding.status is not Status.FAIL:
            return None
        return t("message.explainability.direct_unjustified", items=t.join([_use(r, t) for r in unjustified]))
    if finding.status is not Status.PASS:
        return None
    reasons = t("meta.clause_separator").join(
        t("message.explainability.direct_reason", feature=r["feature"], reason=_reason(r["justification"]))
        for r in rows)
    return t("message.explainability.direct_justified", items=t.join([_use(r, t) for r in rows]), reasons=reasons)


def _named(finding: Finding) -> dict[str, list[Mapping[str, Any]]] | None:
    """The inputs the proxy finding names, by kind, read back from its evidence as the auditor sorted them.

    None when they do not give the finding's status and named inputs (e.g. one named beyond the ten
    inputs the evidence keeps).
    """
    ev, limit = finding.evidence, float(finding.threshold)  # type: ignore[arg-type]
    min_auc, warn_auc = float(ev["min_auc"]), float(ev["warn_auc"])
    named: dict[str, list[Mapping[str, Any]]] = {"flagged": [], "uncertain": [], "justified": [], "strong": []}
    for r in ev["features"]:
        auc = r.get("auc")
        if auc is not None and auc >= min_auc and r["score"] > limit:
            interval = r.get("score_ci")
            kind = ("justified" if r.get("justification") else
                    "flagged" if interval is None or interval[0] > limit else "uncertain")
            named[kind].append(r)
        elif auc is not None and auc >= warn_auc:
            named["strong"].append(r)
    status = (Status.FAIL if named["flagged"] else Status.INCONCLUSIVE if named["uncertain"]
              else Status.WARN if named["justified"] or named["strong"] else Status.PASS)
    shown = tuple(str(r["feature"]) for rows in named.values() for r in rows)
    return named if status is finding.status and shown == tuple(finding.groups) else None


def _says(row: Mapping[str, Any], sensitive: str, confidence: float, t: Catalogue) -> str:
    """What one input does: predicts a group with some AUC and carries a share of the importance."""
    interval = ""
    if row.get("importance_share_ci"):
        low, high = row["importance_share_ci"]
        interval = t("message.explainability.share_interval", confidence=f"{100 * confidence:g}%",
                     low=_pct(low), high=_pct(high))
    return t("message.explainability.proxy_says", feature=row["feature"], sensitive=sensitive,
             group=repr(row["group"]), auc=f"{float(row['auc']):.2f}", share=_pct(row["importance_share"]),
             interval=interval)


def _proxy(finding: Finding, t: Catalogue) -> str | None:
    ev = finding.evidence
    if finding.status is Status.SKIPPED and "sensitive_feature" not in ev:
        return t("message.explainability.proxy_skipped")
    named = _named(finding)
    if named is None:
        return None
    sensitive, limit, sep = str(ev["sensitive_feature"]), f"{float(finding.threshold):g}", t("meta.clause_separator")
    says = lambda r: _says(r, sensitive, float(ev["confidence"]), t)
    parts = []
    if named["flagged"]:
        parts.append(t("message.explainability.proxy_flagged", sensitive=sensitive, items=sep.join(
            t("message.explainability.proxy_flagged_item", says=says(r), score=f"{r['score']:.3f}", limit=limit)
            for r in named["flagged"])))
    if named["uncertain"]:
        parts.append(t("message.explainability.proxy_uncertain", sensitive=sensitive, items=sep.join(
            t("message.explainability.proxy_uncertain_item", says=says(r), score=f"{r['score']:.3f}", limit=limit,
              low=f"{r['score_ci'][0]:.3f}") for r in named["uncertain"])))
    if named["justified"]:
        parts.append(t("message.explainability.proxy_justified", sensitive=sensitive, items=sep.join(
            t("message.explainability.proxy_justified_item", says=says(r), reason=_reason(r["justification"]))
            for r in named["justified"])))
    if named["strong"]:
        parts.append(t("message.explainability.proxy_strong", sensitive=sensitive, items=t.join([
            t("message.explainability.proxy_strong_item", feature=r["feature"], auc=f"{float(r['auc']):.2f}")
            for r in named["strong"]])))
    return "".join(parts) or t("message.explainability.proxy_none", sensitive=sensitive)


_CHECKS: dict[str, Callable[[Finding, Catalogue], str | None]] = {
    "explainability.global_importance": _importance,
    "explainability.coverage": _coverage,
    "explainability.fidelity": _fidelity,
    "explainability.stability": _stability,
    "explainability.concentration": _concentration,
    "explainability.direct_use": _direct_use,
    "explainability.proxy_risk": _proxy,
}


def message(finding: Finding, t: Catalogue) -> str | None:
    """The explainability finding's message in ``t``'s language (a :class:`govaudit.report._i18n.Wording`)."""
    wording = _CHECKS.get(finding.check)
    return None if wording is None else wording(finding, t)
