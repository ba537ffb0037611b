"""Time rules: audit age, log retention and filing windows, checked against declared dates.

Working days are Monday to Friday; public holidays are not known to govaudit, so a spec lists the
ones that apply in ``[documentation] holidays`` (they are then excluded too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

__all__ = ["TimeResult", "check_time_rule", "one_year_after", "working_days_after", "working_days_between"]

#: EU AI Act Art. 19(1), 26(6): "at least six months"; counted as 183 days (half of a leap year, rounded up).
SIX_MONTHS_DAYS = 183


@dataclass(frozen=True)
class TimeResult:
    """Outcome of one time rule: ``ok`` is None when a date it needs was not declared."""

    rule: str
    ok: bool | None
    message: str
    evidence: dict[str, Any]


def working_days_between(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days (Mon-Fri, minus ``holidays``) after ``start`` up to and including ``end``."""
    if end <= start:
        return -int(np.busday_count(end, start, holidays=list(holidays)))
    # busday_count counts [start, end); shift by one day to count (start, end]
    return int(np.busday_count(np.datetime64(start) + 1, np.datetime64(end) + 1, holidays=list(holidays)))


def working_days_after(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (the last day of a filing window)."""
    return np.busday_offset(np.datetime64(start), days, roll="forward", holidays=list(holidays)).astype(date)


def one_year_after(day: date) -> date:
    """The same calendar date a year later (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _audit_age(doc: Mapping[str, Any], today: date, run_date: date) -> TimeResult:
    audit_date = date.fromisoformat(doc["audit_date"]) if "audit_date" in doc else run_date
    expires = one_year_after(audit_date)
    ok = audit_date <= today <= expires
    return TimeResult("audit_age_one_year", ok,
                      f"The bias audit of {audit_date} is {'within' if ok else 'outside'} one year of {today} "
                      f"(valid until {expires}).",
                      {"audit_date": audit_date.isoformat(), "as_of": today.isoformat(), "valid_until": expires.isoformat()})


def _retention(doc: Mapping[str, Any], today: date, run_date: date) -> TimeResult:
    if "log_retention_days" not in doc:
        return TimeResult("log_retention_six_months", None, "No log retention period is declared.", {})
    days = int(doc["log_retention_days"])
    evidence: dict[str, Any] = {"log_retention_days": days, "required_days": SIX_MONTHS_DAYS}
    ok = days >= SIX_MONTHS_DAYS
    message = f"Decision logs are kept {days} days; at least {SIX_MONTHS_DAYS} (six months) are required"
    if ok and "logs_kept_since" in doc:
        # logs must reach back six months, or to the start of use when the system is younger than that
        since = date.fromisoformat(doc["logs_kept_since"])
        started = doc.get("distribution_date") or doc.get("launch_date")
        needed_from = today - timedelta(days=SIX_MONTHS_DAYS)
        if started is not None:
            needed_from = max(needed_from, date.fromisoformat(started))
        evidence.update(logs_kept_since=since.isoformat(), needed_from=needed_from.isoformat())
        if since > needed_from:
            ok = False
            message += f"; but the logs held start on {since}, after {needed_from}"
    return TimeResult("log_retention_six_months", ok, message + ".", evidence)


def _filing(doc: Mapping[str, Any], start_key: str, end_key: str, rule: str) -> TimeResult:
    if start_key not in doc or end_key not in doc:
        missing = [k for k in (start_key, end_key) if k not in doc]
        return TimeResult(rule, None, f"No {' or '.join(missing)} is declared.", {"missing": missing})
    start, end = date.fromisoformat(doc[start_key]), date.fromisoformat(doc[end_key])
    holidays = [date.fromisoformat(h) for h in doc.get("holidays", ())]
    used = working_days_between(start, end, holidays)
    deadline = working_days_after(start, 10, holidays)
    ok = 0 <= used <= 10
    return TimeResult(rule, ok,
                      f"Filed {used} working days after {start_key.replace('_', ' ')} {start} "
                      f"(deadline {deadline}; holidays listed: {len(holidays)}).",
                      {start_key: start.isoformat(), end_key: end.isoformat(), "working_days": used,
                       "deadline": deadline.isoformat(), "holidays_listed": len(holidays)})


def check_time_rule(rule: str, documentation: Mapping[str, Any], *, today: date, run_date: date) -> TimeResult:
    """Check one time rule against the (validated, JSON-form) documentation values."""
    if rule == "audit_age_one_year":
        return _audit_age(documentation, today, run_date)
    if rule == "log_retention_six_months":
        return _retention(documentation, today, run_date)
    if rule == "filing_within_10_working_days":
        return _filing(documentation, "launch_date", "filing_date", rule)
    if rule == "change_filing_within_10_working_days":
        return _filing(documentation, "change_date", "change_filing_date", rule)
    raise ValueError(f"unknown time rule {rule!r}")
