"""Object columns whose rows share a few Python objects: read each object once, not every row.

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
import pyarrow.compute as pc

from . import _tally

__all__ = ["first_positions", "recurring_objects", "strings_by_identity"]

#: Rows looked at to decide whether the objects recur ...
_SAMPLE_ROWS = 1 << 16
#: ... and how many distinct objects they may hold for this route to be taken.
_MAX_SAMPLE_OBJECTS = 1 << 10
#: A column with more distinct objects than this share of its rows goes row by row after all.
_MAX_OBJECT_SHARE = 1 / 16
#: Text that may not fit Arrow's 32-bit offsets is read with 64-bit offsets.
_MAX_STRING_BYTES = 2**31 - 1


def first_positions(indices: np.ndarray, n_entries: int) -> np.ndarray | None:
    """The row where each dictionary entry first appears.

    Entries are numbered in order of first appearance, so the running maximum of the indices rises
    by one exactly at each first appearance; the scan stops once every entry is found (usually
    within the first slice). None if the numbering is not in order of appearance after all.
    """
    first = np.empty(n_entries, dtype=np.int64)
    seen = 0
    step = _tally.SLICE_ROWS
    for start in range(0, len(indices), step):
        part = indices[start:start + step]
        if int(part.max()) < seen:
            continue
        # the running maximum of everything so far (entries below ``seen`` may come first in a slice)
        running = np.maximum(np.maximum.accumulate(part), seen - 1)
        rises = np.flatnonzero(np.diff(running, prepend=seen - 1) > 0)
        if not np.array_equal(part[rises], np.arange(seen, seen + rises.size)):
            return None
        first[seen:seen + rises.size] = start + rises
        seen += rises.size
        if seen == n_entries:
            return first
    return None


def _addresses(objects: np.ndarray) -> np.ndarray | None:
    """Each row's object address as an unsigned integer: a view of the pointers, not a copy."""
    if objects.dtype != object or objects.ndim != 1 or not objects.flags.c_contiguous or objects.size == 0:
        return None
    try:
        return np.frombuffer(memoryview(objects).cast("B"), dtype=np.uintp)
    except (TypeError, ValueError):  # a Python whose memoryview will not cast object pointers
        return None


def recurring_objects(objects: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-row codes of the distinct objects, when rows share few objects.

    Parameters
    ----------
    objects : numpy.ndarray
        A one-dimensional object array.

    Returns
    -------
    (codes, distinct) or None
        ``codes`` (``int32``, one per row) numbers the distinct objects, by identity, in order of
        first appearance; ``distinct`` holds those objects in that order. None when the rows hold
        too many distinct objects for this to pay off.
    """
    addresses = _addresses(objects)
    if addresses is None or len(pd.unique(addresses[:_SAMPLE_ROWS])) > _MAX_SAMPLE_OBJECTS:
        return None
    encoded = pa.array(addresses).dictionary_encode()
    n_objects = len(encoded.dictionary)
    if n_objects > max(_MAX_SAMPLE_OBJECTS, len(objects) * _MAX_OBJECT_SHARE):
        return None
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    first = first_positions(codes, n_objects)
    return None if first is None else (codes, objects[first])


def strings_by_identity(objects: np.ndarray) -> pa.Array | None:
    """The Arrow array ``pa.array(objects, from_pandas=True)`` gives, read once per distinct object.

    None when the rows hold too many distinct objects (convert them row by row); raises what
    ``pa.array`` raises for objects that are not all of one Arrow type.
    """
    shared = recurring_objects(objects)
    if shared is None:
        return None
    codes, distinct = shared
    dictionary = pa.array(distinct, from_pandas=True)
    if pa.types.is_string(dictionary.type):
        longest = pc.max(pc.binary_length(dictionary)).as_py() or 0
        if longest * len(codes) > _MAX_STRING_BYTES:
            dictionary = dictionary.cast(pa.large_string())
    return pa.DictionaryArray.from_arrays(pa.array(codes), dictionary).dictionary_decode()
