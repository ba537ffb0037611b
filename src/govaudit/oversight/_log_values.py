"""The decision log's values by kind: numbers, 0/1 codes, true/false flags and ids, read and checked.

Each reader turns one column of a raw table into plain values or raises a
:class:`~govaudit.exceptions.ColumnError` that names the column and a few offending values. The
in-memory validation reads every row with them; an engine reads only the distinct values of its
grouped table with them, so both accept and reject the same values with the same words.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight._log_messages import MSG_NOT_BINARY, MSG_NOT_BOOLEAN, MSG_NOT_FINITE, MSG_NOT_NUMBER, MSG_NULLS
from govaudit.oversight._log_schema import LogColumn

__all__ = ["binary", "boolean", "check_nulls", "examples", "first_case", "ids_as_text", "numbers"]

_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n"}


def examples(values: Any, k: int = 3) -> str:
    """The first ``k`` values as a list of their reprs (numpy scalars shown as Python values)."""
    shown = [repr(v.item() if isinstance(v, np.generic) else v) for v in list(values)[:k]]
    return "[" + ", ".join(shown) + "]"


def first_case(frame: pd.DataFrame, mask: np.ndarray) -> Any:
    """The case id of the first case in ``mask`` (for an error message)."""
    value = frame["case_id"].iat[int(np.flatnonzero(mask)[0])]
    return value.item() if isinstance(value, np.generic) else value


def check_nulls(frame: pd.DataFrame, column: str, missing: np.ndarray, source: str) -> None:
    """Raise when a column every case needs is empty in some case."""
    if missing.any():
        raise InputDataError(MSG_NULLS.format(source=source, column=column, n=int(missing.sum()),
                                              case=first_case(frame, missing)))


def numbers(frame: pd.DataFrame, col: LogColumn, source: str) -> np.ndarray:
    """Finite numbers as float64, NaN where empty (only allowed for nullable columns)."""
    s = frame[col.name]
    if not (pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)):
        if s.isna().all():
            return np.full(len(s), np.nan)
        bad = s.dropna().unique()[:3]
        raise ColumnError(MSG_NOT_NUMBER.format(source=source, column=col.name, dtype=s.dtype, examples=examples(bad)))
    values = s.to_numpy(dtype=np.float64, na_value=np.nan)
    nan = np.isnan(values)
    if not col.nullable:
        check_nulls(frame, col.name, nan, source)
    inf = np.isinf(values)
    if inf.any():
        raise ColumnError(MSG_NOT_FINITE.format(source=source, column=col.name, n=int(inf.sum()),
                                                case=first_case(frame, inf)))
    return values


def binary(frame: pd.DataFrame, col: LogColumn, source: str) -> np.ndarray:
    """0/1 as float64, NaN where empty (only allowed for nullable columns)."""
    s = frame[col.name]
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
    else:  # object or text: numbers written as text are fine, anything else is named
        raw = s.map(lambda v: int(v) if isinstance(v, (bool, np.bool_)) else v) if s.dtype == object else s
        coded = pd.to_numeric(raw, errors="coerce")
        bad_text = coded.isna() & s.notna()
        if bad_text.any():
            raise ColumnError(MSG_NOT_BINARY.format(source=source, column=col.name, empty=" or empty" if col.nullable else "",
                                                    examples=examples(pd.unique(s[bad_text]))))
        values = coded.to_numpy(dtype=np.float64, na_value=np.nan)
    nan = np.isnan(values)
    if not col.nullable:
        check_nulls(frame, col.name, nan, source)
    bad_mask = ~nan & (values != 0) & (values != 1)
    if bad_mask.any():
        raise ColumnError(MSG_NOT_BINARY.format(source=source, column=col.name, empty=" or empty" if col.nullable else "",
                                                examples=examples(pd.unique(values[bad_mask]))))
    return values


def boolean(frame: pd.DataFrame, col: LogColumn, source: str) -> np.ndarray:
    """True/False as float64 (1/0), NaN where empty."""
    s = frame[col.name]
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        bad_mask = ~np.isnan(values) & (values != 0) & (values != 1)
        if bad_mask.any():
            raise ColumnError(MSG_NOT_BOOLEAN.format(source=source, column=col.name,
                                                     examples=examples(pd.unique(values[bad_mask]))))
    else:
        text = s.astype("string").str.strip().str.lower()
        values = np.where(text.isin(list(_TRUE)).to_numpy(dtype=bool), 1.0,
                          np.where(text.isin(list(_FALSE)).to_numpy(dtype=bool), 0.0, np.nan))
        bad_mask = np.isnan(values) & s.notna().to_numpy()
        if bad_mask.any():
            raise ColumnError(MSG_NOT_BOOLEAN.format(source=source, column=col.name,
                                                     examples=examples(pd.unique(s[bad_mask]))))
    if not col.nullable:
        check_nulls(frame, col.name, np.isnan(values), source)
    return values


def ids_as_text(frame: pd.DataFrame, name: str) -> pd.Series:
    """Ids as text, as logged (numeric ids read from a CSV become text; missing stays None)."""
    s = frame[name]
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        return s
    return s.astype("string").astype(object).where(s.notna(), None)  # numeric ids from a CSV
