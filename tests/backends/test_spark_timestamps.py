"""Parquet written by pandas stores times in nanoseconds, which Spark refuses as is: they are read as timestamps.

Spark 4 fails on ``INT64 (TIMESTAMP(NANOS,true))``; the spark backend reads such columns as integers and
turns them back into timestamps (rounded to the microsecond, half away from zero, as DuckDB and the
in-memory validation do), so months, and every finding built on them, are those of the in-memory auditor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from govaudit.backends import SparkSettings, spark_counts_source
from govaudit.oversight import DecisionLogSource, spark_log_counts
from govaudit.backends._spark import read_frame

from test_counts_equal import ROLES, memory_counts
from test_oversight_on_backends import auditor, computed
from oversight.test_oversight_auditor import random_log

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning:pyspark")]

_LAST_NS_OF_JANUARY = pd.Timestamp("2025-01-31T23:59:59.999999999Z")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    frame = random_log(2000, seed=17)
    frame["region"] = np.random.default_rng(4).choice(["north", "south"], len(frame))
    # every time moved by one offset (order kept) so the last January case lands on January's last
    # nanosecond: all times end in .999999999, and rounding to microseconds moves that case to February
    last = frame.loc[frame["decided_at"].dt.month == 1, "decided_at"].max()
    shift = _LAST_NS_OF_JANUARY - last
    for column in frame.columns[frame.dtypes.map(lambda t: isinstance(t, pd.DatetimeTZDtype))]:
        frame[column] = frame[column].astype("datetime64[ns, UTC]") + shift  # ns: pandas 2's default
    return frame


@pytest.fixture(scope="module")
def nanos_file(tmp_path_factory, log) -> str:
    path = tmp_path_factory.mktemp("nanos") / "log.parquet"
    log.to_parquet(path, index=False)  # pandas' default: timestamp[ns, tz=UTC]
    field = pq.read_schema(path).field("decided_at").type
    assert field.unit == "ns" and field.tz is not None  # the case this file is about
    return str(path)


def test_oversight_findings_from_a_pandas_written_log_equal_in_memory(spark, log, nanos_file):
    expected = computed(auditor().assess(log).findings)
    counts = spark_log_counts(nanos_file, spark=spark, sensitive_features=["sex", "region"],
                              policy=auditor().config.policy)
    assert computed(auditor().assess_counts(counts)) == expected
    rounded = log["decided_at"].dt.round("us")  # no time here ends in exactly 500 ns, where ties differ
    months = rounded[log["final_decision"].notna()].dt.strftime("%Y-%m").value_counts()
    assert months["2025-02"] > log["decided_at"].dt.strftime("%Y-%m").value_counts()["2025-02"]
    ours = counts.table[counts.table["decided"]].groupby("month")["__n"].sum()
    assert ours.to_dict() == months.to_dict()
    # the same through the source a spec builds for [decision_log] backend = "spark"
    source = DecisionLogSource(files=(nanos_file,), backend="spark", spark=SparkSettings())
    assert computed(auditor().assess_counts(source.counts(["sex", "region"], auditor().config.policy))) == expected


def test_times_keep_their_zone_and_round_to_the_microsecond(spark, tmp_path):
    times = ["2025-01-31T23:59:59.999999999", "2025-02-01T00:00:00", "1969-12-31T23:59:59.999999999",
             "2024-02-29T12:00:00.000001500"]
    frame = pd.DataFrame({"at": pd.to_datetime(times, utc=True, format="ISO8601"),
                          "wall": pd.to_datetime(times, format="ISO8601"), "n": range(4)})
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    got = read_frame(tmp_path / "t.parquet", spark=spark).orderBy("n").toPandas()
    rounded = pd.to_datetime(["2025-02-01T00:00:00", "2025-02-01T00:00:00", "1970-01-01T00:00:00",
                              "2024-02-29T12:00:00.000002"], format="ISO8601")
    assert str(read_frame(tmp_path / "t.parquet", spark=spark).schema["at"].dataType) == "TimestampType()"
    assert list(pd.to_datetime(got["wall"]).astype("datetime64[us]")) == list(rounded.astype("datetime64[us]"))
    assert list(pd.to_datetime(got["at"]).dt.strftime("%Y-%m")) == ["2025-02", "2025-02", "1970-01", "2024-02"]


def test_bias_counts_from_a_file_with_nanosecond_times(spark, decision_log, tmp_path):
    frame = decision_log.assign(decided_at=pd.Timestamp("2025-03-01T09:30:00.123456789Z"))
    frame.to_parquet(tmp_path / "log.parquet", index=False)
    source = spark_counts_source(tmp_path / "log.parquet", spark=spark, **ROLES)
    expected = memory_counts(decision_log, ["sex", "region"])
    got = source.group_counts(source.encoding(["sex", "region"]))
    assert got.labels == expected.labels
    np.testing.assert_array_equal(got.counts, expected.counts)
