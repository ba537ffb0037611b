"""Validate binary outcomes and reduce them to a per-group confusion counts table.

The counts table is the sufficient statistic for every count-based group metric: one counting
pass over the rows, after which everything is arithmetic on a ``(G, 4)`` array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError

from ._groups import GroupEncoding
from ._tally import index_dtype, tally

__all__ = ["GroupCounts", "as_binary", "group_counts"]

_MSG_NOT_1D = "{name} must be one-dimensional; got shape {shape}"
_MSG_MISSING = "{name} has {n_missing} missing value(s) (None/NaN); every row needs a 0/1 value"
_MSG_NOT_BINARY = (
    "{name} must be binary (two values, 0/1 or False/True); found {n} distinct values: "
    "{examples}; pass the favourable label (positive=...) to code other values"
)
_MSG_POSITIVE_MISMATCH = (
    "{name} must hold at most two distinct values, one of them the favourable label "
    "positive={positive!r}; found {n} distinct values: {examples}"
    "{hint}"
)
_MSG_LENGTH_MISMATCH = (
    "inputs have different lengths: {details}; y_pred, y_true and sensitive_features must "
    "have one entry per row"
)

_N_EXAMPLES = 5
_ONE_BYTE = (np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.bool_))


def _examples(uniques: np.ndarray) -> str:
    """Up to five distinct values, for an error message."""
    shown = ", ".join(
        repr(u.item() if isinstance(u, np.generic) else u) for u in uniques[:_N_EXAMPLES]
    )
    return f"[{shown}{', ...' if len(uniques) > _N_EXAMPLES else ''}]"


def _hint(uniques: np.ndarray, positive: Any) -> str:
    """Say plainly when the favourable label is simply not among the values."""
    if len(uniques) == 2 and positive not in list(uniques):
        return f" (none is {positive!r}: set the favourable label to one of them)"
    return ""


def _distinct(values: pd.Series | np.ndarray) -> np.ndarray:
    """Distinct values (hash-based, O(n)); only called on the error path or on object data."""
    if not isinstance(values, pd.Series):
        values = np.asarray(values).ravel()
    return np.asarray(pd.unique(values), dtype=object)


def as_binary(values: Any, name: str, *, positive: Any = None) -> np.ndarray:
    """Validate a binary outcome and return it as an ``int8`` array of 0/1.

    Parameters
    ----------
    values : list, numpy.ndarray or pandas.Series
        One value per row. Nullable, boolean and categorical Series are accepted.
    name : str
        Name of the input, used in error messages (e.g. ``"y_pred"``).
    positive : scalar, optional
        The favourable value, coded 1. The values may then hold at most two distinct values,
        and if two, one of them must be ``positive`` (a single value other than ``positive``
        is accepted and coded 0: nobody was selected). Without it, the values must be a
        subset of {0, 1} (integers, floats 0.0/1.0 or booleans).

    Returns
    -------
    numpy.ndarray
        ``int8`` array of 0/1, shape ``(n,)``.

    Raises
    ------
    InputDataError
        The input is not 1-D, has missing values, or is not binary as described above.
    """
    if isinstance(values, pd.DataFrame):
        raise InputDataError(_MSG_NOT_1D.format(name=name, shape=values.shape))
    if isinstance(values, (pd.Series, pd.Index)):
        series = pd.Series(values, copy=False)
        arr = None
        if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
            arr = series.to_numpy()  # plain numpy dtype: take the fast path below
    else:
        arr = np.asarray(values, dtype=object) if isinstance(values, list) else np.asarray(values)
        if arr.ndim != 1:
            raise InputDataError(_MSG_NOT_1D.format(name=name, shape=arr.shape))
        series = None
        if arr.dtype.kind not in "biuf":
            # Object/string data ([0, 1, None], ["yes", "no"]) go through pandas, which handles NA.
            series = pd.Series(arr, copy=False)
            arr = None

    if arr is not None:
        return _numeric_to_binary(arr, name, positive)
    assert series is not None
    return _series_to_binary(series, name, positive)


def _numeric_to_binary(arr: np.ndarray, name: str, positive: Any) -> np.ndarray:
    """Fast path for plain numeric/bool numpy data: O(n) checks, no hashing or sorting."""
    if arr.dtype.kind == "f":
        n_missing = int(np.isnan(arr).sum())
        if n_missing:
            raise InputDataError(_MSG_MISSING.format(name=name, n_missing=n_missing))
    if positive is None:
        if arr.dtype.kind == "b":
            return arr.astype(np.int8)
        in_range = arr.size == 0 or (arr.min() >= 0 and arr.max() <= 1)
        if in_range and (arr.dtype.kind != "f" or _all_01(arr)):
            return arr.astype(np.int8)
        uniques = np.unique(arr)  # error path only
        raise InputDataError(
            _MSG_NOT_BINARY.format(name=name, n=len(uniques), examples=_examples(uniques))
        )
    if arr.dtype.kind in "biu" and _two_values_at_most(arr, positive):
        return (arr == positive).view(np.int8)
    hit = arr == positive
    others = arr[~hit]
    # Allowed: {positive, one other value}, only positive, or only one other value (a log in
    # which nobody was selected is a real case to audit, not an input error).
    n_other_values = 0 if others.size == 0 else (1 if (others == others[0]).all() else 2)
    if n_other_values > 1:
        uniques = np.unique(arr)  # error path only
        raise InputDataError(
            _MSG_POSITIVE_MISMATCH.format(
                name=name, positive=positive, n=len(uniques), examples=_examples(uniques),
                hint=_hint(uniques, positive),
            )
        )
    return hit.astype(np.int8)


def _two_values_at_most(arr: np.ndarray, positive: Any) -> bool:
    """Integers spanning at most two consecutive values, one of them ``positive`` if two: allowed.

    Two passes (min, max) instead of a mask and a copy; anything else takes the general check.
    """
    if arr.size == 0:
        return False
    low, high = int(arr.min()), int(arr.max())
    return low == high or (high - low == 1 and (positive == low or positive == high))


def _all_01(arr: np.ndarray) -> bool:
    """Whether every float is exactly 0.0 or 1.0 (0.5 passes the min/max check)."""
    return bool(((arr == 0) | (arr == 1)).all())


def _series_to_binary(series: pd.Series, name: str, positive: Any) -> np.ndarray:
    """General path: nullable, categorical, string and object data."""
    n_missing = int(series.isna().sum())
    if n_missing:
        raise InputDataError(_MSG_MISSING.format(name=name, n_missing=n_missing))
    uniques = _distinct(series)
    if positive is None:
        # 0/1, 0.0/1.0 and False/True pass (bool is an int); the string "1" does not.
        ok = len(uniques) <= 2 and all(
            not isinstance(u, (str, bytes)) and _is_01(u) for u in uniques
        )
        if not ok:
            raise InputDataError(
                _MSG_NOT_BINARY.format(name=name, n=len(uniques), examples=_examples(uniques))
            )
        target: Any = 1
    else:
        has_positive = any(_equals(u, positive) for u in uniques)
        # Same rule as the numeric path: a single non-favourable value means nobody selected.
        if len(uniques) > 2 or (len(uniques) == 2 and not has_positive):
            raise InputDataError(
                _MSG_POSITIVE_MISMATCH.format(
                    name=name, positive=positive, n=len(uniques), examples=_examples(uniques),
                    hint=_hint(uniques, positive),
                )
            )
        target = positive
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)  # compare on values, not on category codes
    return np.asarray(series == target, dtype=bool).astype(np.int8)


def _is_01(u: Any) -> bool:
    try:
        return bool(u == 0 or u == 1)
    except (TypeError, ValueError):
        return False


def _equals(u: Any, positive: Any) -> bool:
    try:
        return bool(u == positive)
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class GroupCounts:
    """Per-group counts: the sufficient statistic for count-based group metrics.

    Attributes
    ----------
    labels : tuple of str
        One label per group (row of ``counts``).
    counts : numpy.ndarray
        ``int64``. With labels, shape ``(G, 4)`` with columns ``[TN, FP, FN, TP]`` (column index
        ``2 * y_true + y_pred``); without labels, shape ``(G, 2)`` with columns
        ``[not selected, selected]``.
    """

    labels: tuple[str, ...]
    counts: np.ndarray

    @property
    def has_labels(self) -> bool:
        """Whether the table holds confusion counts (observed outcomes were given)."""
        return self.counts.shape[1] == 4

    @property
    def n(self) -> np.ndarray:
        """Group sizes, shape ``(G,)``."""
        return self.counts.sum(axis=1)

    @property
    def selected(self) -> np.ndarray:
        """Number of rows with ``y_pred == 1`` per group, shape ``(G,)``."""
        if self.has_labels:
            return self.counts[:, 1] + self.counts[:, 3]
        return self.counts[:, 1]

    @property
    def total(self) -> int:
        """Number of rows over all groups."""
        return int(self.counts.sum())


def group_counts(y_pred: Any, encoding: GroupEncoding, y_true: Any = None) -> GroupCounts:
    """Count decisions (and outcomes) per group in one counting pass.

    Parameters
    ----------
    y_pred : array-like of 0/1
        Decisions, 1 = favourable. Validated with :func:`as_binary`.
    encoding : GroupEncoding
        Group codes from :func:`encode_groups`, one per row.
    y_true : array-like of 0/1, optional
        Observed outcomes, 1 = favourable. Without them only selection counts are formed.

    Returns
    -------
    GroupCounts
        ``(G, 4)`` confusion counts ``[TN, FP, FN, TP]`` with ``y_true``, else ``(G, 2)``
        ``[not selected, selected]``.

    Raises
    ------
    InputDataError
        The inputs are not binary or their lengths differ.
    """
    codes = encoding.codes
    pred, true = binary_outcomes(y_pred, y_true, len(codes))
    g = encoding.n_groups
    width = 2 if true is None else 4
    key_type = index_dtype(0, g * width - 1)

    def keys(rows: slice) -> np.ndarray:
        # group * width + cell (2 * y_true + y_pred), a slice of rows at a time
        key = np.multiply(codes[rows], width, dtype=key_type, casting="unsafe")
        if true is not None:
            key += true[rows] * np.int8(2)
        key += pred[rows]
        return key

    counts = tally(len(codes), g * width, keys).reshape(g, width)
    return GroupCounts(labels=encoding.labels, counts=counts)


def binary_outcomes(y_pred: Any, y_true: Any, n_rows: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Decisions and (optional) observed outcomes validated as in :func:`group_counts`, for ``n_rows`` rows.

    Arrays already coded 0/1 in one byte are checked and used as they are, not copied.

    Raises
    ------
    InputDataError
        An input is not binary, or the lengths differ.
    """
    pred = _checked_binary(y_pred, "y_pred")
    true = None if y_true is None else _checked_binary(y_true, "y_true")
    lengths = {"y_pred": len(pred), "sensitive_features": n_rows}
    if true is not None:
        lengths["y_true"] = len(true)
    if len(set(lengths.values())) > 1:
        details = ", ".join(f"{k}={v}" for k, v in lengths.items())
        raise InputDataError(_MSG_LENGTH_MISMATCH.format(details=details))
    return pred, true


def _checked_binary(values: Any, name: str) -> np.ndarray:
    """:func:`as_binary` without ``positive``, sparing the copy of an ``int8``, ``uint8`` or boolean array of 0/1."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype in _ONE_BYTE:
        if values.size == 0 or (values.min() >= 0 and values.max() <= 1):
            return values.view(np.int8)
    return as_binary(values, name)
