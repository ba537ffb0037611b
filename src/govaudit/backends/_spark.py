"""Apache Spark: the same narwhals aggregation on a Spark DataFrame, or on files a SparkSession reads."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govaudit._extras import too_old
from govaudit.exceptions import InputDataError, first_line

from ._duckdb import expand_paths
from ._progress import spark_progress
from ._source import CountsSource, counts_source_from_frame

__all__ = ["SparkSettings", "read_frame", "read_spark", "spark_counts_source", "spark_unavailable"]

_MSG_NO_PYSPARK = "the spark backend needs pyspark (pip install 'govaudit[spark]')"
_MSG_NO_JAVA = "the spark backend needs Java 17 or later on the PATH or in JAVA_HOME (java was not found)"
_MSG_OLD_JAVA = "the spark backend needs Java 17 or later; {java} is version {version}"
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


#: Parquet files written by pandas/pyarrow store timestamps in nanoseconds, which Spark refuses
#: (``Illegal Parquet type: INT64 (TIMESTAMP(NANOS,...))``) unless it reads them as integers.
_NANOS_AS_LONG = "spark.sql.legacy.parquet.nanosAsLong"
_EPOCH_NTZ = "TIMESTAMP_NTZ'1970-01-01 00:00:00'"


@functools.lru_cache(maxsize=1)
def spark_unavailable() -> str | None:
    """Why the spark backend cannot run here (pyspark or Java 17+ missing), or None when it can."""
    try:
        import pyspark
    except ImportError:
        return _MSG_NO_PYSPARK
    old = too_old("pyspark", pyspark.__version__, "the spark backend")
    if old:
        return old
    # the java Spark launches: $JAVA_HOME/bin/java when JAVA_HOME is set, else the one on the PATH
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None or not Path(java).is_file():
        return _MSG_NO_JAVA
    try:
        banner = subprocess.run([java, "-version"], check=False, capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return _MSG_NO_JAVA
    found = re.search(r'version "([^"]+)"', banner)
    if found:
        version = found.group(1)
        first, _, rest = version.partition(".")
        major = rest if first == "1" else first  # "1.8.0_292" is Java 8; "17.0.15", "21", "17-ea" are 17, 21, 17
        if int(re.match(r"\d*", major).group() or 0) < 17:
            return _MSG_OLD_JAVA.format(java=java, version=version)
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
    # Spark's own stage bar prints into pipes and logs too; ours draws on a terminal only
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    builder = builder.config("spark.sql.session.timeZone", "UTC")  # months of logged times in UTC, as DuckDB
    # pyspark < 4 starts Python workers with the PATH's python3, not this interpreter (as pyspark 4 does)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
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
    with read_spark(data, spark=spark, settings=settings) as frame:
        return counts_source_from_frame(frame, backend="spark", **roles)


@contextmanager
def read_spark(data: Any, *, spark: Any = None, settings: SparkSettings | None = None) -> Iterator[Any]:
    """:func:`read_frame`, with a progress bar (on a terminal) for the Spark jobs run in the ``with`` block."""
    frame = read_frame(data, spark=spark, settings=settings)
    shown = "a Spark DataFrame" if hasattr(data, "sparkSession") else (
        ", ".join(map(str, data)) if isinstance(data, (list, tuple)) else str(data))
    with spark_progress(_context(frame), f"Spark: aggregating {shown}"):
        yield frame


def _context(frame: Any) -> Any:
    """The SparkContext behind a DataFrame, or None (Spark Connect sessions have none)."""
    try:
        return frame.sparkSession.sparkContext
    except Exception:  # pyspark raises its own not-supported error on Spark Connect
        return None


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
        nanos = _nanosecond_columns(names)
        if nanos:
            # read as integers (the only way Spark reads them), then back to timestamps: months stay right
            spark.conf.set(_NANOS_AS_LONG, "true")
        return _nanos_to_timestamps(spark.read.parquet(*names), nanos)
    except Exception as exc:  # py4j/pyspark/pyarrow raise their own types for unreadable input
        first = first_line(exc)
        raise InputDataError(_MSG_UNREADABLE.format(path=", ".join(names), error=first)) from None


def _nanosecond_columns(files: list[str]) -> dict[str, bool]:
    """Top-level columns any of the Parquet files stores as nanosecond timestamps -> whether they have a zone.

    Only the files' footers are read (pyarrow), not their rows.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    found: dict[str, bool] = {}
    for path in files:
        for field in pq.read_schema(path):
            if pa.types.is_timestamp(field.type) and field.type.unit == "ns":
                found[field.name] = field.type.tz is not None
    return found


def _ntz_from_micros(micros: str) -> str:
    """TIMESTAMP_NTZ from microseconds since 1970, added as days, seconds and microseconds.

    Spark 3.5's ``timestampadd`` takes a 32-bit amount, too small for microseconds since 1970.
    """
    day = 86_400_000_000
    days = f"timestampadd(DAY, ({micros} - pmod({micros}, {day})) div {day}, {_EPOCH_NTZ})"
    seconds = f"timestampadd(SECOND, pmod({micros}, {day}) div 1000000, {days})"
    return f"timestampadd(MICROSECOND, pmod({micros}, 1000000), {seconds})"


def _nanos_to_timestamps(frame: Any, nanos: dict[str, bool]) -> Any:
    """Nanosecond counts (as read with ``nanosAsLong``) back to Spark timestamps, rounded to microseconds.

    A zoned column (Parquet ``isAdjustedToUTC``) becomes TIMESTAMP (an instant), a zone-less one
    TIMESTAMP_NTZ (wall-clock time), as Spark reads microsecond timestamps of each kind.
    """
    if not nanos:
        return frame
    from pyspark.sql import functions as F

    columns = {}
    for name, zoned in nanos.items():
        col = "`" + name.replace("`", "``") + "`"
        # rounded half away from zero, as DuckDB and the in-memory validation round nanoseconds
        micros = f"CASE WHEN {col} >= 0 THEN ({col} + 500) div 1000 ELSE -((500 - {col}) div 1000) END"
        text = f"timestamp_micros({micros})" if zoned else _ntz_from_micros(f"({micros})")
        columns[name] = F.expr(text)
    return frame.withColumns(columns)
