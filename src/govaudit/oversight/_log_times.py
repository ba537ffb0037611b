"""The decision log's times: parsed with their zone, compared as whole microseconds in UTC.

Times must carry a zone (so durations and months are unambiguous), all columns in one zone. They are
held as ``datetime64[us]`` in UTC, nanoseconds rounded half away from zero as DuckDB casts them, so
durations computed in memory and in an engine agree to the microsecond; months are calendar months
in the log's own zone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError
from govaudit.oversight._log_messages import MSG_TS_MIXED, MSG_TS_NAIVE, MSG_TS_PARSE
from govaudit.oversight._log_schema import LogColumn
from govaudit.oversight._log_values import check_nulls, examples

__all__ = ["US_PER_DAY", "US_PER_SECOND", "local_month", "nanos_to_micros", "parse_times", "utc_times", "zone_name"]

US_PER_SECOND = 1_000_000
#: Microseconds in a day: log times and durations are compared as whole microseconds.
US_PER_DAY = 86_400 * US_PER_SECOND


def parse_times(frame: pd.DataFrame, col: LogColumn, source: str) -> pd.Series:
    """Parse a time column; returns a tz-aware Series in whole microseconds (all-NaT columns keep zone None)."""
    s = frame[col.name]
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        parsed = s
    elif pd.api.types.is_datetime64_dtype(s.dtype):
        if s.notna().any():
            raise ColumnError(MSG_TS_NAIVE.format(source=source, column=col.name))
        parsed = s
    elif s.isna().all():
        parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    elif pd.api.types.is_numeric_dtype(s.dtype):
        raise ColumnError(MSG_TS_PARSE.format(source=source, column=col.name,
                                              error=f"found numbers such as {examples(s.dropna().unique())}"))
    else:
        parsed = _parse_text(s, col.name, source)
    if not col.nullable:
        check_nulls(frame, col.name, parsed.isna().to_numpy(), source)
    return _whole_microseconds(parsed)


#: A zone written after a time of day: ``Z`` or an offset such as ``+01:00``, ``-0500``, ``+01``.
_ZONE_SUFFIX = r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"


def _mixes_zoned_and_naive(s: pd.Series) -> bool:
    """Whether some texts carry a zone and others do not (pandas 2.2-2.3 would read the naive ones as UTC)."""
    values = s.dropna()
    if not len(values) or not all(isinstance(v, str) for v in values.head(1000)):
        return False
    has_zone = values.astype(str).str.strip().str.contains(_ZONE_SUFFIX, regex=True)
    return bool(has_zone.any() and not has_zone.all())


def _parse_text(s: pd.Series, column: str, source: str) -> pd.Series:
    """ISO 8601 text with one zone as a tz-aware Series; naive or mixed zones are named."""
    if _mixes_zoned_and_naive(s):
        raise ColumnError(MSG_TS_MIXED.format(source=source, column=column))
    try:
        parsed = pd.to_datetime(s, format="ISO8601")
    except ValueError as exc:
        text = str(exc)
        if "Mixed timezones" in text or "mixed time" in text.lower() or "tz-naive and tz-aware" in text:
            raise ColumnError(MSG_TS_MIXED.format(source=source, column=column)) from None
        raise ColumnError(MSG_TS_PARSE.format(source=source, column=column, error=text.splitlines()[0])) from None
    if not isinstance(parsed.dtype, pd.DatetimeTZDtype):
        if parsed.dtype == object:  # values of different zones that pandas could not unify
            raise ColumnError(MSG_TS_MIXED.format(source=source, column=column))
        raise ColumnError(MSG_TS_NAIVE.format(source=source, column=column))
    return parsed


def zone_name(tz: Any) -> str:
    """A zone's name, with UTC spelled one way."""
    name = str(tz)
    return "UTC" if name in ("UTC", "UTC+00:00", "+00:00", "tzutc()") else name


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


def utc_times(parsed: pd.Series) -> np.ndarray:
    """Parsed times as ``datetime64[us]`` in UTC (NaT where empty)."""
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[us]")


def local_month(parsed: pd.Series) -> np.ndarray:
    """Calendar month of each time in the log's own zone (NaT stays NaT)."""
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[us]").astype("datetime64[M]")
