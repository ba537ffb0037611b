"""Counts tables for every grouping of an audit, from one pass over the rows.

Each sensitive column is read once (:func:`encode_columns`). The rows are then counted once, by the
combination of every audited column's slot and the outcome bits (decision, observed outcome, score
above the median): a table as small as the product of the columns' levels. Each grouping is a sum
over that table: a feature alone is a margin, an intersection keeps the combinations present. Only
when that table would be larger than the data are a grouping's per-row codes formed and compacted
instead (as :func:`intersect_encodings` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np
import pandas as pd

from ._columns import ColumnCodes
from ._counts import GroupCounts, binary_outcomes
from ._groups import LABEL_SEPARATOR, GroupEncoding, encode_columns, intersect_encodings
from ._tally import index_dtype, tally

__all__ = ["GroupingCounts", "count_groupings"]

#: A joint table may have this many cells at most, whatever the number of rows ...
_MAX_DENSE_CELLS = 1 << 22
#: ... and otherwise no more than a few per row (below this many cells, always allowed).
_MIN_DENSE_CELLS = 1 << 12
_CELLS_PER_ROW = 4


@dataclass(frozen=True)
class GroupingCounts:
    """The counts of one grouping (a feature or an intersection).

    Attributes
    ----------
    encoding : GroupEncoding
        Labels and columns of the groups; its ``codes`` are empty, as no per-row codes were needed.
    n : numpy.ndarray
        Size of each group.
    decisions : GroupCounts or None
        ``[TN, FP, FN, TP]`` (``[not selected, selected]`` without observed outcomes), when decisions
        were given.
    scores : GroupCounts or None
        ``[not above, above]`` the median score, when scores were given.
    """

    encoding: GroupEncoding
    n: np.ndarray
    decisions: GroupCounts | None
    scores: GroupCounts | None


@dataclass(frozen=True)
class _Outcomes:
    """The 0/1 outcome of each row, in the order of the joint table's last axes."""

    bits: list[np.ndarray]
    above: bool  # the first bit is the score above the median
    decided: bool  # the last bit is the decision (after the observed outcome's, when given)

    @property
    def n_cells(self) -> int:
        return 1 << len(self.bits)


def count_groupings(
    sensitive: pd.DataFrame,
    groupings: Sequence[Sequence[str]],
    *,
    y_pred: Any = None,
    y_true: Any = None,
    y_score: Any = None,
) -> list[GroupingCounts]:
    """Counts tables of several groupings of the same rows, each column read once.

    Parameters
    ----------
    sensitive : pandas.DataFrame
        The sensitive features, one column each.
    groupings : sequence of sequences of str
        The columns of each grouping: one for a feature, several for an intersection.
    y_pred, y_true : array-like of 0/1, optional
        Decisions and observed outcomes, validated as :func:`group_counts` does.
    y_score : array-like of float, optional
        Scores: counts of scores above their median (NYC LL144 scoring rates).

    Returns
    -------
    list of GroupingCounts
        One per grouping, with the labels, order and counts ``encode_groups`` and ``group_counts``
        give for it.
    """
    if not groupings:
        return []
    columns = encode_columns(sensitive, [c for cols in groupings for c in cols])
    n_rows = len(next(iter(columns.values())).slots)
    outcomes = _outcomes(y_pred, y_true, y_score, n_rows)
    limit = min(_MAX_DENSE_CELLS, max(_MIN_DENSE_CELLS, _CELLS_PER_ROW * n_rows))
    columns = _compact_if_needed(columns, outcomes.n_cells, limit)

    def size(names: Sequence[str]) -> int:
        return prod(columns[c].n_slots for c in names) * outcomes.n_cells

    tables: list[tuple[tuple[str, ...], np.ndarray]] = []
    if size(list(columns)) <= limit:
        tables.append((tuple(columns), _joint_table([columns[c] for c in columns], outcomes, n_rows)))
    results: dict[int, GroupingCounts] = {}
    # the widest groupings first: a narrower one is then often a margin of a table already counted
    for i in sorted(range(len(groupings)), key=lambda i: -len(groupings[i])):
        cols = tuple(groupings[i])
        table = next(((names, t) for names, t in tables if set(cols) <= set(names)), None)
        if table is None and size(cols) <= limit:
            table = (cols, _joint_table([columns[c] for c in cols], outcomes, n_rows))
            tables.append(table)
        if table is not None:
            labels, flat = _margin(table[1], table[0], cols, columns)
        else:
            labels, flat = _folded([columns[c] for c in cols], outcomes, n_rows)
        results[i] = _split(GroupEncoding(np.empty(0, dtype=np.int64), labels, cols), flat, outcomes)
    return [results[i] for i in range(len(groupings))]


def _outcomes(y_pred: Any, y_true: Any, y_score: Any, n_rows: int) -> _Outcomes:
    """Validate the outcomes once, in the order and with the messages of :func:`analyse_rates`."""
    bits = []
    if y_pred is not None:
        pred, true = binary_outcomes(y_pred, y_true, n_rows)
        bits = [true, pred] if true is not None else [pred]
    if y_score is not None:
        # NYC LL144 scoring rate: share of the category scoring above the median of the full sample
        above, _ = binary_outcomes((y_score > np.median(y_score)).astype(np.int8), None, n_rows)
        bits = [above, *bits]
    return _Outcomes(bits, above=y_score is not None, decided=y_pred is not None)


def _compact_if_needed(columns: dict[str, ColumnCodes], n_cells: int, limit: int) -> dict[str, ColumnCodes]:
    """Give columns with many empty slots (unused categories, gaps in integers) one slot per group,
    when that lets their joint table fit."""
    if prod(c.n_slots for c in columns.values()) * n_cells <= limit:
        return columns
    return {name: c.compacted() if c.n_slots > 2 * c.n_groups + 1 else c for name, c in columns.items()}


def _joint_table(columns: list[ColumnCodes], outcomes: _Outcomes, n_rows: int) -> np.ndarray:
    """Rows counted by (slot of each column, outcome bits), then slots summed into groups.

    Returns an ``int64`` array of shape ``(*groups of each column, *[2] * bits)``.
    """
    shape = [c.n_slots for c in columns] + [2] * len(outcomes.bits)
    strides = [prod(shape[j + 1:]) for j in range(len(shape))]
    # stored values are slot - offset: the key is formed from them, the offsets added once
    low = sum(min(-c.offset * s, 0) for c, s in zip(columns, strides))
    high = sum(max((c.n_slots - 1 - c.offset) * s, 0) for c, s in zip(columns, strides))
    start = sum(c.offset * s for c, s in zip(columns, strides))
    size = prod(shape)
    key_type = index_dtype(min(low, start, 0), max(high + outcomes.n_cells - 1, start, size - 1))
    terms = [(c.slots, s) for c, s in zip(columns, strides)] + list(zip(outcomes.bits, strides[len(columns):]))

    def keys(rows: slice) -> np.ndarray:
        key = np.multiply(terms[0][0][rows], terms[0][1], dtype=key_type, casting="unsafe")
        for values, stride in terms[1:]:
            key += values[rows] if stride == 1 else np.multiply(values[rows], stride, dtype=key_type,
                                                                   casting="unsafe")
        if start:
            key += start
        return key

    table = tally(n_rows, size, keys).reshape(shape)
    for axis, column in enumerate(columns):
        table = _slots_to_groups(table, axis, column)
    return table


def _slots_to_groups(table: np.ndarray, axis: int, column: ColumnCodes) -> np.ndarray:
    """Sum the slots of one axis into the column's groups."""
    if column.n_slots == column.n_groups and np.array_equal(column.slot_group, np.arange(column.n_groups)):
        return table
    moved = np.moveaxis(table, axis, 0)
    grouped = np.zeros((column.n_groups, *moved.shape[1:]), dtype=np.int64)
    np.add.at(grouped, column.slot_group, moved)
    return np.moveaxis(grouped, 0, axis)


def _margin(table: np.ndarray, names: tuple[str, ...], cols: tuple[str, ...],
            columns: dict[str, ColumnCodes]) -> tuple[tuple[str, ...], np.ndarray]:
    """The counts of grouping ``cols`` from a joint table over ``names``: labels, and one row per
    combination present (ordered lexicographically by the columns' group order)."""
    kept = [names.index(c) for c in cols]
    dropped = tuple(j for j in range(len(names)) if j not in kept)
    margin = table.sum(axis=dropped) if dropped else table
    remaining = sorted(kept)  # the kept axes, in the table's order
    n_bits = table.ndim - len(names)
    margin = margin.transpose([remaining.index(j) for j in kept] + [len(cols) + b for b in range(n_bits)])
    group_shape = margin.shape[:len(cols)]
    flat = margin.reshape(prod(group_shape), *margin.shape[len(cols):])
    present = np.flatnonzero(flat.reshape(len(flat), -1).sum(axis=1))
    parts = np.unravel_index(present, group_shape)
    labels = tuple(
        LABEL_SEPARATOR.join(columns[c].labels[int(code[k])] for c, code in zip(cols, parts))
        for k in range(present.size)
    )
    return labels, flat[present]


def _folded(columns: list[ColumnCodes], outcomes: _Outcomes, n_rows: int) -> tuple[tuple[str, ...], np.ndarray]:
    """A grouping whose joint table would outgrow the data: per-row codes, compacted, then counted."""
    encodings = [GroupEncoding(c.codes(), c.labels, (c.column,)) for c in columns]
    encoding = encodings[0] if len(encodings) == 1 else intersect_encodings(encodings)
    n_cells = outcomes.n_cells
    codes = encoding.codes

    def keys(rows: slice) -> np.ndarray:
        key = codes[rows] * n_cells
        for b, values in enumerate(outcomes.bits):
            key += values[rows] * np.int64(1 << (len(outcomes.bits) - 1 - b))
        return key

    counts = tally(n_rows, encoding.n_groups * n_cells, keys)
    return encoding.labels, counts.reshape(encoding.n_groups, *[2] * len(outcomes.bits))


def _split(encoding: GroupEncoding, table: np.ndarray, outcomes: _Outcomes) -> GroupingCounts:
    """Decision and score counts of a grouping from its ``(G, *bits)`` table."""
    n_groups = table.shape[0]
    decisions = scores = None
    if outcomes.decided:
        cells = table.sum(axis=1) if outcomes.above else table
        decisions = GroupCounts(encoding.labels, np.ascontiguousarray(cells.reshape(n_groups, -1)))
    if outcomes.above:
        by_score = table.reshape(n_groups, 2, -1).sum(axis=2)
        scores = GroupCounts(encoding.labels, np.ascontiguousarray(by_score))
    n = table.reshape(n_groups, -1).sum(axis=1)
    return GroupingCounts(encoding=encoding, n=n, decisions=decisions, scores=scores)
