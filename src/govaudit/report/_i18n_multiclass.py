"""The multi-class auditor's findings in the report's language (``message.multiclass.*`` keys).

Each finding is worded from its evidence as :mod:`govaudit.multiclass` words it in English, with the
same numbers formatted the same way (shares with three decimals, ratios with two): the classes
decided by group (``multiclass.confusion``), one class's rates by group (``multiclass.class_rates``),
the ratio gates (``multiclass.adverse_rate_ratio``, ``multiclass.adverse_fpr_ratio``,
``multiclass.class_ratio``) judged (ending with the audit-wide Holm correction's sentence,
:func:`govaudit.report._i18n.judged_sentence`), unjudged or with their rates withheld by disclosure
control. The texts are in ``locales/<lang>/multiclass.toml``; ``multiclass.requirements`` (skipped, or
made inconclusive because the audit asked for the auditor) and ``multiclass.run`` are worded by
:func:`govaudit.report._i18n.localise_message`. A shape not recognised here gives None, so the caller
shows the auditor's English words instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue, fmt_band, fmt_bound, judged_sentence, p_text

__all__ = ["message"]

_GATES = frozenset({"multiclass.adverse_rate_ratio", "multiclass.adverse_fpr_ratio", "multiclass.class_ratio"})
#: a group's status in the tables: compared (or the reference), and the ones that cannot be judged
_COMPARED = ("compared", "reference")
_UNJUDGED = ("suppressed", "excluded", "warn")
#: the reasons a gate cannot be judged, exactly as the auditor writes them
_REASONS = (
    ("suppressed", re.compile(r"counts only \(n=(?P<n>\d+) < (?P<limit>\d+)\): classes and rates suppressed so "
                              r"that no individual can be singled out")),
    ("small", re.compile(r"small group \(n=(?P<n>\d+) < min_group_size = (?P<min_size>\d+)\): reported, not gated")),
    ("too_few_groups", re.compile(r"fewer than two groups have (?P<min_size>\d+) or more cases")),
    ("needs_truth", re.compile(r"it needs the true class, which was not given")),
    ("ratio_undefined", re.compile(r"the ratio is undefined \(the reference's rate is zero or undefined, or .* "
                                   r"has nobody it applies to\)", re.DOTALL)),
)


def _number(value: Any) -> bool:
    """Whether ``value`` is a defined number (the evidence writes an undefined one as null)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


def _share(value: Any, t: Catalogue) -> str:
    """A share as the auditor writes it: three decimals, or "undefined"."""
    return f"{float(value):.3f}" if _number(value) else t("message.multiclass.undefined")


def _rows(evidence: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = evidence["groups"]
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise TypeError("the finding's groups are not a list of rows")
    return rows


def _withheld(rows: list[Mapping[str, Any]]) -> bool:
    """Whether disclosure control withheld the numbers of a compared group (the message then says only that)."""
    return any(r.get("status") in _COMPARED and r.get("suppressed") for r in rows)


def _confusion(finding: Finding, t: Catalogue) -> str:
    ev = finding.evidence
    feature, rows = str(ev["feature"]), _rows(ev)
    if _withheld(rows):
        return t("message.multiclass.confusion_withheld", feature=feature)
    adverse = str(ev["adverse_class"])
    k = [str(c) for c in ev["classes"]].index(adverse)
    shown = [(r["predicted"][k] / r["count"], r) for r in rows if r.get("status") in _COMPARED]
    if shown:
        low, high = min(shown, key=lambda s: s[0]), max(shown, key=lambda s: s[0])
        text = t("message.multiclass.confusion", feature=feature, cls=adverse, low=_share(low[0], t),
                 low_group=low[1]["group"], high=_share(high[0], t), high_group=high[1]["group"])
    else:
        text = t("message.multiclass.confusion_none", feature=feature)
    left = [r for r in rows if r.get("status") in _UNJUDGED]
    if left:
        names = t.join([t("message.multiclass.unjudged_group", group=r["group"], n=int(r["count"])) for r in left])
        text += t("message.multiclass.unjudged", groups=names)
    return text


def _class_rates(finding: Finding, t: Catalogue) -> str:
    ev = finding.evidence
    feature, cls, rows = str(ev["feature"]), str(ev["class"]), _rows(ev)
    if _withheld(rows):
        return t("message.multiclass.class_rates_withheld", feature=feature, cls=cls)
    compared = [r for r in rows if r.get("status") in _COMPARED and _number(r.get("class_rate"))]
    if not compared:
        return t("message.multiclass.class_rates_none", feature=feature, cls=cls)
    low = min(compared, key=lambda r: r["class_rate"])
    high = max(compared, key=lambda r: r["class_rate"])
    fields = {"feature": feature, "cls": cls, "low": _share(low["class_rate"], t), "low_group": low["group"],
              "high": _share(high["class_rate"], t), "high_group": high["group"]}
    if "fpr" not in (ev.get("metrics") or ()):  # without the true class: no error rates
        return t("message.multiclass.class_rates", **fields)
    worst = max(compared, key=lambda r: r["fpr"] if _number(r.get("fpr")) else -1.0)
    return t("message.multiclass.class_rates_truth", fpr=_share(worst.get("fpr"), t), fpr_group=worst["group"],
             **fields)


def _what(ev: Mapping[str, Any], t: Catalogue) -> str:
    """The gated rate in words, e.g. "the share decided 'investigation'"."""
    rate, cls = str(ev["rate"]), str(ev["class"])
    if rate == "rate":
        return t("message.multiclass.rate.rate", cls=cls)
    if rate == "tpr":
        return t("message.multiclass.rate.tpr", cls=cls)
    if rate == "fpr":
        return t("message.multiclass.rate.fpr", cls=cls)
    if rate == "fnr":
        return t("message.multiclass.rate.fnr", cls=cls)
    if rate == "precision":
        return t("message.multiclass.rate.precision", cls=cls)
    raise ValueError(f"unknown gated rate {rate!r}")


def _band(gate: Mapping[str, Any], t: Catalogue) -> str:
    """The gate's band as the auditor states it: ``≤ 1.25``, ``≥ 0.8`` or both bounds."""
    return fmt_band(gate, "message.multiclass.band_within", t)


def _bound(finding: Finding) -> str | None:
    """The one bound a finding was judged against (its threshold and operator), or None."""
    if finding.threshold is None or finding.operator not in (">=", "<="):
        return None
    return fmt_bound(finding.operator, finding.threshold)


def _reason(ev: Mapping[str, Any], t: Catalogue) -> str | None:
    """Why a gate cannot be judged, from the auditor's reason (None for one not known here)."""
    reason = str(ev["reason"])
    for name, pattern in _REASONS:
        found = pattern.fullmatch(reason)
        if found is None:
            continue
        if name == "suppressed":
            return t("message.multiclass.reason.suppressed", n=found["n"], limit=found["limit"])
        if name == "small":
            return t("message.multiclass.reason.small", n=found["n"], min_size=found["min_size"])
        if name == "too_few_groups":
            return t("message.multiclass.reason.too_few_groups", min_size=found["min_size"])
        if name == "needs_truth":
            return t("message.multiclass.reason.needs_truth")
        if ev.get("group") is None:
            return None
        return t("message.multiclass.reason.ratio_undefined", group=ev["group"])
    return None


def _unjudged_gate(finding: Finding, t: Catalogue) -> str | None:
    ev = finding.evidence
    reason = _reason(ev, t)
    if reason is None:
        return None
    fields = {"feature": str(ev["feature"]), "what": _what(ev, t), "band": _band(ev["gate"], t), "reason": reason}
    if ev.get("group") is None:
        return t("message.multiclass.gate_unjudged", **fields)
    return t("message.multiclass.gate_unjudged_group", group=ev["group"], **fields)


def _withheld_gate(finding: Finding, t: Catalogue) -> str:
    """A gate whose rates disclosure control withheld: only its outcome stands."""
    ev = finding.evidence
    fields = {"feature": str(ev["feature"]), "group": ev["group"], "what": _what(ev, t),
              "status": t(f"status.{finding.status.value}")}
    bound = _bound(finding)
    if bound is None:
        return t("message.multiclass.gate_withheld_no_gate", **fields)
    return t("message.multiclass.gate_withheld", gate=bound, **fields)


def _judged_gate(finding: Finding, t: Catalogue) -> str | None:
    ev = finding.evidence
    if finding.value is None:
        return None
    text = t("message.multiclass.judged", feature=str(ev["feature"]), group=ev["group"], what=_what(ev, t),
             rate=f"{float(ev['group_rate']):.3f}", ratio=f"{finding.value:.2f}", reference=ev["reference"],
             reference_rate=f"{float(ev['reference_rate']):.3f}")
    band = _band(ev["gate"], t)
    block = ev.get("significance")
    if isinstance(block, Mapping):
        missed = bool(block["beyond_limit"])
    else:  # without the test's block the status is the gate's outcome
        missed = finding.status is not Status.PASS
    text += t("message.multiclass.gate_missed" if missed else "message.multiclass.gate_met", band=band)
    if isinstance(block, Mapping):  # judged across the audit: the Holm correction's sentence
        sentence = judged_sentence(block, t)
        return None if sentence is None else text + sentence
    p = ev.get("p_value")
    return text + t("message.multiclass.p", p=p_text(float(p)) if _number(p) else t("message.multiclass.p_undefined"))


def _gate(finding: Finding, t: Catalogue) -> str | None:
    ev = finding.evidence
    if "reason" in ev:
        return _unjudged_gate(finding, t)
    if finding.value is None and "group_rate" not in ev and ev.get("group") is not None:
        return _withheld_gate(finding, t)
    return _judged_gate(finding, t)


#: Check -> its wording (multiclass.requirements and multiclass.run are worded by the caller).
_WORDINGS: dict[str, Callable[[Finding, Catalogue], str | None]] = {
    "multiclass.confusion": _confusion, "multiclass.class_rates": _class_rates, **dict.fromkeys(_GATES, _gate)}


def message(finding: Finding, t: Catalogue) -> str | None:
    """The multi-class finding's message in ``t``'s language (a :class:`govaudit.report._i18n.Wording`)."""
    wording = _WORDINGS.get(finding.check)
    return None if wording is None else wording(finding, t)
