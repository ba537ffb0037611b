"""The oversight auditor's findings in the report's language (``message.oversight.*`` keys).

Each finding is worded from its own numbers (``value``, ``threshold`` and ``evidence``), formatted as
the auditor's English message formats them: counts with thousands separators, shares as percentages
with one decimal, gaps with three decimals, limits and deadlines in their shortest form. Reviewer
ids, months, features and groups are data and are inserted as they are. A group comparison judged
across the audit ends with the Holm correction's sentence (:func:`govaudit.report._i18n.judged_sentence`);
a requirements finding that names its missing input is worded by
:func:`govaudit.report._i18n.localise_message`, the auditor's own (no decision log) here. A finding
whose evidence does not have the expected shape gives None (or raises), and the caller shows the
English words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue, fmt_share, judged_sentence

__all__ = ["message"]

_P = "message.oversight."
_NO_REVIEWS = frozenset({"oversight.review_time", "oversight.rubber_stamping"})
_FAIRNESS = frozenset({"oversight.override_fairness", "oversight.appeal_fairness"})


# --------------------------------------------------------------------------- numbers as the auditor writes them


def _number(value: Any) -> float | None:
    """A finite number, None when undefined (None, NaN); ``TypeError`` for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    value = float(value)
    return value if math.isfinite(value) else None


def _count(value: Any) -> str:
    """A count with thousands separators (``1,234``), as the auditor writes ``{n:,}``."""
    v = _number(value)
    if v is None or not v.is_integer():
        raise ValueError(f"not a count: {value!r}")
    return f"{int(v):,}"


def _pct(value: Any) -> str:
    """A share as a percentage with one decimal (an em dash when undefined)."""
    return fmt_share(_number(value))


def _g(value: Any) -> str:
    """A limit, deadline or time in its shortest form, as the auditor writes ``{x:g}``."""
    v = _number(value)
    if v is None:
        raise ValueError(f"not a number: {value!r}")
    return f"{v:g}"


def _rows(evidence: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    rows = evidence[key]
    if not isinstance(rows, Sequence) or isinstance(rows, str) or not all(isinstance(r, Mapping) for r in rows):
        raise TypeError(f"evidence {key!r} is not a list of rows")
    return list(rows)


# --------------------------------------------------------------------------- one function per check


def _requirements(f: Finding, t: Catalogue) -> str | None:
    """The auditor's own requirements finding: no decision log (one naming its missing input is the caller's)."""
    if f.evidence:
        return None
    # the runner turns an asked-for auditor's skip into inconclusive (the release is blocked)
    return t(_P + "no_log") + (t("message.asked_for") if f.status is Status.INCONCLUSIVE else "")


def _coverage(f: Finding, t: Catalogue) -> str:
    ev = f.evidence
    if not ev["required_decided"]:
        return t(_P + "coverage_none")
    text = t(_P + "coverage", required=_count(ev["required_decided"]), reviewed=_count(ev["reviewed"]),
             share=_pct(f.value))
    if ev["unreviewed"]:
        text += t(_P + "coverage_unreviewed", unreviewed=_count(ev["unreviewed"]))
    months = ev["unreviewed_by_month"]
    if months:  # the month with the most, the first of equals (as the auditor names it)
        month = max(months, key=months.get)
        text += t(_P + "coverage_month", month=month, count=_count(months[month]))
    return text + "。"


def _two_person(f: Finding, t: Catalogue) -> str:
    ev = f.evidence
    if f.status is Status.SKIPPED:
        return t(_P + "two_person_none")
    if ev["violations"]:
        return t(_P + "two_person_fail", required=_count(ev["required_decided"]), violations=_count(ev["violations"]),
                 missing=_count(ev["missing_second_reviewer"]), same=_count(ev["same_reviewer_twice"]))
    if not ev["required_decided"]:
        return t(_P + "two_person_zero")
    return t(_P + "two_person_pass", required=_count(ev["required_decided"]))


def _review_time(f: Finding, t: Catalogue) -> str:
    ev = f.evidence
    text = t(_P + "review_time", reviews=_count(ev["reviews"]), share=_pct(f.value),
             minimum=_g(ev["min_review_seconds"]))
    names = [t(_P + "review_time_reviewer", reviewer=r["reviewer"], reviews=_count(r["reviews"]),
               share=_pct(r["short_share"])) for r in _rows(ev, "reviewers") if r.get("flagged")]
    if names:
        text += t(_P + "review_time_flagged", limit=_pct(f.threshold), names=t.join(names))
    return text + "。"


def _rubber_stamping(f: Finding, t: Catalogue) -> str:
    ev = f.evidence
    flagged = [r for r in _rows(ev, "reviewers") if r.get("flagged")]
    if not flagged:
        return t(_P + "rubber_pass", min_reviews=_count(ev["min_reviews"]), limit=_pct(f.threshold),
                 overall=_pct(ev["overall_agreement"]))
    names = [t(_P + "rubber_reviewer", reviewer=r["reviewer"], reviews=_count(r["reviews"]),
               share=_pct(r["agreement"]), low=_pct(r["agreement_ci"][0]), high=_pct(r["agreement_ci"][1]))
             for r in flagged]
    return t(_P + "rubber_fail", n=len(flagged), limit=_pct(f.threshold),
             names=t("meta.clause_separator").join(names))


def _appeal_timeliness(f: Finding, t: Catalogue) -> str:
    ev = f.evidence
    if f.status is Status.SKIPPED:
        return t(_P + "no_appeal_columns")
    if not ev["appeals"]:
        return t(_P + "no_appeals")
    # late_decided and late_open are disjoint (decided / still open): together, the appeals past the deadline
    late = _count(ev["late_decided"] + ev["late_open"])
    text = t(_P + "appeals_late", appeals=_count(ev["appeals"]), late=late, share=_pct(f.value),
             deadline=_g(ev["deadline_days"]))
    if ev["late_open"]:
        text += t(_P + "appeals_open", n=_count(ev["late_open"]))
    return text + "。"


def _automation_drift(f: Finding, t: Catalogue) -> str:
    rows = _rows(f.evidence, "months")
    if f.threshold is None:
        if not rows:
            return t(_P + "drift_none")
        shares = [r["share"] for r in rows]
        return t(_P + "drift_no_limit", low=_pct(min(shares)), high=_pct(f.value))
    if not rows:
        raise ValueError("a gated drift finding without months")
    if f.groups:
        over = [r for r in rows if r["month"] in f.groups]
        months = t.join([t(_P + "drift_month", month=r["month"], share=_pct(r["share"])) for r in over])
        return t(_P + "drift_fail", n=len(over), limit=_pct(f.threshold), months=months)
    highest = next((r for r in rows if r["share"] == f.value), None)  # the first month with the highest share
    if highest is None:
        raise ValueError("the highest share is no month's share")
    return t(_P + "drift_pass", limit=_pct(f.threshold), month=highest["month"], share=_pct(f.value))


def _fairness(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    if f.status is Status.SKIPPED:
        if not ev:
            return t(_P + "no_features")
        rate = ev["rate"]
        return t(_P + "no_population", population=t(f"{_P}population.{rate}"), feature=ev["feature"],
                 rate=t(f"metric.{rate}"))
    rate, feature, gap = ev["rate"], ev["feature"], _number(f.value)
    words, population = t(f"{_P}rate.{rate}"), t(f"{_P}population.{rate}")
    test = ev.get("test")
    if gap is None:  # fewer than two groups large enough to compare
        if isinstance(test, Mapping):
            return None
        return t(_P + "no_range_unjudged", feature=feature, population=population, rate=words)
    judged = t(_P + ("above" if gap > f.threshold else "within"), limit=_g(f.threshold))
    if not isinstance(test, Mapping):
        return t(_P + "no_range", feature=feature, population=population, rate=words, judged=judged)
    by_group = {r["group"]: r for r in _rows(ev, "groups")}
    low, high = by_group[test["lowest"]], by_group[test["highest"]]
    text = t(_P + "range", feature=feature, population=population, rate=words,
             low=_pct(low[rate]), low_group=test["lowest"], high=_pct(high[rate]), high_group=test["highest"],
             gap=f"{gap:.3f}", judged=judged)
    block = ev.get("significance")
    if isinstance(block, Mapping) and "significant" in block:  # judged across the audit
        sentence = judged_sentence(block, t)
        return None if sentence is None else text + sentence
    p = _number(test.get("p_value"))
    return text + (t(_P + "p_value", p=f"p = {p:.3g}") if p is not None else "。")


_WORDING: dict[str, Callable[[Finding, Catalogue], str | None]] = {
    "oversight.requirements": _requirements,
    "oversight.review_coverage": _coverage,
    "oversight.two_person_rule": _two_person,
    "oversight.review_time": _review_time,
    "oversight.rubber_stamping": _rubber_stamping,
    "oversight.appeal_timeliness": _appeal_timeliness,
    "oversight.automation_drift": _automation_drift,
    "oversight.override_fairness": _fairness,
    "oversight.appeal_fairness": _fairness,
}


def message(finding: Finding, t: Catalogue) -> str | None:
    """The oversight finding's message in ``t``'s language (a :class:`govaudit.report._i18n.Wording`)."""
    if finding.check in _NO_REVIEWS and finding.status is Status.SKIPPED:
        return t(_P + "no_reviews")
    wording = _WORDING.get(finding.check)
    return wording(finding, t) if wording is not None else None
