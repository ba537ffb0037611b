"""The evaluation data, resolved once: read into memory, or aggregated by a backend where it is held."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from govaudit._interrupt import raise_if_interruption
from govaudit.assembly._columns import Columns
from govaudit.assembly._engine import EngineSettings, is_spark_frame
from govaudit.assembly._identity import file_identity, frame_identity, spark_identity
from govaudit.assembly._queue import queue_source
from govaudit.inputs._table import load_table
from govaudit.backends import (
    ClassSource,
    CountsSource,
    class_source_from_frame,
    duckdb_class_source,
    spark_class_source,
    DuckDBSettings,
    counts_source_from_frame,
    duckdb_counts_source,
    expand_paths,
    spark_counts_source,
)
from govaudit.backends._duckdb import connect
from govaudit.exceptions import InputDataError, first_line
from govaudit.records import ArtifactIdentity

__all__ = ["DataSource", "resolve_data"]

_MSG_DUCKDB_FRAME = "the DataFrame cannot be aggregated by DuckDB: {error}"
_T = TypeVar("_T")


@dataclass(frozen=True)
class DataSource:
    """The evaluation data: its rows in memory, or the counts a backend aggregated where the rows are.

    Attributes
    ----------
    engine : EngineSettings
        The settings, with the backend chosen for this data.
    identities : tuple of ArtifactIdentity
        One per file read (or one for an in-memory table), as the record lists them.
    files : dict of str to Path
        ``{"data": path}`` when the data is one file.
    table : pandas.DataFrame, optional
        The rows, in memory.
    counts : CountsSource, optional
        The per-group counts a backend aggregated.
    classes : ClassSource, optional
        The per-group class counts a backend aggregated (``[data] class_prediction``).
    rows : tuple of Path or DataFrame, optional
        Where the backend holds the rows (files, or the DataFrame given), to draw a sample from.
    ranking : RankingSource, optional
        A ranked queue the backend aggregates when the ranking auditor asks.
    """

    engine: EngineSettings
    identities: tuple[ArtifactIdentity, ...]
    files: dict[str, Path] = field(default_factory=dict)
    table: Any = None
    counts: CountsSource | None = None
    rows: Any = None
    ranking: Any = None
    classes: ClassSource | None = None


def resolve_data(data: Any, columns: Columns, engine: EngineSettings) -> DataSource | None:
    """Read or aggregate ``data`` on the backend chosen for it (``engine``, see :meth:`EngineSettings.for_data`).

    Parameters
    ----------
    data : DataFrame, str, Path or Spark DataFrame, optional
        A table, a CSV or Parquet file, a glob of them, or a Spark DataFrame.
    columns : Columns
        What the columns mean (a backend aggregates by them).
    engine : EngineSettings
        The backend chosen for ``data``, and its settings.

    Returns
    -------
    DataSource or None
        None when there is no data.
    """
    if data is None:
        return None
    if engine.backend in ("duckdb", "spark"):
        return _held_by_backend(data, columns, engine)
    if isinstance(data, (str, Path)):
        path = Path(data)
        table = load_table(path)
        return DataSource(engine, (file_identity("data", path, rows=len(table)),), {"data": path}, table=table)
    identities = (frame_identity(data),) if isinstance(data, pd.DataFrame) else ()
    return DataSource(engine, identities, table=data)


def _held_by_backend(data: Any, columns: Columns, engine: EngineSettings) -> DataSource:
    """Counts aggregated where the rows are: DuckDB over a pandas DataFrame, Spark over its own, else the files.

    Without decisions or scores but with a queue, classes or amounts, nothing is counted here: their
    auditors have them aggregated where the rows are.
    """
    ranking = queue_source(data, columns, engine)
    if ranking is not None and all(c is None for c in (columns.prediction, columns.score, columns.class_prediction,
                                                       columns.amount)):
        return _queue_alone(data, engine, ranking)
    source = _counts_held_by_backend(data, columns, engine)
    return source if ranking is None else replace(source, ranking=ranking)


def _queue_alone(data: Any, engine: EngineSettings, ranking: Any) -> DataSource:
    """Only a queue to aggregate, when the ranking auditor runs: the data's identities now."""
    if isinstance(data, pd.DataFrame):
        return DataSource(engine, (frame_identity(data),), ranking=ranking, rows=data)
    if is_spark_frame(data):
        return DataSource(engine, (spark_identity(data, "data"),), ranking=ranking, rows=data)
    files = expand_paths(data)
    return DataSource(engine, tuple(file_identity("data", f) for f in files), {"data": files[0]} if len(files) == 1
                      else {}, ranking=ranking, rows=tuple(files))


def _counts_held_by_backend(data: Any, columns: Columns, engine: EngineSettings) -> DataSource:
    roles = columns.roles()
    decides = columns.prediction is not None or columns.score is not None or (
        columns.class_prediction is None and columns.amount is None)
    classes = _class_source(data, columns, engine)
    if isinstance(data, pd.DataFrame):  # duckdb over the frame: the same engine and results as over files
        counts = _duckdb_frame_source(data, engine.duckdb, roles) if decides else None
        return DataSource(engine, (frame_identity(data),), counts=counts, rows=data, classes=classes)
    if is_spark_frame(data):
        counts = spark_counts_source(data, **roles) if decides else None
        counted = counts if counts is not None else classes
        identity = (spark_identity(data, "data") if counted is None else
                    spark_identity(data, "data", counted.table, counted.n_rows))
        return DataSource(engine, (identity,), counts=counts, rows=data, classes=classes)
    files = expand_paths(data)
    counts = None
    if decides and engine.backend == "spark":
        counts = spark_counts_source(files, settings=engine.spark, **roles)
    elif decides:
        counts = duckdb_counts_source(files, settings=engine.duckdb, **roles)
    counted = counts if counts is not None else classes
    one = len(files) == 1 and counted is not None  # the row count is known only for one file counted
    identities = tuple(file_identity("data", f, **({"rows": counted.n_rows} if one else {})) for f in files)
    return DataSource(engine, identities, {"data": files[0]} if len(files) == 1 else {}, counts=counts,
                      rows=tuple(files), classes=classes)


def _class_source(data: Any, columns: Columns, engine: EngineSettings) -> ClassSource | None:
    """Classes decided (and true classes) counted per group where the rows are, when ``[data]`` names them."""
    if columns.class_prediction is None:
        return None
    roles = columns.class_roles()
    if isinstance(data, pd.DataFrame):
        return _on_duckdb_frame(data, engine.duckdb, partial(class_source_from_frame, backend="duckdb", **roles))
    if is_spark_frame(data) or engine.backend == "spark":
        return spark_class_source(data if is_spark_frame(data) else expand_paths(data), settings=engine.spark,
                                  **roles)
    return duckdb_class_source(expand_paths(data), settings=engine.duckdb, **roles)


def _duckdb_frame_source(frame: pd.DataFrame, settings: DuckDBSettings | None, roles: dict[str, Any]) -> CountsSource:
    """Counts of a pandas DataFrame aggregated by DuckDB (which reads the frame in place)."""
    return _on_duckdb_frame(frame, settings, partial(counts_source_from_frame, backend="duckdb", **roles))


def _on_duckdb_frame(frame: pd.DataFrame, settings: DuckDBSettings | None, aggregate: Callable[[Any], _T]) -> _T:
    """``aggregate`` run on a DuckDB relation over the frame (read in place), on a connection closed after."""
    import duckdb as _duckdb

    con = connect(settings)
    try:
        return aggregate(con.from_df(frame))
    except _duckdb.Error as exc:
        raise_if_interruption(exc)
        raise InputDataError(_MSG_DUCKDB_FRAME.format(error=first_line(exc))) from None
    finally:
        con.close()
