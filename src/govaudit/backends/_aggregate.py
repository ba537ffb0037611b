"""The one aggregation every backend runs, written once with narwhals.

The same narwhals expression runs on a pandas DataFrame, a DuckDB relation and a PySpark DataFrame:
group the rows by the sensitive features and the (raw) outcome columns and count them. The result
is a *compressed table* with one row per distinct combination present, which is small (groups x 2 x 2
rows), so everything after it runs in pandas/numpy whatever engine held the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError

from ._collect import collect
from ._median import exact_median

__all__ = ["ABOVE_MEDIAN", "COUNT", "DECIDED", "collect", "compress"]

#: Name of the row-count column of a compressed table.
COUNT = "__n"
#: Key column: the score is above the median of all scores (NYC LL144 scoring rate).
ABOVE_MEDIAN = "__above_median"
#: Key column: the score is at least the decision threshold (decisions from recorded scores).
DECIDED = "__decided"

_MSG_NO_COLUMN = "column {column!r} ({role}) not found in the data; available columns: {available}"
_MSG_SCORE_MISSING = "column {column!r} (recorded score) has {n} missing value(s); every row needs a numeric score"
_MSG_SCORE_TYPE = "column {column!r} (recorded score) must be numeric; found type {dtype}"
_MSG_EMPTY = "the data has no rows"


def compress(
    native: Any,
    keys: Sequence[tuple[str, str]],
    *,
    score: str | None = None,
    threshold: float | None = None,
) -> tuple[pd.DataFrame, float | None]:
    """Count rows per distinct combination of ``keys`` (and score flags), in the engine holding the rows.

    Parameters
    ----------
    native : pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The rows (anything narwhals reads).
    keys : sequence of (column, role)
        Columns to group by, with the role named in errors (``"sensitive feature"``, ``"label"``...).
        Missing values form their own key (they are never dropped).
    score : str, optional
        Column of scores: adds the key :data:`ABOVE_MEDIAN` (score above the median of all rows).
    threshold : float, optional
        With ``score``: adds the key :data:`DECIDED` (score at least the threshold).

    Returns
    -------
    (pandas.DataFrame, float or None)
        The compressed table (the key columns plus :data:`COUNT`) and the median score.

    Raises
    ------
    ColumnError
        A column is not in the data.
    InputDataError
        The data has no rows, or the scores are missing or not numeric.
    """
    frame = nw.from_native(native)
    names = list(frame.collect_schema().names())
    for column, role in [*keys, *([(score, "recorded score")] if score else [])]:
        if column not in names:
            shown = ", ".join(names[:25]) + (f", ... ({len(names)} in all)" if len(names) > 25 else "")
            raise ColumnError(_MSG_NO_COLUMN.format(column=column, role=role, available=shown))
    columns = list(dict.fromkeys(c for c, _ in keys))
    flags: dict[str, Any] = {}
    median = None
    if score is not None:
        dtype = frame.collect_schema()[score]
        if not dtype.is_numeric():
            raise InputDataError(_MSG_SCORE_TYPE.format(column=score, dtype=dtype))
        stats = collect(frame.select(
            nw.len().alias("n"),
            (nw.col(score).is_null() | nw.col(score).is_nan()).cast(nw.Int64).sum().alias("missing"),
            nw.col(score).min().alias("lo"),
            nw.col(score).max().alias("hi"),
        ))
        missing = int(stats["missing"].iloc[0])
        if missing:
            raise InputDataError(_MSG_SCORE_MISSING.format(column=score, n=missing))
        if int(stats["n"].iloc[0]) == 0:
            raise InputDataError(_MSG_EMPTY)
        median = exact_median(frame, score, int(stats["n"].iloc[0]), float(stats["lo"].iloc[0]),
                              float(stats["hi"].iloc[0]))
        flags[ABOVE_MEDIAN] = nw.col(score) > median
        if threshold is not None:
            flags[DECIDED] = nw.col(score) >= threshold
    grouped = (
        frame.select(*[nw.col(c) for c in columns], **flags)
        .group_by(*columns, *flags, drop_null_keys=False)
        .agg(nw.len().alias(COUNT))
    )
    table = collect(grouped)
    if len(table) == 0:
        raise InputDataError(_MSG_EMPTY)
    return table.reset_index(drop=True), median
