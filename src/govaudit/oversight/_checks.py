"""Oversight checks: coverage, two-person rule, review time, rubber-stamping, appeal timeliness and
automation drift.

Each check builds one finding (aggregates and pseudonymous reviewer ids only) from
:class:`~govaudit.oversight._flags.CaseFlags`, which a validated in-memory log and a backend's
aggregated log both provide, so the two give the same findings. The cases behind them are listed
by ``_violations``. Per-reviewer and per-month rates have Wilson intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import GroupEncoding, ci_pair, encode_groups, rate_parts, wilson_interval
from govaudit.oversight._config import OversightConfig
from govaudit.oversight._flags import CaseFlags, count, count_by, sum_by
from govaudit.oversight._log_times import US_PER_DAY

__all__ = [
    "AUDITOR",
    "CASE_FILE",
    "Reviews",
    "appeal_timeliness",
    "automation_drift",
    "flag_findings",
    "rate_table_from_counts",
    "review_coverage",
    "review_time",
    "reviews",
    "rubber_stamping",
    "two_person_masks",
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


def _share(x: int, n: int) -> float | None:
    return x / n if n else None


def _pct(value: float | None) -> str:
    return "undefined" if value is None else f"{100 * value:.1f}%"


def _case_file(rows: int) -> dict[str, object]:
    return {"case_file": CASE_FILE, "rows": int(rows)}


def rate_table_from_counts(labels: tuple[str, ...], counts: np.ndarray, confidence: float) -> pd.DataFrame:
    """Per-group count, events, rate and Wilson interval from a ``[no event, event]`` counts table."""
    x, n = rate_parts(counts, "selection_rate")
    low, high = wilson_interval(x, n, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, x / np.maximum(n, 1), np.nan)
    return pd.DataFrame({"group": list(labels), "n": n, "events": x, "rate": rate, "low": low, "high": high})


def _rate_table(flags: CaseFlags, labels: tuple[str, ...], codes: np.ndarray, mask: np.ndarray,
                event: np.ndarray, confidence: float) -> pd.DataFrame:
    """Cases and events per group among ``mask`` (``codes`` index the selected entries)."""
    n = count_by(flags, codes, len(labels), mask)
    x = count_by(flags, codes, len(labels), mask, event)
    return rate_table_from_counts(labels, np.stack([n - x, x], axis=1), confidence)


def _months(months: np.ndarray, mask: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    labels, codes = np.unique(months[mask], return_inverse=True)
    return tuple(str(m) for m in labels), codes.astype(np.int64)


# -- coverage -------------------------------------------------------------------------------------
def review_coverage(flags: CaseFlags, config: OversightConfig) -> Finding:
    """Every decided case the policy (or the log's own flag) marks for review was reviewed by a person."""
    routing = flags.routing
    required = routing.required | flags.review_required
    target = required & flags.decided
    unreviewed = target & ~flags.reviewed
    n_target, n_missed = count(flags, target), count(flags, unreviewed)
    coverage = 1.0 - n_missed / n_target if n_target else None
    low, high = wilson_interval(n_target - n_missed, n_target, config.confidence) if n_target else (np.nan, np.nan)
    by_reason = {name: count(flags, mask & unreviewed) for name, mask in
                 (("adverse", routing.adverse), ("uncertain", routing.uncertain),
                  ("case_type", routing.flagged_type | routing.two_person),
                  ("logged_as_required_only", flags.review_required & ~routing.required))}
    labels, codes = _months(flags.month, target)
    per_month = count_by(flags, codes, len(labels), target, unreviewed)
    months = {m: int(c) for m, c in zip(labels, per_month) if c}
    ok = coverage is None or coverage >= config.min_review_coverage
    status = Status.PASS if ok else Status.FAIL
    message = (f"A person reviewed {n_target - n_missed:,} of the {n_target:,} decided cases the policy marks for "
               f"review ({_pct(coverage)})" + (f"; {n_missed:,} were decided without anyone" if n_missed else "")
               + (f", most in {max(months, key=months.get)} ({max(months.values()):,})" if months else "") + ".")
    if not n_target:
        message = "No decided case in the log needed review under the policy."
    return Finding(
        auditor=AUDITOR, check="oversight.review_coverage", status=status,
        severity=Severity.HIGH if status is Status.FAIL else Severity.INFO,
        value=coverage, threshold=config.min_review_coverage, operator=">=",
        evidence={"required_decided": n_target, "reviewed": n_target - n_missed, "unreviewed": n_missed,
                  "coverage_ci": ci_pair(low, high), "confidence": config.confidence,
                  "pending": count(flags, required & ~flags.decided), "unreviewed_by_reason": by_reason,
                  "unreviewed_by_month": months,
                  "required_by_policy_not_flagged_in_log": count(flags, routing.required & ~flags.review_required),
                  **_case_file(n_missed)},
        message=message, principles=_HUMAN, references=(REF_OVERSIGHT, REF_DADM, REF_OMB),
    )


# -- two-person rule ------------------------------------------------------------------------------
def two_person_masks(flags: CaseFlags) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cases that need two reviewers, those lacking a second one, those verified by the same person twice."""
    target = flags.routing.two_person & flags.decided
    has_first = flags.reviewer.notna().to_numpy()
    return target, target & ~(has_first & flags.has_second), target & flags.same_reviewer


def two_person_rule(flags: CaseFlags, config: OversightConfig) -> Finding:
    """Cases needing two-person verification were decided by two distinct reviewers."""
    check = "oversight.two_person_rule"
    if not (config.policy.two_person_case_types or config.policy.two_person_adverse):
        return Finding(auditor=AUDITOR, check=check, status=Status.SKIPPED, severity=Severity.INFO,
                       message="The policy requires no two-person verification.",
                       principles=_HUMAN, references=(REF_TWO_PERSONS,))
    target, missing, same = two_person_masks(flags)
    n_target, n_missing, n_same = count(flags, target), count(flags, missing), count(flags, same)
    n_bad = count(flags, missing | same)
    repeaters: dict[str, int] = {}
    if same.any():
        encoding = encode_groups(pd.Series(flags.reviewer[same].to_numpy(dtype=object), name="reviewer"),
                                 max_levels=_MAX_REVIEWERS)
        per = count_by(flags, encoding.codes, encoding.n_groups, same)
        order = sorted(range(encoding.n_groups), key=lambda g: (-int(per[g]), encoding.labels[g]))
        repeaters = {encoding.labels[g]: int(per[g]) for g in order if per[g]}
    status = Status.FAIL if n_bad else Status.PASS
    message = (f"Of {n_target:,} decided cases that need two distinct reviewers, {n_bad:,} did not have them "
               f"({n_missing:,} with fewer than two reviewers, {n_same:,} verified by the same "
               "person twice)." if n_bad else
               f"All {n_target:,} decided cases that need two distinct reviewers had them.")
    return Finding(
        auditor=AUDITOR, check=check, status=status, severity=Severity.HIGH if n_bad else Severity.INFO,
        value=float(n_bad), threshold=0.0, operator="<=", groups=tuple(repeaters),
        evidence={"required_decided": n_target, "violations": n_bad, "missing_second_reviewer": n_missing,
                  "same_reviewer_twice": n_same, "same_reviewer_twice_by_reviewer": repeaters,
                  **_case_file(n_bad)},
        message=message, principles=_HUMAN, references=(REF_TWO_PERSONS, REF_OVERSIGHT),
    )


# -- reviewers: time and agreement ---------------------------------------------------------------
@dataclass(frozen=True)
class Reviews:
    """The reviewed, decided entries and their primary reviewer's group codes, encoded once for both reviewer checks."""

    mask: np.ndarray
    encoding: GroupEncoding


def reviews(flags: CaseFlags) -> Reviews | None:
    """Encode the primary reviewer of each reviewed, decided case (None when there is none)."""
    mask = flags.reviewed & flags.decided
    if not mask.any():
        return None
    reviewer = flags.reviewer[mask]
    if not isinstance(reviewer, pd.Series):
        reviewer = pd.Series(reviewer)
    return Reviews(mask, encode_groups(reviewer.rename("reviewer"), max_levels=_MAX_REVIEWERS))


def _no_reviews(check: str, refs: tuple[str, ...]) -> Finding:
    return Finding(auditor=AUDITOR, check=check, status=Status.SKIPPED, severity=Severity.INFO,
                   message="No case in the log was reviewed by a person, so there is nothing to judge.",
                   principles=_HUMAN, references=refs)


def review_time(flags: CaseFlags, rev: Reviews | None, config: OversightConfig) -> Finding:
    """Reviews shorter than the policy's minimum, overall and by reviewer."""
    check = "oversight.review_time"
    refs = (REF_AUTOMATION_BIAS, REF_OVERSIGHT)
    if rev is None:
        return _no_reviews(check, refs)
    minimum = config.policy.min_review_seconds
    enc = rev.encoding
    table = _rate_table(flags, enc.labels, enc.codes, rev.mask, flags.short, config.confidence)
    # integer microseconds summed exactly, so the mean is the same whichever engine summed them
    total_us = sum_by(enc.codes, enc.n_groups, flags.review_us[rev.mask])
    table["mean_seconds"] = total_us / np.maximum(table["n"].to_numpy(), 1) / 1e6
    judged = table["n"] >= config.min_reviews
    flagged = table[judged & (table["rate"] > config.max_short_review_share)]
    n_reviews, n_short = int(table["n"].sum()), int(table["events"].sum())
    overall = n_short / n_reviews
    status = Status.FAIL if len(flagged) or overall > config.max_short_review_share else Status.PASS
    names = ", ".join(f"{r.group} ({_pct(r.rate)} of {int(r.n):,} reviews)" for r in flagged.itertuples())
    message = (f"{_pct(overall)} of {n_reviews:,} reviews took less than the minimum of {minimum:g} s"
               + (f"; reviewers above the limit of {_pct(config.max_short_review_share)}: {names}." if names else "."))
    rows = [{"reviewer": r.group, "reviews": int(r.n), "short_reviews": int(r.events), "short_share": float(r.rate),
             "short_share_ci": ci_pair(r.low, r.high), "mean_seconds": float(r.mean_seconds),
             "judged": bool(r.n >= config.min_reviews), "flagged": r.group in set(flagged["group"])}
            for r in table.itertuples()]
    return Finding(
        auditor=AUDITOR, check=check, status=status, severity=Severity.HIGH if status is Status.FAIL else Severity.INFO,
        value=overall, threshold=config.max_short_review_share, operator="<=", groups=tuple(flagged["group"]),
        evidence={"min_review_seconds": minimum, "reviews": n_reviews, "short_reviews": n_short,
                  "reviewers": rows, "min_reviews": config.min_reviews, "confidence": config.confidence,
                  **_case_file(n_short)},
        message=message, principles=_HUMAN, references=refs,
    )


def rubber_stamping(flags: CaseFlags, rev: Reviews | None, config: OversightConfig) -> Finding:
    """Reviewers who agree with the model so often (interval above the threshold) that review looks automatic."""
    check = "oversight.rubber_stamping"
    refs = (REF_AUTOMATION_BIAS, REF_OVERSIGHT, REF_NIST_MANAGE)
    if rev is None:
        return _no_reviews(check, refs)
    agree = flags.final_decision == flags.recommendation
    table = _rate_table(flags, rev.encoding.labels, rev.encoding.codes, rev.mask, agree, config.confidence)
    overall = int(table["events"].sum()) / int(table["n"].sum())
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
def appeal_timeliness(flags: CaseFlags, config: OversightConfig) -> Finding:
    """Appeals decided within the deadline; open appeals older than the deadline count as late."""
    check = "oversight.appeal_timeliness"
    refs = (REF_OMB, REF_NIST_MANAGE, REF_DADM)
    a = flags.appeals
    if a is None:
        return Finding(auditor=AUDITOR, check=check, status=Status.SKIPPED, severity=Severity.INFO,
                       message="The decision log has no appeal columns.", principles=_HUMAN, references=refs)
    deadline = config.policy.appeal_deadline_days
    late = a.late_closed | a.late_open
    n_filed, n_late, n_closed = count(flags, a.filed), count(flags, late), count(flags, a.closed)
    n_late_open = count(flags, a.late_open)
    share = n_late / n_filed if n_filed else None
    ok = share is None or share <= config.max_late_appeal_share
    labels, codes = _months(a.month, a.filed)
    late_by_month = count_by(flags, codes, len(labels), a.filed, late)
    # integer microseconds summed exactly, then one division: the same mean from rows and from counts
    mean_days = int(a.decision_us[a.closed].sum()) / n_closed / US_PER_DAY if n_closed else None
    message = (f"{n_late:,} of {n_filed:,} appeals ({_pct(share)}) were decided after the {deadline:g}-day deadline "
               f"or are still open past it" + (f" ({n_late_open:,} still open)" if n_late_open else "") + "."
               if n_filed else "No appeal was filed.")
    return Finding(
        auditor=AUDITOR, check=check, status=Status.PASS if ok else Status.FAIL,
        severity=Severity.INFO if ok else Severity.MEDIUM, value=share, threshold=config.max_late_appeal_share,
        operator="<=",
        evidence={"appeals": n_filed, "decided": n_closed, "open": n_filed - n_closed,
                  "late_decided": count(flags, a.late_closed), "late_open": n_late_open,
                  "deadline_days": deadline, "mean_days_to_decision": mean_days,
                  "late_by_filing_month": {m: int(c) for m, c in zip(labels, late_by_month) if c},
                  "as_of": str(a.as_of) + "Z", **_case_file(n_late)},
        message=message, principles=(Principle.PEOPLE_ORIENTED,), references=refs,
    )


# -- automation drift -----------------------------------------------------------------------------
def automation_drift(flags: CaseFlags, config: OversightConfig) -> Finding:
    """Share of cases decided without a person, per calendar month (in the log's time zone), gated."""
    check = "oversight.automation_drift"
    labels, codes = _months(flags.month, flags.decided)
    table = _rate_table(flags, labels, codes, flags.decided, ~flags.reviewed, config.confidence)
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
        evidence={"months": rows, "spread": spread, "timezone": flags.timezone, "confidence": config.confidence},
        message=message, principles=(Principle.PEOPLE_ORIENTED, Principle.SUSTAINABILITY),
        references=(REF_OVERSIGHT, REF_DADM, REF_NIST_MANAGE),
    )


def flag_findings(flags: CaseFlags, config: OversightConfig) -> list[Finding]:
    """Every check's finding, in the auditor's order (group comparisons are in ``_fairness``)."""
    rev = reviews(flags)
    return [review_coverage(flags, config), two_person_rule(flags, config), review_time(flags, rev, config),
            rubber_stamping(flags, rev, config), appeal_timeliness(flags, config), automation_drift(flags, config)]
