"""The decision log on a backend: every oversight check from a few aggregations, in the engine holding the log.

Every oversight check is a count: of cases, of cases meeting a rule, per group, month or reviewer.
So the rows are grouped once, in the engine that holds them (narwhals over DuckDB, PySpark or
pandas), by the sensitive features, the month, the primary reviewer, the coded columns and one
integer packing the per-case flags the policy defines (review required by score band or case type,
a second reviewer, the same reviewer twice, a review shorter than the minimum, an appeal late) and
one bit per rule of the format. The result is a small *compressed table* (one row per combination
present) from which the auditor computes the same findings as from the rows. Before it, the first
and last time of each column are read (from Parquet statistics where the engine can), and one pass
checks that case ids are unique. Errors name the file, the column and, like the in-memory
validation, a case. The cases that broke a rule are read back only for the case-level file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight._log_schema import (
    _BY_NAME,
    _MSG_APPEAL_PARTIAL,
    _MSG_DUPLICATES,
    _MSG_EMPTY,
    _MSG_MISSING_COLUMNS,
    _MSG_NEEDS,
    _MSG_NOT_FINITE,
    _MSG_NOT_NUMBER,
    _MSG_NULLS,
    _MSG_ORDER,
    _MSG_OUTCOME,
    _MSG_OVERRIDDEN,
    _MSG_TS_NAIVE,
    _MSG_TS_PARSE,
    _MSG_TS_ZONES,
    _MSG_UNKNOWN_REVIEWER,
    APPEAL_COLUMNS,
    COLUMNS,
    OUTCOME_OVERTURNED,
    OUTCOME_UPHELD,
    TIMESTAMP_COLUMNS,
    _binary,
    _boolean,
    _timestamp,
    _utc,
    _strings,
    _zone_name,
    US_PER_DAY,
    US_PER_SECOND,
    nanos_to_micros,
)
from govaudit.oversight._policy import OversightPolicy

from govaudit.backends import COUNT, collect

__all__ = ["DecisionLogSource", "LogCases", "LogCounts", "duckdb_log_counts", "log_cases_from_frame",
           "log_counts_from_frame", "spark_log_counts"]

_SOURCE = "{backend} decision log"
_MSG_SENSITIVE = "{source}: sensitive feature column {column!r} is not in the decision log"
_MSG_TIME_TEXT = "{source}: column {column!r} must hold ISO 8601 times with a zone (e.g. 2025-03-01T09:30:00Z); found {value!r}"
_MSG_NO_CASE_TYPE = ("{source}: the oversight policy routes by case type ({types}) but the decision log has no "
                     "'case_type' column")


#: Per-case flags packed into one integer key (bit positions; the format's rules follow), so the group-by
#: hashes one column for them all.
_BITS = ("has_end", "has_start", "uncertain", "type_review", "type_two", "has_second", "same_reviewer", "short",
         "has_appeal_time", "has_appeal_decision", "late_closed", "late_open")
_FLAGS, _MONTH, _APPEAL_MONTH, _REVIEW_US, _APPEAL_US = "__flags", "__month", "__appeal_month", "__review_us", "__appeal_us"


@dataclass(frozen=True)
class LogCounts:
    """A decision log aggregated by a backend: counts and sums only, no case ids.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per combination present, with the sensitive feature columns as logged and
        ``month`` (``"YYYY-MM"`` in the log's zone), ``decided``, ``reviewed``, ``review_required``
        (bool), ``recommendation`` (0/1), ``final_decision`` (0/1, NaN while pending), ``reviewer``
        (str or None), the policy's flags ``uncertain``, ``type_review``, ``type_two``, ``has_second``,
        ``same_reviewer``, ``short`` (bool), ``review_us`` (summed review time in microseconds); with
        appeals ``appeal_filed``, ``appeal_closed``, ``late_closed``, ``late_open`` (bool),
        ``appeal_overturned`` (1/0, NaN while pending), ``appeal_us`` (summed time to decision),
        ``appeal_month``; and ``"__n"`` (cases).
    sensitive_features : tuple of str
        The sensitive feature columns.
    has_appeals : bool
        Whether the log has the appeal columns.
    timezone : str
        Zone of the log's times (months are calendar months in it).
    backend : str
        The engine that aggregated the rows.
    policy : OversightPolicy
        The policy whose flags were counted.
    as_of : numpy.datetime64
        The latest time in the log (UTC, microseconds): open appeals are late relative to it.
    has_case_type : bool
        Whether the log has a ``case_type`` column.
    raw_codes : dict
        For the coded columns, the raw values coded 1 and coded 0 (to select cases in the engine).
    """

    table: pd.DataFrame
    sensitive_features: tuple[str, ...]
    has_appeals: bool
    timezone: str
    backend: str
    policy: OversightPolicy
    as_of: np.datetime64
    has_case_type: bool = False
    raw_codes: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = field(default_factory=dict, repr=False)

    @property
    def n_rows(self) -> int:
        """Number of cases aggregated."""
        return int(self.table[COUNT].sum())

    @property
    def weights(self) -> np.ndarray:
        """Cases per compressed row."""
        return self.table[COUNT].to_numpy(dtype=np.int64)


def _first_case(frame: Any, condition: Any) -> Any:
    """The case id of one case meeting ``condition`` (for an error message)."""
    found = collect(frame.filter(condition).select("case_id").head(1))
    value = found["case_id"].iloc[0] if len(found) else None
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class _Times:
    """The log's time columns as microseconds since 1970 (UTC) in helper columns of ``frame``.

    Engines are slow at calendar arithmetic on zoned timestamps (DuckDB's TIMESTAMPTZ goes through
    ICU), and narwhals has no durations on Spark, so each time column is read once as an integer
    (``epoch_us``, ``unix_micros``) and durations, comparisons and months are integer arithmetic.
    """

    frame: Any
    columns: tuple[str, ...]
    text: frozenset[str]
    zone: str

    @staticmethod
    def us(column: str) -> Any:
        """Microseconds since 1970 of ``column`` (null when empty)."""
        return nw.col(f"__us_{column}")

    def duration(self, later: str | int, earlier: str) -> Any:
        """Microseconds from ``earlier`` to ``later`` (a column, or a time as microseconds since 1970)."""
        end = self.us(later) if isinstance(later, str) else nw.lit(int(later))
        return end - self.us(earlier)

    def month(self, column: str, first_us: int | None, last_us: int | None) -> tuple[Any, tuple[str, ...] | None]:
        """Month key of ``column`` and, when it is an index, the ``YYYY-MM`` label of each value.

        ISO text keeps the month as written (its own zone); typed times are counted in UTC months:
        the index is how many month starts (between the first and last time) a time has reached.
        """
        if column in self.text:
            return nw.col(column).str.slice(0, 7), None
        if first_us is None or last_us is None:
            return nw.lit(0), ("",)
        first = np.datetime64(int(first_us), "us").astype("datetime64[M]")
        last = np.datetime64(int(last_us), "us").astype("datetime64[M]")
        months = np.arange(first, last + 1)
        index = nw.lit(0)
        for start in months[1:]:
            index = index + (self.us(column) >= int(start.astype("datetime64[us]").astype(np.int64))).cast(nw.Int64)
        return index, tuple(str(m) for m in months)


def _add_epochs(frame: Any, columns: Sequence[str], source: str) -> Any:
    """``frame`` with ``__us_<column>`` for each time column, computed natively by its engine."""
    native = frame.to_native()
    if frame.implementation.is_spark_like():
        from pyspark.sql import functions as F

        for column in columns:
            native = native.withColumn(f"__us_{column}", F.unix_micros(F.col(column).cast("timestamp")))
        return nw.from_native(native)
    if frame.implementation.is_duckdb():
        # a cast to TIMESTAMPTZ parses ISO text and rounds nanoseconds to microseconds
        epochs = ", ".join(f'epoch_us(CAST("{c}" AS TIMESTAMPTZ)) AS "__us_{c}"' for c in columns)
        return nw.from_native(native.project(f"*, {epochs}"))
    if frame.implementation.is_pandas_like():
        added = {}
        for column in columns:
            values = _utc(_timestamp(native, replace(_BY_NAME[column], nullable=True), source))
            added[f"__us_{column}"] = pd.array(np.where(np.isnat(values), 0, values.view(np.int64)), dtype="Int64")
            added[f"__us_{column}"][np.isnat(values)] = pd.NA
        return nw.from_native(native.assign(**added))
    raise InputDataError(f"{source}: decision logs are aggregated on pandas, DuckDB or Spark; got {type(native).__name__}")


def _times(frame: Any, names: set[str], source: str) -> _Times:
    """Check the time columns' types and zones (as in memory), and add their microseconds since 1970."""
    schema = frame.collect_schema()
    zones: set[str] = set()
    columns, text = [], set()
    for column in TIMESTAMP_COLUMNS:
        if column not in names:
            continue
        columns.append(column)
        dtype, col = schema[column], nw.col(column)
        if isinstance(dtype, nw.Datetime):
            if dtype.time_zone is None:
                raise ColumnError(_MSG_TS_NAIVE.format(source=source, column=column))
            zone = _zone_name(dtype.time_zone)
            zones.add("UTC" if zone in ("Etc/UTC", "Z") else zone)
        elif dtype == nw.String:
            text.add(column)
            first = collect(frame.filter(~col.is_null()).select(col).head(1))
            if len(first):
                value = first[column].iloc[0]
                try:
                    parsed = pd.Timestamp(value)
                except ValueError:
                    raise ColumnError(_MSG_TIME_TEXT.format(source=source, column=column, value=value)) from None
                if parsed.tzinfo is None:
                    raise ColumnError(_MSG_TIME_TEXT.format(source=source, column=column, value=value))
                zones.add(_zone_name(parsed.tzinfo))
        elif dtype != nw.Unknown:  # Unknown: e.g. DuckDB's TIMESTAMPTZ_NS (pandas' nanoseconds), cast below
            raise ColumnError(_MSG_TS_PARSE.format(source=source, column=column,
                                                   error=f"found values of type {dtype}"))
    if len(zones) > 1:
        raise InputDataError(_MSG_TS_ZONES.format(source=source, zones=", ".join(sorted(zones))))
    return _Times(_add_epochs(frame, columns, source), tuple(columns), frozenset(text), next(iter(zones), "UTC"))


def _as_of(bounds: pd.DataFrame, times: _Times) -> np.datetime64:
    """The latest time in the log, from the per-column maxima."""
    latest = [int(bounds[f"__max_{c}"].iloc[0]) for c in times.columns if pd.notna(bounds[f"__max_{c}"].iloc[0])]
    return np.datetime64(max(latest), "us")


@dataclass(frozen=True)
class _Rule:
    """A rule of the format as an engine condition (true for the cases that break it) and its message."""

    condition: Any
    template: str
    fields: dict[str, Any]
    error: type[InputDataError] = InputDataError


def _check_rules(frame: Any, grouped: pd.DataFrame, rules: list[_Rule], source: str) -> None:
    """Raise for the first rule some case breaks (a bit of the grouped flags), naming one such case."""
    flags = grouped[_FLAGS].to_numpy(dtype=np.int64)
    for i, rule in enumerate(rules):
        n = int(grouped.loc[(flags >> (len(_BITS) + i)) & 1 == 1, COUNT].sum())
        if n:
            raise rule.error(rule.template.format(source=source, n=n, case=_first_case(frame, rule.condition),
                                                  **rule.fields))


def _rules(names: set[str], times: _Times) -> list[_Rule]:
    """Per-case rules of the format (as the in-memory validation applies them), as engine conditions."""
    c = nw.col
    us = times.us
    end, start = us("review_ended_at"), us("review_started_at")
    rules = [_Rule(c(column).is_null(), _MSG_NULLS, {"column": column})
             for column in ("case_id", "model_name", "model_version")]
    rules += [
        _Rule(us("decided_at").is_null(), _MSG_NULLS, {"column": "decided_at"}),
        _Rule(c("score").is_null() | c("score").is_nan(), _MSG_NULLS, {"column": "score"}),
        _Rule(c("score").abs() == float("inf"), _MSG_NOT_FINITE, {"column": "score"}, ColumnError),
    ]
    if "confidence" in names:
        rules.append(_Rule(c("confidence").abs() == float("inf"), _MSG_NOT_FINITE, {"column": "confidence"},
                           ColumnError))

    def order(earlier: str, later: str) -> _Rule:
        return _Rule(us(later) < us(earlier), _MSG_ORDER, {"earlier": earlier, "later": later})

    def needs(present: Any, absent: Any, words: tuple[str, str]) -> _Rule:
        return _Rule(present & absent, _MSG_NEEDS, {"present": words[0], "absent": words[1]})

    rules += [
        order("review_started_at", "review_ended_at"),
        order("decided_at", "review_started_at"),
        needs(~end.is_null(), start.is_null(), ("review_ended_at", "review_started_at")),
        needs(~end.is_null(), c("reviewer_1").is_null(), ("review_ended_at", "reviewer_1")),
        needs(~end.is_null(), c("final_decision").is_null(), ("review_ended_at", "final_decision")),
    ]
    if "reviewer_2" in names:
        rules.append(needs(~c("reviewer_2").is_null(), c("reviewer_1").is_null(), ("reviewer_2", "reviewer_1")))
    if "appeal_filed_at" in times.columns:
        rules.append(order("appeal_filed_at", "appeal_decided_at"))
    return rules


def _round_us(value: Any) -> int | None:
    """A time as whole microseconds since 1970, nanoseconds rounded half away from zero (None when missing)."""
    if value is None or pd.isna(value):
        return None
    return int(nanos_to_micros(np.array([pd.Timestamp(value).value]))[0])


def _bounds(times: _Times) -> pd.DataFrame:
    """First and last time of each column, in microseconds since 1970.

    Typed columns are asked for their min and max as they are, which DuckDB answers from the Parquet
    files' statistics without reading the rows; ISO text is read as microseconds.
    """
    exprs = []
    for column in times.columns:
        col = times.us(column) if column in times.text else nw.col(column)
        exprs += [col.min().alias(f"__min_{column}"), col.max().alias(f"__max_{column}")]
    found = collect(times.frame.select(*exprs))
    for column in times.columns:
        if column not in times.text:
            for end in ("min", "max"):
                found[f"__{end}_{column}"] = [_round_us(found[f"__{end}_{column}"].iloc[0])]
    return found


def _check_unique(frame: Any, source: str) -> None:
    """Case ids identify cases: grouped by id in the engine (which spills), only the repeated ones counted."""
    ids = frame.filter(~nw.col("case_id").is_null())  # missing ids are their own error
    repeated = ids.group_by("case_id").agg(nw.len().alias("__k")).filter(nw.col("__k") > 1)
    n = int(collect(repeated.select(nw.len().alias("__d")))["__d"].iloc[0])
    if n:
        examples = collect(repeated.select("case_id").head(3))["case_id"].tolist()
        shown = "[" + ", ".join(repr(v.item() if isinstance(v, np.generic) else v) for v in examples) + "]"
        raise InputDataError(_MSG_DUPLICATES.format(source=source, n=n, examples=shown))


def _code(table: pd.DataFrame, column: str, kind: str, source: str, nullable: bool | None = None) -> np.ndarray:
    """0/1 (NaN when empty) with the in-memory log's rules, checked on the distinct values."""
    coder = _binary if kind == "binary" else _boolean
    col = _BY_NAME[column]
    return coder(table, replace(col, nullable=col.nullable if nullable is None else nullable), source)


def _row_condition(keys: dict[str, Any], row: pd.Series) -> Any:
    """The engine condition selecting the cases of one compressed row (for naming a case in an error)."""
    condition = None
    for name, expr in keys.items():
        value = row[name]
        term = expr.is_null() if pd.isna(value) else expr == (value.item() if isinstance(value, np.generic) else value)
        condition = term if condition is None else condition & term
    return condition


def _raise_for_rows(frame: Any, keys: dict[str, Any], raw: pd.DataFrame, bad: np.ndarray, template: str,
                    **fields: Any) -> None:
    """Raise ``template`` when compressed rows ``bad`` hold cases, naming a case of the first of them."""
    if bad.any():
        n = int(raw.loc[bad, COUNT].sum())
        case = _first_case(frame, _row_condition(keys, raw.loc[bad].iloc[0]))
        raise InputDataError(template.format(n=n, case=case, **fields))


def _check_roster(frame: Any, table_reviewers: pd.Series, names: set[str], roster: Sequence[str] | None,
                  source: str) -> None:
    if roster is None:
        return
    known = set(roster)
    columns = [("reviewer_1", table_reviewers)]
    if "reviewer_2" in names:
        columns.append(("reviewer_2", collect(frame.select("reviewer_2").unique())["reviewer_2"]))
    for column, values in columns:
        outside = sorted({str(v) for v in values if v is not None and not pd.isna(v) and str(v) not in known})
        if outside:
            raise InputDataError(_MSG_UNKNOWN_REVIEWER.format(
                source=source, column=column, n=len(outside),
                names=", ".join(outside[:5]) + (", ..." if len(outside) > 5 else "")))


@dataclass(frozen=True)
class _Prepared:
    """A validated decision log in its engine, with the expressions of the compressed table's columns."""

    frame: Any
    keys: dict[str, Any]
    sums: dict[str, Any]
    bits: dict[str, Any]
    labels: dict[str, tuple[str, ...] | None]
    sensitive: tuple[str, ...]
    has_appeals: bool
    names: set[str]
    policy: OversightPolicy
    source: str
    zone: str
    as_of: np.datetime64
    backend: str
    rules: list[_Rule]


def _prepare(native: Any, sensitive_features: Sequence[str], policy: OversightPolicy | None, backend: str,
             check_unique_ids: bool, source: str | None = None) -> _Prepared:
    """Validate the log in its engine (columns, types, zones, rules, unique ids) and build the key expressions."""
    policy = policy or OversightPolicy()
    source = source or _SOURCE.format(backend=backend)
    frame = nw.from_native(native)
    schema = frame.collect_schema()
    names = set(schema.names())
    missing = [c.name for c in COLUMNS if c.required and c.name not in names]
    if missing:
        raise ColumnError(_MSG_MISSING_COLUMNS.format(source=source, missing=", ".join(map(repr, missing))))
    appeal_have = [c for c in APPEAL_COLUMNS if c in names]
    if appeal_have and len(appeal_have) < len(APPEAL_COLUMNS):
        raise ColumnError(_MSG_APPEAL_PARTIAL.format(source=source, have=", ".join(appeal_have),
                                                     missing=", ".join(c for c in APPEAL_COLUMNS if c not in names)))
    sensitive = tuple(dict.fromkeys(sensitive_features))
    for column in sensitive:
        if column not in names:
            raise ColumnError(_MSG_SENSITIVE.format(source=source, column=column))
    if policy.uses_case_types and "case_type" not in names:
        types = ", ".join(policy.review_case_types + policy.two_person_case_types)
        raise ColumnError(_MSG_NO_CASE_TYPE.format(source=source, types=types))
    for column in ("score", "confidence"):
        if column in names and not schema[column].is_numeric():
            raise ColumnError(_MSG_NOT_NUMBER.format(source=source, column=column, dtype=schema[column],
                                                     examples="(not numbers)"))
    times = _times(frame, names, source)
    frame = times.frame
    bounds = _bounds(times)
    if pd.isna(bounds["__max_decided_at"].iloc[0]) and len(collect(frame.select("case_id").head(1))) == 0:
        raise InputDataError(_MSG_EMPTY.format(source=source))
    if check_unique_ids:
        _check_unique(frame, source)
    as_of = _as_of(bounds, times)

    def month(column: str) -> tuple[Any, tuple[str, ...] | None]:
        first, last = bounds[f"__min_{column}"].iloc[0], bounds[f"__max_{column}"].iloc[0]
        return times.month(column, None if pd.isna(first) else int(first), None if pd.isna(last) else int(last))

    c, us, duration = nw.col, times.us, times.duration
    end, start = us("review_ended_at"), us("review_started_at")
    bits: dict[str, Any] = {
        "has_end": ~end.is_null(), "has_start": ~start.is_null(),
        "uncertain": ((c("score") >= policy.uncertainty_band[0]) & (c("score") <= policy.uncertainty_band[1])
                      if policy.uncertainty_band is not None else None),
        "type_review": c("case_type").is_in(list(policy.review_case_types)) if policy.review_case_types else None,
        "type_two": c("case_type").is_in(list(policy.two_person_case_types)) if policy.two_person_case_types else None,
        "has_second": ~c("reviewer_2").is_null() if "reviewer_2" in names else None,
        "same_reviewer": c("reviewer_1") == c("reviewer_2") if "reviewer_2" in names else None,
        "short": duration("review_ended_at", "review_started_at") < policy.min_review_seconds * US_PER_SECOND,
    }
    sums = {_REVIEW_US: duration("review_ended_at", "review_started_at")}
    keys: dict[str, Any] = {col: c(col) for col in sensitive}
    month_key, month_labels = month("decided_at")
    keys.update({_MONTH: month_key, "recommendation": c("recommendation"),
                 "final_decision": c("final_decision"), "review_required": c("review_required"),
                 "reviewer_1": c("reviewer_1")})
    if "overridden" in names:
        keys["overridden"] = c("overridden")
    if appeal_have:
        appeal_key, appeal_labels = month("appeal_filed_at")
        filed_at, decided_at = us("appeal_filed_at"), us("appeal_decided_at")
        cutoff = policy.appeal_deadline_days * US_PER_DAY
        keys.update({"appeal_filed": c("appeal_filed"), "appeal_outcome": c("appeal_outcome"),
                     _APPEAL_MONTH: appeal_key})
        latest = int(as_of.astype(np.int64))
        bits.update({
            "has_appeal_time": ~filed_at.is_null(), "has_appeal_decision": ~decided_at.is_null(),
            "late_closed": duration("appeal_decided_at", "appeal_filed_at") > cutoff,
            "late_open": decided_at.is_null() & (duration(latest, "appeal_filed_at") > cutoff),
        })
        sums[_APPEAL_US] = duration("appeal_decided_at", "appeal_filed_at")
    rules = _rules(names, times)
    # the per-case flags, then the format's rules (zero for a valid log, so they add no groups)
    conditions = [bits.get(name) for name in _BITS] + [rule.condition for rule in rules]
    packed = None
    for position, expr in enumerate(conditions):
        if expr is None:
            continue
        term = expr.fill_null(False).cast(nw.Int64) * (1 << position)
        packed = term if packed is None else packed + term
    keys[_FLAGS] = packed
    labels = {_MONTH: month_labels, _APPEAL_MONTH: appeal_labels if appeal_have else None}
    return _Prepared(frame, keys, sums, bits, labels, sensitive, bool(appeal_have), names, policy, source, times.zone,
                     as_of, backend, rules)


def log_counts_from_frame(native: Any, *, sensitive_features: Sequence[str] = (),
                          policy: OversightPolicy | None = None, backend: str = "memory",
                          check_unique_ids: bool = True, source: str | None = None) -> LogCounts:
    """Aggregate a decision log held by any engine narwhals reads (pandas, DuckDB, PySpark).

    Parameters
    ----------
    native : pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The decision log, in the documented format (``govaudit schema decision-log``).
    sensitive_features : sequence of str
        Columns by which override and appeal rates are compared.
    policy : OversightPolicy, optional
        The policy whose flags are counted (which cases need review, minimum review time, appeal
        deadline, reviewer roster). Default: ``OversightPolicy()``.
    backend : str
        Name of the engine, recorded in findings.
    check_unique_ids : bool
        Check that case ids are unique (one more pass, grouping by case id).
    source : str, optional
        How errors name the log (its files); default ``"<backend> decision log"``.

    Returns
    -------
    LogCounts

    Raises
    ------
    ColumnError, InputDataError
        A column is missing or holds values the format does not allow, or cases break its rules
        (the message names the column and a case).
    """
    p = _prepare(native, sensitive_features, policy, backend, check_unique_ids, source)
    # sums of microseconds stay exact integers: DuckDB's HUGEINT sum is cast back to BIGINT in the engine
    # (pandas sums integer-valued floats exactly below 2**53, and keeps its group-by simple without the cast)
    pandas_like = p.frame.implementation.is_pandas_like()
    sums = [nw.col(s).sum() if pandas_like else nw.col(s).sum().cast(nw.Int64) for s in p.sums]
    grouped = (p.frame.select(**p.keys, **p.sums)
               .group_by(*p.keys, drop_null_keys=False)
               .agg(nw.len().alias(COUNT), *[expr.alias(s) for expr, s in zip(sums, p.sums)]))
    raw = collect(grouped).reset_index(drop=True)
    if len(raw) == 0:
        raise InputDataError(_MSG_EMPTY.format(source=p.source))
    _check_rules(p.frame, raw, p.rules, p.source)
    return _compressed(p, raw)


def _month_labels(keys: pd.Series, labels: tuple[str, ...] | None) -> pd.Series:
    """``YYYY-MM`` for month indexes (text months are already labels); None where there is no time."""
    if labels is None:
        return keys.astype(object).where(keys.notna(), None)
    return keys.map(lambda k: None if pd.isna(k) else labels[int(k)]).astype(object)

def _compressed(p: _Prepared, raw: pd.DataFrame) -> LogCounts:
    """Code the grouped table with the in-memory rules (checked on its distinct values) and unpack its flags."""
    frame, keys, labels, sensitive, source = p.frame, p.keys, p.labels, p.sensitive, p.source
    if len(raw) == 0:
        raise InputDataError(_MSG_EMPTY.format(source=source))
    flags = raw[_FLAGS].to_numpy(dtype=np.int64)
    bit = {name: (flags >> position) & 1 == 1 for position, name in enumerate(_BITS)}
    table = raw.loc[:, list(sensitive)].copy()
    table["month"] = _month_labels(raw[_MONTH], labels[_MONTH]).astype(str).to_numpy(dtype=object)
    rec = _code(raw, "recommendation", "binary", source)
    final = _code(raw, "final_decision", "binary", source)
    table["recommendation"] = rec.astype(np.int8)
    table["final_decision"] = final
    table["review_required"] = _code(raw, "review_required", "boolean", source).astype(bool)
    reviewer = _strings(raw, "reviewer_1").to_numpy(dtype=object)
    decided = ~np.isnan(final)
    table["decided"] = decided
    table["reviewed"] = pd.notna(reviewer) & bit["has_end"]
    table["reviewer"] = reviewer
    for name in ("uncertain", "type_review", "type_two", "has_second", "same_reviewer", "short"):
        table[name] = bit[name]
    table["review_us"] = raw[_REVIEW_US].fillna(0).to_numpy(dtype=np.int64)
    if "overridden" in raw.columns:
        overridden = _code(raw, "overridden", "boolean", source)
        _raise_for_rows(frame, keys, raw, decided & ~np.isnan(overridden) & ((overridden == 1) != (final != rec)),
                        _MSG_OVERRIDDEN, source=source)
    codes = {"recommendation": _raw_codes(raw["recommendation"], rec),
             "review_required": _raw_codes(raw["review_required"], table["review_required"].to_numpy())}
    if p.has_appeals:
        filed = _code(raw, "appeal_filed", "boolean", source).astype(bool)
        codes["appeal_filed"] = _raw_codes(raw["appeal_filed"], filed)
        outcome = raw["appeal_outcome"]
        known = outcome.isin([OUTCOME_OVERTURNED, OUTCOME_UPHELD]).to_numpy(dtype=bool)
        bad = outcome.notna().to_numpy() & ~known
        if bad.any():
            raise ColumnError(_MSG_OUTCOME.format(source=source, examples=list(pd.unique(outcome[bad]))[:3]))
        for present, absent, words in (
            (filed, ~bit["has_appeal_time"], ("appeal_filed = true", "appeal_filed_at")),
            (known, ~filed, ("an appeal_outcome", "appeal_filed = true")),
            (known, ~bit["has_appeal_decision"], ("an appeal_outcome", "appeal_decided_at")),
            (bit["has_appeal_decision"], ~known, ("appeal_decided_at", "appeal_outcome")),
        ):
            _raise_for_rows(frame, keys, raw, present & absent, _MSG_NEEDS, source=source, present=words[0],
                            absent=words[1])
        closed = filed & bit["has_appeal_decision"]
        table["appeal_filed"] = filed
        table["appeal_closed"] = closed
        table["late_closed"] = closed & bit["late_closed"]
        table["late_open"] = filed & ~closed & bit["late_open"]
        table["appeal_overturned"] = np.where(known, (outcome == OUTCOME_OVERTURNED).to_numpy(dtype=bool), np.nan)
        table["appeal_us"] = np.where(closed, raw[_APPEAL_US].fillna(0).to_numpy(dtype=np.float64), 0).astype(np.int64)
        table["appeal_month"] = _month_labels(raw[_APPEAL_MONTH], labels[_APPEAL_MONTH]).to_numpy(dtype=object)
    _check_roster(frame, pd.Series(reviewer), p.names, p.policy.reviewers, source)
    table[COUNT] = raw[COUNT].to_numpy(dtype=np.int64)
    return LogCounts(table=table, sensitive_features=sensitive, has_appeals=p.has_appeals, timezone=p.zone,
                     backend=p.backend, policy=p.policy, as_of=p.as_of, has_case_type="case_type" in p.names,
                     raw_codes=codes)


def _raw_codes(raw: pd.Series, coded: np.ndarray) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The raw values (as the engine holds them) coded 1 and coded 0."""
    def plain(values: Any) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(v.item() if isinstance(v, np.generic) else v for v in values if not pd.isna(v)))
    values = raw.to_numpy(dtype=object)
    return plain(values[coded == 1]), plain(values[coded == 0])


@dataclass(frozen=True)
class LogCases:
    """The cases of a decision log that broke an oversight rule, read back from its engine.

    Attributes
    ----------
    case_id : pandas.Series
        Their case ids.
    appeal_filed_at : numpy.ndarray or None
        When each filed its appeal (UTC, microseconds; NaT when none); None without appeal columns.
    counts : LogCounts
        Their flags, one row per case (weight 1), in the aggregated log's format.
    """

    case_id: pd.Series
    appeal_filed_at: np.ndarray | None
    counts: LogCounts


def _violation_condition(p: _Prepared, codes: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]]) -> Any:
    """Engine condition: the case broke review coverage, the two-person rule, review time or an appeal deadline."""
    c, false = nw.col, nw.lit(False)

    def bit(name: str) -> Any:
        expr = p.bits.get(name)
        return expr.fill_null(False) if expr is not None else false

    def coded(column: str, value: int) -> Any:
        raws = codes[column][0 if value == 1 else 1]
        return c(column).is_in(list(raws)).fill_null(False) if raws else false

    policy = p.policy
    adverse = coded("recommendation", 0)
    two = (adverse if policy.two_person_adverse else false) | bit("type_two")
    required = ((adverse if policy.review_adverse else false) | bit("uncertain") | bit("type_review") | two
                | coded("review_required", 1))
    decided = ~c("final_decision").is_null()
    reviewed = ~c("reviewer_1").is_null() & bit("has_end")
    broke = (required & decided & ~reviewed) | (reviewed & decided & bit("short"))
    if policy.two_person_case_types or policy.two_person_adverse:
        broke = broke | (two & decided & (c("reviewer_1").is_null() | ~bit("has_second") | bit("same_reviewer")))
    if p.has_appeals:
        filed = coded("appeal_filed", 1)
        closed = filed & bit("has_appeal_decision")
        broke = broke | (closed & bit("late_closed")) | (filed & ~closed & bit("late_open"))
    return broke


def log_cases_from_frame(native: Any, counts: LogCounts) -> LogCases | None:
    """Read back the cases that broke a rule from a log aggregated into ``counts`` (None when there are none).

    Another pass over the log, filtered in the engine: only those cases reach pandas.
    """
    p = _prepare(native, counts.sensitive_features, counts.policy, counts.backend, check_unique_ids=False)
    extra = {"case_id": nw.col("case_id")}
    if p.has_appeals:
        extra["__filed_us"] = _Times.us("appeal_filed_at")
    rows = collect(p.frame.filter(_violation_condition(p, counts.raw_codes)).select(**extra, **p.keys, **p.sums))
    if len(rows) == 0:
        return None
    rows = rows.reset_index(drop=True)
    rows[COUNT] = 1
    filed = None
    if p.has_appeals:
        us = rows["__filed_us"]
        filed = np.where(us.isna(), np.datetime64("NaT", "us"),
                         us.fillna(0).to_numpy(dtype=np.int64).astype("datetime64[us]"))
    ids = _strings(rows, "case_id").rename("case_id").reset_index(drop=True)
    return LogCases(case_id=ids, appeal_filed_at=filed, counts=_compressed(p, rows))


def duckdb_log_counts(path: str | Path | Sequence[Path], *, settings: Any = None,
                      sensitive_features: Sequence[str] = (), policy: OversightPolicy | None = None,
                      check_unique_ids: bool = True) -> LogCounts:
    """Aggregate a decision log in Parquet/CSV file(s) or a glob with DuckDB, within its memory limit.

    Parameters
    ----------
    path : str, Path or list of Path
        A file, a glob or a list of files of one kind.
    settings : DuckDBSettings, optional
        Memory limit, spill folder and threads.
    sensitive_features : sequence of str
        Columns by which override and appeal rates are compared.
    policy : OversightPolicy, optional
        The policy whose flags are counted; default ``OversightPolicy()``.
    check_unique_ids : bool
        Check that case ids are unique.
    """
    from govaudit.backends import read_files

    with read_files(path, settings) as relation:
        return log_counts_from_frame(relation, sensitive_features=sensitive_features, policy=policy,
                                     backend="duckdb", check_unique_ids=check_unique_ids, source=_shown(path))


def spark_log_counts(data: Any, *, spark: Any = None, settings: Any = None, sensitive_features: Sequence[str] = (),
                     policy: OversightPolicy | None = None, check_unique_ids: bool = True) -> LogCounts:
    """Aggregate a decision log held in a Spark DataFrame, or files read by a SparkSession (as :func:`duckdb_log_counts`)."""
    from govaudit.backends import read_spark

    shown = None if hasattr(data, "sparkSession") else _shown(data)
    with read_spark(data, spark=spark, settings=settings) as frame:
        return log_counts_from_frame(frame, sensitive_features=sensitive_features, policy=policy, backend="spark",
                                     check_unique_ids=check_unique_ids, source=shown)


def _shown(path: Any) -> str:
    """How errors name the log's files."""
    if isinstance(path, (list, tuple)):
        files = [str(p) for p in path]
        return files[0] if len(files) == 1 else f"{files[0]} (and {len(files) - 1} more files)"
    return str(path)


@dataclass(frozen=True)
class DecisionLogSource:
    """Decision-log file(s) to aggregate on a backend once the oversight auditor names its sensitive features.

    Attributes
    ----------
    files : tuple of Path
        The Parquet or CSV files of the log.
    backend : str
        ``"duckdb"`` or ``"spark"``.
    duckdb : DuckDBSettings, optional
        Memory limit, spill folder and threads for DuckDB.
    spark : SparkSettings, optional
        The session settings for Spark.
    check_unique_ids : bool
        Check that case ids are unique (a pass grouping by case id).
    frame : pyspark.sql.DataFrame, optional
        The log as a Spark DataFrame, instead of files.
    """

    files: tuple[Path, ...]
    backend: str
    duckdb: Any = None
    spark: Any = None
    check_unique_ids: bool = True
    frame: Any = None

    def counts(self, sensitive_features: Sequence[str] = (), policy: OversightPolicy | None = None) -> LogCounts:
        """Aggregate the log on its backend, grouped by ``sensitive_features``, with ``policy``'s flags."""
        if self.backend == "spark":
            data = self.frame if self.frame is not None else list(self.files)
            return spark_log_counts(data, settings=self.spark, sensitive_features=sensitive_features,
                                    policy=policy, check_unique_ids=self.check_unique_ids)
        return duckdb_log_counts(list(self.files), settings=self.duckdb, sensitive_features=sensitive_features,
                                 policy=policy, check_unique_ids=self.check_unique_ids)

    def cases(self, counts: LogCounts) -> LogCases | None:
        """The cases that broke a rule, read back by another pass over the files (for the case-level file)."""
        if self.backend == "spark":
            from govaudit.backends import read_spark

            with read_spark(self.frame if self.frame is not None else list(self.files), settings=self.spark) as frame:
                return log_cases_from_frame(frame, counts)
        from govaudit.backends import read_files

        with read_files(list(self.files), self.duckdb) as relation:
            return log_cases_from_frame(relation, counts)
