"""Read one sensitive feature column once: an integer slot per row, and the group of each slot.

Each kind of column takes its fastest correct route to integer slots:

- a Categorical: its codes, as they are;
- Arrow-backed strings (pandas ``str``, ``string[pyarrow]``): Arrow's dictionary encoding;
- object columns holding strings: converted to Arrow, then dictionary-encoded (only the distinct
  objects, when rows share few of them, as ``read_csv`` gives them);
- integers and booleans within a small range: the value itself, less the minimum;
- anything else: pandas' hash-based ``factorize``.

The groups do not depend on the route: the distinct values present, sorted (in category order for
a Categorical), missing values (None, NaN, pd.NA) last as one ``unknown`` group, and values that
print the same folded into one group. Slots are mapped to groups by a lookup as small as the number
of slots, applied to counts tables rather than to rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from govaudit._interrupt import raise_if_interruption
from govaudit.exceptions import InputDataError

from ._object_identity import first_positions, recurring_objects
from ._tally import index_dtype, tally

__all__ = ["ColumnCodes", "encode_column"]

_MSG_TOO_MANY_LEVELS = (
    "sensitive feature {column!r} has {n_levels} distinct values, more than the limit of "
    "{max_levels}; a sensitive feature with that many levels is probably an identifier column "
    "(raise max_levels if it really is a grouping)"
)

#: Integer columns spanning at most this many values are read as they are (slot = value - min).
_MAX_INTEGER_SPAN = 1 << 16
#: ... and only if their values stay this small, so that keys built from them cannot overflow.
_MAX_INTEGER_MAGNITUDE = 1 << 40


@dataclass(frozen=True)
class ColumnCodes:
    """One column's rows as integer slots, and the group each slot belongs to.

    Attributes
    ----------
    slots : numpy.ndarray
        One integer per row, of any integer type; the row's slot is ``slots + offset``.
    offset : int
        Added to ``slots`` to give slots in ``0 .. n_slots - 1``.
    slot_group : numpy.ndarray
        ``int64``, shape ``(n_slots,)``: the group of each slot (a slot no row has counts nothing,
        whatever group it names).
    labels : tuple of str
        One label per group.
    column : str
        The column's name.
    """

    slots: np.ndarray
    offset: int
    slot_group: np.ndarray
    labels: tuple[str, ...]
    column: str

    @property
    def n_slots(self) -> int:
        """Number of slots."""
        return len(self.slot_group)

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return len(self.labels)

    def codes(self) -> np.ndarray:
        """The group code of every row, ``int64``."""
        codes = self.slots.astype(np.int64)
        codes += self.offset
        # in place; mode="clip" (every index is valid) spares the copy mode="raise" makes
        return np.take(self.slot_group, codes, mode="clip", out=codes)

    def compacted(self) -> ColumnCodes:
        """The same column with one slot per group (worth a pass over the rows when most slots are empty)."""
        codes = self.codes().astype(index_dtype(0, self.n_groups - 1))
        return ColumnCodes(codes, 0, np.arange(self.n_groups, dtype=np.int64), self.labels, self.column)


@dataclass(frozen=True)
class _Slots:
    """A route's result: slots per row, the value of each slot present, and the slot of missing values."""

    slots: np.ndarray
    offset: int
    n_slots: int
    levels: Any  # the distinct values present (pandas Index, numpy or Arrow array)
    level_slot: np.ndarray  # slot of each level
    missing_slot: int | None  # slot of missing values, None when no value is missing
    ordered: bool  # whether ``levels`` are already in group order (categories; integers)

    def grouped(self, column: str, unknown_label: str, max_levels: int) -> ColumnCodes:
        """Sort the levels, check their number, put missing last and fold labels that print the same."""
        n_values = len(self.levels)
        has_missing = self.missing_slot is not None
        n_levels = n_values + int(has_missing)
        if n_levels > max_levels:
            raise InputDataError(
                _MSG_TOO_MANY_LEVELS.format(column=column, n_levels=n_levels, max_levels=max_levels)
            )
        levels = self.levels
        if isinstance(levels, (pa.Array, pa.ChunkedArray)):
            levels = np.array(levels.to_pylist(), dtype=object)
        order = np.arange(n_values) if self.ordered else _level_order(levels)
        labels = [str(levels[i]) for i in order]  # a loop over levels, not rows
        slot_group = np.zeros(self.n_slots, dtype=np.int64)
        slot_group[self.level_slot[order]] = np.arange(n_values, dtype=np.int64)
        if has_missing:
            slot_group[self.missing_slot] = n_values
            labels.append(unknown_label)
        remap, labels = _merge_duplicate_labels(labels)
        if remap is not None:
            slot_group = remap[slot_group]
        return ColumnCodes(self.slots, self.offset, slot_group, tuple(labels), column)


def encode_column(values: pd.Series, column: str, unknown_label: str, max_levels: int) -> ColumnCodes:
    """Read one column (a Series with a default index) into slots and groups.

    Raises
    ------
    InputDataError
        The column has more than ``max_levels`` levels (the missing group included).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        found = _categorical(values)
    else:
        found = _arrow_strings(values) or _object_strings(values) or _small_integers(values)
        if found is None:
            found = _factorized(values)
    return found.grouped(column, unknown_label, max_levels)


def _present(slots: np.ndarray, offset: int, n_slots: int) -> np.ndarray:
    """Which slots some row has (one counting pass)."""
    # the stored values (slot - offset), the offset and the slots must all fit the type of the sum
    key_type = index_dtype(min(-offset, offset, 0), max(n_slots - 1 - offset, offset, n_slots - 1))
    counts = tally(len(slots), n_slots, lambda rows: np.add(slots[rows], offset, dtype=key_type))
    return counts > 0


def _categorical(values: pd.Series) -> _Slots:
    """The codes as they are (-1 for missing, so slot = code + 1); only observed categories are groups."""
    codes = values.cat.codes.to_numpy()
    categories = values.cat.categories
    n_slots = len(categories) + 1
    present = _present(codes, 1, n_slots)
    observed = np.flatnonzero(present[1:])
    return _Slots(codes, 1, n_slots, categories[observed], observed + 1,
                  0 if present[0] else None, ordered=True)


def _is_arrow_string(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    if isinstance(dtype, pd.ArrowDtype):
        t = dtype.pyarrow_dtype
        is_string_view = getattr(pa.types, "is_string_view", lambda _: False)  # pyarrow >= 16
        return pa.types.is_string(t) or pa.types.is_large_string(t) or is_string_view(t)
    return False


def _arrow_strings(values: pd.Series) -> _Slots | None:
    """Arrow-backed strings: Arrow's dictionary encoding, no Python object per row."""
    if not _is_arrow_string(values.dtype):
        return None
    data = values.array.__arrow_array__()
    encoded = _dictionary_encode(data)
    if encoded is None:
        return None
    indices, dictionary = encoded
    return _dictionary_slots(indices, dictionary, dictionary)


def _object_strings(values: pd.Series) -> _Slots | None:
    """Strings held as Python objects: Arrow reads them once and dictionary-encodes them.

    When rows share few objects (as ``read_csv`` and Arrow hand them out), only the distinct objects
    are read. Anything Arrow does not read as strings (numbers, bytes, mixed types) is left to
    ``factorize``. Groups are labelled by the first object with each value, as ``factorize`` does (a
    ``str`` enum prints differently from its value).
    """
    dtype = values.dtype
    if not (dtype == object or (isinstance(dtype, pd.StringDtype) and dtype.storage == "python")):
        return None
    objects = values.to_numpy(dtype=object)
    shared = recurring_objects(objects)
    # the distinct objects are all the objects there are: if they are not strings, neither are the rows
    return _row_object_strings(objects) if shared is None else _shared_object_strings(*shared)


def _as_arrow_strings(objects: np.ndarray) -> pa.Array | None:
    """Arrow's strings (missing values as nulls), or None if the objects are not all strings."""
    try:
        data = pa.array(objects, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise_if_interruption(exc)
        return None
    return data if pa.types.is_string(data.type) or pa.types.is_large_string(data.type) else None


def _encoded_strings(objects: np.ndarray) -> tuple[np.ndarray, pa.Array, np.ndarray] | None:
    """Each object's dictionary entry, the dictionary, and the first object with each entry."""
    data = _as_arrow_strings(objects)
    encoded = None if data is None else _dictionary_encode(data)
    del data
    if encoded is None:
        return None
    indices, dictionary = encoded
    first = first_positions(indices, len(dictionary))
    return None if first is None else (indices, dictionary, first)


def _row_object_strings(objects: np.ndarray) -> _Slots | None:
    """Every row's object read as a string."""
    encoded = _encoded_strings(objects)
    if encoded is None:
        return None
    indices, dictionary, first = encoded
    return _dictionary_slots(indices, dictionary, objects[first])


def _shared_object_strings(object_codes: np.ndarray, distinct: np.ndarray) -> _Slots | None:
    """Only the distinct objects read as strings; each row takes its object's dictionary entry."""
    encoded = _encoded_strings(distinct)
    if encoded is None:
        return None
    entry_of_object, dictionary, first = encoded
    return _dictionary_slots(np.take(entry_of_object, object_codes), dictionary, distinct[first])


def _dictionary_encode(data: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array] | None:
    """Indices (nulls encoded as an entry of their own) and the dictionary, in order of first appearance."""
    encoded = data.dictionary_encode(null_encoding="encode")
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return None
    dictionary = chunks[-1].dictionary
    if any(not chunk.dictionary.equals(dictionary) for chunk in chunks[:-1]):
        return None  # chunks with dictionaries of their own: leave them to factorize
    parts = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks]
    return (parts[0] if len(parts) == 1 else np.concatenate(parts)), dictionary


def _dictionary_slots(indices: np.ndarray, dictionary: pa.Array, entries: Any) -> _Slots:
    """Slots are dictionary positions; ``entries`` gives the value of each position."""
    valid = np.asarray(dictionary.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    level_slot = np.flatnonzero(valid)
    missing = np.flatnonzero(~valid)
    levels = entries.filter(pa.array(valid)) if isinstance(entries, pa.Array) else entries[level_slot]
    return _Slots(indices, 0, len(dictionary), levels, level_slot,
                  int(missing[0]) if missing.size else None, ordered=False)


def _small_integers(values: pd.Series) -> _Slots | None:
    """Integers and booleans spanning a small range: slot = value - min, no hashing."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        data = values.to_numpy()
        if data.dtype.kind == "b":
            data = data.view(np.int8)
        has_missing, value_type = False, dtype
        low, high = int(data.min()), int(data.max())
    elif isinstance(values.array, (pd.arrays.IntegerArray, pd.arrays.BooleanArray)):
        arrow = values.array.__arrow_array__()  # Arrow's min_max skips the missing values in one pass
        if arrow.null_count == len(arrow):
            return None
        has_missing, value_type = arrow.null_count > 0, dtype.numpy_dtype
        extremes = pc.min_max(arrow)
        low, high = int(extremes["min"].as_py()), int(extremes["max"].as_py())
        data = None
    else:
        return None
    if high - low >= _MAX_INTEGER_SPAN or max(abs(low), abs(high)) > _MAX_INTEGER_MAGNITUDE:
        return None
    # slot 0 is the missing values' when there are any: slot = value - (low - 1)
    base = low - int(has_missing)
    if data is None:
        data = values.to_numpy(dtype=index_dtype(base, high), na_value=base)
    n_slots = high - base + 1
    present = _present(data, -base, n_slots)
    observed = np.flatnonzero(present[int(has_missing):]) + int(has_missing)
    levels = np.arange(low, high + 1).astype(value_type)[observed - int(has_missing)]
    missing_slot = 0 if has_missing and present[0] else None
    return _Slots(data, -base, n_slots, levels, observed, missing_slot, ordered=True)


def _factorized(values: pd.Series) -> _Slots:
    """Any other column: pandas' hash-based factorize, codes -1 for missing (slot = code + 1)."""
    raw_codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    n_values = len(uniques)
    has_missing = bool(n_values == 0 or raw_codes.min() < 0)
    return _Slots(raw_codes, 1, n_values + 1, uniques, np.arange(1, n_values + 1),
                  0 if has_missing else None, ordered=False)


def _level_order(uniques: Any) -> np.ndarray:
    """Positions of the distinct values in sorted order.

    Values that cannot be compared with each other (say 1 and "a") are ordered by their strings.
    """
    try:
        return np.asarray(uniques.argsort(), dtype=np.int64)
    except TypeError:
        as_text = np.array([str(u) for u in uniques], dtype=object)
        return np.argsort(as_text, kind="stable").astype(np.int64)


def _merge_duplicate_labels(labels: list[str]) -> tuple[np.ndarray | None, list[str]]:
    """Fold groups whose labels print the same (1 and "1"; a literal "unknown" and missing).

    Labels must identify groups, so such groups are merged; each merged group keeps the position
    of its last member, so the missing-value group stays last. Returns the old-to-new group lookup
    (None when nothing is merged) and the new labels.
    """
    if len(set(labels)) == len(labels):
        return None, labels
    last_pos: dict[str, int] = {}
    for i, lab in enumerate(labels):
        last_pos[lab] = i
    merged = sorted(last_pos, key=last_pos.__getitem__)
    new_index = {lab: j for j, lab in enumerate(merged)}
    return np.array([new_index[lab] for lab in labels], dtype=np.int64), merged
