"""A straightforward reference for grouping and counting rows: a Python loop over the rows.

Written from the documented rules, not from the engine, so that tests can hold the optimised path
(column routes, joint counting, margins) to them:

- the groups of a column are its distinct values (equal values are one group, as in a dict: 1, 1.0
  and True are one, labelled by the first seen), sorted (by their strings when they cannot be
  compared), or the observed categories in category order for a Categorical;
- missing values (None, NaN, pd.NA) form one ``unknown`` group, placed last;
- groups whose labels print the same are one group, placed where the last of them was;
- an intersection's groups are the combinations present, ordered by the columns' group order, their
  labels joined by " & ".
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

UNKNOWN = "unknown"


def column_groups(values: pd.Series, unknown: str = UNKNOWN) -> tuple[tuple[str, ...], list[int]]:
    """Labels of one column's groups, and the group of each row."""
    items = list(values)
    missing = [bool(pd.isna(v)) for v in items]
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = {v for v, m in zip(items, missing) if not m}
        levels = [c for c in values.cat.categories if c in present]
        first = {c: c for c in levels}
    else:
        first: dict[Any, Any] = {}
        for v, m in zip(items, missing):
            if not m:
                first.setdefault(v, v)
        levels = list(first.values())
        try:
            levels = sorted(levels)
        except TypeError:
            levels = sorted(levels, key=str)
    names = [str(v) for v in levels] + ([unknown] if any(missing) else [])
    last = {name: i for i, name in enumerate(names)}
    labels = tuple(sorted(last, key=last.__getitem__))
    row_names = [unknown if m else str(first[v]) for v, m in zip(items, missing)]
    return labels, [labels.index(name) for name in row_names]


def intersection_groups(columns: list[pd.Series]) -> tuple[tuple[str, ...], list[int]]:
    """Labels of the combinations present, in order, and the combination of each row."""
    per_column = [column_groups(c) for c in columns]
    rows = list(zip(*(codes for _, codes in per_column)))
    combos = sorted(set(rows))
    labels = tuple(" & ".join(per_column[j][0][k] for j, k in enumerate(combo)) for combo in combos)
    index = {combo: i for i, combo in enumerate(combos)}
    return labels, [index[r] for r in rows]


def confusion_counts(codes: list[int], n_groups: int, y_pred: Any, y_true: Any = None) -> np.ndarray:
    """``[TN, FP, FN, TP]`` per group (``[not selected, selected]`` without ``y_true``), row by row."""
    width = 2 if y_true is None else 4
    counts = np.zeros((n_groups, width), dtype=np.int64)
    truth = [0] * len(codes) if y_true is None else [int(t) for t in y_true]
    for g, p, t in zip(codes, y_pred, truth):
        counts[g, 2 * t + int(p)] += 1
    return counts


# --- random sensitive feature columns of every kind ------------------------------------------------


class Band(str, enum.Enum):
    """A str enum prints as ``Band.LOW``, not as its value: factorize labels it by the first object seen."""

    LOW = "low"


STRINGS = ["a", "b", "", "unknown", "1", "é", "Z ", None]
MIXED = ["a", "1", "", "unknown", 1, 1.0, True, 2, 2.5, None, np.nan, pd.NA, Band.LOW, "low"]
KINDS = ["object-strings", "object-mixed", "str", "string[pyarrow]", "string[python]", "category",
         "category-int", "int64", "int8", "uint8", "uint64", "int64-wide", "Int64", "bool", "boolean", "float", "float-codes"]


@st.composite
def columns(draw: st.DrawFn, n: int) -> pd.Series:
    """A sensitive feature column of ``n`` rows, of any supported kind."""
    kind = draw(st.sampled_from(KINDS))
    if kind in ("object-strings", "object-mixed"):
        pool = STRINGS if kind == "object-strings" else MIXED
        values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
        return pd.Series(np.array(values, dtype=object), dtype=object)
    if kind in ("str", "string[pyarrow]", "string[python]"):
        return pd.Series(draw(st.lists(st.sampled_from(STRINGS), min_size=n, max_size=n)), dtype=kind)
    if kind.startswith("category"):
        levels = ["x", "y", "", "unknown", "w", "v"] if kind == "category" else [3, 1, 2, 10, 7]
        categories = draw(st.permutations(levels))
        values = draw(st.lists(st.sampled_from([*levels[:4], None]), min_size=n, max_size=n))
        return pd.Series(pd.Categorical(values, categories=categories))
    if kind.startswith("float"):
        pool = [0.0, -0.0, 1.0, 2.5, np.nan] if kind == "float" else [0.0, 1.0, 3.0, -2.0, 7.0, np.nan]
        return pd.Series(np.array(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype=float))
    if kind in ("bool", "boolean"):
        pool = [True, False] + ([None] if kind == "boolean" else [])
        return pd.Series(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype=kind)
    low, high = {"uint8": (0, 255), "int8": (-128, 127), "uint64": (0, 2**63 + 5),
                 "int64-wide": (-(2**62), 2**62)}.get(kind, (-3, 40))
    ints = st.integers(low, high) if kind == "int64-wide" else st.sampled_from(sorted({low, high, 0, 1, 3, low + 1}))
    if kind == "Int64":
        values = draw(st.lists(st.one_of(ints, st.none()), min_size=n, max_size=n))
        return pd.Series(values, dtype="Int64")
    values = draw(st.lists(ints, min_size=n, max_size=n))
    return pd.Series(np.array(values, dtype=np.int64 if kind == "int64-wide" else kind))
