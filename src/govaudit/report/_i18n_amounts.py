"""The amounts auditor's findings in the report's language (``message.amounts.*`` keys).

Every finding of :mod:`govaudit.amounts` is worded from its evidence: the group table
(``amounts.group_amounts``, also as rewritten by disclosure control), and the four gates
(``amounts.mean_ratio``, ``amounts.above_ratio``, ``amounts.group_mae``, ``amounts.underpaid_share``)
judged, not judged (with the auditor's reason), withheld by disclosure control, or not judged because
no correct amounts were given. The texts are in ``locales/<lang>/amounts.toml``; a judged gate ends with
the audit-wide Holm correction's sentence (:func:`govaudit.report._i18n.judged_sentence`), and the
requirements and run findings are worded by :func:`govaudit.report._i18n.localise_message`.

A gate finding's evidence does not repeat the group's mean amount, nor the share above the cut and
the cut itself; they are read from the claim the auditor recorded (``significance.claim``, or the
message when significance is not required), and only when the whole claim is the one the evidence
gives, so no number is ever guessed. Any other shape returns None: the caller shows the auditor's
own words.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import UNDEFINED, Catalogue, finite, fmt_share, judged_sentence, p_text, quoted_number

__all__ = ["message"]

_GATES = ("amounts.mean_ratio", "amounts.above_ratio", "amounts.group_mae", "amounts.underpaid_share")
#: a number as the auditor writes an amount (``_num``), and a share (``_pct``)
_AMOUNT = r"(-?[\d,]+\.\d{2}|undefined)"
_SHARE = r"(\d+\.\d %|undefined)"
_SUPPRESSED = re.compile(r"it has (\d+) case\(s\), fewer than suppress_below = (\d+), so nothing is published")
_TOO_SMALL = re.compile(r"it has (\d+) case\(s\), fewer than the (\d+) needed \(min_group_size\)")
_REF_TOO_SMALL = re.compile(r"the reference group (.+) has fewer than the (\d+) cases needed \(min_group_size\)")
_NO_REFERENCE = "no group is large enough to be the reference"
_UNDEFINED = "the measure is undefined for this group (e.g. a mean of zero or a single distinct value)"


def _amount(value: Any) -> str:
    """An amount or a ratio as the auditor writes it (two decimals, thousands separated)."""
    v = finite(value)
    return UNDEFINED if v is None else f"{v:,.2f}"


# --------------------------------------------------------------------------- the group table


def _table(finding: Finding, t: Catalogue) -> str | None:
    """``amounts.group_amounts``: the group with the lowest mean, and the groups that cannot be judged."""
    ev = finding.evidence
    feature, reference = str(ev["feature"]), ev.get("reference")
    rows = [r for r in ev["groups"] if isinstance(r, Mapping)]
    withheld = f"By {feature}, amounts are compared against the reference "
    if any("suppression" in r for r in rows) or finding.message.startswith(withheld):
        if reference is None:
            return None
        return t("message.amounts.table_withheld", feature=feature, reference=reference)
    # as the auditor: compared groups whose mean ratio is a number (not NaN, which a record writes as null)
    judged = [r for r in rows if r.get("status") == "compared" and isinstance(r.get("mean_ratio"), (int, float))
              and r["mean_ratio"] == r["mean_ratio"]]
    if reference is None or not judged:
        text = t("message.amounts.table_none", feature=feature)
    else:
        low = min(judged, key=lambda r: r["mean_ratio"])
        if finite(low["mean_ratio"]) is None:
            return None
        cut = _amount(ev.get("above"))
        above = t("message.amounts.above_median", cut=cut) if ev.get("above_is_median") is True else \
            t("message.amounts.above", cut=cut)
        text = t("message.amounts.table", feature=feature, reference=reference, group=low["group"],
                 mean=_amount(low.get("mean")), ratio=_amount(low["mean_ratio"]),
                 share=fmt_share(low.get("above_share")), above=above)
    unjudged = [r for r in rows if r.get("status") != "compared"]
    if unjudged:
        names = t.join([t("message.amounts.unjudged_group", group=r["group"], n=int(r["count"])) for r in unjudged])
        text += t("message.amounts.unjudged_groups", names=names)
    return text


# --------------------------------------------------------------------------- gates


def _measure(finding: Finding, t: Catalogue) -> str:
    return t(f"message.amounts.measure.{finding.check.split('.')[1]}")


def _reason(reason: str, t: Catalogue) -> str | None:
    """The auditor's reason a gate cannot be judged, in the report's language (None if unknown)."""
    if reason == _NO_REFERENCE:
        return t("message.amounts.reason.no_reference")
    if reason == _UNDEFINED:
        return t("message.amounts.reason.undefined")
    if (m := _SUPPRESSED.fullmatch(reason)) is not None:
        return t("message.amounts.reason.suppressed", n=int(m[1]), limit=int(m[2]))
    if (m := _TOO_SMALL.fullmatch(reason)) is not None:
        return t("message.amounts.reason.too_small", n=int(m[1]), limit=int(m[2]))
    if (m := _REF_TOO_SMALL.fullmatch(reason)) is not None:
        name = ast.literal_eval(m[1])  # the auditor writes the group's repr; ValueError if it is not one
        return t("message.amounts.reason.reference_too_small", reference=name, limit=int(m[2]))
    return None


def _unjudged(finding: Finding, t: Catalogue) -> str | None:
    ev = finding.evidence
    reason = _reason(str(ev["reason"]), t)
    if reason is None:
        return None
    return t("message.amounts.unjudged_gate", feature=str(ev["feature"]), group=ev["group"],
             measure=_measure(finding, t), reason=reason)


def _withheld(finding: Finding, t: Catalogue) -> str | None:
    """A gate whose value disclosure control withheld: its outcome stands."""
    ev = finding.evidence
    if "p_value" in ev or "claim" in (ev.get("significance") or {}):
        return None
    status = t(f"status.{finding.status.value}")
    if finding.threshold is None or finding.operator is None:
        outcome = t("message.amounts.outcome_kept", status=status)
    else:
        outcome = t("message.amounts.outcome_kept_gate", gate=f"{finding.operator} {finding.threshold:g}",
                    status=status)
    return t("message.amounts.withheld_gate", feature=str(ev["feature"]), group=ev["group"],
             measure=_measure(finding, t), outcome=outcome)


def _claim_numbers(finding: Finding, key: str) -> dict[str, str] | None:
    """The numbers of a ratio gate's claim that its evidence lacks, if the claim is the evidence's."""
    ev = finding.evidence
    block = ev.get("significance")
    source = block["claim"] if isinstance(block, Mapping) and isinstance(block.get("claim"), str) else finding.message
    head = re.escape(f"By {ev['feature']}, {ev['group']!r} ({ev['count']} cases): ")
    ratio, ref = _amount(finding.value), ev["reference"]
    gate = f" (gate {key} {finding.operator} {finding.threshold:g}); this "
    if key == "mean_ratio":
        middle = "mean amount " + _AMOUNT + re.escape(f", {ratio} times that of {ref!r}{gate}")
        names = ("mean",)
    else:
        middle = _SHARE + " above " + _AMOUNT + re.escape(f", {ratio} times the share of {ref!r}{gate}")
        names = ("share", "cut")
    m = re.match(head + middle + r"(meets|misses) the gate", source)
    if m is None:
        return None
    return {**{name: quoted_number(m[i + 1]) for i, name in enumerate(names)}, "verdict": m[len(names) + 1]}


def _outcome(finding: Finding, t: Catalogue) -> str | None:
    """How the gate's test came out: the audit-wide Holm correction's sentence, or the plain p-value."""
    ev = finding.evidence
    block = ev.get("significance")
    if isinstance(block, Mapping) and "significant" in block:
        return judged_sentence(block, t)
    p = finite(ev.get("p_value"))
    return t("message.amounts.outcome.plain_untestable") if p is None else \
        t("message.amounts.outcome.plain", p=p_text(p))


def _judged(finding: Finding, t: Catalogue) -> str | None:
    """A gate measured on a group: what was measured, against the gate, and the test."""
    ev = finding.evidence
    key = finding.check.split(".")[1]
    if finding.threshold is None or finding.operator is None or finite(finding.value) is None:
        return None
    block = ev.get("significance")
    passes = not block["beyond_limit"] if isinstance(block, Mapping) and "beyond_limit" in block else \
        finding.status is Status.PASS
    fields: dict[str, Any] = {"feature": str(ev["feature"]), "group": ev["group"], "n": int(ev["count"]),
                              "reference": ev.get("reference")}
    if key in ("mean_ratio", "above_ratio"):
        quoted = _claim_numbers(finding, key)
        if quoted is None or (quoted.pop("verdict") == "meets") != passes:
            return None
        fields.update(quoted, ratio=_amount(finding.value), gate=f"{finding.operator} {finding.threshold:g}")
    elif key == "group_mae":
        fields.update(value=_amount(finding.value), gate=f"{finding.operator} {finding.threshold:g}")
    else:
        fields.update(value=fmt_share(finding.value), gate=f"{finding.operator} {fmt_share(finding.threshold)}")
    outcome = _outcome(finding, t)
    if outcome is None:
        return None
    text = t(f"message.amounts.gate.{key}", **fields)
    return text + t("message.amounts.meets" if passes else "message.amounts.misses") + outcome


def _missing_truth(finding: Finding, t: Catalogue) -> str | None:
    """An error gate set without the correct amounts it needs."""
    gates = finding.evidence["gates"]
    if not isinstance(gates, list) or not gates:
        return None
    return t("message.amounts.missing_truth", gates=t.join([str(g) for g in gates]))


def message(finding: Finding, t: Catalogue) -> str | None:
    """The amounts finding's message in ``t``'s language (a :class:`govaudit.report._i18n.Wording`)."""
    ev = finding.evidence
    if finding.check == "amounts.group_amounts":
        return _table(finding, t)
    if finding.check not in _GATES:
        return None  # amounts.requirements and amounts.run are worded by the caller
    if "gates" in ev and "missing" in ev:
        return _missing_truth(finding, t)
    if "reason" in ev:
        return _unjudged(finding, t)
    if finding.value is None:
        return _withheld(finding, t)
    return _judged(finding, t)
