"""Apache Spark: the same narwhals aggregation on a Spark DataFrame, or on files a SparkSession reads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govaudit.exceptions import InputDataError, first_line

from ._duckdb import expand_paths
from ._source import CountsSource, counts_source_from_frame

__all__ = ["SparkSettings", "spark_counts_source", "spark_unavailable"]

_MSG_NO_PYSPARK = "the spark backend needs pyspark (pip install 'govaudit[spark]')"
_MSG_NO_JAVA = "the spark backend needs Java 17 or later on the PATH (java was not found)"
_MSG_UNREADABLE = "{path}: cannot be read by Spark: {error}"


class SparkSettings(BaseModel):
    """``[data.spark]``: the SparkSession to read the files with.

    Parameters
    ----------
    master : str
        Spark master URL; ``"local[2]"`` runs on two local cores.
    app_name : str
        Name shown in Spark's UI and logs.
    config : dict of str to str
        Further Spark settings, e.g. ``{"spark.driver.memory" = "2g"}``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    master: str = Field(default="local[2]", description="Spark master URL, e.g. local[2] or spark://host:7077.")
    app_name: str = Field(default="govaudit", description="Application name in Spark's UI and logs.")
    config: dict[str, str] = Field(default_factory=dict, description="Further Spark settings.")


def spark_unavailable() -> str | None:
    """Why the spark backend cannot run here (pyspark or Java missing), or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return _MSG_NO_PYSPARK
    if shutil.which("java") is None:
        return _MSG_NO_JAVA
    return None


def session(settings: SparkSettings | None = None) -> Any:
    """A SparkSession built from ``settings`` (or the active one with the same master)."""
    why = spark_unavailable()
    if why:
        raise InputDataError(why)
    from pyspark.sql import SparkSession

    settings = settings or SparkSettings()
    builder = SparkSession.builder.master(settings.master).appName(settings.app_name)
    builder = builder.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
    builder = builder.config("spark.sql.session.timeZone", "UTC")  # months of logged times in UTC, as DuckDB
    for key, value in settings.config.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_counts_source(
    data: Any,
    *,
    spark: Any = None,
    settings: SparkSettings | None = None,
    **roles: Any,
) -> CountsSource:
    """Aggregate a Spark DataFrame, or Parquet/CSV file(s) read by Spark, into a :class:`CountsSource`.

    Parameters
    ----------
    data : pyspark.sql.DataFrame, str, Path or list of Path
        A Spark DataFrame, or a file, glob or list of files (Parquet or CSV with a header row).
    spark : SparkSession, optional
        The session that reads the files (default: one built from ``settings``).
    settings : SparkSettings, optional
        Master, application name and Spark settings for the session built when none is given.
    **roles
        Column roles, as for :func:`counts_source_from_frame`.

    Raises
    ------
    InputDataError
        pyspark or Java is missing, no file matched, or Spark cannot read the files.
    """
    return counts_source_from_frame(read_frame(data, spark=spark, settings=settings), backend="spark", **roles)


def read_frame(data: Any, *, spark: Any = None, settings: SparkSettings | None = None) -> Any:
    """A Spark DataFrame as given, or Parquet/CSV file(s) read by ``spark`` (or a session from ``settings``)."""
    if hasattr(data, "sparkSession"):  # already a Spark DataFrame
        return data
    files = list(data) if isinstance(data, (list, tuple)) else expand_paths(data)
    spark = spark or session(settings)
    names = [str(Path(p)) for p in files]
    try:
        if Path(names[0]).suffix.lower() == ".csv":
            return spark.read.csv(names, header=True, inferSchema=True)
        return spark.read.parquet(*names)
    except Exception as exc:  # py4j/pyspark raise their own types for unreadable input
        first = first_line(exc)
        raise InputDataError(_MSG_UNREADABLE.format(path=", ".join(names), error=first)) from None
