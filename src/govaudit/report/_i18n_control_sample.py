"""The control-sample auditor's findings in the report's language (``message.control_sample.*`` keys).

Each finding is worded from its evidence, with the numbers the auditor's English message shows
(shares as percentages with one decimal, ratios with two, p-values as ``p = 0.012`` or
``p < 0.001``): the group table (``group_shares``), each group's gates (``share_ratio``,
``share_difference``, judged, or not judged and why) and the hit rates of the two streams
(``hit_rates``). A gate judged across the audit ends with the Holm correction's sentence
(:func:`govaudit.report._i18n.judged_sentence`); the missing control sample (``requirements``, skipped
or made inconclusive because the audit asked for it) is worded by
:func:`govaudit.report._i18n.localise_message`. The texts are in ``locales/<lang>/control_sample.toml``;
a finding of another shape returns None, and the report shows the auditor's English words instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue, finite, fmt_band, fmt_share, judged_sentence, p_text

__all__ = ["message"]

# the two reasons the auditor gives for a gate it cannot judge (control_sample._findings._why_unjudged)
_TOO_FEW_RANDOM = re.compile(r"it has (\d+) random case\(s\) \(and (\d+) selected by the model\), fewer than the "
                             r"(\d+) random cases needed \(min_random_cases\)")
_TOO_SMALL = re.compile(r"it has (\d+) case\(s\), fewer than suppress_below = (\d+), so no share is published")
_GATES = ("control_sample.share_ratio", "control_sample.share_difference")


def _pct(value: Any, t: Catalogue) -> str:
    """A share as the English message shows it (one decimal), or "undefined"."""
    return t("message.control_sample.undefined") if finite(value) is None else fmt_share(value)


def _ratio(value: Any, t: Catalogue) -> str:
    """A ratio with two decimals, or "undefined"."""
    v = finite(value)
    return t("message.control_sample.undefined") if v is None else f"{v:.2f}"


def _group_shares(ev: Mapping[str, Any], t: Catalogue) -> str:
    """The group table: the most over-selected group judged, and the groups that cannot be judged."""
    feature = str(ev["feature"])
    rows = [r for r in ev["groups"] if isinstance(r, Mapping)]
    judged = [r for r in rows if r.get("status") == "compared" and r.get("share_ratio") is not None]
    unjudged = [r for r in rows if r.get("status") != "compared"]
    if judged:
        top = max(judged, key=lambda r: r["share_ratio"])
        text = t("message.control_sample.group_shares", feature=feature, model_cases=ev["model_cases"],
                 random_cases=ev["random_cases"], group=top["group"], model_share=_pct(top["model_share"], t),
                 random_share=_pct(top["random_share"], t), ratio=_ratio(top["share_ratio"], t))
    else:
        text = t("message.control_sample.group_shares_none", feature=feature)
    if unjudged:
        items = [t("message.control_sample.unjudged_group", group=r["group"], model=r["model_count"],
                   random=r["random_count"]) for r in unjudged]
        text += t("message.control_sample.unjudged", groups=t.join(items))
    return text


def _unjudged_gate(finding: Finding, t: Catalogue) -> str | None:
    """A gate the auditor could not judge, with its reason (too few random cases, or too small to publish)."""
    ev = finding.evidence
    reason, m, r = str(ev["reason"]), int(ev["model_count"]), int(ev["random_count"])
    if (few := _TOO_FEW_RANDOM.fullmatch(reason)) is not None:
        if (int(few[1]), int(few[2])) != (r, m):
            return None
        why = t("message.control_sample.too_few_random", random=r, model=m, needed=int(few[3]))
    elif (small := _TOO_SMALL.fullmatch(reason)) is not None:
        if int(small[1]) != m + r:
            return None
        why = t("message.control_sample.too_small", n=m + r, threshold=int(small[2]))
    else:
        return None
    metric = t(f"metric.{finding.check.split('.', 1)[1]}")
    return t("message.control_sample.gate_unjudged", feature=str(ev["feature"]), group=ev["group"], metric=metric,
             reason=why)


def _what(finding: Finding, t: Catalogue) -> str | None:
    """What the gate's value is: a multiple of the random share, or percentage points more or less."""
    ev = finding.evidence
    if finding.check == "control_sample.share_ratio":
        band = fmt_band(ev["gate"], "message.control_sample.band_within", t, ascii=True)  # as the auditor writes it
        return t("message.control_sample.what_ratio", ratio=_ratio(ev["share_ratio"], t), band=band)
    signed, ceiling = finite(ev["share_difference"]), finite(ev["gate"]["max"])
    if signed is None or ceiling is None:
        return None
    key = "message.control_sample.what_more" if signed >= 0 else "message.control_sample.what_less"
    return t(key, points=f"{100 * abs(signed):.1f}", ceiling=f"{ceiling:g}")


def _test_sentence(ev: Mapping[str, Any], t: Catalogue) -> str | None:
    """How the test against the gate's bound came out: the Holm correction's sentence when judged so."""
    block = ev.get("significance")
    if isinstance(block, Mapping) and "significant" in block:  # judged across the audit
        return judged_sentence(block, t)
    p = finite(ev["test"]["p_value"])
    if p is None:
        return t("message.control_sample.bound_test_undefined")
    return t("message.control_sample.bound_test", p=p_text(p))


def _gate(finding: Finding, t: Catalogue) -> str | None:
    """One group's share-ratio or share-difference gate."""
    ev = finding.evidence
    if "reason" in ev:
        return _unjudged_gate(finding, t)
    block = ev.get("significance")
    if isinstance(block, Mapping) and "beyond_limit" in block:
        meets = not block["beyond_limit"]
    elif finding.status in (Status.PASS, Status.FAIL):
        meets = finding.status is Status.PASS
    else:
        return None
    what = _what(finding, t)
    sentence = _test_sentence(ev, t)
    if what is None or sentence is None:
        return None
    claim = t("message.control_sample.claim", model_share=_pct(ev["model_share"], t), group=ev["group"],
              feature=str(ev["feature"]), random_share=_pct(ev["random_share"], t), what=what,
              verdict=t("message.control_sample.meets" if meets else "message.control_sample.misses"))
    return claim + sentence


def _hit_rates(ev: Mapping[str, Any], t: Catalogue) -> str:
    """How often a check found an error among each stream's cases, and the ratio of the two."""
    if ev.get("suppressed"):
        return t("message.control_sample.hit_rates_suppressed", model_cases=ev["model_cases"],
                 random_cases=ev["random_cases"])
    p = finite((ev.get("test") or {}).get("p_value"))
    return t("message.control_sample.hit_rates", model_cases=ev["model_cases"], random_cases=ev["random_cases"],
             model_rate=_pct(ev["model_hit_rate"], t), random_rate=_pct(ev["random_hit_rate"], t),
             ratio=_ratio(ev["hit_rate_ratio"], t),
             p="" if p is None else t("message.control_sample.p_clause", p=p_text(p)))


def message(finding: Finding, t: Catalogue) -> str | None:
    """The control-sample finding's message in ``t``'s language (a :class:`govaudit.report._i18n.Wording`)."""
    check = finding.check
    if check == "control_sample.group_shares":
        return _group_shares(finding.evidence, t)
    if check in _GATES:
        return _gate(finding, t)
    if check == "control_sample.hit_rates":
        return _hit_rates(finding.evidence, t)
    return None  # control_sample.requirements and control_sample.run are worded by the caller
