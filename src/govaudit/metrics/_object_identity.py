"""Object columns whose rows share a few Python objects: encode the objects once, not every row.

``pandas.read_csv(..., dtype=object)`` (and pandas' default before 3.0), Arrow's ``to_pandas`` and
columns built from a list of literals hand out one Python object per distinct value, so a column of
10M rows may hold only a handful of objects. Their addresses (read as integers, without touching
the objects) are dictionary-encoded in one pass, and only the distinct objects are read as strings.
Columns where most rows hold an object of their own are left to the row-by-row route.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["recurring_objects"]

#: Rows looked at to decide whether the objects recur ...
_SAMPLE_ROWS = 1 << 16
#: ... and how many distinct objects they may hold for this route to be taken.
_MAX_SAMPLE_OBJECTS = 1 << 10
#: A column with more distinct objects than this share of its rows goes row by row after all.
_MAX_OBJECT_SHARE = 1 / 16


def _addresses(objects: np.ndarray) -> np.ndarray | None:
    """Each row's object address as an unsigned integer: a view of the pointers, not a copy."""
    if objects.dtype != object or objects.ndim != 1 or not objects.flags.c_contiguous or objects.size == 0:
        return None
    try:
        return np.frombuffer(memoryview(objects).cast("B"), dtype=np.uintp)
    except (TypeError, ValueError):  # a Python whose memoryview will not cast object pointers
        return None


def recurring_objects(objects: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Per-row codes of the distinct objects, when rows share few objects.

    Parameters
    ----------
    objects : numpy.ndarray
        A one-dimensional object array.

    Returns
    -------
    (codes, n_objects) or None
        ``codes`` (``int32``, one per row) numbers the distinct objects, by identity, in order of
        first appearance. None when the rows hold too many distinct objects for this to pay off.
    """
    addresses = _addresses(objects)
    if addresses is None or len(pd.unique(addresses[:_SAMPLE_ROWS])) > _MAX_SAMPLE_OBJECTS:
        return None
    encoded = pa.array(addresses).dictionary_encode()
    n_objects = len(encoded.dictionary)
    if n_objects > max(_MAX_SAMPLE_OBJECTS, len(objects) * _MAX_OBJECT_SHARE):
        return None
    return encoded.indices.to_numpy(zero_copy_only=False), n_objects
