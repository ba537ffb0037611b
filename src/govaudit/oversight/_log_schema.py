"""The decision-log format: its columns, their validation, and its published JSON Schema.

A decision log has one row per case: what the model recommended, whether the policy required a
person, who reviewed it and for how long, the final decision, and any appeal. The runtime guard
writes it, the oversight auditor reads it, and :data:`COLUMNS` is the one definition both follow.
Validation turns a raw table (as read from CSV or Parquet) into plain arrays, or raises an
:class:`~govaudit.exceptions.InputDataError` naming the column and what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError

__all__ = [
    "COLUMNS",
    "DECISION_LOG_SCHEMA_VERSION",
    "DecisionLog",
    "LogColumn",
    "OUTCOME_OVERTURNED",
    "OUTCOME_UPHELD",
    "decision_log_json_schema",
    "validate_decision_log",
]

Kind = Literal["string", "timestamp", "number", "binary", "boolean"]

OUTCOME_UPHELD = "upheld"
#: Version of the decision-log format (part of the published schema's ``$id``).
DECISION_LOG_SCHEMA_VERSION = "1.0"
OUTCOME_OVERTURNED = "overturned"


@dataclass(frozen=True)
class LogColumn:
    """One column of the decision log."""

    name: str
    kind: Kind
    required: bool
    nullable: bool
    description: str


#: The decision-log columns. Any other column is kept (e.g. sensitive features for group analysis).
COLUMNS: tuple[LogColumn, ...] = (
    LogColumn("case_id", "string", True, False, "Identifier of the case; unique in the log."),
    LogColumn("decided_at", "timestamp", True, False, "When the model made its recommendation."),
    LogColumn("model_name", "string", True, False, "Name of the model that made the recommendation."),
    LogColumn("model_version", "string", True, False, "Version of that model."),
    LogColumn("score", "number", True, False, "Model score, higher = more favourable (probability of the favourable outcome)."),
    LogColumn("recommendation", "binary", True, False, "The model's recommendation: 1 = favourable (e.g. grant), 0 = adverse."),
    LogColumn("confidence", "number", False, True, "The model's confidence in its recommendation."),
    LogColumn("case_type", "string", False, True, "Kind of case (e.g. 'fraud_suspected'); the policy may route by it."),
    LogColumn("review_required", "boolean", True, False, "Whether the policy required a person to review the case."),
    LogColumn("review_reason", "string", False, True, "Why review was required: 'adverse', 'uncertain', 'case_type', joined by ';'."),
    LogColumn("reviewer_1", "string", True, True, "Pseudonymous id of the reviewer who decided; empty when no person reviewed."),
    LogColumn("reviewer_2", "string", False, True, "Id of the second, verifying reviewer (two-person rule)."),
    LogColumn("review_started_at", "timestamp", True, True, "When the review began."),
    LogColumn("review_ended_at", "timestamp", True, True, "When the review ended (the final decision was taken)."),
    LogColumn("final_decision", "binary", True, True, "The decision that took effect: 1 = favourable; empty while pending."),
    LogColumn("overridden", "boolean", False, True, "Whether the final decision differs from the recommendation."),
    LogColumn("reason", "string", False, True, "The reason the reviewer gave."),
    LogColumn("appeal_filed", "boolean", False, False, "Whether the person affected appealed."),
    LogColumn("appeal_filed_at", "timestamp", False, True, "When the appeal was filed."),
    LogColumn("appeal_outcome", "string", False, True, "'overturned' (the appellant won) or 'upheld'; empty while pending."),
    LogColumn("appeal_decided_at", "timestamp", False, True, "When the appeal was decided."),
)
_BY_NAME = {c.name: c for c in COLUMNS}
TIMESTAMP_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "timestamp")
APPEAL_COLUMNS = ("appeal_filed", "appeal_filed_at", "appeal_outcome", "appeal_decided_at")

_SEE = "see `govaudit schema decision-log`"
_MSG_NOT_FRAME = "the decision log must be a table (DataFrame, CSV or Parquet); got {type}"
_MSG_EMPTY = "{source}: the decision log has no rows"
_MSG_MISSING_COLUMNS = "{source}: the decision log lacks required column(s) {missing}; " + _SEE
_MSG_APPEAL_PARTIAL = "{source}: appeal columns come together; found {have} but not {missing}; " + _SEE
_MSG_NULLS = "{source}: column {column!r} has {n} missing value(s) (first in case {case!r}); every case needs one"
_MSG_NOT_NUMBER = "{source}: column {column!r} must be numeric; found {dtype} values such as {examples}"
_MSG_NOT_FINITE = "{source}: column {column!r} has {n} infinite value(s) (first in case {case!r})"
_MSG_NOT_BINARY = "{source}: column {column!r} must hold 0 or 1 (1 = favourable){empty}; found {examples}"
_MSG_NOT_BOOLEAN = "{source}: column {column!r} must hold true/false (or 1/0); found {examples}"
_MSG_TS_PARSE = "{source}: column {column!r} must hold ISO 8601 times with a zone (e.g. 2025-03-01T09:30:00Z): {error}"
_MSG_TS_NAIVE = ("{source}: column {column!r} has times without a time zone; write each time with its offset "
                 "(e.g. 2025-03-01T09:30:00Z) so durations and months are unambiguous")
_MSG_TS_MIXED = ("{source}: column {column!r} mixes time zones, or times with and without a zone; "
                 "write every time in one zone, preferably UTC")
_MSG_TS_ZONES = ("{source}: the decision log's times are in different time zones ({zones}); "
                 "write every time in one zone, preferably UTC")
_MSG_DUPLICATES = ("{source}: column 'case_id' must identify each case, but {n} case id(s) appear more than once "
                   "(e.g. {examples})")
_MSG_ORDER = "{source}: {later} is before {earlier} in {n} case(s) (first: case {case!r})"
_MSG_NEEDS = "{source}: {n} case(s) have {present} but no {absent} (first: case {case!r})"
_MSG_UNKNOWN_REVIEWER = ("{source}: column {column!r} names {n} reviewer id(s) not in the policy's roster "
                         "(reviewers): {names}")
_MSG_OVERRIDDEN = ("{source}: column 'overridden' disagrees with final_decision != recommendation in {n} case(s) "
                   "(first: case {case!r})")
_MSG_OUTCOME = "{source}: column 'appeal_outcome' must be 'overturned', 'upheld' or empty; found {examples}"
_MSG_SENSITIVE = "{source}: sensitive feature column {column!r} is not in the decision log; columns: {have}"

_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n"}


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


def _examples(values: Any, k: int = 3) -> str:
    shown = [repr(v.item() if isinstance(v, np.generic) else v) for v in list(values)[:k]]
    return "[" + ", ".join(shown) + "]"


def _first_case(frame: pd.DataFrame, mask: np.ndarray) -> Any:
    value = frame["case_id"].iat[int(np.flatnonzero(mask)[0])]
    return value.item() if isinstance(value, np.generic) else value


def _check_nulls(frame: pd.DataFrame, column: str, missing: np.ndarray, source: str) -> None:
    if missing.any():
        raise InputDataError(_MSG_NULLS.format(source=source, column=column, n=int(missing.sum()),
                                               case=_first_case(frame, missing)))


def _number(frame: pd.DataFrame, col: LogColumn, source: str) -> np.ndarray:
    s = frame[col.name]
    if not (pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)):
        if s.isna().all():
            return np.full(len(s), np.nan)
        bad = s.dropna().unique()[:3]
        raise ColumnError(_MSG_NOT_NUMBER.format(source=source, column=col.name, dtype=s.dtype, examples=_examples(bad)))
    values = s.to_numpy(dtype=np.float64, na_value=np.nan)
    nan = np.isnan(values)
    if not col.nullable:
        _check_nulls(frame, col.name, nan, source)
    inf = np.isinf(values)
    if inf.any():
        raise ColumnError(_MSG_NOT_FINITE.format(source=source, column=col.name, n=int(inf.sum()),
                                                 case=_first_case(frame, inf)))
    return values


def _binary(frame: pd.DataFrame, col: LogColumn, source: str) -> np.ndarray:
    """0/1 as float64, NaN where empty (only allowed for nullable columns)."""
    s = frame[col.name]
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
    else:  # object or text: numbers written as text are fine, anything else is named
        raw = s.map(lambda v: int(v) if isinstance(v, (bool, np.bool_)) else v) if s.dtype == object else s
        numbers = pd.to_numeric(raw, errors="coerce")
        bad_text = numbers.isna() & s.notna()
        if bad_text.any():
            raise ColumnError(_MSG_NOT_BINARY.format(source=source, column=col.name, empty=" or empty" if col.nullable else "",
                                                     examples=_examples(pd.unique(s[bad_text]))))
        values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    nan = np.isnan(values)
    if not col.nullable:
        _check_nulls(frame, col.name, nan, source)
    bad_mask = ~nan & (values != 0) & (values != 1)
    if bad_mask.any():
        raise ColumnError(_MSG_NOT_BINARY.format(source=source, column=col.name, empty=" or empty" if col.nullable else "",
                                                 examples=_examples(pd.unique(values[bad_mask]))))
    return values


def _boolean(frame: pd.DataFrame, col: LogColumn, source: str) -> np.ndarray:
    """True/False as float64 (1/0), NaN where empty."""
    s = frame[col.name]
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        bad_mask = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad_mask.any():
            raise ColumnError(_MSG_NOT_BOOLEAN.format(source=source, column=col.name,
                                                      examples=_examples(pd.unique(values[bad_mask]))))
    else:
        text = s.astype("string").str.strip().str.lower()
        values = np.where(text.isin(list(_TRUE)).to_numpy(dtype=bool), 1.0,
                          np.where(text.isin(list(_FALSE)).to_numpy(dtype=bool), 0.0, np.nan))
        bad_mask = np.isnan(values) & s.notna().to_numpy()
        if bad_mask.any():
            raise ColumnError(_MSG_NOT_BOOLEAN.format(source=source, column=col.name,
                                                      examples=_examples(pd.unique(s[bad_mask]))))
    if not col.nullable:
        _check_nulls(frame, col.name, np.isnan(values), source)
    return values


def _timestamp(frame: pd.DataFrame, col: LogColumn, source: str) -> pd.Series:
    """Parse a time column; returns a tz-aware Series in whole microseconds (all-NaT columns keep zone None)."""
    s = frame[col.name]
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        parsed = s
    elif pd.api.types.is_datetime64_dtype(s.dtype):
        if s.notna().any():
            raise ColumnError(_MSG_TS_NAIVE.format(source=source, column=col.name))
        parsed = s
    elif s.isna().all():
        parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    elif pd.api.types.is_numeric_dtype(s.dtype):
        raise ColumnError(_MSG_TS_PARSE.format(source=source, column=col.name,
                                               error=f"found numbers such as {_examples(s.dropna().unique())}"))
    else:
        try:
            parsed = pd.to_datetime(s, format="ISO8601")
        except ValueError as exc:
            text = str(exc)
            if "Mixed timezones" in text or "mixed time" in text.lower() or "tz-naive and tz-aware" in text:
                raise ColumnError(_MSG_TS_MIXED.format(source=source, column=col.name)) from None
            raise ColumnError(_MSG_TS_PARSE.format(source=source, column=col.name, error=text.splitlines()[0])) from None
        if not isinstance(parsed.dtype, pd.DatetimeTZDtype):
            if parsed.dtype == object:  # values of different zones that pandas could not unify
                raise ColumnError(_MSG_TS_MIXED.format(source=source, column=col.name))
            raise ColumnError(_MSG_TS_NAIVE.format(source=source, column=col.name))
    if not col.nullable:
        _check_nulls(frame, col.name, parsed.isna().to_numpy(), source)
    return _whole_microseconds(parsed)


def _zone_name(tz: Any) -> str:
    name = str(tz)
    return "UTC" if name in ("UTC", "UTC+00:00", "+00:00", "tzutc()") else name


US_PER_SECOND = 1_000_000
#: Microseconds in a day: log times and durations are compared as whole microseconds.
US_PER_DAY = 86_400 * US_PER_SECOND


def nanos_to_micros(ns: np.ndarray) -> np.ndarray:
    """Nanoseconds since 1970 to whole microseconds, rounded half away from zero (as DuckDB casts them)."""
    ns = np.asarray(ns, dtype=np.int64)
    return np.sign(ns) * ((np.abs(ns) + 500) // 1000)


def _whole_microseconds(parsed: pd.Series) -> pd.Series:
    """Times finer than a microsecond rounded to it, half away from zero (as DuckDB casts them), zone kept."""
    zone = parsed.dt.tz if isinstance(parsed.dtype, pd.DatetimeTZDtype) else None
    naive = parsed.dt.tz_convert("UTC").dt.tz_localize(None) if zone is not None else parsed
    values = naive.to_numpy()
    if values.dtype != np.dtype("datetime64[ns]"):
        return parsed
    us = nanos_to_micros(values.view(np.int64))
    rounded = pd.Series(np.where(np.isnat(values), np.datetime64("NaT", "us"), us.astype("datetime64[us]")),
                        index=parsed.index, dtype="datetime64[us]")
    return rounded.dt.tz_localize("UTC").dt.tz_convert(zone) if zone is not None else rounded


def _utc(parsed: pd.Series) -> np.ndarray:
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[us]")


def _local_month(parsed: pd.Series) -> np.ndarray:
    """Calendar month of each time in the log's own zone (NaT stays NaT)."""
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[us]").astype("datetime64[M]")


def _strings(frame: pd.DataFrame, name: str) -> pd.Series:
    """Ids as text, as logged (numeric ids read from a CSV become text; missing stays None)."""
    s = frame[name]
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        return s
    return s.astype("string").astype(object).where(s.notna(), None)  # numeric ids from a CSV


def _order(frame: pd.DataFrame, earlier: np.ndarray, later: np.ndarray, names: tuple[str, str], source: str) -> None:
    with np.errstate(invalid="ignore"):
        bad = ~np.isnat(earlier) & ~np.isnat(later) & (later < earlier)
    if bad.any():
        raise InputDataError(_MSG_ORDER.format(source=source, earlier=names[0], later=names[1], n=int(bad.sum()),
                                               case=_first_case(frame, bad)))


def _needs(frame: pd.DataFrame, present: np.ndarray, absent: np.ndarray, names: tuple[str, str], source: str) -> None:
    bad = present & absent
    if bad.any():
        raise InputDataError(_MSG_NEEDS.format(source=source, present=names[0], absent=names[1], n=int(bad.sum()),
                                               case=_first_case(frame, bad)))


def _check_roster(series: pd.Series, column: str, roster: Sequence[str] | None, source: str) -> None:
    if roster is None:
        return
    known = set(roster)
    outside = series.notna() & ~series.isin(list(known))  # vectorised; the names only on error
    if outside.any():
        names = sorted({str(v) for v in series[outside]})
        raise InputDataError(_MSG_UNKNOWN_REVIEWER.format(source=source, column=column, n=len(names),
                                                          names=", ".join(sorted(names)[:5])
                                                          + (", ..." if len(names) > 5 else "")))


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
    if not isinstance(log, pd.DataFrame):
        raise InputDataError(_MSG_NOT_FRAME.format(type=type(log).__name__))
    if len(log) == 0:
        raise InputDataError(_MSG_EMPTY.format(source=source))
    frame = log.reset_index(drop=True)
    missing = [c.name for c in COLUMNS if c.required and c.name not in frame.columns]
    if missing:
        raise ColumnError(_MSG_MISSING_COLUMNS.format(source=source, missing=", ".join(map(repr, missing))))
    appeal_have = [c for c in APPEAL_COLUMNS if c in frame.columns]
    if appeal_have and len(appeal_have) < len(APPEAL_COLUMNS):
        raise ColumnError(_MSG_APPEAL_PARTIAL.format(source=source, have=", ".join(appeal_have),
                                                     missing=", ".join(c for c in APPEAL_COLUMNS if c not in appeal_have)))
    for name in sensitive_features:
        if name not in frame.columns:
            raise ColumnError(_MSG_SENSITIVE.format(source=source, column=name, have=", ".join(map(str, frame.columns))))

    ids = frame["case_id"]
    _check_nulls(frame, "case_id", ids.isna().to_numpy(), source)
    if len(pd.unique(ids)) < len(ids):  # one hash pass; the duplicates are only listed on error
        dup = ids.duplicated(keep=False)
        raise InputDataError(_MSG_DUPLICATES.format(source=source, n=int(ids[dup].nunique()),
                                                    examples=_examples(pd.unique(ids[dup]))))
    for name in ("model_name", "model_version"):
        _check_nulls(frame, name, frame[name].isna().to_numpy(), source)

    times: dict[str, pd.Series] = {}
    for name in TIMESTAMP_COLUMNS:
        if name in frame.columns:
            times[name] = _timestamp(frame, _BY_NAME[name], source)
    zones = sorted({_zone_name(t.dt.tz) for t in times.values() if getattr(t.dt, "tz", None) is not None})
    if len(zones) > 1:
        raise InputDataError(_MSG_TS_ZONES.format(source=source, zones=", ".join(zones)))
    utc = {name: _utc(t) for name, t in times.items()}
    month = _local_month(times["decided_at"])

    score = _number(frame, _BY_NAME["score"], source)
    rec = _binary(frame, _BY_NAME["recommendation"], source).astype(np.int8)
    final = _binary(frame, _BY_NAME["final_decision"], source)
    required = _boolean(frame, _BY_NAME["review_required"], source).astype(bool)
    if "confidence" in frame.columns:
        _number(frame, _BY_NAME["confidence"], source)

    reviewer_1 = _strings(frame, "reviewer_1")
    reviewer_2 = _strings(frame, "reviewer_2") if "reviewer_2" in frame.columns else None
    has_r1 = reviewer_1.notna().to_numpy()
    start, end = utc["review_started_at"], utc["review_ended_at"]
    _order(frame, start, end, ("review_started_at", "review_ended_at"), source)
    _order(frame, utc["decided_at"], start, ("decided_at", "review_started_at"), source)
    _needs(frame, ~np.isnat(end), np.isnat(start), ("review_ended_at", "review_started_at"), source)
    _needs(frame, ~np.isnat(end), ~has_r1, ("review_ended_at", "reviewer_1"), source)
    _needs(frame, ~np.isnat(end), np.isnan(final), ("review_ended_at", "final_decision"), source)
    if reviewer_2 is not None:
        _needs(frame, reviewer_2.notna().to_numpy(), ~has_r1, ("reviewer_2", "reviewer_1"), source)
    _check_roster(reviewer_1, "reviewer_1", reviewers, source)
    if reviewer_2 is not None:
        _check_roster(reviewer_2, "reviewer_2", reviewers, source)
    if "overridden" in frame.columns:
        overridden = _boolean(frame, _BY_NAME["overridden"], source)
        decided = ~np.isnan(final)
        bad = decided & ~np.isnan(overridden) & ((overridden == 1) != (final != rec))
        if bad.any():
            raise InputDataError(_MSG_OVERRIDDEN.format(source=source, n=int(bad.sum()), case=_first_case(frame, bad)))

    appeal_filed = appeal_at = overturned = appeal_decided = None
    if appeal_have:
        appeal_filed = _boolean(frame, _BY_NAME["appeal_filed"], source).astype(bool)
        appeal_at, appeal_decided = utc["appeal_filed_at"], utc["appeal_decided_at"]
        outcome = frame["appeal_outcome"]
        known = outcome.isin([OUTCOME_OVERTURNED, OUTCOME_UPHELD]).to_numpy(dtype=bool)
        bad = outcome.notna().to_numpy() & ~known
        if bad.any():
            raise ColumnError(_MSG_OUTCOME.format(source=source, examples=_examples(pd.unique(outcome[bad]))))
        overturned = np.where(known, (outcome == OUTCOME_OVERTURNED).to_numpy(dtype=bool), np.nan)
        _needs(frame, appeal_filed, np.isnat(appeal_at), ("appeal_filed = true", "appeal_filed_at"), source)
        _needs(frame, known, ~appeal_filed, ("an appeal_outcome", "appeal_filed = true"), source)
        _needs(frame, known, np.isnat(appeal_decided), ("an appeal_outcome", "appeal_decided_at"), source)
        _needs(frame, ~np.isnat(appeal_decided), ~known, ("appeal_decided_at", "appeal_outcome"), source)
        _order(frame, appeal_at, appeal_decided, ("appeal_filed_at", "appeal_decided_at"), source)

    # the latest time in the log (NaT is the smallest int64, so a max over the int view skips it)
    as_of = np.datetime64(max(int(a.view(np.int64).max()) for a in utc.values()), "us")
    return DecisionLog(
        frame=frame,
        case_id=ids,
        decided_at=utc["decided_at"],
        month=month,
        score=score,
        recommendation=rec,
        case_type=frame["case_type"] if "case_type" in frame.columns else None,
        review_required=required,
        reviewer_1=reviewer_1,
        reviewer_2=reviewer_2,
        review_started_at=start,
        review_ended_at=end,
        final_decision=final,
        appeal_filed=appeal_filed,
        appeal_filed_at=appeal_at,
        appeal_overturned=overturned,
        appeal_decided_at=appeal_decided,
        appeal_month=_local_month(times["appeal_filed_at"]) if appeal_have else None,
        timezone=zones[0] if zones else "UTC",
        as_of=as_of,
    )


_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "timestamp": {"type": "string", "format": "date-time"},
    "number": {"type": "number"},
    "binary": {"type": "integer", "enum": [0, 1]},
    "boolean": {"type": "boolean"},
}


def decision_log_json_schema() -> dict[str, Any]:
    """JSON Schema of one decision-log row (the Parquet/CSV columns, as a JSON object).

    Returns
    -------
    dict
        A draft 2020-12 schema; extra properties are allowed for sensitive features.
    """
    properties: dict[str, Any] = {}
    for col in COLUMNS:
        kind = dict(_JSON_TYPES[col.kind])
        if col.nullable:
            kind = {"anyOf": [kind, {"type": "null"}]}
        properties[col.name] = {**kind, "description": col.description}
    properties["appeal_outcome"] = {"anyOf": [{"enum": [OUTCOME_OVERTURNED, OUTCOME_UPHELD]}, {"type": "null"}],
                                    "description": _BY_NAME["appeal_outcome"].description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://govaudit.org/schemas/decision-log/{DECISION_LOG_SCHEMA_VERSION}.json",
        "title": "govaudit decision log row",
        "description": ("One case of an automated decision system and its human oversight. Stored as Parquet "
                        "(times as timestamp with a time zone) or CSV (times as ISO 8601 with an offset, all in "
                        "one zone). Columns not listed (e.g. sensitive features for group analysis) are allowed."),
        "type": "object",
        "properties": properties,
        "required": [c.name for c in COLUMNS if c.required],
        "additionalProperties": True,
    }
