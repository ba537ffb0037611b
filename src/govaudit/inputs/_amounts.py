"""Amounts (benefit paid, sum awarded) checked once: numeric, finite, one per case, optionally never negative."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError
from govaudit.inputs._table import values_from_data

__all__ = ["amount_values", "amounts_from_data"]

_MSG_NUMERIC = "{name} must hold numbers (amounts); found non-numeric values such as {example!r}"
_MSG_MISSING = "{name} has {count} missing or infinite amount(s) (first at row {row}); every case needs an amount"
_MSG_NEGATIVE = ("{name} has {count} negative amount(s) (the smallest {low:g}); amounts must be >= 0 unless "
                 "allow_negative = true")


def amount_values(values: Any, name: str, *, allow_negative: bool = True, rows: int | None = None) -> np.ndarray:
    """``values`` as a 1-D float array, after checking them.

    Parameters
    ----------
    values : array-like
        One amount per case.
    name : str
        How errors name the values, e.g. ``"column 'paid'"`` or ``"y_amount"``.
    allow_negative : bool
        Whether a negative amount is accepted.
    rows : int, optional
        The number of cases the amounts must match.

    Raises
    ------
    ColumnError
        A value is not a number.
    InputDataError
        A value is missing or infinite, negative when not allowed, or the length is wrong.
    """
    series = pd.Series(np.asarray(values, dtype=object).ravel() if not isinstance(values, pd.Series) else values)
    if series.dtype == object or not pd.api.types.is_numeric_dtype(series):
        numbers = pd.to_numeric(series, errors="coerce")
        bad = series[numbers.isna() & series.notna()]
        if len(bad):
            raise ColumnError(_MSG_NUMERIC.format(name=name, example=bad.iloc[0]))
        series = numbers
    if pd.api.types.is_bool_dtype(series):
        raise ColumnError(_MSG_NUMERIC.format(name=name, example=bool(series.iloc[0])))
    array = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if rows is not None and array.size != rows:
        raise InputDataError(f"{name} has {array.size} rows but the data has {rows}")
    broken = ~np.isfinite(array)
    if broken.any():
        raise InputDataError(_MSG_MISSING.format(name=name, count=int(broken.sum()), row=int(np.argmax(broken))))
    if not allow_negative and (array < 0).any():
        raise InputDataError(_MSG_NEGATIVE.format(name=name, count=int((array < 0).sum()), low=float(array.min())))
    return array


def amounts_from_data(data: pd.DataFrame | None, column: str | None, given: Any, role: str,
                      rows: int | None) -> np.ndarray | None:
    """The amounts given as an array, or read from ``column`` of ``data`` (None when neither is given)."""
    return values_from_data(data, column, given, role, rows, amount_values)
