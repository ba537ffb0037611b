"""The decision log's times in its engine: checked as in memory, then read as microseconds since 1970.

Engines are slow at calendar arithmetic on zoned timestamps (DuckDB's TIMESTAMPTZ goes through
ICU), and narwhals has no durations on Spark, so each time column is read once as an integer
(``epoch_us``, ``unix_micros``) and durations, comparisons and months are integer arithmetic. The
first and last time of each column bound the months and give the log's latest time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.backends import collect
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight._log_messages import MSG_TS_NAIVE, MSG_TS_PARSE, MSG_TS_ZONES
from govaudit.oversight._log_schema import BY_NAME, TIMESTAMP_COLUMNS
from govaudit.oversight._log_times import nanos_to_micros, parse_times, utc_times, zone_name

__all__ = ["EngineTimes", "latest_time", "read_times", "time_bounds"]

_MSG_TIME_TEXT = "{source}: column {column!r} must hold ISO 8601 times with a zone (e.g. 2025-03-01T09:30:00Z); found {value!r}"


@dataclass(frozen=True)
class EngineTimes:
    """The log's time columns as microseconds since 1970 (UTC) in helper columns of ``frame``.

    Attributes
    ----------
    frame : narwhals.DataFrame or narwhals.LazyFrame
        The log, with ``__us_<column>`` for each time column.
    columns : tuple of str
        The time columns the log has.
    text : frozenset of str
        Those held as ISO 8601 text (the others are typed times).
    zone : str
        The zone of the log's times.
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

    def month(self, column: str, bounds: pd.DataFrame) -> tuple[Any, tuple[str, ...] | None]:
        """Month key of ``column`` and, when it is an index, the ``YYYY-MM`` label of each value.

        ISO text keeps the month as written (its own zone); typed times are counted in UTC months:
        the index is how many month starts (between the first and last time, from ``bounds``) a
        time has reached.
        """
        if column in self.text:
            return nw.col(column).str.slice(0, 7), None
        first_us, last_us = bounds[f"__min_{column}"].iloc[0], bounds[f"__max_{column}"].iloc[0]
        if pd.isna(first_us) or pd.isna(last_us):
            return nw.lit(0), ("",)
        first = np.datetime64(int(first_us), "us").astype("datetime64[M]")
        last = np.datetime64(int(last_us), "us").astype("datetime64[M]")
        months = np.arange(first, last + 1)
        index = nw.lit(0)
        for start in months[1:]:
            index = index + (self.us(column) >= int(start.astype("datetime64[us]").astype(np.int64))).cast(nw.Int64)
        return index, tuple(str(m) for m in months)


def read_times(frame: Any, names: set[str], source: str) -> EngineTimes:
    """Check the time columns' types and zones (as in memory), and add their microseconds since 1970."""
    schema = frame.collect_schema()
    columns = [column for column in TIMESTAMP_COLUMNS if column in names]
    text = {column for column in columns if schema[column] == nw.String}
    zones = {_zone(frame, column, schema[column], source) for column in columns} - {None}
    if len(zones) > 1:
        raise InputDataError(MSG_TS_ZONES.format(source=source, zones=", ".join(sorted(zones))))
    return EngineTimes(_add_epochs(frame, columns, source), tuple(columns), frozenset(text), next(iter(zones), "UTC"))


def _zone(frame: Any, column: str, dtype: Any, source: str) -> str | None:
    """The zone of a time column: its type's, or its first ISO text's (None when there is none to read)."""
    if isinstance(dtype, nw.Datetime):
        if dtype.time_zone is None:
            raise ColumnError(MSG_TS_NAIVE.format(source=source, column=column))
        zone = zone_name(dtype.time_zone)
        return "UTC" if zone in ("Etc/UTC", "Z") else zone
    if dtype == nw.String:
        col = nw.col(column)
        first = collect(frame.filter(~col.is_null()).select(col).head(1))
        if not len(first):
            return None
        value = first[column].iloc[0]
        try:
            parsed = pd.Timestamp(value)
        except ValueError:
            raise ColumnError(_MSG_TIME_TEXT.format(source=source, column=column, value=value)) from None
        if parsed.tzinfo is None:
            raise ColumnError(_MSG_TIME_TEXT.format(source=source, column=column, value=value))
        return zone_name(parsed.tzinfo)
    if dtype != nw.Unknown:  # Unknown: e.g. DuckDB's TIMESTAMPTZ_NS (pandas' nanoseconds), cast below
        raise ColumnError(MSG_TS_PARSE.format(source=source, column=column, error=f"found values of type {dtype}"))
    return None


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
            values = utc_times(parse_times(native, replace(BY_NAME[column], nullable=True), source))
            added[f"__us_{column}"] = pd.array(np.where(np.isnat(values), 0, values.view(np.int64)), dtype="Int64")
            added[f"__us_{column}"][np.isnat(values)] = pd.NA
        return nw.from_native(native.assign(**added))
    raise InputDataError(f"{source}: decision logs are aggregated on pandas, DuckDB or Spark; got {type(native).__name__}")


def _round_us(value: Any) -> int | None:
    """A time as whole microseconds since 1970, nanoseconds rounded half away from zero (None when missing)."""
    if value is None or pd.isna(value):
        return None
    return int(nanos_to_micros(np.array([pd.Timestamp(value).value]))[0])


def time_bounds(times: EngineTimes) -> pd.DataFrame:
    """First and last time of each column (``__min_<column>``, ``__max_<column>``), in microseconds since 1970.

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


def latest_time(bounds: pd.DataFrame, times: EngineTimes) -> np.datetime64:
    """The latest time in the log, from the per-column maxima."""
    latest = [int(bounds[f"__max_{c}"].iloc[0]) for c in times.columns if pd.notna(bounds[f"__max_{c}"].iloc[0])]
    return np.datetime64(max(latest), "us")
