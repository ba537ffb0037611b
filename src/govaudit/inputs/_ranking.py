"""A ranked queue's inputs checked once: a priority score or a rank per case, and the optional relevance.

Either a score (``[data] priority_score``: higher is seen first) or a rank (``[data] rank``: 1 is
seen first, lower before higher) orders the queue; both become one *priority* per case, higher
first (a rank ``r`` is the priority ``-r``). Equal values are ties (see
:mod:`govaudit.metrics._ranking_cases` for how they are shared). Relevance (``[data] relevance``) is
1 when the case turned out to need acting on (the inspection found a problem) and 0 otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError

__all__ = ["priority_values", "ranking_from_data", "relevance_values"]

_MSG_NUMERIC = "{name} must hold numbers ({what}); found non-numeric values such as {example!r}"
_MSG_MISSING = "{name} has {count} missing or infinite value(s) (first at row {row}); every case needs a {what}"
_MSG_BINARY = "{name} must hold relevance 0 or 1 (1 = the case needed acting on); found {example!r}"
_MSG_NO_COLUMN = "column {column!r} ({role}) not found in the data; available columns: {available}"
_MSG_BOTH = "give the queue's order once: a rank (1 = seen first) or a priority score (higher = seen first), not both"
_MSG_ROWS = "{name} has {got} rows but the data has {rows}"


def _numbers(values: Any, name: str, what: str, rows: int | None) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    if pd.api.types.is_bool_dtype(series):
        raise ColumnError(_MSG_NUMERIC.format(name=name, what=what, example=bool(series.iloc[0])))
    if not pd.api.types.is_numeric_dtype(series):
        numbers = pd.to_numeric(series, errors="coerce")
        bad = series[numbers.isna() & series.notna()]
        if len(bad):
            raise ColumnError(_MSG_NUMERIC.format(name=name, what=what, example=bad.iloc[0]))
        series = numbers
    array = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if rows is not None and array.size != rows:
        raise InputDataError(_MSG_ROWS.format(name=name, got=array.size, rows=rows))
    broken = ~np.isfinite(array)
    if broken.any():
        raise InputDataError(_MSG_MISSING.format(name=name, count=int(broken.sum()), row=int(np.argmax(broken)),
                                                 what=what))
    return array


def priority_values(values: Any, name: str, *, kind: str, rows: int | None = None) -> np.ndarray:
    """One priority per case, higher seen first, from a score (``kind="score"``) or a rank (``kind="rank"``).

    Raises
    ------
    ColumnError
        A value is not a number.
    InputDataError
        A value is missing or infinite, or the length is wrong.
    """
    array = _numbers(values, name, "priority score" if kind == "score" else "rank", rows)
    return array if kind == "score" else -array


def relevance_values(values: Any, name: str, rows: int | None = None) -> np.ndarray:
    """Relevance as a 0/1 float array (``True``/``False`` accepted), after checking it.

    Raises
    ------
    ColumnError
        A value is neither 0 nor 1.
    InputDataError
        A value is missing, or the length is wrong.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(np.int64)
    array = _numbers(series, name, "relevance", rows)
    bad = (array != 0) & (array != 1)
    if bad.any():
        raise ColumnError(_MSG_BINARY.format(name=name, example=array[np.argmax(bad)]))
    return array


def _column(data: pd.DataFrame | None, column: str, role: str) -> pd.Series:
    if data is None:
        raise InputDataError(f"{role} was given as a column name but no data table was given")
    if column not in data.columns:
        cols = ", ".join(str(c) for c in list(data.columns)[:25])
        raise ColumnError(_MSG_NO_COLUMN.format(column=column, role=role, available=cols))
    return data[column]


def ranking_from_data(data: pd.DataFrame | None, columns: tuple[str | None, str | None, str | None],
                      given: tuple[Any, Any, Any], rows: int | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(priority, relevance) from the columns ``(rank, priority_score, relevance)`` of ``data`` or arrays given.

    Each role is taken from the array given for it, else from its column; (None, None) when neither a
    rank nor a score is given. Relevance without an order is an error.
    """
    found = []
    for (column, value), role in zip(zip(columns, given), ("rank", "priority score", "relevance")):
        if value is not None:
            found.append((value, f"{role.replace(' ', '_')} given" if column is None else f"column {column!r}"))
        elif column is not None:
            found.append((_column(data, column, role), f"column {column!r}"))
        else:
            found.append(None)
    rank, score, relevance = found
    if rank is not None and score is not None:
        raise InputDataError(_MSG_BOTH)
    if rank is None and score is None:
        if relevance is not None:
            raise InputDataError("relevance was given without a rank or priority score to order the queue")
        return None, None
    order = rank if rank is not None else score
    priority = priority_values(order[0], order[1], kind="rank" if rank is not None else "score", rows=rows)
    rel = None if relevance is None else relevance_values(relevance[0], relevance[1], rows=priority.size)
    return priority, rel
