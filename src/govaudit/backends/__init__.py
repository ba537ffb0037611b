"""Backends: where the one aggregation behind every group metric runs.

- ``memory``: the rows are a pandas DataFrame; the bias auditor's own numpy path (the default).
- ``duckdb``: Parquet/CSV files or globs aggregated by DuckDB within a memory limit, spilling to
  disk, so tables larger than memory are audited without loading them.
- ``spark``: a Spark DataFrame, or files read by a SparkSession (``local[2]`` or a cluster).

Each returns the same per-group counts table (:class:`~govaudit.metrics.GroupCounts`). The
aggregation is written once with narwhals (:func:`counts_source_from_frame`), so it runs unchanged
on a pandas DataFrame, a DuckDB relation or a PySpark DataFrame. :func:`sample_rows` draws a
stratified sample of rows where they are held (for the explainability auditor);
:class:`AmountSource` aggregates the moments of amounts per group (for the amounts auditor).
:func:`class_source_from_frame` counts classes decided (and true classes) per group the same way, for
the multi-class auditor.
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.backends._aggregate import COUNT
    from govaudit.backends._classes import (ClassSource, class_source_from_frame, duckdb_class_source,
                                            spark_class_source)
    from govaudit.backends._amounts import AmountSource, AmountSummary, amount_summary
    from govaudit.backends._collect import collect
    from govaudit.backends._duckdb import DuckDBSettings, duckdb_counts_source, expand_paths, read_files
    from govaudit.backends._sample import RowSample, RowSource, sample_rows
    from govaudit.backends._source import CountsSource, counts_source_from_frame
    from govaudit.backends._spark import SparkSettings, read_spark, spark_counts_source, spark_unavailable
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.backends._aggregate": ("COUNT",),
        "govaudit.backends._classes": ("ClassSource", "class_source_from_frame", "duckdb_class_source",
                                       "spark_class_source"),
        "govaudit.backends._amounts": ("AmountSource", "AmountSummary", "amount_summary"),
        "govaudit.backends._collect": ("collect",),
        "govaudit.backends._duckdb": ("DuckDBSettings", "duckdb_counts_source", "expand_paths", "read_files"),
        "govaudit.backends._sample": ("RowSample", "RowSource", "sample_rows"),
        "govaudit.backends._source": ("CountsSource", "counts_source_from_frame"),
        "govaudit.backends._spark": ("SparkSettings", "read_spark", "spark_counts_source", "spark_unavailable"),
    }, globals())

__all__ = [
    "COUNT",
    "ClassSource",
    "class_source_from_frame",
    "duckdb_class_source",
    "spark_class_source",
    "AmountSource",
    "AmountSummary",
    "CountsSource",
    "DuckDBSettings",
    "RowSample",
    "RowSource",
    "SparkSettings",
    "amount_summary",
    "collect",
    "counts_source_from_frame",
    "duckdb_counts_source",
    "expand_paths",
    "read_files",
    "read_spark",
    "sample_rows",
    "spark_counts_source",
    "spark_unavailable",
]
