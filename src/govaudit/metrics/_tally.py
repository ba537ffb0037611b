"""Count integer keys over many rows a slice at a time: ``np.bincount`` without a row-sized index.

Forming a key per row (say ``group * 4 + cell``) as one ``int64`` array costs 8 bytes a row and
several passes over memory; computed slice by slice in the narrowest integer type that holds it, the
same keys stay in cache, and the counts are summed over the slices.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["SLICE_ROWS", "index_dtype", "tally"]

#: Rows per slice: small enough for the slice's keys to stay in cache.
SLICE_ROWS = 1 << 16


def index_dtype(low: int, high: int) -> np.dtype:
    """The narrowest signed integer type holding every value in ``low .. high``."""
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def tally(n_rows: int, n_keys: int, keys_of: Callable[[slice], np.ndarray]) -> np.ndarray:
    """How many rows have each key in ``0 .. n_keys - 1``.

    Parameters
    ----------
    n_rows : int
        Number of rows.
    n_keys : int
        Number of possible keys.
    keys_of : callable
        Given a slice of rows, the key of each row in it (any integer type, values in range).

    Returns
    -------
    numpy.ndarray
        ``int64`` counts, shape ``(n_keys,)``.
    """
    counts = np.zeros(n_keys, dtype=np.int64)
    step = max(SLICE_ROWS, n_keys)  # a slice's bincount is never dominated by its length
    for start in range(0, n_rows, step):
        counts += np.bincount(keys_of(slice(start, start + step)), minlength=n_keys)
    return counts
