"""Encode sensitive features (and their intersection) as compact integer group codes.

Every downstream metric is arithmetic on a per-group counts table, so the only pass over rows that
needs care is this one: each column read once (:mod:`._columns`), arithmetic combination of codes
for intersections, and a re-compaction so that only combinations present in the data get a group.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError

from ._columns import ColumnCodes, encode_column

__all__ = ["UNKNOWN", "is_unknown_label", "DEFAULT_FEATURE_NAME", "GroupEncoding", "encode_groups", "intersect_encodings"]

#: Column name used for a sensitive feature given as a Series without a name, an array or a list.
DEFAULT_FEATURE_NAME = "sensitive_feature"

#: Separator between per-column labels in an intersectional group label.
LABEL_SEPARATOR = " & "

_MSG_EMPTY = "sensitive_features is empty (0 rows); at least one row is needed to form groups"
_MSG_NO_COLUMNS = "sensitive_features has no columns; give at least one sensitive feature"
_MSG_MISSING_COLUMN = (
    "sensitive feature column {column!r} not found; available columns: {available}"
)
_MSG_NOT_1D = (
    "sensitive_features must be a DataFrame, a Series, a list or a 1-D/2-D array; "
    "got an array with {ndim} dimensions"
)
_MSG_COLUMNS_WITHOUT_FRAME = (
    "columns={columns!r} was given, but sensitive_features is a single feature named {name!r}"
)

# From this many rows, columns are read in parallel threads.
_PARALLEL_ROWS = 1 << 18

# Above this many possible combinations, np.unique (a sort) replaces the O(n) bincount remap.
_MAX_DENSE_COMBINATIONS = 1 << 24

#: The label of the group formed by missing values of a sensitive feature.
UNKNOWN = "unknown"


def is_unknown_label(label: str) -> bool:
    """Whether a group label (or any part of an intersection's label) is the unknown category."""
    return any(part == UNKNOWN for part in str(label).split(" & "))


@dataclass(frozen=True)
class GroupEncoding:
    """Integer group codes for each row, with one label per group.

    Attributes
    ----------
    codes : numpy.ndarray
        ``int64`` array of shape ``(n,)`` with values in ``0 .. len(labels) - 1``.
    labels : tuple of str
        One label per group code. Missing values form a group labelled ``unknown_label``
        (placed last for a single column); intersections join per-column labels with ``" & "``.
    columns : tuple of str
        The sensitive feature column(s) encoded, in order.
    """

    codes: np.ndarray
    labels: tuple[str, ...]
    columns: tuple[str, ...]

    @property
    def n_groups(self) -> int:
        """Number of groups (``len(labels)``)."""
        return len(self.labels)


def _as_frame(sensitive: Any, columns: str | Sequence[str] | None) -> pd.DataFrame:
    """Turn any accepted container into a DataFrame restricted to ``columns``."""
    if isinstance(sensitive, dict):
        sensitive = pd.DataFrame(sensitive)
    if isinstance(sensitive, pd.DataFrame):
        if columns is None:
            selected = [str(c) for c in sensitive.columns]
            frame = sensitive
        else:
            selected = [columns] if isinstance(columns, str) else list(columns)
            available = [str(c) for c in sensitive.columns]
            for col in selected:
                if col not in sensitive.columns:
                    raise ColumnError(
                        _MSG_MISSING_COLUMN.format(column=col, available=available)
                    )
            frame = sensitive.loc[:, selected]
        if frame.shape[1] == 0:
            raise InputDataError(_MSG_NO_COLUMNS)
        frame = frame.copy(deep=False)
        frame.columns = [str(c) for c in selected]
        return frame

    if isinstance(sensitive, pd.Series):
        name = DEFAULT_FEATURE_NAME if sensitive.name is None else str(sensitive.name)
        values: Any = sensitive.reset_index(drop=True)
    else:
        # A list stays object so [1, None] is not turned into floats.
        arr = np.asarray(sensitive, dtype=object if isinstance(sensitive, list) else None)
        if arr.ndim == 2:
            # An (n, k) array is k features, as in fairlearn.
            names = [f"{DEFAULT_FEATURE_NAME}_{i}" for i in range(arr.shape[1])]
            return _as_frame(pd.DataFrame(arr, columns=names), columns)
        if arr.ndim != 1:
            raise InputDataError(_MSG_NOT_1D.format(ndim=arr.ndim))
        name, values = DEFAULT_FEATURE_NAME, arr
    if columns is not None:
        wanted = [columns] if isinstance(columns, str) else list(columns)
        if wanted != [name]:
            raise ColumnError(_MSG_COLUMNS_WITHOUT_FRAME.format(columns=columns, name=name))
    return pd.DataFrame({name: values})


def _use_dense(n_possible: int, n_rows: int) -> bool:
    """Whether a bincount over all possible combinations is cheaper than sorting the rows."""
    return n_possible <= max(_MAX_DENSE_COMBINATIONS, n_rows)


def _compact(combined: np.ndarray, n_possible: int) -> tuple[np.ndarray, np.ndarray]:
    """Re-number combined codes to 0..k-1 over the combinations present, keeping their order.

    Returns the new codes and the (sorted) combined values that are present.
    """
    if _use_dense(n_possible, combined.size):
        return _compact_dense(combined, n_possible)
    present, inverse = np.unique(combined, return_inverse=True)
    return inverse.astype(np.int64, copy=False).reshape(-1), present


def _compact_dense(combined: np.ndarray, n_possible: int) -> tuple[np.ndarray, np.ndarray]:
    """O(n): mark the present combinations, then look each row up."""
    present = np.flatnonzero(np.bincount(combined, minlength=n_possible))
    remap = np.zeros(n_possible, dtype=np.int64)
    remap[present] = np.arange(present.size, dtype=np.int64)
    # In place; mode="clip" (all indices are valid) avoids the copy mode="raise" makes.
    return np.take(remap, combined, mode="clip", out=combined), present


def encode_groups(
    sensitive: Any,
    columns: str | Sequence[str] | None = None,
    *,
    unknown_label: str = "unknown",
    max_levels: int = 1000,
) -> GroupEncoding:
    """Encode one sensitive feature, or the intersection of several, as integer group codes.

    Parameters
    ----------
    sensitive : pandas.DataFrame, pandas.Series, numpy.ndarray or list
        The sensitive feature(s). A Series, 1-D array or list is one feature, named after the
        Series (or ``"sensitive_feature"``). A DataFrame (or an ``(n, k)`` array) gives one
        feature per column.
    columns : str or sequence of str, optional
        DataFrame columns to use; default all. Several columns are intersected.
    unknown_label : str, default "unknown"
        Label of the group of missing values (None, NaN, pd.NA), which are never dropped.
    max_levels : int, default 1000
        Largest number of distinct values (the missing group included) a column may have.

    Returns
    -------
    GroupEncoding
        Codes per row, one label per group and the columns encoded. For one column the groups
        are the distinct values in sorted order, missing last; for several columns, only the
        combinations present in the data, ordered lexicographically by the per-column order.

    Raises
    ------
    ColumnError
        A name in ``columns`` is not a column of ``sensitive``.
    InputDataError
        The input has no rows or no columns, or a column has more than ``max_levels`` levels.
    """
    frame = _nonempty(_as_frame(sensitive, columns))
    names = tuple(str(c) for c in frame.columns)

    encodings = [
        _as_encoding(encode_column(frame.iloc[:, j], name, unknown_label, max_levels))
        for j, name in enumerate(names)
    ]
    return encodings[0] if len(encodings) == 1 else intersect_encodings(encodings)


def encode_columns(
    sensitive: pd.DataFrame, columns: Sequence[str], *, unknown_label: str = UNKNOWN, max_levels: int = 1000
) -> dict[str, ColumnCodes]:
    """Read each of ``columns`` once, as :func:`encode_groups` would encode it alone.

    Large columns are read side by side in threads (Arrow's dictionary encoding and numpy release
    the GIL); the error raised, if any, is the one the first failing column gives, as if read in turn.
    """
    names = list(dict.fromkeys(columns))

    def encode(name: str) -> ColumnCodes:
        frame = _nonempty(_as_frame(sensitive, [name]))
        return encode_column(frame.iloc[:, 0], name, unknown_label, max_levels)

    workers = min(len(names), os.cpu_count() or 1)
    if workers < 2 or len(sensitive) < _PARALLEL_ROWS:
        return {name: encode(name) for name in names}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(encode, name) for name in names]
        return {name: future.result() for name, future in zip(names, futures)}


def _nonempty(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame) == 0:
        raise InputDataError(_MSG_EMPTY)
    return frame


def _as_encoding(column: ColumnCodes) -> GroupEncoding:
    return GroupEncoding(codes=column.codes(), labels=column.labels, columns=(column.column,))


def intersect_encodings(encodings: Sequence[GroupEncoding]) -> GroupEncoding:
    """Combine already-encoded features into their intersection, without re-reading any column.

    Parameters
    ----------
    encodings : sequence of GroupEncoding
        Two or more encodings of the same rows (e.g. from :func:`encode_groups` on one column each).

    Returns
    -------
    GroupEncoding
        The same result as ``encode_groups`` on all their columns together: only the combinations
        present, ordered lexicographically by the per-feature order, labels joined by ``" & "``.

    Raises
    ------
    InputDataError
        Fewer than two encodings, or encodings of different lengths.
    """
    if len(encodings) < 2:
        raise InputDataError("an intersection needs two or more encoded features")
    lengths = {e.codes.size for e in encodings}
    if len(lengths) != 1:
        raise InputDataError(f"encodings to intersect have different lengths: {sorted(lengths)}")
    # Fold features in one at a time (codes * k_next + next_codes), re-compacting after each step
    # so the number of possible combinations never exceeds n * max_levels; work in place.
    first = encodings[0]
    codes = first.codes.astype(np.int64, copy=True)
    label_parts: list[tuple[str, ...]] = [(lab,) for lab in first.labels]
    for nxt in encodings[1:]:
        k_next = nxt.n_groups
        codes *= k_next
        codes += nxt.codes
        codes, present = _compact(codes, len(label_parts) * k_next)
        label_parts = [label_parts[int(p) // k_next] + (nxt.labels[int(p) % k_next],) for p in present]
    return GroupEncoding(
        codes=codes,
        labels=tuple(LABEL_SEPARATOR.join(parts) for parts in label_parts),
        columns=tuple(c for e in encodings for c in e.columns),
    )
