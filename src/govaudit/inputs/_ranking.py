"""A ranked queue's inputs checked once: a priority score or a rank per case, and the optional relevance.

Either a score (``[data] priority_score``: higher is seen first) or a rank (``[data] rank``: 1 is
seen first, lower before higher) orders the queue; both become one *priority* per case, higher
first (a rank ``r`` is the priority ``-r``). Equal values are ties (see
:mod:`govaudit.metrics._ranking_cases` for how they are shared). Relevance (``[data] relevance``) is
1 when the case turned out to need acting on (the inspection found a problem) and 0 otherwise.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError
from govaudit.inputs._table import finite_numbers, values_from_data

__all__ = ["priority_values", "ranking_from_data", "relevance_values"]

_MSG_BINARY = "{name} must hold relevance 0 or 1 (1 = the case needed acting on); found {example!r}"
_MSG_BOTH = "give the queue's order once: a rank (1 = seen first) or a priority score (higher = seen first), not both"


def priority_values(values: Any, name: str, *, kind: str, rows: int | None = None) -> np.ndarray:
    """One priority per case, higher seen first, from a score (``kind="score"``) or a rank (``kind="rank"``).

    Raises
    ------
    ColumnError
        A value is not a real number (text, true/false, a date or duration, a complex number).
    InputDataError
        A value is missing or infinite, or the length is wrong.
    """
    what = "priority score" if kind == "score" else "rank"
    array = finite_numbers(values, name, what=what, need=f"a {what}", rows=rows)
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
    array = finite_numbers(series, name, what="relevance", need="a relevance", rows=rows)
    bad = (array != 0) & (array != 1)
    if bad.any():
        raise ColumnError(_MSG_BINARY.format(name=name, example=array[np.argmax(bad)]))
    return array


def ranking_from_data(data: pd.DataFrame | None, columns: tuple[str | None, str | None, str | None],
                      given: tuple[Any, Any, Any], rows: int | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(priority, relevance) from the columns ``(rank, priority_score, relevance)`` of ``data`` or arrays given.

    Each role is taken from the array given for it, else from its column; (None, None) when neither a
    rank nor a score is given. Relevance without an order is an error.
    """
    (rank_column, score_column, relevance_column), (rank, score, relevance) = columns, given
    by_rank = rank is not None or rank_column is not None
    if by_rank and (score is not None or score_column is not None):
        raise InputDataError(_MSG_BOTH)
    role, column, value = ("rank", rank_column, rank) if by_rank else ("priority score", score_column, score)
    priority = values_from_data(data, column, value, role, rows,
                                partial(priority_values, kind="rank" if by_rank else "score"))
    if priority is None:
        if relevance is not None or relevance_column is not None:
            raise InputDataError("relevance was given without a rank or priority score to order the queue")
        return None, None
    rel = values_from_data(data, relevance_column, relevance, "relevance", priority.size, relevance_values)
    return priority, rel
