"""A ranked queue held by a backend: how the ranking auditor reopens its rows to aggregate them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.assembly._columns import Columns
from govaudit.assembly._engine import EngineSettings, is_spark_frame
from govaudit.backends import DuckDBSettings, expand_paths, read_files, read_spark
from govaudit.backends._duckdb import connect
from govaudit.ranking._backend import RankingSource

__all__ = ["queue_source"]


@contextmanager
def _duckdb_frame(frame: pd.DataFrame, settings: DuckDBSettings | None) -> Iterator[Any]:
    """DuckDB reading a pandas DataFrame in place, for the ``with`` block."""
    con = connect(settings)
    try:
        yield con.from_df(frame)
    finally:
        con.close()


def queue_source(data: Any, columns: Columns, engine: EngineSettings) -> RankingSource | None:
    """The queue of ``data`` (a DataFrame, a Spark DataFrame, or files) on its backend; None without a queue."""
    if columns.rank is None and columns.priority_score is None:
        return None
    order, kind = (columns.rank, "rank") if columns.rank is not None else (columns.priority_score, "score")
    if isinstance(data, pd.DataFrame):
        def opener() -> Any:
            return _duckdb_frame(data, engine.duckdb)
        backend = "duckdb"
    elif is_spark_frame(data):
        def opener() -> Any:
            return nullcontext(data)
        backend = "spark"
    else:
        files: list[Path] = expand_paths(data)
        backend = engine.backend

        def opener() -> Any:
            if backend == "spark":
                return read_spark(files, settings=engine.spark)
            return read_files(files, engine.duckdb)
    return RankingSource(open=opener, sensitive_features=columns.sensitive_names, order=str(order), kind=kind,
                         relevance=columns.relevance, backend=backend)
