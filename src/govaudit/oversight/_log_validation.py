"""Validating a decision log in memory: a raw table in, a :class:`DecisionLog` of plain arrays out.

:func:`validate_decision_log` applies the format's rules one after another (columns, ids, times,
values, reviews, appeals) and raises at the first one broken, with a message naming the column and,
where cases broke it, one such case. An engine holding the log (``_engine_*``) checks the same rules
in the same order with the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight._log_messages import (
    MSG_APPEAL_PARTIAL,
    MSG_DUPLICATES,
    MSG_EMPTY,
    MSG_MISSING_COLUMNS,
    MSG_NEEDS,
    MSG_NOT_FRAME,
    MSG_ORDER,
    MSG_OUTCOME,
    MSG_OVERRIDDEN,
    MSG_SENSITIVE,
    MSG_TS_ZONES,
    unknown_reviewers_message,
)
from govaudit.oversight._log_schema import (
    APPEAL_COLUMNS,
    BY_NAME,
    COLUMNS,
    OUTCOME_OVERTURNED,
    OUTCOME_UPHELD,
    TIMESTAMP_COLUMNS,
)
from govaudit.oversight._log_times import local_month, parse_times, utc_times, zone_name
from govaudit.oversight._log_values import binary, boolean, check_nulls, examples, first_case, ids_as_text, numbers

__all__ = ["DecisionLog", "validate_decision_log"]


@dataclass(frozen=True)
class DecisionLog:
    """A validated decision log as arrays, one entry per case.

    Times are ``datetime64[us]`` in UTC (NaT when absent); ``month`` is the calendar month of
    ``decided_at`` in the log's own time zone. Binary columns that may be empty are float (NaN =
    empty).
    """

    frame: pd.DataFrame
    case_id: pd.Series
    decided_at: np.ndarray
    month: np.ndarray
    score: np.ndarray
    recommendation: np.ndarray
    case_type: pd.Series | None
    review_required: np.ndarray
    reviewer_1: pd.Series
    reviewer_2: pd.Series | None
    review_started_at: np.ndarray
    review_ended_at: np.ndarray
    final_decision: np.ndarray
    appeal_filed: np.ndarray | None
    appeal_filed_at: np.ndarray | None
    appeal_overturned: np.ndarray | None
    appeal_decided_at: np.ndarray | None
    appeal_month: np.ndarray | None
    timezone: str
    as_of: np.datetime64

    @property
    def n(self) -> int:
        """Number of cases."""
        return len(self.case_id)

    @property
    def decided(self) -> np.ndarray:
        """Cases with a final decision."""
        return ~np.isnan(self.final_decision)

    @property
    def reviewed(self) -> np.ndarray:
        """Cases a person finished reviewing (a reviewer and an end time are logged)."""
        return self.reviewer_1.notna().to_numpy() & ~np.isnat(self.review_ended_at)

    @property
    def has_appeals(self) -> bool:
        """Whether the log carries the appeal columns."""
        return self.appeal_filed is not None


def validate_decision_log(
    log: Any,
    *,
    reviewers: Sequence[str] | None = None,
    sensitive_features: Sequence[str] = (),
    source: str = "decision log",
) -> DecisionLog:
    """Check a raw decision log and return it as arrays.

    Parameters
    ----------
    log : pandas.DataFrame
        The log as read from CSV or Parquet (see :data:`COLUMNS`).
    reviewers : sequence of str, optional
        The roster of authorised reviewer ids; any other id is an error.
    sensitive_features : sequence of str
        Columns that must be present for group analysis.
    source : str
        How errors name the log (usually its file path).

    Returns
    -------
    DecisionLog

    Raises
    ------
    ColumnError
        A required column is missing or holds values of the wrong kind.
    InputDataError
        Duplicate case ids, times out of order, times without or in mixed time zones, a reviewer not
        in the roster, or columns that contradict each other.
    """
    frame = _table(log, source)
    has_appeals = _check_columns(frame, sensitive_features, source)
    _check_ids(frame, source)
    times, zone = _times(frame, source)
    utc = {name: utc_times(t) for name, t in times.items()}
    score = numbers(frame, BY_NAME["score"], source)
    rec = binary(frame, BY_NAME["recommendation"], source).astype(np.int8)
    final = binary(frame, BY_NAME["final_decision"], source)
    required = boolean(frame, BY_NAME["review_required"], source).astype(bool)
    if "confidence" in frame.columns:
        numbers(frame, BY_NAME["confidence"], source)
    reviewer_1 = ids_as_text(frame, "reviewer_1")
    reviewer_2 = ids_as_text(frame, "reviewer_2") if "reviewer_2" in frame.columns else None
    _check_reviews(frame, utc, reviewer_1, reviewer_2, final, source)
    for column, ids in (("reviewer_1", reviewer_1), ("reviewer_2", reviewer_2)):
        if ids is not None:
            _check_roster(ids, column, reviewers, source)
    _check_overridden(frame, rec, final, source)
    filed, overturned = _appeals(frame, utc, source) if has_appeals else (None, None)
    # the latest time in the log (NaT is the smallest int64, so a max over the int view skips it)
    as_of = np.datetime64(max(int(a.view(np.int64).max()) for a in utc.values()), "us")
    return DecisionLog(
        frame=frame, case_id=frame["case_id"], decided_at=utc["decided_at"], month=local_month(times["decided_at"]),
        score=score, recommendation=rec, case_type=frame["case_type"] if "case_type" in frame.columns else None,
        review_required=required, reviewer_1=reviewer_1, reviewer_2=reviewer_2,
        review_started_at=utc["review_started_at"], review_ended_at=utc["review_ended_at"], final_decision=final,
        appeal_filed=filed, appeal_filed_at=utc.get("appeal_filed_at"), appeal_overturned=overturned,
        appeal_decided_at=utc.get("appeal_decided_at"),
        appeal_month=local_month(times["appeal_filed_at"]) if has_appeals else None,
        timezone=zone, as_of=as_of,
    )


def _table(log: Any, source: str) -> pd.DataFrame:
    """The log as a non-empty DataFrame indexed 0..n-1."""
    if not isinstance(log, pd.DataFrame):
        raise InputDataError(MSG_NOT_FRAME.format(type=type(log).__name__))
    if len(log) == 0:
        raise InputDataError(MSG_EMPTY.format(source=source))
    return log.reset_index(drop=True)


def _check_columns(frame: pd.DataFrame, sensitive_features: Sequence[str], source: str) -> bool:
    """The required columns, the appeal columns all or none, the sensitive features; whether appeals are logged."""
    missing = [c.name for c in COLUMNS if c.required and c.name not in frame.columns]
    if missing:
        raise ColumnError(MSG_MISSING_COLUMNS.format(source=source, missing=", ".join(map(repr, missing))))
    appeal_have = [c for c in APPEAL_COLUMNS if c in frame.columns]
    if appeal_have and len(appeal_have) < len(APPEAL_COLUMNS):
        raise ColumnError(MSG_APPEAL_PARTIAL.format(source=source, have=", ".join(appeal_have),
                                                    missing=", ".join(c for c in APPEAL_COLUMNS if c not in appeal_have)))
    for name in sensitive_features:
        if name not in frame.columns:
            raise ColumnError(MSG_SENSITIVE.format(source=source, column=name, have=", ".join(map(str, frame.columns))))
    return bool(appeal_have)


def _check_ids(frame: pd.DataFrame, source: str) -> None:
    """Every case has an id, each id once, and a model name and version."""
    ids = frame["case_id"]
    check_nulls(frame, "case_id", ids.isna().to_numpy(), source)
    if len(pd.unique(ids)) < len(ids):  # one hash pass; the duplicates are only listed on error
        dup = ids.duplicated(keep=False)
        raise InputDataError(MSG_DUPLICATES.format(source=source, n=int(ids[dup].nunique()),
                                                   examples=examples(pd.unique(ids[dup]))))
    for name in ("model_name", "model_version"):
        check_nulls(frame, name, frame[name].isna().to_numpy(), source)


def _times(frame: pd.DataFrame, source: str) -> tuple[dict[str, pd.Series], str]:
    """The time columns parsed, and their one zone (UTC when no time has one)."""
    times = {name: parse_times(frame, BY_NAME[name], source) for name in TIMESTAMP_COLUMNS if name in frame.columns}
    zones = sorted({zone_name(t.dt.tz) for t in times.values() if getattr(t.dt, "tz", None) is not None})
    if len(zones) > 1:
        raise InputDataError(MSG_TS_ZONES.format(source=source, zones=", ".join(zones)))
    return times, zones[0] if zones else "UTC"


def _check_reviews(frame: pd.DataFrame, utc: dict[str, np.ndarray], reviewer_1: pd.Series,
                   reviewer_2: pd.Series | None, final: np.ndarray, source: str) -> None:
    """A review ends after it starts, starts after the recommendation, and an ended review has what it needs."""
    has_r1 = reviewer_1.notna().to_numpy()
    start, end = utc["review_started_at"], utc["review_ended_at"]
    _order(frame, start, end, ("review_started_at", "review_ended_at"), source)
    _order(frame, utc["decided_at"], start, ("decided_at", "review_started_at"), source)
    _needs(frame, ~np.isnat(end), np.isnat(start), ("review_ended_at", "review_started_at"), source)
    _needs(frame, ~np.isnat(end), ~has_r1, ("review_ended_at", "reviewer_1"), source)
    _needs(frame, ~np.isnat(end), np.isnan(final), ("review_ended_at", "final_decision"), source)
    if reviewer_2 is not None:
        _needs(frame, reviewer_2.notna().to_numpy(), ~has_r1, ("reviewer_2", "reviewer_1"), source)


def _check_roster(series: pd.Series, column: str, roster: Sequence[str] | None, source: str) -> None:
    """Every reviewer id is on the policy's roster (when it has one)."""
    if roster is None:
        return
    outside = series.notna() & ~series.isin(list(set(roster)))  # vectorised; the names only on error
    if outside.any():
        raise InputDataError(unknown_reviewers_message({str(v) for v in series[outside]}, column, source))


def _check_overridden(frame: pd.DataFrame, rec: np.ndarray, final: np.ndarray, source: str) -> None:
    """A logged ``overridden`` agrees with whether the final decision differs from the recommendation."""
    if "overridden" not in frame.columns:
        return
    overridden = boolean(frame, BY_NAME["overridden"], source)
    decided = ~np.isnan(final)
    bad = decided & ~np.isnan(overridden) & ((overridden == 1) != (final != rec))
    if bad.any():
        raise InputDataError(MSG_OVERRIDDEN.format(source=source, n=int(bad.sum()), case=first_case(frame, bad)))


def _appeals(frame: pd.DataFrame, utc: dict[str, np.ndarray], source: str) -> tuple[np.ndarray, np.ndarray]:
    """Whether each case appealed, and whether its appeal was won (1), lost (0) or is pending (NaN)."""
    filed = boolean(frame, BY_NAME["appeal_filed"], source).astype(bool)
    filed_at, decided_at = utc["appeal_filed_at"], utc["appeal_decided_at"]
    outcome = frame["appeal_outcome"]
    known = outcome.isin([OUTCOME_OVERTURNED, OUTCOME_UPHELD]).to_numpy(dtype=bool)
    bad = outcome.notna().to_numpy() & ~known
    if bad.any():
        raise ColumnError(MSG_OUTCOME.format(source=source, examples=examples(pd.unique(outcome[bad]))))
    overturned = np.where(known, (outcome == OUTCOME_OVERTURNED).to_numpy(dtype=bool), np.nan)
    _needs(frame, filed, np.isnat(filed_at), ("appeal_filed = true", "appeal_filed_at"), source)
    _needs(frame, known, ~filed, ("an appeal_outcome", "appeal_filed = true"), source)
    _needs(frame, known, np.isnat(decided_at), ("an appeal_outcome", "appeal_decided_at"), source)
    _needs(frame, ~np.isnat(decided_at), ~known, ("appeal_decided_at", "appeal_outcome"), source)
    _order(frame, filed_at, decided_at, ("appeal_filed_at", "appeal_decided_at"), source)
    return filed, overturned


def _order(frame: pd.DataFrame, earlier: np.ndarray, later: np.ndarray, names: tuple[str, str], source: str) -> None:
    """No case has ``names[1]`` before ``names[0]`` (where both are logged)."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isnat(earlier) & ~np.isnat(later) & (later < earlier)
    if bad.any():
        raise InputDataError(MSG_ORDER.format(source=source, earlier=names[0], later=names[1], n=int(bad.sum()),
                                              case=first_case(frame, bad)))


def _needs(frame: pd.DataFrame, present: np.ndarray, absent: np.ndarray, names: tuple[str, str], source: str) -> None:
    """No case has ``names[0]`` (``present``) without ``names[1]`` (``absent``)."""
    bad = present & absent
    if bad.any():
        raise InputDataError(MSG_NEEDS.format(source=source, present=names[0], absent=names[1], n=int(bad.sum()),
                                              case=first_case(frame, bad)))
