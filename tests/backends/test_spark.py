"""Spark (local[2]) gives the in-memory counts and findings: the same narwhals aggregation, another engine."""

from __future__ import annotations

import io
import time
import warnings

import numpy as np
import pytest

from govaudit.backends import duckdb_counts_source, spark_counts_source, spark_unavailable

from test_bias_on_backends import _json, _spec
from test_counts_equal import GROUPINGS, ROLES, memory_counts

_WHY = spark_unavailable()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(_WHY is not None, reason=f"spark tests skipped: {_WHY}"),
    pytest.mark.filterwarnings("ignore::Warning:pyspark"),  # pyspark 4 on pandas 3: deprecation notes
]


def test_counts_equal_in_memory_and_duckdb(spark, log_files):
    from govaudit.inputs import load_table

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


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_follows_a_real_spark_job_on_a_terminal(spark, log_files, monkeypatch):
    from govaudit.backends import _progress

    monkeypatch.delenv("CI", raising=False)
    seen: list[tuple[int, int] | None] = []
    real = _progress.spark_tasks_done
    monkeypatch.setattr(_progress, "spark_tasks_done", lambda tracker: seen.append(real(tracker)) or seen[-1])
    terminal = _Terminal()
    # four tasks of half a second each on two cores: the tracker is polled while they run
    with _progress.spark_progress(spark.sparkContext, "Spark: sleeping", stream=terminal):
        assert spark.sparkContext.parallelize(range(4), 4).map(lambda x: time.sleep(0.5) or x).sum() == 6
    assert "Spark: sleeping" in terminal.getvalue()
    counts = [c for c in seen if c is not None]
    assert counts and {total for _, total in counts} == {4} and all(0 <= done <= 4 for done, _ in counts)

    monkeypatch.setattr("sys.stderr", terminal := _Terminal())
    source = spark_counts_source(log_files["glob"], spark=spark, **ROLES)  # wired: draws while it aggregates
    assert source.n_rows == 3000
    assert f"Spark: aggregating {log_files['glob']}" in terminal.getvalue()


def test_nothing_is_printed_off_a_terminal(spark, log_files, capfd, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    capfd.readouterr()
    source = spark_counts_source(log_files["parquet"], spark=spark, **ROLES)
    assert source.n_rows == 3000
    out, err = capfd.readouterr()  # neither our bar nor Spark's own "[Stage 0:>  (0 + 1) / 1]"
    assert out == "" and "Stage" not in err and "aggregating" not in err
