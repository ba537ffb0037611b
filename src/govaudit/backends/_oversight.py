"""The decision log on a backend: one narwhals aggregation behind the oversight auditor's rate checks.

Override, appeal and appeal-success rates by group, the per-month share decided without a person and
each reviewer's agreement with the model are all counts. So the rows are grouped once, in the engine
that holds them, by the sensitive features, the month, the reviewer and the few flags these checks
read (decided, reviewed, recommendation, final decision, appeal filed and outcome); the result is a
small *compressed table* (one row per combination present) coded with the in-memory log's rules.
Values are validated on that table's distinct values, so an error names the column and the bad
values, never a case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight._log_schema import _BY_NAME, APPEAL_COLUMNS, OUTCOME_OVERTURNED, OUTCOME_UPHELD
from govaudit.oversight._log_schema import _binary, _boolean, _zone_name

from ._aggregate import COUNT, _collect

__all__ = ["DecisionLogSource", "LogCounts", "duckdb_log_counts", "log_counts_from_frame", "spark_log_counts"]

_SOURCE = "{backend} decision log"
_MSG_MISSING_COLUMNS = "{source}: the decision log lacks required column(s) {missing}; see `govaudit schema decision-log`"
_MSG_APPEAL_PARTIAL = "{source}: appeal columns come together; found {have} but not {missing}"
_MSG_SENSITIVE = "{source}: sensitive feature column {column!r} is not in the decision log"
_MSG_NULLS = "{source}: column {column!r} has {n} missing value(s); every case needs one"
_MSG_TIME_TYPE = "{source}: column 'decided_at' must hold timestamps or ISO 8601 text; found type {dtype}"
_MSG_TIME_TEXT = "{source}: column 'decided_at' must hold ISO 8601 times with a zone (e.g. 2025-03-01T09:30:00Z); found {value!r}"
_MSG_OUTCOME = "{source}: column 'appeal_outcome' must be 'overturned', 'upheld' or empty; found {examples}"
_MSG_EMPTY = "{source}: the decision log has no rows"

#: Columns the rate checks read (the other required columns are read only by the per-case checks).
_NEEDED = ("decided_at", "recommendation", "reviewer_1", "review_ended_at", "final_decision")
_MONTH, _DECIDED, _REVIEWED = "__month", "__decided", "__reviewed"


@dataclass(frozen=True)
class LogCounts:
    """A decision log aggregated by a backend: aggregate counts only, no case ids.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per combination present, with the sensitive feature columns as logged and
        ``month`` (``"YYYY-MM"`` in the log's zone), ``decided``, ``reviewed`` (bool),
        ``recommendation``, ``final_decision`` (0/1, NaN while pending), ``reviewer`` (str or None),
        ``appeal_filed`` (bool), ``appeal_overturned`` (1/0, NaN while pending) and ``"__n"`` (rows).
    sensitive_features : tuple of str
        The sensitive feature columns.
    has_appeals : bool
        Whether the log has the appeal columns.
    timezone : str
        Zone of the log's times (months are calendar months in it).
    backend : str
        The engine that aggregated the rows.
    """

    table: pd.DataFrame
    sensitive_features: tuple[str, ...]
    has_appeals: bool
    timezone: str
    backend: str

    @property
    def n_rows(self) -> int:
        """Number of cases aggregated."""
        return int(self.table[COUNT].sum())

    @property
    def weights(self) -> np.ndarray:
        """Cases per compressed row."""
        return self.table[COUNT].to_numpy(dtype=np.int64)


def _month(frame: Any, source: str) -> tuple[Any, str]:
    """Expression for the calendar month of ``decided_at`` in the log's zone, and that zone."""
    dtype = frame.collect_schema()["decided_at"]
    col = nw.col("decided_at")
    if isinstance(dtype, nw.Datetime):
        zone = _zone_name(dtype.time_zone or "UTC")
        return col.dt.to_string("%Y-%m"), "UTC" if zone in ("Etc/UTC", "Z") else zone
    if dtype == nw.String:
        first = _collect(frame.filter(~col.is_null()).select(col).head(1))
        if len(first) == 0:
            raise InputDataError(_MSG_EMPTY.format(source=source))
        value = first["decided_at"].iloc[0]
        try:
            parsed = pd.Timestamp(value)
        except ValueError:
            raise ColumnError(_MSG_TIME_TEXT.format(source=source, value=value)) from None
        if parsed.tzinfo is None:
            raise ColumnError(_MSG_TIME_TEXT.format(source=source, value=value))
        # ISO 8601 text with its offset: the first 7 characters are the month in the log's own zone
        return col.str.slice(0, 7), _zone_name(parsed.tzinfo)
    raise ColumnError(_MSG_TIME_TYPE.format(source=source, dtype=dtype))


def _code(table: pd.DataFrame, column: str, kind: str, source: str) -> np.ndarray:
    """0/1 (NaN when empty) with the in-memory log's rules, checked on the distinct values."""
    coder = _binary if kind == "binary" else _boolean
    return coder(table, replace(_BY_NAME[column], nullable=True), source)


def log_counts_from_frame(native: Any, *, sensitive_features: Sequence[str] = (),
                          backend: str = "memory") -> LogCounts:
    """Aggregate a decision log held by any engine narwhals reads (pandas, DuckDB, PySpark).

    Parameters
    ----------
    native : pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The decision log, in the documented format (``govaudit schema decision-log``).
    sensitive_features : sequence of str
        Columns by which override and appeal rates are compared.
    backend : str
        Name of the engine, recorded in findings.

    Returns
    -------
    LogCounts

    Raises
    ------
    ColumnError, InputDataError
        A column is missing or holds values the format does not allow (named in the message).
    """
    source = _SOURCE.format(backend=backend)
    frame = nw.from_native(native)
    names = set(frame.collect_schema().names())
    missing = [c for c in _NEEDED if c not in names]
    if missing:
        raise ColumnError(_MSG_MISSING_COLUMNS.format(source=source, missing=missing))
    appeal_have = [c for c in APPEAL_COLUMNS if c in names]
    if appeal_have and len(appeal_have) < len(APPEAL_COLUMNS):
        raise ColumnError(_MSG_APPEAL_PARTIAL.format(source=source, have=appeal_have,
                                                     missing=[c for c in APPEAL_COLUMNS if c not in names]))
    sensitive = tuple(sensitive_features)
    for column in sensitive:
        if column not in names:
            raise ColumnError(_MSG_SENSITIVE.format(source=source, column=column))
    month, timezone = _month(frame, source)
    keys: dict[str, Any] = {c: nw.col(c) for c in dict.fromkeys(sensitive)}
    keys.update({
        _MONTH: month,
        _DECIDED: ~nw.col("final_decision").is_null(),
        _REVIEWED: ~nw.col("reviewer_1").is_null() & ~nw.col("review_ended_at").is_null(),
        "recommendation": nw.col("recommendation"), "final_decision": nw.col("final_decision"),
        "reviewer_1": nw.col("reviewer_1"),
    })
    if appeal_have:
        keys.update({"appeal_filed": nw.col("appeal_filed"), "appeal_outcome": nw.col("appeal_outcome")})
    grouped = frame.select(**keys).group_by(*keys, drop_null_keys=False).agg(nw.len().alias(COUNT))
    raw = _collect(grouped).reset_index(drop=True)
    if len(raw) == 0:
        raise InputDataError(_MSG_EMPTY.format(source=source))
    for column in (_MONTH, "recommendation") + (("appeal_filed",) if appeal_have else ()):
        nulls = raw[column].isna().to_numpy()
        if nulls.any():
            shown = "decided_at" if column == _MONTH else column
            raise InputDataError(_MSG_NULLS.format(source=source, column=shown, n=int(raw.loc[nulls, COUNT].sum())))
    table = raw.loc[:, [*dict.fromkeys(sensitive)]].copy()
    table["month"] = raw[_MONTH].astype(str).to_numpy(dtype=object)
    table["decided"] = raw[_DECIDED].to_numpy(dtype=bool)
    table["reviewed"] = raw[_REVIEWED].to_numpy(dtype=bool)
    table["recommendation"] = _code(raw, "recommendation", "binary", source)
    table["final_decision"] = _code(raw, "final_decision", "binary", source)
    ids = raw["reviewer_1"]
    if not (pd.api.types.is_string_dtype(ids.dtype) or ids.dtype == object):  # numeric ids, as the log reads them
        ids = ids.astype("string").astype(object).where(ids.notna(), None)
    table["reviewer"] = ids.to_numpy(dtype=object)
    if appeal_have:
        table["appeal_filed"] = _code(raw, "appeal_filed", "boolean", source).astype(bool)
        outcome = raw["appeal_outcome"]
        known = outcome.isin([OUTCOME_OVERTURNED, OUTCOME_UPHELD]).to_numpy(dtype=bool)
        bad = outcome.notna().to_numpy() & ~known
        if bad.any():
            raise ColumnError(_MSG_OUTCOME.format(source=source, examples=list(pd.unique(outcome[bad]))[:3]))
        table["appeal_overturned"] = np.where(known, (outcome == OUTCOME_OVERTURNED).to_numpy(dtype=bool), np.nan)
    table[COUNT] = raw[COUNT].to_numpy(dtype=np.int64)
    return LogCounts(table=table, sensitive_features=sensitive, has_appeals=bool(appeal_have),
                     timezone=timezone, backend=backend)


def duckdb_log_counts(path: str | Path | Sequence[Path], *, settings: Any = None,
                      sensitive_features: Sequence[str] = ()) -> LogCounts:
    """Aggregate a decision log in Parquet/CSV file(s) or a glob with DuckDB, within its memory limit.

    Parameters
    ----------
    path : str, Path or list of Path
        A file, a glob or a list of files of one kind.
    settings : DuckDBSettings, optional
        Memory limit, spill folder and threads.
    sensitive_features : sequence of str
        Columns by which override and appeal rates are compared.
    """
    from ._duckdb import read_files

    with read_files(path, settings) as relation:
        return log_counts_from_frame(relation, sensitive_features=sensitive_features, backend="duckdb")


def spark_log_counts(data: Any, *, spark: Any = None, settings: Any = None,
                     sensitive_features: Sequence[str] = ()) -> LogCounts:
    """Aggregate a decision log held in a Spark DataFrame, or files read by a SparkSession."""
    from ._spark import read_frame

    frame = read_frame(data, spark=spark, settings=settings)
    return log_counts_from_frame(frame, sensitive_features=sensitive_features, backend="spark")


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
    """

    files: tuple[Path, ...]
    backend: str
    duckdb: Any = None
    spark: Any = None

    def counts(self, sensitive_features: Sequence[str] = ()) -> LogCounts:
        """Aggregate the log on its backend, grouped by ``sensitive_features``."""
        if self.backend == "spark":
            return spark_log_counts(list(self.files), settings=self.spark, sensitive_features=sensitive_features)
        return duckdb_log_counts(list(self.files), settings=self.duckdb, sensitive_features=sensitive_features)
