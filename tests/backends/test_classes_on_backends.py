"""Class counts per group (group x true class x class decided) pushed down to DuckDB and Spark equal the in-memory
counts and a pandas hand count, and a spec run on either backend gives the in-memory findings."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govaudit.api import run_plan
from govaudit.auditors import MultiClassAuditor
from govaudit.backends import class_source_from_frame, duckdb_class_source, spark_class_source, spark_unavailable
from govaudit.exceptions import InputDataError
from govaudit.inputs import load_table
from govaudit.spec import load_spec

from _backend_specs import data_spec

CLASSES = ["none", "letter", "interview", "investigation"]
GROUPINGS = [["sex"], ["region"], ["age_band"], ["sex", "region"], ["sex", "region", "age_band"]]
ROLES = dict(sensitive_features=["sex", "region", "age_band"], class_prediction="track", class_label="right_track")
_WHY = spark_unavailable()


def _log(n: int = 3000, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male", "x"], size=n, p=[0.48, 0.48, 0.04]).astype(object)
    sex[rng.random(n) < 0.03] = None
    age = pd.array(rng.choice([1, 2, 3], size=n), dtype="Int64")
    age[rng.random(n) < 0.02] = pd.NA
    right = rng.choice(CLASSES, n, p=[0.4, 0.3, 0.2, 0.1])
    return pd.DataFrame({"sex": sex, "region": rng.choice(["north", "south", "east"], n), "age_band": age,
                         "right_track": right, "track": np.where(rng.random(n) < 0.75, right, rng.choice(CLASSES, n))})


@pytest.fixture(scope="module")
def triage_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("triage")
    frame = _log()
    frame.to_parquet(folder / "triage.parquet", index=False)
    for i, part in enumerate(np.array_split(np.arange(len(frame)), 3)):
        frame.iloc[part].to_parquet(folder / f"part-{i}.parquet", index=False)
    return {"parquet": folder / "triage.parquet", "glob": folder / "part-*.parquet", "folder": folder}


def _memory(table: pd.DataFrame):
    """The in-memory path of the auditor: arrays, as build_subject passes them, counted per grouping."""
    report = MultiClassAuditor(adverse_class="investigation", classes=CLASSES, intersections=GROUPINGS[3:],
                               min_group_size=5, n_resamples=0).assess(
        table["track"].to_numpy(), sensitive_features=pd.DataFrame({c: table[c].to_numpy() for c in ROLES[
            "sensitive_features"]}), y_class_true=table["right_track"].to_numpy())
    return report.counts


@pytest.mark.parametrize("kind", ["duckdb-parquet", "duckdb-glob", "narwhals-pandas"])
def test_class_counts_equal_in_memory(triage_files, kind):
    table = load_table(triage_files["parquet"])
    source = {"duckdb-parquet": lambda: duckdb_class_source(triage_files["parquet"], **ROLES),
              "duckdb-glob": lambda: duckdb_class_source(triage_files["glob"], **ROLES),
              "narwhals-pandas": lambda: class_source_from_frame(table, **ROLES)}[kind]()
    expected = _memory(table)
    assert source.classes(CLASSES) == tuple(CLASSES) and source.n_rows == len(table)
    for cols in GROUPINGS:
        got = source.counts(cols, CLASSES)
        want = expected[" & ".join(cols)]
        assert got.labels == want.labels
        np.testing.assert_array_equal(got.counts, want.counts)


def test_class_counts_match_a_pandas_hand_count(triage_files):
    table = load_table(triage_files["parquet"])
    got = duckdb_class_source(triage_files["parquet"], **ROLES).counts(["sex"], CLASSES)
    hand = table.assign(sex=table["sex"].fillna("unknown")).groupby(["sex", "right_track", "track"]).size()
    for g, label in enumerate(got.labels):
        for i, truth in enumerate(CLASSES):
            for j, decided in enumerate(CLASSES):
                assert got.counts[g, i, j] == hand.get((label, truth, decided), 0)


def _spec(folder: Path, extra: str = "") -> Path:
    roles = ('class_prediction = "track"\nclass_label = "right_track"\n'
             'sensitive_features = ["sex", "region", "age_band"]')
    return data_spec(folder, name="triage", data="triage.parquet", roles=roles, extra=extra,
                     tail='[auditors.multiclass]\nadverse_class = "investigation"\nintersectional = true\n'
                          'n_resamples = 100\nmin_group_size = 20\n'
                          'class_gates = { letter = { fpr_ratio = { max = 2.0 } } }')


def _json(findings) -> list[str]:
    return [f.model_dump_json() for f in findings]


def test_a_spec_on_duckdb_gives_the_in_memory_findings(triage_files):
    memory = run_plan(load_spec(_spec(triage_files["folder"])))
    duck = run_plan(load_spec(_spec(triage_files["folder"], 'backend = "duckdb"')))
    assert any(f.check == "multiclass.adverse_rate_ratio" for f in memory.findings)
    assert _json(duck.findings) == _json(memory.findings)
    assert duck.data[0].rows == memory.data[0].rows == 3000


@pytest.mark.slow
@pytest.mark.skipif(_WHY is not None, reason=f"spark tests skipped: {_WHY}")
@pytest.mark.filterwarnings("ignore::Warning:pyspark")
def test_spark_counts_and_findings_equal_in_memory(spark, triage_files):
    table = load_table(triage_files["parquet"])
    expected = _memory(table)
    for source in (spark_class_source(spark.read.parquet(str(triage_files["parquet"])), **ROLES),
                   spark_class_source(triage_files["glob"], spark=spark, **ROLES)):
        for cols in GROUPINGS:
            got = source.counts(cols, CLASSES)
            assert got.labels == expected[" & ".join(cols)].labels
            np.testing.assert_array_equal(got.counts, expected[" & ".join(cols)].counts)
    memory = run_plan(load_spec(_spec(triage_files["folder"])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        on_spark = run_plan(load_spec(_spec(triage_files["folder"], 'backend = "spark"\n[data.spark]\n'
                                                                    'master = "local[2]"')))
    assert _json(on_spark.findings) == _json(memory.findings)


@pytest.mark.parametrize("column, problem", [("track", "missing"), ("right_track", "missing"),
                                             ("track", "unknown")])
def test_bad_classes_on_duckdb_name_their_column(tmp_path, column, problem):
    frame = _log(200)
    frame[column] = frame[column].astype(object)
    frame.loc[5, column] = None if problem == "missing" else "elsewhere"
    frame.to_parquet(tmp_path / "bad.parquet", index=False)
    source = duckdb_class_source(tmp_path / "bad.parquet", **ROLES)
    text = "1 missing value" if problem == "missing" else "not among the classes given"
    with pytest.raises(InputDataError, match=rf"^column '{column}' .*{text}"):
        source.counts(["sex"], source.classes(CLASSES))
