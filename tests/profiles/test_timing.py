"""Time rules: working days against a plain day-by-day count, one-year age, six-month retention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from govaudit.profiles import working_days_after, working_days_between
from govaudit.profiles._timing import check_time_rule, one_year_after


def slow_count(start: date, end: date, holidays=()) -> int:
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += day.weekday() < 5 and day not in holidays
    return days


@pytest.mark.parametrize("start, end", [(date(2026, 1, 2), date(2026, 1, 16)), (date(2026, 1, 3), date(2026, 1, 5)),
                                        (date(2026, 2, 27), date(2026, 3, 31)), (date(2026, 1, 5), date(2026, 1, 5))])
def test_working_days_match_a_day_by_day_count(start, end):
    assert working_days_between(start, end) == slow_count(start, end)
    holidays = (date(2026, 1, 12), date(2026, 3, 2))
    assert working_days_between(start, end, holidays) == slow_count(start, end, holidays)


def test_filing_deadline_is_ten_working_days():
    # launched Monday 2026-01-05: ten working days end on Monday 2026-01-19
    assert working_days_after(date(2026, 1, 5), 10) == date(2026, 1, 19)
    assert slow_count(date(2026, 1, 5), date(2026, 1, 19)) == 10
    # a listed holiday pushes it one working day
    assert working_days_after(date(2026, 1, 5), 10, [date(2026, 1, 12)]) == date(2026, 1, 20)
    doc = {"launch_date": "2026-01-05", "filing_date": "2026-01-20", "holidays": ["2026-01-12"]}
    result = check_time_rule("filing_within_10_working_days", doc, today=date(2026, 2, 1), run_date=date(2026, 2, 1))
    assert result.ok and result.evidence["working_days"] == 10
    doc.pop("holidays")
    assert not check_time_rule("filing_within_10_working_days", doc, today=date(2026, 2, 1),
                               run_date=date(2026, 2, 1)).ok


def test_audit_age_uses_the_run_date_unless_declared():
    run = date(2025, 3, 1)
    assert check_time_rule("audit_age_one_year", {}, today=date(2026, 3, 1), run_date=run).ok
    assert not check_time_rule("audit_age_one_year", {}, today=date(2026, 3, 2), run_date=run).ok
    assert one_year_after(date(2024, 2, 29)) == date(2025, 2, 28)


def test_log_retention():
    today = date(2026, 6, 30)
    assert check_time_rule("log_retention_six_months", {}, today=today, run_date=today).ok is None
    assert not check_time_rule("log_retention_six_months", {"log_retention_days": 90}, today=today, run_date=today).ok
    assert check_time_rule("log_retention_six_months", {"log_retention_days": 183}, today=today, run_date=today).ok
    # a system in use since 2026-05-01 cannot hold six months of logs: they must reach back to its start
    young = {"log_retention_days": 365, "logs_kept_since": "2026-05-01", "distribution_date": "2026-05-01"}
    assert check_time_rule("log_retention_six_months", young, today=today, run_date=today).ok
    young["logs_kept_since"] = "2026-06-01"
    assert not check_time_rule("log_retention_six_months", young, today=today, run_date=today).ok
