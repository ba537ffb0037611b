"""Amounts (benefit paid, sum awarded) checked once: numeric, finite, one per case, optionally never negative."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.inputs._table import finite_numbers, values_from_data

__all__ = ["amount_values", "amounts_from_data", "check_not_negative"]

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
        A value is not a real number (text, true/false, a date or duration, a complex number).
    InputDataError
        A value is missing or infinite, negative when not allowed, or the length is wrong.
    """
    array = finite_numbers(values, name, what="amounts", unit="amount", need="an amount", rows=rows)
    if not allow_negative:
        check_not_negative(array, name)
    return array


def check_not_negative(amounts: np.ndarray, name: str) -> None:
    """Raise when an amount is negative (when ``allow_negative`` is off).

    Parameters
    ----------
    amounts : numpy.ndarray
        Checked amounts (:func:`amount_values`).
    name : str
        How the error names them, e.g. ``"column 'paid'"`` or ``"y_amount"``.

    Raises
    ------
    InputDataError
        Naming how many amounts are negative and the smallest.
    """
    negative = np.asarray(amounts) < 0
    if negative.any():
        raise InputDataError(_MSG_NEGATIVE.format(name=name, count=int(negative.sum()), low=float(np.min(amounts))))


def amounts_from_data(data: pd.DataFrame | None, column: str | None, given: Any, role: str,
                      rows: int | None) -> np.ndarray | None:
    """The amounts given as an array, or read from ``column`` of ``data`` (None when neither is given)."""
    return values_from_data(data, column, given, role, rows, amount_values)
