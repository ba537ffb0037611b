"""The DuckDB and narwhals-over-pandas counts equal the in-memory engine's, and a plain pandas count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.backends import DuckDBSettings, counts_source_from_frame, duckdb_counts_source
from govaudit.inputs import load_table
from govaudit.metrics import as_binary, encode_groups, group_counts

ROLES = dict(sensitive_features=["sex", "region", "age_band"], label="eligible", prediction="decision",
             score="score", favourable_label="granted")
GROUPINGS = [["sex"], ["region"], ["age_band"], ["sex", "region"], ["sex", "region", "age_band"]]


def memory_counts(table: pd.DataFrame, cols: list[str]):
    """The in-memory engine: sensitive features as build_subject passes them, encode_groups, one bincount."""
    enc = encode_groups(pd.DataFrame({c: table[c].to_numpy() for c in cols}), cols)
    return group_counts(as_binary(table["decision"], "d", positive="granted"), enc,
                        as_binary(table["eligible"], "e", positive="granted"))


@pytest.fixture(scope="module")
def sources(log_files, decision_log):
    return {
        "duckdb-parquet": duckdb_counts_source(log_files["parquet"], **ROLES),
        "duckdb-glob": duckdb_counts_source(log_files["glob"], settings=DuckDBSettings(memory_limit="256MB"), **ROLES),
        "narwhals-pandas": counts_source_from_frame(load_table(log_files["parquet"]), **ROLES),
    }


@pytest.mark.parametrize("cols", GROUPINGS, ids=" & ".join)
@pytest.mark.parametrize("name", ["duckdb-parquet", "duckdb-glob", "narwhals-pandas"])
def test_counts_table_equals_in_memory(sources, log_files, name, cols):
    table = load_table(log_files["parquet"])
    expected = memory_counts(table, cols)
    source = sources[name]
    got = source.group_counts(source.encoding(cols))
    assert got.labels == expected.labels
    np.testing.assert_array_equal(got.counts, expected.counts)
    assert got.total == len(table) == source.n_rows


def test_counts_match_a_pandas_hand_count(sources, decision_log):
    # independent: pandas groupby keeping missing values, cells [TN, FP, FN, TP]
    frame = decision_log.assign(
        t=(decision_log["eligible"] == "granted").astype(int), p=(decision_log["decision"] == "granted").astype(int)
    )
    hand = frame.groupby(frame["sex"].fillna("unknown"))[["t", "p"]].value_counts().unstack(["t", "p"], fill_value=0)
    got = sources["duckdb-parquet"].group_counts(sources["duckdb-parquet"].encoding(["sex"]))
    for i, label in enumerate(got.labels):
        row = hand.loc[label]
        assert list(got.counts[i]) == [row.get((0, 0), 0), row.get((0, 1), 0), row.get((1, 0), 0), row.get((1, 1), 0)]


def test_scoring_counts_use_the_median_of_all_rows(sources, decision_log):
    median = np.median(decision_log["score"])
    source = sources["duckdb-parquet"]
    assert source.median_score == pytest.approx(median)
    enc = encode_groups(decision_log, ["region"])
    expected = group_counts((decision_log["score"] > median).astype(np.int8), enc)
    np.testing.assert_array_equal(source.group_counts(source.encoding(["region"]), "scores").counts, expected.counts)


def test_csv_gives_the_same_counts(log_files):
    source = duckdb_counts_source(log_files["csv"], **ROLES)
    table = load_table(log_files["csv"])
    for cols in GROUPINGS:
        expected = memory_counts(table, cols)
        got = source.group_counts(source.encoding(cols))
        assert got.labels == expected.labels
        np.testing.assert_array_equal(got.counts, expected.counts)


def test_decisions_from_scores_and_a_threshold(log_files, decision_log):
    source = duckdb_counts_source(log_files["parquet"], sensitive_features=["region"], score="score", threshold=0.5)
    enc = encode_groups(decision_log, ["region"])
    expected = group_counts((decision_log["score"] >= 0.5).astype(np.int8), enc)
    got = source.group_counts(source.encoding(["region"]))
    np.testing.assert_array_equal(got.counts, expected.counts)
    assert not got.has_labels
