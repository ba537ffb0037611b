"""Explainability on data a backend holds: a stratified sample drawn through DuckDB/Spark, the model explained on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import duckdb
import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import govaudit
from govaudit.api import run_plan
from govaudit.explainability._importance import StratifiedSample, reweight
from govaudit.backends import DuckDBSettings, RowSource, sample_rows, spark_unavailable
from govaudit.cli import main
from govaudit.exceptions import ColumnError, InputDataError, SpecError
from govaudit.spec import load_spec
from _backend_specs import data_spec

FEATURES = ["strong", "mid", "weak"]
SENSITIVE = ["sex", "region"]
AUDITORS = {"bias": {"n_resamples": 20}, "explainability": {"n_resamples": 20, "backend_sample_rows": 4000,
                                                            "sample_size": 2000}}


def make_table(n: int = 12_000, seed: int = 0) -> tuple[pd.DataFrame, LogisticRegression]:
    """Three inputs of clearly different weight (3, 1.2, 0.3), a small and a missing sensitive group."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["f", "m", "x"], n, p=[0.48, 0.48, 0.04]).astype(object)
    sex[rng.random(n) < 0.03] = None
    table = pd.DataFrame({"case": [f"C{i:06d}" for i in range(n)], "sex": sex,
                          "region": rng.choice(["north", "south", "east"], n, p=[0.6, 0.3, 0.1]),
                          **{c: rng.normal(size=n) for c in FEATURES}})
    logit = 3 * table["strong"] + 1.2 * table["mid"] + 0.3 * table["weak"]
    outcome = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "granted", "refused")
    model = LogisticRegression().fit(table[FEATURES], outcome)
    table["decision"] = model.predict(table[FEATURES])
    table["score"] = model.predict_proba(table[FEATURES])[:, list(model.classes_).index("granted")]
    return table, model


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    table, model = make_table()
    folder = tmp_path_factory.mktemp("explain-backend")
    table.to_parquet(folder / "log.parquet", index=False)
    table.to_csv(folder / "log.csv", index=False)
    for i, part in enumerate(np.array_split(np.arange(len(table)), 3)):
        table.iloc[part].to_parquet(folder / f"part-{i}.parquet", index=False)
    skops.io.dump(model, folder / "model.skops")
    return table, model, folder


def _population(table: pd.DataFrame) -> dict[tuple, int]:
    """Rows per stratum, counted by plain pandas (missing as its own value)."""
    keys = table[SENSITIVE].astype(object).where(table[SENSITIVE].notna(), "<missing>")
    return {tuple(k): int(v) for k, v in keys.value_counts().items()}


def _keys(frame: pd.DataFrame) -> list[tuple]:
    keys = frame[SENSITIVE].astype(object).where(frame[SENSITIVE].notna(), "<missing>")
    return [tuple(r) for r in keys.itertuples(index=False)]


def _expected_allocation(population: dict[tuple, int], size: int) -> dict[tuple, int]:
    """Largest remainders, at least one per stratum, written out by hand (no trimming needed here)."""
    total = sum(population.values())
    quota = {k: size * v / total for k, v in population.items()}
    alloc = {k: max(1, int(np.floor(q))) for k, q in quota.items()}
    left = size - sum(alloc.values())
    for k in sorted(quota, key=lambda k: -(quota[k] - np.floor(quota[k])))[:max(left, 0)]:
        alloc[k] += 1
    return alloc


def _check_sample(sample, table: pd.DataFrame, size: int) -> None:
    population = _population(table)
    assert sample.total == len(table)
    assert dict(zip(_keys(sample.population), sample.population["rows"])) == population
    got = pd.Series(_keys(sample.rows)).value_counts().to_dict()
    assert got == _expected_allocation(population, size)  # exact allocation, every stratum present
    assert [population[k] for k in _keys(sample.rows)] == sample.population_per_row.tolist()
    # real rows of the data, none twice, only the columns asked for
    assert sample.rows["case"].is_unique
    merged = sample.rows.merge(table, on="case", suffixes=("", "_data"))
    assert len(merged) == len(sample.rows)
    assert np.allclose(merged["strong"], merged["strong_data"])
    assert list(sample.rows.columns) == ["case", "strong", *SENSITIVE]


@pytest.mark.parametrize("kind", ["pandas", "parquet", "csv", "glob", "duckdb-over-pandas"])
def test_the_sample_has_the_allocation_per_stratum_and_is_deterministic(data, kind):
    table, _, folder = data
    source = {"pandas": table, "parquet": folder / "log.parquet", "csv": folder / "log.csv",
              "glob": str(folder / "part-*.parquet"), "duckdb-over-pandas": table}[kind]
    engine = "duckdb" if kind == "duckdb-over-pandas" else None
    draw = lambda seed, **kw: sample_rows(source, columns=["case", "strong"], sensitive_features=SENSITIVE,
                                          size=500, seed=seed, engine=engine, **kw)
    first = draw(1)
    _check_sample(first, table, 500)
    assert first.backend == ("memory" if kind == "pandas" else "duckdb")
    assert draw(1).rows.equals(first.rows)
    assert not draw(2).rows["case"].equals(first.rows["case"])
    # a stratum that came short is topped up: with no margin most strata do, and the sample is the same
    assert draw(1, _margin=0.0).rows.equals(first.rows)


def test_a_path_and_a_list_of_that_file_draw_the_same_rows(data):
    # Parquet row ids are (file name, row number): however the file is named to the sampler, the same sample
    _, _, folder = data
    one = sample_rows(folder / "log.parquet", columns=["case"], sensitive_features=SENSITIVE, size=300, seed=4)
    again = sample_rows([folder / "log.parquet"], columns=["case"], sensitive_features=SENSITIVE, size=300, seed=4)
    assert one.rows.equals(again.rows)


def test_more_rows_asked_than_held_gives_every_row(data):
    table, _, _ = data
    small = table.iloc[:200]
    sample = sample_rows(small, columns=["case"], sensitive_features=SENSITIVE, size=1000, seed=0)
    assert sorted(sample.rows["case"]) == sorted(small["case"])


def test_a_missing_column_is_named(data):
    _, _, folder = data
    with pytest.raises(ColumnError, match="'income' \\(model feature\\) not found"):
        sample_rows(folder / "log.parquet", columns={"income": "model feature"}, sensitive_features=SENSITIVE,
                    size=100)


def test_reweight_uses_the_population_counts():
    # two strata of 1000 and 10 rows in the data; the rows in memory hold 4 and 2 of them; 2 + 1 are sampled
    sample = StratifiedSample(rows=np.array([0, 1, 4]), strata=np.array([0, 0, 1]), weights=np.ones(3), population=6)
    population_per_row = np.array([1000, 1000, 1000, 1000, 10, 10])
    out = reweight(sample, population_per_row, 1010)
    assert out.weights.tolist() == [500.0, 500.0, 10.0] and out.population == 1010


def _top(record) -> list[str]:
    finding = next(f for f in record.findings if f.check == "explainability.global_importance")
    return [t["feature"] for t in finding.evidence["top_features"]]


def test_explanations_on_duckdb_agree_with_memory_on_the_top_features(data):
    table, model, folder = data
    roles = {"prediction": "decision", "favourable_label": "granted", "sensitive_features": SENSITIVE,
             "auditors": AUDITORS}
    memory = govaudit.audit(model, table, **roles)
    duck = govaudit.audit(model, folder / "log.parquet", backend="duckdb",
                          duckdb=DuckDBSettings(memory_limit="256MB"), **roles)
    assert _top(memory) == _top(duck) == ["strong", "mid", "weak"]
    share = {t["feature"]: t["share"] for f in duck.findings if f.check == "explainability.global_importance"
             for t in f.evidence["top_features"]}
    assert share["strong"] > 2 * share["mid"] > 2 * share["weak"]
    importance = next(f for f in duck.findings if f.check == "explainability.global_importance")
    drawn = importance.evidence["sample"]["drawn_by_backend"]
    assert importance.evidence["sample"]["population"] == drawn["population"] == len(table)
    assert drawn["backend"] == "duckdb" and drawn["rows"] == 4000
    # reason codes only for the sampled adverse decisions, and the evidence says so
    coverage = next(f for f in duck.findings if f.check == "explainability.coverage")
    assert coverage.evidence["scope"].startswith("adverse decisions in the sample")
    assert "drawn by duckdb" in coverage.message
    reasons = next(t for t in duck.case_tables if t.name == "reason_codes").table
    assert 0 < reasons["case_id"].nunique() <= coverage.evidence["adverse_decisions"] < 4000
    # bias still audits every recorded decision through DuckDB: the same as in memory
    bias = lambda r: [f.model_dump(mode="json") for f in r.findings
                      if f.check in ("bias.group_metrics", "bias.impact_ratio")]
    assert bias(duck) == bias(memory)


def test_a_pandas_frame_with_backend_duckdb_runs_through_duckdb(data, monkeypatch):
    from govaudit.assembly import _data

    table, model, _ = data
    used = []
    real = _data._duckdb_frame_source
    monkeypatch.setattr(_data, "_duckdb_frame_source", lambda *a: used.append(1) or real(*a))
    roles = {"prediction": "decision", "favourable_label": "granted", "sensitive_features": SENSITIVE,
             "auditors": {"bias": {"n_resamples": 20}}}
    duck = govaudit.audit(data=table, backend="duckdb", **roles)
    memory = govaudit.audit(data=table, **roles)
    assert used == [1]
    assert [f.model_dump(mode="json") for f in duck.findings] == [f.model_dump(mode="json") for f in memory.findings]
    assert duck.data[0].sha256 == memory.data[0].sha256
    with_model = govaudit.audit(model, table, backend="duckdb", **{**roles, "auditors": AUDITORS})
    assert _top(with_model) == ["strong", "mid", "weak"]
    with pytest.raises(InputDataError, match='backend = "spark" takes files or a Spark DataFrame'):
        govaudit.audit(data=table, backend="spark", **roles)


def test_a_model_on_a_backend_needs_recorded_decisions(data):
    _, model, folder = data
    with pytest.raises(InputDataError, match="needs the recorded decisions"):
        govaudit.audit(model, folder / "log.parquet", backend="duckdb", score="score", favourable_label="granted",
                       sensitive_features=SENSITIVE)
    # scores with a threshold decide: allowed
    record = govaudit.audit(model, folder / "log.parquet", backend="duckdb", score="score", threshold=0.5,
                            favourable_label="granted", sensitive_features=SENSITIVE, auditors=AUDITORS)
    assert _top(record) == ["strong", "mid", "weak"]


def test_explaining_one_case_on_a_backend_is_refused(data):
    _, model, folder = data
    from govaudit.explainability._auditor import ExplainabilityAuditor

    subject = govaudit.AuditSubject(model=model, row_sample=RowSource(
        (folder / "log.parquet",), "duckdb", tuple(FEATURES), tuple(SENSITIVE), prediction="decision",
        favourable_label="granted"))
    with pytest.raises(InputDataError, match="needs the rows in memory; the data is held by the duckdb backend"):
        ExplainabilityAuditor().explain_case(subject, 0)


# -- spec and CLI ------------------------------------------------------------------------------------------

def _spec(folder: Path, *, model: str = '[model]\npath = "model.skops"', data: str = "log.parquet",
          extra: str = "") -> Path:
    roles = ('prediction = "decision"\nfavourable_label = "granted"\nsensitive_features = ["sex", "region"]\n'
             'backend = "duckdb"')
    tail = (f'[output]\ndir = "reports-{abs(hash((model, data, extra)))}"\n[auditors.bias]\nn_resamples = 20\n'
            "[auditors.explainability]\nn_resamples = 20\nbackend_sample_rows = 3000\nsample_size = 1000")
    return data_spec(folder, name="benefits", data=data, roles=roles, model=model, extra=extra, tail=tail)


def test_a_spec_with_a_model_on_duckdb_runs_end_to_end_through_the_cli(data, capsys):
    table, _, folder = data
    spec = _spec(folder, extra='case_id = "case"\n[data.duckdb]\nmemory_limit = "128MB"')
    code = main(["run", str(spec), "--quiet"])
    assert code in (0, 1)  # pass or gate failures, not an error (2)
    out = folder / tomllib.loads(spec.read_text())["output"]["dir"]
    record = json.loads((out / "record.json").read_text())
    checks = {f["check"] for f in record["findings"]}
    assert {"bias.impact_ratio", "explainability.global_importance", "explainability.coverage"} <= checks
    importance = next(f for f in record["findings"] if f["check"] == "explainability.global_importance")
    assert [t["feature"] for t in importance["evidence"]["top_features"]] == ["strong", "mid", "weak"]
    assert importance["evidence"]["sample"]["population"] == len(table)
    assert [a["role"] for a in record["data"]] == ["data"] and record["model"]["name"]
    assert "C0" not in (out / "record.json").read_text()  # no case id in the record
    plan = load_spec(spec)
    reasons = next(t for t in run_plan(plan).case_tables if t.name == "reason_codes").table
    assert reasons["case_id"].str.startswith("C").all()  # the sampled cases are named by [data] case_id


def test_a_model_feature_absent_from_the_files_is_one_line_naming_the_column(data, capsys):
    table, _, folder = data
    table.drop(columns=["mid"]).to_parquet(folder / "no-mid.parquet", index=False)
    spec = _spec(folder, data="no-mid.parquet")
    capsys.readouterr()
    assert main(["run", str(spec), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'mid' (model feature) not found" in err


def test_spec_rules_for_a_model_on_a_backend(data, capsys):
    _, _, folder = data
    no_decisions = _spec(folder, extra="").read_text().replace('prediction = "decision"\n', 'score = "score"\n')
    path = folder / "score-only.toml"
    path.write_text(no_decisions)
    with pytest.raises(SpecError, match="needs the recorded decisions in \\[data\\]"):
        load_spec(path)
    path.write_text(no_decisions.replace('score = "score"\n', 'score = "score"\nthreshold = 0.5\n'))
    assert load_spec(path).spec.model is not None
    with pytest.raises(SpecError, match="case_id needs the rows in memory"):
        load_spec(_spec(folder, model="", extra='case_id = "case"'))
    spec = _spec(folder, extra='case_id = "case"')
    capsys.readouterr()
    assert main(["explain", str(spec), "--case", "C000001"]) == 2
    assert "explaining one case needs the rows in memory" in capsys.readouterr().err


# -- Spark -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spark():
    why = spark_unavailable()
    if why:
        pytest.skip(why)
    from govaudit.backends._spark import session

    return session()


@pytest.mark.slow
def test_spark_draws_the_allocation_and_explains_the_same_top_features(data, spark):
    table, model, folder = data
    sample = sample_rows(folder / "log.parquet", columns=["case", "strong"], sensitive_features=SENSITIVE,
                         size=500, seed=1, engine="spark", spark_session=spark)
    _check_sample(sample, table, 500)
    assert sample.backend == "spark"
    again = sample_rows(spark.read.parquet(str(folder / "log.parquet")), columns=["case", "strong"],
                        sensitive_features=SENSITIVE, size=500, seed=1, _margin=0.0)
    assert again.rows.equals(sample.rows)  # hashes of the row values: the same however the frame was read
    frame = spark.read.parquet(str(folder / "log.parquet"))
    record = govaudit.audit(model, frame, prediction="decision", favourable_label="granted",
                            sensitive_features=SENSITIVE, auditors=AUDITORS)  # spark chosen from the input type
    assert _top(record) == ["strong", "mid", "weak"]
    importance = next(f for f in record.findings if f.check == "explainability.global_importance")
    assert importance.evidence["sample"]["drawn_by_backend"]["backend"] == "spark"
    assert record.data[0].rows == len(table)
    with pytest.raises(InputDataError, match="a Spark DataFrame is aggregated by Spark"):
        govaudit.audit(data=frame, backend="duckdb", prediction="decision", sensitive_features=SENSITIVE)


# -- memory bound ------------------------------------------------------------------------------------------

ROWS = 12_000_000
LIMIT = "64MB"

_GENERATE = """COPY (SELECT
  CASE WHEN hash(i) % 50 = 0 THEN NULL WHEN hash(i) % 2 = 0 THEN 'female' ELSE 'male' END AS sex,
  ['north', 'south', 'east', 'west'][1 + (hash(i + 1) % 4)::INT] AS region,
  (hash(i + 2) % 1000000) / 1e6 AS x1, (hash(i + 3) % 1000000) / 1e6 AS x2, (hash(i + 4) % 1000000) / 1e6 AS x3,
  (hash(i + 5) % 2)::INT AS decision
FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 122880)"""
# (DuckDB's default row group: each scanning thread decodes one row group of the columns read, and 1M-row
# groups of three doubles would not fit two threads in 64 MB whatever the query)

_SAMPLE = dedent("""\
    import json, sys
    from govaudit.backends import DuckDBSettings, sample_rows
    def status_mb(field):
        return int(open("/proc/self/status").read().split(field + ":")[1].split()[0]) / 1024
    base = status_mb("VmRSS")
    s = sample_rows(sys.argv[1], columns=["x1", "x2", "x3", "decision"], sensitive_features=["sex", "region"],
                    size=20000, seed=0, duckdb=DuckDBSettings(memory_limit=sys.argv[2], temp_directory=sys.argv[3],
                    threads=2))
    print(json.dumps({"rows": len(s.rows), "total": s.total, "alloc": s.allocation.tolist(),
                      "population": s.population["rows"].tolist(), "growth_mb": status_mb("VmHWM") - base}))
""")


@pytest.mark.slow
def test_sampling_a_file_bigger_than_the_duckdb_memory_limit_stays_within_it(tmp_path):
    path = tmp_path / "big.parquet"
    with duckdb.connect(config={"memory_limit": "256MB", "threads": 2}) as con:
        con.execute(_GENERATE.format(rows=ROWS, path=path))
        expected = sorted(n for (n,) in con.execute(f"SELECT count(*) FROM '{path}' GROUP BY sex, region").fetchall())
    assert path.stat().st_size > 2 * 64 * 2**20
    done = subprocess.run([sys.executable, "-c", _SAMPLE, str(path), LIMIT, str(tmp_path / "spill")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["total"] == ROWS and out["rows"] == 20000 == sum(out["alloc"])
    assert sorted(out["population"]) == expected
    # pandas would hold 12M x 6 columns (> 500 MB); the sampler's own growth stays small
    assert out["growth_mb"] < 256
