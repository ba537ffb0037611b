"""Where a decision log is aggregated: Parquet/CSV files read by DuckDB, or a Spark DataFrame or files.

:func:`duckdb_log_counts` and :func:`spark_log_counts` open the log with the generic engine layer
(:func:`govaudit.backends.read_files`, :func:`govaudit.backends.read_spark`) and aggregate it;
:class:`DecisionLogSource` names the files until the auditor knows its sensitive features, and
reads the cases that broke a rule back for the case-level file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govaudit.backends import read_files, read_spark
from govaudit.oversight._engine_cases import LogCases, log_cases_from_frame
from govaudit.oversight._engine_counts import LogCounts, log_counts_from_frame
from govaudit.oversight._policy import OversightPolicy

__all__ = ["DecisionLogSource", "duckdb_log_counts", "spark_log_counts"]


def duckdb_log_counts(path: str | Path | Sequence[Path], *, settings: Any = None,
                      sensitive_features: Sequence[str] = (), policy: OversightPolicy | None = None,
                      check_unique_ids: bool = True) -> LogCounts:
    """Aggregate a decision log in Parquet/CSV file(s) or a glob with DuckDB, within its memory limit.

    Parameters
    ----------
    path : str, Path or list of Path
        A file, a glob or a list of files of one kind.
    settings : DuckDBSettings, optional
        Memory limit, spill folder and threads.
    sensitive_features : sequence of str
        Columns by which override and appeal rates are compared.
    policy : OversightPolicy, optional
        The policy whose flags are counted; default ``OversightPolicy()``.
    check_unique_ids : bool
        Check that case ids are unique.
    """
    with read_files(path, settings) as relation:
        return log_counts_from_frame(relation, sensitive_features=sensitive_features, policy=policy,
                                     backend="duckdb", check_unique_ids=check_unique_ids, source=_shown(path))


def spark_log_counts(data: Any, *, spark: Any = None, settings: Any = None, sensitive_features: Sequence[str] = (),
                     policy: OversightPolicy | None = None, check_unique_ids: bool = True) -> LogCounts:
    """Aggregate a decision log held in a Spark DataFrame, or files read by a SparkSession (as :func:`duckdb_log_counts`)."""
    shown = None if hasattr(data, "sparkSession") else _shown(data)
    with read_spark(data, spark=spark, settings=settings) as frame:
        return log_counts_from_frame(frame, sensitive_features=sensitive_features, policy=policy, backend="spark",
                                     check_unique_ids=check_unique_ids, source=shown)


def _shown(path: Any) -> str:
    """How errors name the log's files."""
    if isinstance(path, (list, tuple)):
        files = [str(p) for p in path]
        return files[0] if len(files) == 1 else f"{files[0]} (and {len(files) - 1} more files)"
    return str(path)


@dataclass(frozen=True)
class DecisionLogSource:
    """Decision-log file(s) to aggregate on a backend once the oversight auditor names its sensitive features.

    Attributes
    ----------
    files : tuple of Path
        The Parquet or CSV files of the log.
    backend : str
        ``"duckdb"`` or ``"spark"``.
    duckdb : DuckDBSettings, optional
        Memory limit, spill folder and threads for DuckDB.
    spark : SparkSettings, optional
        The session settings for Spark.
    check_unique_ids : bool
        Check that case ids are unique (a pass grouping by case id).
    frame : pyspark.sql.DataFrame, optional
        The log as a Spark DataFrame, instead of files.
    """

    files: tuple[Path, ...]
    backend: str
    duckdb: Any = None
    spark: Any = None
    check_unique_ids: bool = True
    frame: Any = None

    def counts(self, sensitive_features: Sequence[str] = (), policy: OversightPolicy | None = None) -> LogCounts:
        """Aggregate the log on its backend, grouped by ``sensitive_features``, with ``policy``'s flags."""
        if self.backend == "spark":
            data = self.frame if self.frame is not None else list(self.files)
            return spark_log_counts(data, settings=self.spark, sensitive_features=sensitive_features,
                                    policy=policy, check_unique_ids=self.check_unique_ids)
        return duckdb_log_counts(list(self.files), settings=self.duckdb, sensitive_features=sensitive_features,
                                 policy=policy, check_unique_ids=self.check_unique_ids)

    def cases(self, counts: LogCounts) -> LogCases | None:
        """The cases that broke a rule, read back by another pass over the files (for the case-level file)."""
        if self.backend == "spark":
            with read_spark(self.frame if self.frame is not None else list(self.files), settings=self.spark) as frame:
                return log_cases_from_frame(frame, counts)
        with read_files(list(self.files), self.duckdb) as relation:
            return log_cases_from_frame(relation, counts)
