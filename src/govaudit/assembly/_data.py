"""The evaluation data, resolved once: read into memory, or aggregated by a backend where it is held."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.assembly._columns import Columns
from govaudit.assembly._engine import EngineSettings, is_spark_frame
from govaudit.assembly._identity import file_identity, frame_identity, spark_identity
from govaudit.inputs._table import load_table
from govaudit.backends import (
    CountsSource,
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
    rows : tuple of Path or DataFrame, optional
        Where the backend holds the rows (files, or the DataFrame given), to draw a sample from.
    """

    engine: EngineSettings
    identities: tuple[ArtifactIdentity, ...]
    files: dict[str, Path] = field(default_factory=dict)
    table: Any = None
    counts: CountsSource | None = None
    rows: Any = None


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

    Without decisions or scores but with amounts, nothing is counted here: the amounts auditor has
    its moments aggregated where the rows are (:class:`govaudit.backends.AmountSource`).
    """
    roles = columns.roles()
    counted = columns.prediction is not None or columns.score is not None or columns.amount is None
    if isinstance(data, pd.DataFrame):  # duckdb over the frame: the same engine and results as over files
        counts = _duckdb_frame_source(data, engine.duckdb, roles) if counted else None
        return DataSource(engine, (frame_identity(data),), counts=counts, rows=data)
    if is_spark_frame(data):
        counts = spark_counts_source(data, **roles) if counted else None
        identity = (spark_identity(data, "data") if counts is None else
                    spark_identity(data, "data", counts.table, counts.n_rows))
        return DataSource(engine, (identity,), counts=counts, rows=data)
    files = expand_paths(data)
    if not counted:
        counts = None
    elif engine.backend == "spark":
        counts = spark_counts_source(files, settings=engine.spark, **roles)
    else:
        counts = duckdb_counts_source(files, settings=engine.duckdb, **roles)
    one = len(files) == 1 and counts is not None  # the row count is known only for one file counted
    identities = tuple(file_identity("data", f, **({"rows": counts.n_rows} if one else {})) for f in files)
    return DataSource(engine, identities, {"data": files[0]} if len(files) == 1 else {}, counts=counts,
                      rows=tuple(files))


def _duckdb_frame_source(frame: pd.DataFrame, settings: DuckDBSettings | None, roles: dict[str, Any]) -> CountsSource:
    """Counts of a pandas DataFrame aggregated by DuckDB (which reads the frame in place)."""
    import duckdb as _duckdb

    con = connect(settings)
    try:
        return counts_source_from_frame(con.from_df(frame), backend="duckdb", **roles)
    except _duckdb.Error as exc:
        raise InputDataError(_MSG_DUCKDB_FRAME.format(error=first_line(exc))) from None
    finally:
        con.close()
