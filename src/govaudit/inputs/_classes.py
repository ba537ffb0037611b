"""Classes decided (and true classes) checked once: one per case, none missing, kept as given."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.inputs._table import values_from_data

__all__ = ["class_values", "classes_from_data"]

_MSG_MISSING = "{name} has {count} missing class(es) (first at row {row}); every case needs a class"
_MSG_SHAPE = "{name} must be one-dimensional (one class per case); got shape {shape}"


def class_values(values: Any, name: str, *, rows: int | None = None) -> np.ndarray:
    """``values`` as a 1-D object array of classes, after checking them.

    Parameters
    ----------
    values : array-like
        One class per case (strings, integers, categories).
    name : str
        How errors name the values, e.g. ``"column 'track'"`` or ``"y_class_pred"``.
    rows : int, optional
        The number of cases the classes must match.

    Raises
    ------
    InputDataError
        The values are not one-dimensional, a class is missing, or the length is wrong.
    """
    if isinstance(values, pd.DataFrame) or (isinstance(values, np.ndarray) and values.ndim != 1):
        raise InputDataError(_MSG_SHAPE.format(name=name, shape=tuple(np.shape(values))))
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    if rows is not None and len(series) != rows:
        raise InputDataError(f"{name} has {len(series)} rows but the data has {rows}")
    missing = series.isna().to_numpy()
    if missing.any():
        raise InputDataError(_MSG_MISSING.format(name=name, count=int(missing.sum()), row=int(np.argmax(missing))))
    return series.astype(object).to_numpy()


def classes_from_data(data: pd.DataFrame | None, column: str | None, given: Any, role: str,
                      rows: int | None) -> np.ndarray | None:
    """The classes given as an array, or read from ``column`` of ``data`` (None when neither is given)."""
    return values_from_data(data, column, given, role, rows, class_values)
