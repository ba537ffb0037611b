"""The ranking auditor's findings in the report's language (``message.ranking.*``, ``locales/<lang>/ranking.toml``).

Each finding is worded from its value, gate and evidence, with the numbers formatted as the auditor's
English message formats them (ratios with two decimals, shares as percentages with one, p-values to
three decimals). Two figures of a gate finding are not in its evidence, only in the auditor's own
claim: a group's share of the top k and of all cases (``top_k_share_ratio``), and its precision at k
(``precision_at_k_ratio``). They are read back from that claim (the evidence's significance block, or
the message) exactly as the auditor wrote them, and only when the claim's k and ratio are the
evidence's; otherwise the finding keeps its English words. A gate judged across the audit ends with the
Holm correction's sentence (:func:`govaudit.report._i18n.judged_sentence`); the requirements and run
findings are worded by :func:`govaudit.report._i18n.localise_message`.

A shape not known here returns None, and the caller shows the auditor's English message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import (
    UNDEFINED,
    Catalogue,
    fmt_band,
    fmt_bound,
    fmt_share,
    judged_sentence,
    p_text,
    quoted_number,
)

__all__ = ["message"]

_GATES = frozenset({"ranking.top_k_share_ratio", "ranking.exposure_ratio", "ranking.precision_at_k_ratio"})
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
        return t("message.ranking.what_top_k_share_ratio", k=k, top_share=quoted_number(quoted["top_share"]),
                 population_share=quoted_number(quoted["population_share"]), ratio=ratio)
    return t("message.ranking.what_precision_at_k_ratio", k=k, precision=quoted_number(quoted["precision"]),
             ratio=ratio)


def _judged(finding: Finding, t: Catalogue) -> str | None:
    """A gate with a measured value: what was measured, the band, and whether it is met (and significant)."""
    ev = finding.evidence
    gate = finding.check.split(".", 1)[1]
    what = _what(finding, t)
    if what is None:
        return None
    claim = t("message.ranking.claim", feature=ev["feature"], group=ev["group"], count=int(ev["count"]), what=what,
              gate=gate, band=fmt_band(ev["gate"], "message.ranking.band_within", t))
    block = ev.get("significance")
    if isinstance(block, Mapping):  # judged with Holm's correction: the block says which sentence follows
        sentence = judged_sentence(block, t)
        if sentence is None:
            return None
        return claim + t("message.ranking.misses" if block["beyond_limit"] else "message.ranking.meets") + sentence
    if finding.status not in (Status.PASS, Status.FAIL):
        return None
    p = _defined(ev.get("p_value"))
    test = t("message.ranking.test_undefined") if p is None else p_text(p)
    verdict = t("message.ranking.meets" if finding.status is Status.PASS else "message.ranking.misses")
    return claim + verdict + t("message.ranking.plain", p=test)


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
        outcome = t("message.ranking.outcome_against", gate=fmt_bound(finding.operator, finding.threshold),
                    status=status)
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


#: Check -> its wording (ranking.requirements and ranking.run are worded by the caller).
_WORDINGS: dict[str, Callable[[Finding, Catalogue], str | None]] = {
    "ranking.group_shares": _table, **dict.fromkeys(_GATES, _gate)}


def message(finding: Finding, t: Catalogue) -> str | None:
    """The ranking finding's message in ``t``'s language (a :class:`govaudit.report._i18n.Wording`)."""
    wording = _WORDINGS.get(finding.check)
    return None if wording is None else wording(finding, t)
