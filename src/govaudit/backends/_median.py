"""The exact median of a column in bounded memory, in whatever engine holds the rows.

A median is a holistic aggregate: engines compute it by holding every value (DuckDB's ``median``
runs out of memory on 30M scores under a 64 MB limit). Instead: count the values per bucket of a
histogram (an ordinary GROUP BY, which spills), find the bucket holding the middle rank, and
collect only that bucket's values; a bucket still too large is split again. The result is
``numpy.median`` exactly: the middle value, or the mean of the two middle values.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np

__all__ = ["exact_median", "kth_values"]
from govaudit.backends._collect import collect

_BUCKETS = 4096
_MAX_COLLECT = 500_000  # most values brought into memory at once


def _kth(frame: Any, column: str, k: int, lo: float, hi: float, count: int) -> float:
    """The k-th smallest value (0-based) among the ``count`` values in ``[lo, hi]``."""
    col = nw.col(column)
    while True:
        rows = frame.filter((col >= lo) & (col <= hi))
        if count <= _MAX_COLLECT or lo == hi:
            values = collect(rows.select(col))[column].to_numpy()
            return float(np.partition(values, k)[k])
        # bucket index: monotone in the value, so cumulative bucket counts are ranks
        bucket = ((col - lo) / ((hi - lo) / _BUCKETS)).cast(nw.Int64).clip(0, _BUCKETS - 1)
        hist = collect(rows.select(bucket.alias("b")).group_by("b").agg(nw.len().alias("n"))).sort_values("b")
        cum = hist["n"].cumsum().to_numpy()
        i = int(np.searchsorted(cum, k, side="right"))
        inside = collect(rows.filter(bucket == int(hist["b"].iloc[i]))
                          .select(col.min().alias("lo"), col.max().alias("hi")))
        new = (float(inside["lo"].iloc[0]), float(inside["hi"].iloc[0]))
        if new == (lo, hi):  # no narrower (never expected, as min and max fall in the end buckets)
            values = collect(rows.select(col))[column].to_numpy()
            return float(np.partition(values, k)[k])
        k, count = k - (int(cum[i - 1]) if i else 0), int(hist["n"].iloc[i])
        lo, hi = new


def kth_values(frame: Any, column: str, ks: list[int], lo: float, hi: float, count: int) -> list[float]:
    """The k-th smallest values (0-based ranks ``ks``) among the ``count`` values of ``frame`` in ``[lo, hi]``.

    Collected once when they fit in memory (:data:`_MAX_COLLECT`), else each narrowed by histograms.
    """
    if count <= _MAX_COLLECT or lo == hi:
        values = collect(frame.select(nw.col(column)))[column].to_numpy(dtype=np.float64)
        part = np.partition(values, sorted(set(ks)))
        return [float(part[k]) for k in ks]
    return [_kth(frame, column, k, lo, hi, count) for k in ks]


def exact_median(frame: Any, column: str, n: int, lo: float, hi: float) -> float:
    """``numpy.median`` of a numeric column with no missing values, in bounded memory.

    Parameters
    ----------
    frame : narwhals DataFrame or LazyFrame
        The rows.
    column : str
        The column.
    n, lo, hi : int, float, float
        Its number of values, minimum and maximum.
    """
    first = _kth(frame, column, (n - 1) // 2, lo, hi, n)
    if n % 2:
        return first
    second = _kth(frame, column, n // 2, lo, hi, n)
    return float(np.mean([first, second]))
