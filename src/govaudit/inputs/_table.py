"""Read evaluation tables from CSV or Parquet files, with errors that name the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit._interrupt import raise_if_interruption
from govaudit.exceptions import ColumnError, InputDataError, first_line

__all__ = ["TABLE_SUFFIXES", "case_ids_from_column", "finite_numbers", "load_table", "values_from_data"]

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")

_MSG_MISSING = "data file not found: {path}"
_MSG_SUFFIX = "{path}: unsupported data file type {suffix!r}; expected one of .csv, .parquet"
_MSG_UNREADABLE = "{path}: cannot be read as {kind}: {error}"
_MSG_EMPTY = "{path}: the table has no rows"


def load_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.parquet`` file.

    Returns
    -------
    pandas.DataFrame
        The table, with at least one row.

    Raises
    ------
    InputDataError
        The file is missing, of another type, unreadable, or empty.
    """
    path = Path(path)
    if path.is_dir():
        raise InputDataError(f"{path}: is a folder; expected a .csv or .parquet file")
    if not path.is_file():
        raise InputDataError(_MSG_MISSING.format(path=path))
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputDataError(_MSG_SUFFIX.format(path=path, suffix=suffix))
    kind = "CSV" if suffix == ".csv" else "Parquet"
    try:
        table = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise InputDataError(_MSG_EMPTY.format(path=path)) from None
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
        raise InputDataError(_MSG_UNREADABLE.format(path=path, kind=kind, error=first_line(exc))) from None
    except Exception as exc:  # pyarrow raises its own error types on corrupt files
        raise_if_interruption(exc)
        raise InputDataError(_MSG_UNREADABLE.format(path=path, kind=kind, error=f"{type(exc).__name__}: {exc}")) from None
    if len(table) == 0:
        raise InputDataError(_MSG_EMPTY.format(path=path))
    return table


def case_ids_from_column(table: pd.DataFrame, column: str | None) -> np.ndarray | None:
    """The ``[data] case_id`` column's values, which must name each row once; None when no column is named."""
    if column is None:
        return None
    if column not in table.columns:
        raise ColumnError(f"column {column!r} ([data] case_id) not found in the data")
    ids = table[column]
    if ids.isna().any() or ids.duplicated().any():
        raise InputDataError(f"column {column!r} ([data] case_id) must identify each row: "
                             "it has missing or repeated values")
    return ids.to_numpy()


_MSG_NO_COLUMN = "column {column!r} ({role}) not found in the data; available columns: {available}"


def values_from_data(data: pd.DataFrame | None, column: str | None, given: Any, role: str, rows: int | None,
                     read: Callable[..., np.ndarray]) -> np.ndarray | None:
    """Values given as an array, or read from ``column`` of ``data``; ``None`` when neither is given.

    ``read(values, name, rows=rows)`` checks and converts them (e.g. :func:`amount_values`); ``name``
    is ``y_<role>`` for an array and ``column '<column>'`` for a column, so its errors point at the input.
    """
    if given is not None:
        return read(given, f"y_{role.replace(' ', '_')}" if column is None else f"column {column!r}", rows=rows)
    if column is None:
        return None
    if data is None:
        raise InputDataError(f"{role} was given as a column name but no data table was given")
    if column not in data.columns:
        cols = ", ".join(str(c) for c in list(data.columns)[:25])
        raise ColumnError(_MSG_NO_COLUMN.format(column=column, role=role, available=cols))
    return read(data[column], f"column {column!r}", rows=rows)


_MSG_NUMERIC = "{name} must hold numbers ({what}); found {found} such as {example!r} (expected numbers)"
_MSG_NOT_FINITE = "{name} has {count} missing or infinite {unit}(s) (first at row {row}); every case needs {need}"
_MSG_ROWS = "{name} has {got} rows but the data has {rows}"
#: kinds (pandas.api.types.infer_dtype) that convert to floats without being numbers: dates become
#: nanoseconds, a complex number loses its imaginary part, true/false becomes 1/0
_NOT_NUMBERS = {"boolean": "true/false values", "datetime64": "dates or times", "datetime": "dates or times",
                "date": "dates", "time": "times of day", "timedelta64": "durations", "timedelta": "durations",
                "period": "periods", "complex": "complex numbers"}


def finite_numbers(values: Any, name: str, *, what: str, unit: str = "value", need: str = "a value",
                   rows: int | None = None) -> np.ndarray:
    """``values`` as a 1-D float array, after checking each is a finite real number.

    Parameters
    ----------
    values : array-like
        One value per case.
    name : str
        How errors name the values, e.g. ``"column 'paid'"`` or ``"y_amount"``.
    what, unit, need : str
        What the values are, in errors: ``"... must hold numbers (<what>)"``, ``"... missing or
        infinite <unit>(s) ...; every case needs <need>"``.
    rows : int, optional
        The number of cases the values must match.

    Raises
    ------
    ColumnError
        A value is not a real number: text, true/false, a date, time or duration, a complex number.
    InputDataError
        A value is missing or infinite, or the length is wrong.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    _reject_non_numbers(series, name, what)
    if not pd.api.types.is_numeric_dtype(series):
        numbers = pd.to_numeric(series, errors="coerce")
        bad = series[numbers.isna() & series.notna()]
        if len(bad):
            raise ColumnError(_MSG_NUMERIC.format(name=name, what=what, found="non-numeric values",
                                                  example=bad.iloc[0]))
        series = numbers
        _reject_non_numbers(series, name, what)  # text such as "1j" parses as a complex number
    array = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if rows is not None and array.size != rows:
        raise InputDataError(_MSG_ROWS.format(name=name, got=array.size, rows=rows))
    broken = ~np.isfinite(array)
    if broken.any():
        raise InputDataError(_MSG_NOT_FINITE.format(name=name, count=int(broken.sum()), unit=unit,
                                                    row=int(np.argmax(broken)), need=need))
    return array


def _reject_non_numbers(series: pd.Series, name: str, what: str) -> None:
    """Raise when the values are of a kind that would silently convert to floats."""
    found = _NOT_NUMBERS.get(pd.api.types.infer_dtype(series, skipna=True))
    if found is not None:
        present = series.dropna()
        example = present.iloc[0] if len(present) else None
        raise ColumnError(_MSG_NUMERIC.format(name=name, what=what, found=found, example=example))
