"""Oversight checks on a validated decision log: coverage, two-person rule, review time,
rubber-stamping, appeal timeliness and automation drift.

Each check returns one finding (aggregates and pseudonymous reviewer ids only) and, where cases
break a rule, a table of their ids (``case_id``, ``check``, ``detail``) that goes to the case-level
file, never into the record. Per-reviewer and per-month rates come from the counts engine in
:mod:`govaudit.metrics` (one ``np.bincount`` per table, Wilson intervals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.auditors._evidence import ci_pair
from govaudit.auditors._oversight_config import OversightConfig
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import GroupEncoding, encode_groups, group_counts, rate_parts, wilson_interval
from govaudit.oversight import DecisionLog, Routing

__all__ = [
    "AUDITOR",
    "CASE_FILE",
    "CheckResult",
    "Reviews",
    "appeal_timeliness",
    "automation_drift",
    "drift_finding",
    "review_coverage",
    "review_time",
    "reviews",
    "rate_table_from_counts",
    "rubber_stamping",
    "rubber_stamping_finding",
    "two_person_rule",
]

AUDITOR = "oversight"
#: Name of the case-level file listing violations.
CASE_FILE = "oversight_violations"
_MAX_REVIEWERS = 1_000_000

REF_OVERSIGHT = "EU AI Act Art. 14(4)"
REF_AUTOMATION_BIAS = "EU AI Act Art. 14(4)(b)"
REF_TWO_PERSONS = "EU AI Act Art. 14(5)"
REF_DADM = "Canada Directive on Automated Decision-Making, Appendix C (human intervention)"
REF_NIST_MANAGE = "NIST AI RMF MANAGE 4.1"
REF_OMB = "OMB M-25-21 (human review and appeal)"

_HUMAN = (Principle.PEOPLE_ORIENTED, Principle.SHARED_RISK)


@dataclass(frozen=True)
class CheckResult:
    """A check's finding and the violating cases (``case_id``, ``check``, ``detail``), if any."""

    finding: Finding
    violations: pd.DataFrame | None = None


def _violations(log: DecisionLog, mask: np.ndarray, check: str, detail: Any) -> pd.DataFrame | None:
    """The case table rows for ``mask``; ``detail`` is one string, or one per selected case."""
    if not mask.any():
        return None
    idx = np.flatnonzero(mask)
    return pd.DataFrame({"case_id": log.case_id.iloc[idx].to_numpy(dtype=object), "check": check,
                         "detail": detail if isinstance(detail, str) else np.asarray(detail, dtype=object)})


def _share(x: int, n: int) -> float | None:
    return x / n if n else None


def _pct(value: float | None) -> str:
    return "undefined" if value is None else f"{100 * value:.1f}%"


def _case_file(rows: int) -> dict[str, object]:
    return {"case_file": CASE_FILE, "rows": int(rows)}


def _rate_table(encoding: GroupEncoding, event: np.ndarray, confidence: float) -> pd.DataFrame:
    """Per-group count, events, rate and Wilson interval from one counts pass."""
    return rate_table_from_counts(encoding.labels, group_counts(event.astype(np.int8), encoding).counts, confidence)


def rate_table_from_counts(labels: tuple[str, ...], counts: np.ndarray, confidence: float) -> pd.DataFrame:
    """:func:`_rate_table` from a ``[no event, event]`` counts table (one row per group), as backends give it."""
    x, n = rate_parts(counts, "selection_rate")
    low, high = wilson_interval(x, n, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, x / np.maximum(n, 1), np.nan)
    return pd.DataFrame({"group": list(labels), "n": n, "events": x, "rate": rate, "low": low, "high": high})


# -- coverage -------------------------------------------------------------------------------------
def review_coverage(log: DecisionLog, routing: Routing, config: OversightConfig) -> CheckResult:
    """Every decided case the policy (or the log's own flag) marks for review was reviewed by a person."""
    decided = log.decided
    required = routing.required | log.review_required
    target = required & decided
    unreviewed = target & ~log.reviewed
    n_target, n_missed = int(target.sum()), int(unreviewed.sum())
    coverage = 1.0 - n_missed / n_target if n_target else None
    low, high = wilson_interval(n_target - n_missed, n_target, config.confidence) if n_target else (np.nan, np.nan)
    not_flagged = routing.required & ~log.review_required
    by_reason = {name: int((mask & unreviewed).sum()) for name, mask in
                 (("adverse", routing.adverse), ("uncertain", routing.uncertain),
                  ("case_type", routing.flagged_type | routing.two_person),
                  ("logged_as_required_only", log.review_required & ~routing.required))}
    month_labels, month_codes = np.unique(log.month[target], return_inverse=True)
    per_month = np.bincount(month_codes, weights=unreviewed[target], minlength=len(month_labels))
    months = {str(m): int(c) for m, c in zip(month_labels, per_month) if c}
    ok = coverage is None or coverage >= config.min_review_coverage
    status = Status.PASS if ok else Status.FAIL
    message = (f"A person reviewed {n_target - n_missed:,} of the {n_target:,} decided cases the policy marks for "
               f"review ({_pct(coverage)})" + (f"; {n_missed:,} were decided without anyone" if n_missed else "")
               + (f", most in {max(months, key=months.get)} ({max(months.values()):,})" if months else "") + ".")
    if not n_target:
        message = "No decided case in the log needed review under the policy."
    detail = [f"review required ({r}) but decided without a person" for r in routing.reasons(unreviewed)]
    violations = _violations(log, unreviewed, "oversight.review_coverage", detail)
    return CheckResult(Finding(
        auditor=AUDITOR, check="oversight.review_coverage", status=status,
        severity=Severity.HIGH if status is Status.FAIL else Severity.INFO,
        value=coverage, threshold=config.min_review_coverage, operator=">=",
        evidence={"required_decided": n_target, "reviewed": n_target - n_missed, "unreviewed": n_missed,
                  "coverage_ci": ci_pair(low, high), "confidence": config.confidence,
                  "pending": int((required & ~decided).sum()), "unreviewed_by_reason": by_reason,
                  "unreviewed_by_month": months, "required_by_policy_not_flagged_in_log": int(not_flagged.sum()),
                  **_case_file(n_missed)},
        message=message, principles=_HUMAN, references=(REF_OVERSIGHT, REF_DADM, REF_OMB),
    ), violations)


# -- two-person rule ------------------------------------------------------------------------------
def two_person_rule(log: DecisionLog, routing: Routing, config: OversightConfig) -> CheckResult:
    """Cases needing two-person verification were decided by two distinct reviewers."""
    check = "oversight.two_person_rule"
    target = routing.two_person & log.decided
    n_target = int(target.sum())
    if not (config.policy.two_person_case_types or config.policy.two_person_adverse):
        return CheckResult(Finding(auditor=AUDITOR, check=check, status=Status.SKIPPED, severity=Severity.INFO,
                                   message="The policy requires no two-person verification.",
                                   principles=_HUMAN, references=(REF_TWO_PERSONS,)))
    idx = np.flatnonzero(target)  # compare reviewer ids only where the rule applies
    r1 = log.reviewer_1.iloc[idx].to_numpy(dtype=object)
    r2 = (log.reviewer_2.iloc[idx].to_numpy(dtype=object) if log.reviewer_2 is not None
          else np.full(len(idx), None, dtype=object))
    has1, has2 = pd.notna(r1), pd.notna(r2)
    same_t = has1 & has2 & (r1 == r2)
    bad_t = same_t | ~(has1 & has2)
    same = np.zeros(log.n, dtype=bool)
    same[idx] = same_t
    missing = np.zeros(log.n, dtype=bool)
    missing[idx] = ~(has1 & has2)
    bad = same | missing
    n_bad = int(bad.sum())
    repeaters = pd.Series(r1[same_t]).value_counts()
    detail = np.where(same_t, pd.Series(r1).map(lambda r: f"the same reviewer twice ({r})").to_numpy(dtype=object),
                      "fewer than two reviewers")[bad_t]
    status = Status.FAIL if n_bad else Status.PASS
    message = (f"Of {n_target:,} decided cases that need two distinct reviewers, {n_bad:,} did not have them "
               f"({int(missing.sum()):,} with fewer than two reviewers, {int(same.sum()):,} verified by the same "
               "person twice)." if n_bad else
               f"All {n_target:,} decided cases that need two distinct reviewers had them.")
    return CheckResult(Finding(
        auditor=AUDITOR, check=check, status=status, severity=Severity.HIGH if n_bad else Severity.INFO,
        value=float(n_bad), threshold=0.0, operator="<=", groups=tuple(str(r) for r in repeaters.index),
        evidence={"required_decided": n_target, "violations": n_bad, "missing_second_reviewer": int(missing.sum()),
                  "same_reviewer_twice": int(same.sum()),
                  "same_reviewer_twice_by_reviewer": {str(k): int(v) for k, v in repeaters.items()},
                  **_case_file(n_bad)},
        message=message, principles=_HUMAN, references=(REF_TWO_PERSONS, REF_OVERSIGHT),
    ), _violations(log, bad, check, detail))


# -- reviewers: time and agreement ---------------------------------------------------------------
@dataclass(frozen=True)
class Reviews:
    """The reviewed, decided cases, their reviewer codes (primary reviewer) and durations in seconds."""

    mask: np.ndarray
    encoding: GroupEncoding
    seconds: np.ndarray


def reviews(log: DecisionLog) -> Reviews | None:
    """Encode the primary reviewer of each reviewed, decided case once, for both reviewer checks."""
    mask = log.reviewed & log.decided
    if not mask.any():
        return None
    encoding = encode_groups(log.reviewer_1[mask].rename("reviewer"), max_levels=_MAX_REVIEWERS)
    seconds = (log.review_ended_at[mask] - log.review_started_at[mask]) / np.timedelta64(1, "s")
    return Reviews(mask, encoding, seconds)


def _no_reviews(check: str, refs: tuple[str, ...]) -> CheckResult:
    return CheckResult(Finding(auditor=AUDITOR, check=check, status=Status.SKIPPED, severity=Severity.INFO,
                               message="No case in the log was reviewed by a person, so there is nothing to judge.",
                               principles=_HUMAN, references=refs))


def review_time(log: DecisionLog, rev: Reviews | None, config: OversightConfig) -> CheckResult:
    """Reviews shorter than the policy's minimum, overall and by reviewer."""
    check = "oversight.review_time"
    refs = (REF_AUTOMATION_BIAS, REF_OVERSIGHT)
    if rev is None:
        return _no_reviews(check, refs)
    minimum = config.policy.min_review_seconds
    short = rev.seconds < minimum
    table = _rate_table(rev.encoding, short, config.confidence)
    table["mean_seconds"] = np.bincount(rev.encoding.codes, weights=rev.seconds, minlength=len(table)) / np.maximum(table["n"], 1)
    judged = table["n"] >= config.min_reviews
    flagged = table[judged & (table["rate"] > config.max_short_review_share)]
    overall = float(short.mean())
    status = Status.FAIL if len(flagged) or overall > config.max_short_review_share else Status.PASS
    names = ", ".join(f"{r.group} ({_pct(r.rate)} of {int(r.n):,} reviews)" for r in flagged.itertuples())
    message = (f"{_pct(overall)} of {len(short):,} reviews took less than the minimum of {minimum:g} s"
               + (f"; reviewers above the limit of {_pct(config.max_short_review_share)}: {names}." if names else "."))
    rows = [{"reviewer": r.group, "reviews": int(r.n), "short_reviews": int(r.events), "short_share": float(r.rate),
             "short_share_ci": ci_pair(r.low, r.high), "mean_seconds": float(r.mean_seconds),
             "judged": bool(r.n >= config.min_reviews), "flagged": r.group in set(flagged["group"])}
            for r in table.itertuples()]
    idx = np.flatnonzero(rev.mask)[short]
    who = np.asarray(rev.encoding.labels, dtype=object)[rev.encoding.codes[short]]
    detail = [f"review took {s:.0f} s (minimum {minimum:g} s) by {w}" for s, w in zip(rev.seconds[short], who)]
    mask = np.zeros(log.n, dtype=bool)
    mask[idx] = True
    violations = _violations(log, mask, check, detail)
    return CheckResult(Finding(
        auditor=AUDITOR, check=check, status=status, severity=Severity.HIGH if status is Status.FAIL else Severity.INFO,
        value=overall, threshold=config.max_short_review_share, operator="<=", groups=tuple(flagged["group"]),
        evidence={"min_review_seconds": minimum, "reviews": int(len(short)), "short_reviews": int(short.sum()),
                  "reviewers": rows, "min_reviews": config.min_reviews, "confidence": config.confidence,
                  **_case_file(len(idx))},
        message=message, principles=_HUMAN, references=refs,
    ), violations)


def rubber_stamping(log: DecisionLog, rev: Reviews | None, config: OversightConfig) -> CheckResult:
    """Reviewers who agree with the model so often (interval above the threshold) that review looks automatic."""
    check = "oversight.rubber_stamping"
    refs = (REF_AUTOMATION_BIAS, REF_OVERSIGHT, REF_NIST_MANAGE)
    if rev is None:
        return _no_reviews(check, refs)
    agree = log.final_decision[rev.mask] == log.recommendation[rev.mask]
    return CheckResult(rubber_stamping_finding(_rate_table(rev.encoding, agree, config.confidence),
                                               float(agree.mean()), config))


def rubber_stamping_finding(table: pd.DataFrame, overall: float, config: OversightConfig) -> Finding:
    """The rubber-stamping finding from the per-reviewer agreement table and the overall agreement."""
    check = "oversight.rubber_stamping"
    refs = (REF_AUTOMATION_BIAS, REF_OVERSIGHT, REF_NIST_MANAGE)
    judged = table["n"] >= config.min_reviews
    flagged = table[judged & (table["low"] > config.rubber_stamp_agreement)]
    worst = float(table.loc[judged, "low"].max()) if judged.any() else None
    status = Status.FAIL if len(flagged) else Status.PASS
    if len(flagged):
        names = "; ".join(f"{r.group} agreed with the model in {_pct(r.rate)} of {int(r.n):,} reviews "
                          f"(interval {_pct(r.low)}–{_pct(r.high)})" for r in flagged.itertuples())
        message = (f"{len(flagged)} reviewer(s) agree with the model more than {_pct(config.rubber_stamp_agreement)} of "
                   f"the time beyond doubt, a sign of rubber-stamping: {names}.")
    else:
        message = (f"No reviewer with at least {config.min_reviews} reviews agrees with the model more than "
                   f"{_pct(config.rubber_stamp_agreement)} of the time beyond doubt "
                   f"(overall agreement {_pct(overall)}).")
    rows = [{"reviewer": r.group, "reviews": int(r.n), "agreements": int(r.events), "agreement": float(r.rate),
             "agreement_ci": ci_pair(r.low, r.high), "judged": bool(r.n >= config.min_reviews),
             "flagged": r.group in set(flagged["group"])} for r in table.itertuples()]
    return Finding(
        auditor=AUDITOR, check=check, status=status, severity=Severity.HIGH if len(flagged) else Severity.INFO,
        value=worst, threshold=config.rubber_stamp_agreement, operator="<=", groups=tuple(flagged["group"]),
        evidence={"reviewers": rows, "overall_agreement": overall, "min_reviews": config.min_reviews,
                  "interval": "wilson", "confidence": config.confidence,
                  "rule": "flagged when the interval's lower end exceeds the threshold"},
        message=message, principles=_HUMAN, references=refs,
    )


# -- appeals --------------------------------------------------------------------------------------
def appeal_timeliness(log: DecisionLog, config: OversightConfig) -> CheckResult:
    """Appeals decided within the deadline; open appeals older than the deadline count as late."""
    check = "oversight.appeal_timeliness"
    refs = (REF_OMB, REF_NIST_MANAGE, REF_DADM)
    if not log.has_appeals:
        return CheckResult(Finding(auditor=AUDITOR, check=check, status=Status.SKIPPED, severity=Severity.INFO,
                                   message="The decision log has no appeal columns.", principles=_HUMAN,
                                   references=refs))
    assert log.appeal_filed is not None and log.appeal_filed_at is not None and log.appeal_decided_at is not None
    deadline = config.policy.appeal_deadline_days
    filed = log.appeal_filed
    day = np.timedelta64(86_400_000_000, "us")
    closed = filed & ~np.isnat(log.appeal_decided_at)
    days = (log.appeal_decided_at - log.appeal_filed_at) / day
    open_days = (log.as_of - log.appeal_filed_at) / day
    with np.errstate(invalid="ignore"):
        late_closed = closed & (days > deadline)
        late_open = filed & ~closed & (open_days > deadline)
    late = late_closed | late_open
    n_filed, n_late = int(filed.sum()), int(late.sum())
    share = n_late / n_filed if n_filed else None
    ok = share is None or share <= config.max_late_appeal_share
    assert log.appeal_month is not None
    labels, codes = np.unique(log.appeal_month[filed], return_inverse=True)
    late_by_month = np.bincount(codes, weights=late[filed], minlength=len(labels))
    message = (f"{n_late:,} of {n_filed:,} appeals ({_pct(share)}) were decided after the {deadline:g}-day deadline "
               f"or are still open past it" + (f" ({int(late_open.sum()):,} still open)" if late_open.any() else "") + "."
               if n_filed else "No appeal was filed.")
    detail = np.where(late_closed[late], [f"appeal decided after {d:.1f} days" for d in days[late]],
                      [f"appeal open for {d:.1f} days" for d in open_days[late]])
    detail = [f"{d} (deadline {deadline:g})" for d in detail]
    return CheckResult(Finding(
        auditor=AUDITOR, check=check, status=Status.PASS if ok else Status.FAIL,
        severity=Severity.INFO if ok else Severity.MEDIUM, value=share, threshold=config.max_late_appeal_share,
        operator="<=",
        evidence={"appeals": n_filed, "decided": int(closed.sum()), "open": int((filed & ~closed).sum()),
                  "late_decided": int(late_closed.sum()), "late_open": int(late_open.sum()),
                  "deadline_days": deadline, "mean_days_to_decision": float(np.nanmean(days[closed])) if closed.any() else None,
                  "late_by_filing_month": {str(m): int(c) for m, c in zip(labels, late_by_month) if c},
                  "as_of": str(log.as_of) + "Z", **_case_file(n_late)},
        message=message, principles=(Principle.PEOPLE_ORIENTED,), references=refs,
    ), _violations(log, late, check, detail))


# -- automation drift -----------------------------------------------------------------------------
def automation_drift(log: DecisionLog, config: OversightConfig) -> CheckResult:
    """Share of cases decided without a person, per calendar month (in the log's time zone), gated."""
    decided = log.decided
    months = log.month[decided]
    labels, codes = np.unique(months, return_inverse=True)
    encoding = GroupEncoding(codes=codes.astype(np.int64), labels=tuple(str(m) for m in labels), columns=("month",))
    unreviewed = ~log.reviewed[decided]
    return CheckResult(drift_finding(_rate_table(encoding, unreviewed, config.confidence), log.timezone, config))


def drift_finding(table: pd.DataFrame, timezone: str, config: OversightConfig) -> Finding:
    """The automation-drift finding from the per-month table of cases decided without a person."""
    check = "oversight.automation_drift"
    gate = config.policy.max_unreviewed_share
    worst_i = int(np.nanargmax(table["rate"].to_numpy())) if len(table) else None
    worst = float(table["rate"].iat[worst_i]) if worst_i is not None else None
    over = table[table["rate"] > gate] if gate is not None else table.iloc[0:0]
    spread = float(table["rate"].max() - table["rate"].min()) if len(table) else None
    rows = [{"month": r.group, "decided": int(r.n), "without_person": int(r.events), "share": float(r.rate),
             "share_ci": ci_pair(r.low, r.high)} for r in table.itertuples()]
    if gate is None:
        status = Status.PASS
        message = (f"The share of cases decided without a person ranged from {_pct(float(table['rate'].min()))} to "
                   f"{_pct(worst)} a month; the policy sets no limit.")
    elif len(over):
        status = Status.FAIL
        months_text = ", ".join(f"{r.group} ({_pct(r.rate)})" for r in over.itertuples())
        message = (f"In {len(over)} month(s) more than {_pct(gate)} of cases were decided without a person: "
                   f"{months_text}.")
    else:
        status = Status.PASS
        message = (f"In every month at most {_pct(gate)} of cases were decided without a person "
                   f"(highest: {_pct(worst)} in {table['group'].iat[worst_i]}).")
    return Finding(
        auditor=AUDITOR, check=check, status=status, severity=Severity.HIGH if status is Status.FAIL else Severity.INFO,
        value=worst, threshold=gate, operator="<=" if gate is not None else None, groups=tuple(over["group"]),
        evidence={"months": rows, "spread": spread, "timezone": timezone, "confidence": config.confidence},
        message=message, principles=(Principle.PEOPLE_ORIENTED, Principle.SUSTAINABILITY),
        references=(REF_OVERSIGHT, REF_DADM, REF_NIST_MANAGE),
    )
