"""The bias auditor's contrast gates in the report's language (``message.bias_gates.*`` keys).

A gate on a rate's ratio to, or difference from, the reference group (``fpr_ratio``,
``selection_rate_difference``) or a named combination (``equalized_odds_parity``) gives one finding
per compared group (:mod:`govaudit.bias._gates`). Each is worded from its evidence: every component's
two rates and contrast, the gate, and what the audit-wide correction made of it; a gate that could
not be judged says why. The numbers are the English message's (rates and contrasts with three
decimals). Any other shape returns None, and the report shows the auditor's English words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue, fmt_band, judged_sentence, p_text

__all__ = ["contrast_message"]

_KINDS = ("ratio", "difference")
_FEWER = re.compile(r"fewer than two groups \((\d+)\) are large enough to compare")
_NEEDS_LABEL = "it needs observed outcomes (a label), which were not given"
_UNDEFINED = re.compile(r"the (.+) is undefined for every group compared")


def _num(value: Any) -> str:
    """A rate or contrast as the English message writes it (three decimals), or "undefined"."""
    if value is None or (isinstance(value, float) and value != value):
        raise ValueError("undefined")  # worded by the caller
    return f"{float(value):.3f}"


def _rate_word(metric: str, t: Catalogue) -> tuple[str, str]:
    """The rate's name and the contrast kind of a ``<rate>_<kind>`` metric."""
    rate, kind = metric.rsplit("_", 1)
    if kind not in _KINDS or not t.has(f"metric.{rate}"):
        raise KeyError(metric)
    return t(f"metric.{rate}"), kind


def _gate_name(name: str, t: Catalogue) -> str:
    """A single contrast as "<rate>：与参照组之比"; a combination by its plain name."""
    if name.rsplit("_", 1)[-1] in _KINDS:
        word, kind = _rate_word(name, t)
        return t(f"message.bias_gates.gate_{kind}", rate_name=word)
    return t(f"plain.bias.{name}")


def _component(part: Mapping[str, Any], group: str, t: Catalogue) -> str:
    word, kind = _rate_word(str(part["metric"]), t)
    try:
        value = _num(part["value"])
    except ValueError:
        value = t("message.bias_gates.undefined")
    return t(f"message.bias_gates.{kind}", group=group, rate_name=word, rate=_num(part["rate"]),
             reference=part["reference"], reference_rate=_num(part["reference_rate"]), value=value)


def _reason(reason: str, t: Catalogue) -> str | None:
    if reason == _NEEDS_LABEL:
        return t("message.bias_gates.reason_label")
    if (m := _FEWER.fullmatch(reason)) is not None:
        return t("message.bias_gates.reason_fewer", n=m.group(1))
    m = _UNDEFINED.fullmatch(reason)
    if m is not None:
        from govaudit.bias._gates import _WORDS  # the auditor's names of its rates, read back

        rate = {word: rate for rate, word in _WORDS.items()}.get(m.group(1), m.group(1))
        if t.has(f"metric.{rate}"):
            return t("message.bias_gates.reason_undefined", rate_name=t(f"metric.{rate}"))
    return None


def contrast_message(finding: Finding, t: Catalogue) -> str | None:
    """The finding of a bias contrast gate in ``t``'s language, or None for another shape.

    Parameters
    ----------
    finding : Finding
        A ``bias.<rate>_ratio``, ``bias.<rate>_difference`` or combination finding.
    t : Catalogue
        The report's message catalogue.

    Returns
    -------
    str or None
    """
    ev = finding.evidence
    name, feature = str(ev["metric"]), str(ev["feature"])
    band, gate = fmt_band(ev["gate"], "message.bias_gates.band_within", t), _gate_name(name, t)
    if "components" not in ev:
        reason = _reason(str(ev.get("reason", "")), t)
        return None if reason is None else t("message.bias_gates.unjudged", feature=feature, gate=gate, band=band,
                                             reason=reason)
    parts = t("meta.clause_separator").join(_component(p, str(ev["group"]), t) for p in ev["components"])
    claim = t("message.bias_gates.claim", feature=feature, parts=parts)
    if finding.value is None or finding.value != finding.value:
        return claim + t("message.bias_gates.undefined_gate", gate=gate, band=band)
    missed = finding.status is Status.FAIL or bool((ev.get("significance") or {}).get("beyond_limit"))
    within = "_within" if ev["gate"].get("min") is not None and ev["gate"].get("max") is not None else ""
    verdict = t(f"message.bias_gates.{'missed' if missed else 'met'}{within}", gate=gate, band=band)
    block = ev.get("significance")
    if isinstance(block, Mapping):
        sentence = judged_sentence(block, t)
        return None if sentence is None else claim + verdict + sentence
    test = ev.get("test")
    p = test.get("p_value") if isinstance(test, Mapping) else None
    if isinstance(p, (int, float)) and p == p:
        key = "significant" if test.get("significant") else "not_significant"
        return claim + verdict + t(f"message.bias_gates.{key}", p=p_text(float(p)))
    return claim + verdict + "。"
