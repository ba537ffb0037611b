"""The ranking auditor's findings in the report's language (``message.ranking.*``, ``locales/<lang>/ranking.toml``).

Each finding is worded from its value, gate and evidence, with the numbers formatted as the auditor's
English message formats them (ratios with two decimals, shares as percentages with one, p-values to
three decimals). Two figures of a gate finding are not in its evidence, only in the auditor's own
claim: a group's share of the top k and of all cases (``top_k_share_ratio``), and its precision at k
(``precision_at_k_ratio``). They are read back from that claim (the evidence's significance block, or
the message) exactly as the auditor wrote them, and only when the claim's k and ratio are the
evidence's; otherwise the finding keeps its English words.

A shape not known here returns None, and the caller shows the auditor's English message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import UNDEFINED, Catalogue, fmt_share

__all__ = ["message"]

_GATES = frozenset({"ranking.top_k_share_ratio", "ranking.exposure_ratio", "ranking.precision_at_k_ratio"})
_OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_PCT = r"\d+\.\d %|undefined"
_RATIO = r"[\d,]+\.\d\d|-?inf|undefined"
# the parts of the auditor's claim (ranking._findings._what) that quote figures the evidence does not hold
_CLAIMED = {
    "ranking.top_k_share_ratio": re.compile(
        rf"(?P<top_share>{_PCT}) of the top (?P<k>\d+) against (?P<population_share>{_PCT}) of all cases, "
        rf"a ratio of (?P<ratio>{_RATIO}) \(gate "),
    "ranking.precision_at_k_ratio": re.compile(
        rf"precision at (?P<k>\d+) (?P<precision>{_PCT}), (?P<ratio>{_RATIO}) times that of the other cases "
        r"in the top \(gate "),
}
# the auditor's reasons a gate cannot be judged (ranking._findings.why_unjudged and _gate_finding)
_SUPPRESSED = re.compile(r"it has (\d+) case\(s\), fewer than suppress_below = (\d+), so nothing is published")
_TOO_SMALL = re.compile(r"it has (\d+) case\(s\), fewer than the (\d+) needed \(min_group_size\)")
_UNDEFINED_MEASURE = "the measure is undefined for this group (e.g. no case in the top k)"


def _defined(value: Any) -> float | None:
    """The number as a float, or None when it is missing, not a number or NaN (infinity is kept)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _ratio(value: Any) -> str:
    """A ratio as the auditor writes it (``1,234.50``, two decimals); an em dash when undefined, ``∞`` if infinite."""
    v = _defined(value)
    if v is None:
        return UNDEFINED
    return f"{v:,.2f}" if math.isfinite(v) else ("∞" if v > 0 else "-∞")


def _written(value: Any) -> str:
    """The ratio exactly as the auditor's English claim writes it (``ranking._findings._num``)."""
    v = _defined(value)
    return "undefined" if v is None else f"{v:,.2f}"


def _p(value: Any) -> str:
    """``p < 0.001`` or ``p = 0.031``, as the auditor writes a p-value (the caller handles undefined)."""
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _quoted(text: str) -> str:
    """A share the auditor wrote (``11.7 %``) in the report's style (``11.7%``); ``undefined`` as an em dash."""
    return UNDEFINED if text == "undefined" else text.replace(" %", "%")


def _top(row: Mapping[str, Any], t: Catalogue) -> str:
    """``60 个案件``, or ``120 个案件（20%）`` when the capacity was given as a share (as the auditor's ``_top``)."""
    k, capacity = row["k"], str(row["capacity"])
    if capacity == str(k):
        return t("message.ranking.top", k=k)
    return t("message.ranking.top_share_of", k=k, capacity=capacity.replace(" %", "%"))


def _table(finding: Finding, t: Catalogue) -> str | None:
    """``ranking.group_shares``: the least and most represented groups, and the groups that cannot be judged."""
    ev = finding.evidence
    feature = str(ev["feature"])
    rows = [r for r in ev["groups"] if isinstance(r, Mapping)]
    if any("suppression" in r for r in rows):  # disclosure control rewrote the message
        return t("message.ranking.shares_withheld", feature=feature)
    judged = [r for r in rows if r.get("status") == "compared" and _defined(r.get("top_share_ratio")) is not None]
    unjudged = sorted({r["group"]: r["count"] for r in rows if r.get("status") != "compared"}.items())
    if not judged:
        text = t("message.ranking.no_group", feature=feature)
    else:
        low = min(judged, key=lambda r: r["top_share_ratio"])
        high = max(judged, key=lambda r: r["top_share_ratio"])
        fields = {"feature": feature, "top": _top(low, t), "low_group": low["group"],
                  "top_share": fmt_share(low["top_share"]), "population_share": fmt_share(low["population_share"]),
                  "low_ratio": _ratio(low["top_share_ratio"]), "high_group": high["group"],
                  "high_ratio": _ratio(high["top_share_ratio"])}
        if high["k"] == low["k"]:
            text = t("message.ranking.shares", **fields)
        else:  # the most represented group's figure is at another capacity: say which
            text = t("message.ranking.shares_other_top", high_top=_top(high, t), **fields)
    if unjudged:
        names = t.join([t("message.ranking.group_cases", group=g, count=n) for g, n in unjudged])
        text += t("message.ranking.cannot_judge", names=names)
    return text


def _band(gate: Mapping[str, Any], t: Catalogue) -> str:
    """The gate's band as the auditor's ``RatioBand.text``: ``在 [0.8, 1.25] 之内``, ``≥ 0.8`` or ``≤ 1.25``."""
    low, high = gate.get("min"), gate.get("max")
    if low is not None and high is not None:
        return t("message.ranking.band_within", min=f"{low:g}", max=f"{high:g}")
    if low is not None:
        return f"≥ {low:g}"
    return f"≤ {high:g}"


def _what(finding: Finding, t: Catalogue) -> str | None:
    """What was measured (the auditor's ``_what``), or None when a figure it quotes cannot be found."""
    ev, check = finding.evidence, finding.check
    k, ratio = int(ev["k"]), _ratio(finding.value)
    if check == "ranking.exposure_ratio":
        return t("message.ranking.what_exposure_ratio", k=k, ratio=ratio)
    block = ev.get("significance")
    claim = block.get("claim") if isinstance(block, Mapping) and isinstance(block.get("claim"), str) \
        else finding.message
    found = list(_CLAIMED[check].finditer(claim))
    if not found:
        return None
    quoted = found[-1]  # the figures follow the feature and group names, whatever those contain
    if int(quoted["k"]) != k or quoted["ratio"] != _written(finding.value):
        return None
    if check == "ranking.top_k_share_ratio":
        return t("message.ranking.what_top_k_share_ratio", k=k, top_share=_quoted(quoted["top_share"]),
                 population_share=_quoted(quoted["population_share"]), ratio=ratio)
    return t("message.ranking.what_precision_at_k_ratio", k=k, precision=_quoted(quoted["precision"]), ratio=ratio)


def _significance(block: Mapping[str, Any], t: Catalogue) -> str | None:
    """Whether the gap is significant after Holm's correction (the runner's ``_judged`` sentence)."""
    raw, adjusted = _defined(block.get("p_value")), _defined(block.get("p_adjusted"))
    significant = bool(block["significant"])
    if raw is None:
        return None if significant else t("message.ranking.not_significant_untested")
    if adjusted is None:
        return None
    fields = {"family": int(block["family_size"]), "p": _p(raw), "p_adjusted": _p(adjusted)}
    if significant:
        return t("message.ranking.significant_after_holm", **fields)
    return t("message.ranking.not_significant_after_holm", **fields)


def _judged(finding: Finding, t: Catalogue) -> str | None:
    """A gate with a measured value: what was measured, the band, and whether it is met (and significant)."""
    ev = finding.evidence
    gate = finding.check.split(".", 1)[1]
    what = _what(finding, t)
    if what is None:
        return None
    claim = t("message.ranking.claim", feature=ev["feature"], group=ev["group"], count=int(ev["count"]), what=what,
              gate=gate, band=_band(ev["gate"], t))
    block = ev.get("significance")
    if isinstance(block, Mapping):  # judged with Holm's correction: the block says which sentence follows
        significance = _significance(block, t)
        if significance is None:
            return None
        if not block["beyond_limit"]:
            return t("message.ranking.met", claim=claim, significance=significance)
        key = "message.ranking.missed_significant" if block["significant"] else "message.ranking.missed_not_significant"
        return t(key, claim=claim, significance=significance)
    p = _defined(ev.get("p_value"))
    p_text = t("message.ranking.test_undefined") if p is None else _p(p)
    if finding.status is Status.PASS:
        return t("message.ranking.met_plain", claim=claim, p=p_text)
    if finding.status is Status.FAIL:
        return t("message.ranking.missed_plain", claim=claim, p=p_text)
    return None


def _unjudged(finding: Finding, t: Catalogue) -> str | None:
    """A gate that cannot be judged: the group is too small, or the measure undefined."""
    ev = finding.evidence
    reason = str(ev["reason"])
    if (m := _SUPPRESSED.fullmatch(reason)) is not None:
        why = t("message.ranking.reason_suppressed", count=int(m[1]), suppress_below=int(m[2]))
    elif (m := _TOO_SMALL.fullmatch(reason)) is not None:
        why = t("message.ranking.reason_too_small", count=int(m[1]), min_group_size=int(m[2]))
    elif reason == _UNDEFINED_MEASURE:
        why = t("message.ranking.reason_undefined", k=int(ev["k"]))
    else:
        return None
    return t("message.ranking.unjudged", feature=ev["feature"], group=ev["group"], k=int(ev["k"]),
             gate=finding.check.split(".", 1)[1], reason=why)


def _withheld(finding: Finding, t: Catalogue) -> str:
    """A gate of a group whose shares disclosure control withheld: only its outcome stands."""
    ev = finding.evidence
    status = t(f"status.{finding.status.value}")
    if finding.threshold is None or finding.operator is None:
        outcome = t("message.ranking.outcome", status=status)
    else:
        gate = f"{_OPERATORS.get(finding.operator, finding.operator)} {finding.threshold:g}"
        outcome = t("message.ranking.outcome_against", gate=gate, status=status)
    return t("message.ranking.gate_withheld", feature=ev["feature"], group=ev["group"],
             gate=finding.check.split(".", 1)[1], outcome=outcome)


def _gate(finding: Finding, t: Catalogue) -> str | None:
    """One of the three gates, in whichever shape the auditor, the runner or disclosure control left it."""
    ev = finding.evidence
    if "group" not in ev:  # the precision gate is set but no relevance was given
        gates = ev.get("gates")
        if ev.get("missing") != ["relevance"] or not isinstance(gates, list) or not gates:
            return None
        return t("message.ranking.no_relevance", gates=t.join([str(g) for g in gates]))
    if "reason" in ev:
        return _unjudged(finding, t)
    if finding.value is None:
        return _withheld(finding, t)
    return _judged(finding, t)


def message(finding: Finding, t: Catalogue) -> str | None:
    """The ranking finding's message in the catalogue's language.

    Parameters
    ----------
    finding : Finding
        A finding of the ranking auditor (check ``ranking.*``).
    t : Catalogue
        The report language's catalogue (keys ``message.ranking.*``).

    Returns
    -------
    str or None
        The message, or None for a shape not worded here (the caller shows the English original).

    Raises
    ------
    KeyError, TypeError, ValueError, IndexError
        On evidence that does not have the auditor's shape (the caller then shows the English original).
    """
    check = finding.check
    if check == "ranking.group_shares":
        return _table(finding, t)
    if check in _GATES:
        return _gate(finding, t)
    missing = finding.evidence.get("missing")
    if check == "ranking.requirements" and finding.status is Status.INCONCLUSIVE and isinstance(missing, list) \
            and missing:  # skipped, but asked for: the runner made it inconclusive
        return t("message.skipped_missing", auditor=finding.auditor, missing=t.join([str(m) for m in missing])) \
            + t("message.ranking.asked_for")
    return None
