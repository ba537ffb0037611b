"""Spark (local[2]) gives the in-memory counts and findings: the same narwhals aggregation, another engine."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from govaudit.backends import SparkSettings, duckdb_counts_source, spark_counts_source, spark_unavailable

from test_bias_on_backends import _json, _spec
from test_counts_equal import GROUPINGS, ROLES, memory_counts

_WHY = spark_unavailable()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(_WHY is not None, reason=f"spark tests skipped: {_WHY}"),
    pytest.mark.filterwarnings("ignore::Warning:pyspark"),  # pyspark 4 on pandas 3: deprecation notes
]


@pytest.fixture(scope="module")
def spark():
    from govaudit.backends._spark import session

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark's note about pandas 3
        spark = session(SparkSettings(config={"spark.sql.shuffle.partitions": "2"}))
    yield spark
    spark.stop()


def test_counts_equal_in_memory_and_duckdb(spark, log_files):
    from govaudit.data import load_table

    table = load_table(log_files["parquet"])
    from_spark = spark_counts_source(spark.read.parquet(str(log_files["parquet"])), **ROLES)
    from_files = spark_counts_source(log_files["glob"], spark=spark, **ROLES)
    duck = duckdb_counts_source(log_files["parquet"], **ROLES)
    assert from_spark.median_score == duck.median_score == np.median(table["score"])
    for cols in GROUPINGS:
        expected = memory_counts(table, cols)
        for source in (from_spark, from_files):
            got = source.group_counts(source.encoding(cols))
            assert got.labels == expected.labels
            np.testing.assert_array_equal(got.counts, expected.counts)


def test_a_spec_with_backend_spark_gives_the_in_memory_findings(spark, log_files):
    from govaudit.api import run_plan
    from govaudit.spec import load_spec

    memory = run_plan(load_spec(_spec(log_files["folder"], "log.parquet")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        on_spark = run_plan(load_spec(_spec(log_files["folder"], "log.parquet", 'backend = "spark"\n[data.spark]\nmaster = "local[2]"')))
    assert _json(on_spark.findings) == _json(memory.findings)
