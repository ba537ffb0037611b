"""Class counts per group (group x true class x predicted class), aggregated where the rows are held.

A multi-class audit needs one number per (group, true class, predicted class): an aggregation, so it
runs as the bias counts do, through the one narwhals :func:`compress` on pandas, DuckDB or Spark.
The result is a small compressed table; classes are coded and groups encoded on it with the same
functions the in-memory path uses, so labels and class order agree across engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.metrics import ClassCounts, class_counts, code_classes, encode_groups

from ._aggregate import COUNT, compress

__all__ = ["ClassSource", "class_source_from_frame", "duckdb_class_source", "spark_class_source"]

#: key columns of the compressed table
PREDICTED, TRUE = "__class_pred", "__class_true"


@dataclass(frozen=True)
class ClassSource:
    """The compressed class table of a data set: one row per distinct (sensitive features, classes), with its count.

    Attributes
    ----------
    table : pandas.DataFrame
        The sensitive feature columns, ``__class_pred`` (and ``__class_true``) and the count ``__n``.
    sensitive_features : tuple of str
        The sensitive feature columns.
    has_truth : bool
        Whether the true class is in the table.
    backend : str
        The engine that aggregated the rows.
    names : tuple of str
        How errors name the class decided and the true class, e.g. ``("column 'track'", "column 'due'")``.
    """

    table: pd.DataFrame
    sensitive_features: tuple[str, ...]
    has_truth: bool
    backend: str
    names: tuple[str, str] = ("the class decided", "the true class")

    @property
    def n_rows(self) -> int:
        """Number of rows aggregated."""
        return int(self.table[COUNT].sum())

    def classes(self, given: Sequence[str] | None = None) -> tuple[str, ...]:
        """The classes: ``given`` (checked against the data), else the distinct classes found, sorted as text."""
        weights = self.table[COUNT].to_numpy()
        _, found = code_classes(self.table[PREDICTED], self.names[0], given, weights)
        if self.has_truth:
            _, truth = code_classes(self.table[TRUE], self.names[1], given, weights)
            if given is None:
                found = tuple(sorted(set(found) | set(truth)))
        return found

    def counts(self, columns: Sequence[str], classes: Sequence[str]) -> ClassCounts:
        """The counts of a grouping (one feature, or the intersection of several), as :func:`class_counts` gives."""
        # as numpy arrays, as the in-memory subject passes sensitive features: the same dtypes give the same labels
        encoding = encode_groups(pd.DataFrame({c: self.table[c].to_numpy() for c in columns}), list(columns))
        weights = self.table[COUNT].to_numpy(dtype=np.int64)
        pred, _ = code_classes(self.table[PREDICTED], self.names[0], classes, weights)
        true = code_classes(self.table[TRUE], self.names[1], classes, weights)[0] if self.has_truth else None
        return class_counts(encoding.codes, encoding.labels, classes, pred, true, weights)


def class_source_from_frame(native: Any, *, sensitive_features: Sequence[str], class_prediction: str,
                            class_label: str | None = None, backend: str = "memory",
                            names: tuple[str, str] | None = None) -> ClassSource:
    """Aggregate rows held by any engine narwhals reads (pandas, DuckDB, Spark) into a :class:`ClassSource`.

    Parameters
    ----------
    native : pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The rows.
    sensitive_features : sequence of str
        Columns of the groups.
    class_prediction : str
        Column of the class decided.
    class_label : str, optional
        Column of the true class.
    backend : str
        The engine's name, recorded.
    names : tuple of str, optional
        How errors name the class decided and the true class; default ``column '<name>'`` for each, as
        the in-memory inputs name a column.

    Raises
    ------
    ColumnError
        A column is not in the data.
    InputDataError
        The data has no rows.
    """
    sensitive = tuple(sensitive_features)
    keys = [(c, "sensitive feature") for c in sensitive] + [(class_prediction, "class decided")]
    keys += [(class_label, "true class")] if class_label else []
    table, _ = compress(native, keys)
    out = table.loc[:, [*sensitive, COUNT]].copy()
    out[PREDICTED] = table[class_prediction].to_numpy()
    if class_label:
        out[TRUE] = table[class_label].to_numpy()
    if names is None:
        names = (f"column {class_prediction!r}", f"column {class_label!r}")
    return ClassSource(table=out, sensitive_features=sensitive, has_truth=bool(class_label), backend=backend,
                       names=names)


def duckdb_class_source(path: str | Path | Sequence[Path], *, settings: Any = None, **roles: Any) -> ClassSource:
    """Aggregate Parquet or CSV file(s) (a path, glob or list) with DuckDB into a :class:`ClassSource`.

    ``roles`` are those of :func:`class_source_from_frame`; ``settings`` a :class:`DuckDBSettings`.
    """
    from ._duckdb import read_files

    with read_files(path, settings) as relation:
        return class_source_from_frame(relation, backend="duckdb", **roles)


def spark_class_source(data: Any, *, spark: Any = None, settings: Any = None, **roles: Any) -> ClassSource:
    """Aggregate a Spark DataFrame, or files read by Spark, into a :class:`ClassSource`.

    ``roles`` are those of :func:`class_source_from_frame`; ``settings`` a :class:`SparkSettings`.
    """
    from ._spark import read_spark

    with read_spark(data, spark=spark, settings=settings) as frame:
        return class_source_from_frame(frame, backend="spark", **roles)
