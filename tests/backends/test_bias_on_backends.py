"""The bias auditor gives the same findings on the DuckDB backend as in memory, from a spec or from Python."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from govaudit.api import run_plan
from govaudit.bias._auditor import BiasAuditor
from govaudit.backends import duckdb_counts_source
from govaudit.core import AuditSubject
from govaudit.inputs import build_subject, load_table
from _backend_specs import data_spec
from govaudit.exceptions import ColumnError, InputDataError, SpecError
from govaudit.spec import load_spec

SETTINGS = dict(intersections=[["sex", "region"], ["sex", "region", "age_band"]], n_resamples=200, min_group_size=20)


#: the score audit needs the rows: a backend reports it as not evaluated (see tests/bias/test_scores_backend.py)
_SCORE_CHECKS = {"bias.score_calibration", "bias.score_discrimination", "bias.fairness_tradeoff"}


def _json(findings) -> list[str]:
    return [f.model_dump_json() for f in findings if f.check not in _SCORE_CHECKS]


def test_bias_findings_equal_in_memory_and_duckdb(log_files):
    table = load_table(log_files["parquet"])
    roles = dict(label="eligible", prediction="decision", score="score", favourable_label="granted")
    memory = build_subject(data=table, sensitive_features=["sex", "region", "age_band"], **roles)
    source = duckdb_counts_source(log_files["parquet"], sensitive_features=["sex", "region", "age_band"], **roles)
    auditor = BiasAuditor(**SETTINGS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = auditor.analyse(memory)
        got = auditor.analyse(AuditSubject(counts_source=source))
    assert _json(got.findings) == _json(expected.findings)
    assert got.by_group.keys() == expected.by_group.keys()
    for key in expected.by_group:
        assert got.by_group[key].equals(expected.by_group[key])
    assert any(f.check == "bias.impact_ratio" for f in got.findings)


def _spec(folder: Path, data: str, extra: str = "", model: str = "") -> Path:
    roles = ('label = "eligible"\nprediction = "decision"\nscore = "score"\nfavourable_label = "granted"\n'
             'sensitive_features = ["sex", "region"]')
    return data_spec(folder, name="benefit-log", data=data, roles=roles, model=model, extra=extra,
                     tail="[auditors.bias]\nintersectional = true\nn_resamples = 100")


def test_a_spec_with_backend_duckdb_gives_the_in_memory_findings(log_files, tmp_path):
    folder = log_files["folder"]
    memory = run_plan(load_spec(_spec(folder, "log.parquet")))
    duck = run_plan(load_spec(_spec(
        folder, "log.parquet", 'backend = "duckdb"\n[data.duckdb]\nmemory_limit = "128MB"\n'
        f'temp_directory = "{tmp_path / "spill"}"\n')))
    assert _json(duck.findings) == _json(memory.findings)
    assert [d.sha256 for d in duck.data] == [d.sha256 for d in memory.data]
    assert duck.data[0].rows == memory.data[0].rows == 3000


def test_a_glob_picks_duckdb_and_hashes_every_file(log_files):
    memory = run_plan(load_spec(_spec(log_files["folder"], "log.parquet")))
    plan = load_spec(_spec(log_files["folder"], "part-*.parquet"))
    assert plan.spec.data.engine == "duckdb"
    record = run_plan(plan)
    assert _json(record.findings) == _json(memory.findings)
    assert [d.name for d in record.data] == ["part-0.parquet", "part-1.parquet", "part-2.parquet"]


def test_a_model_with_duckdb_needs_no_artifact_at_load_time(log_files):
    # a [model] with recorded decisions is allowed (explained on a sample, tests/backends/test_explain_on_backends.py);
    # comparing it with a registered artifact needs rows in memory
    spec = _spec(log_files["folder"], "log.parquet", 'backend = "duckdb"',
                 model='[model]\nkind = "onnx"\npath = "m.onnx"\n[model.artifact]\npath = "m.skops"')
    with pytest.raises(SpecError, match="needs the rows in memory"):
        load_spec(spec)


def test_case_ids_with_duckdb_are_refused(log_files):
    with pytest.raises(SpecError, match="case_id"):
        load_spec(_spec(log_files["folder"], "log.parquet", 'backend = "duckdb"\ncase_id = "case"'))


def test_a_bad_memory_limit_names_the_field(log_files):
    with pytest.raises(SpecError, match="memory_limit"):
        load_spec(_spec(log_files["folder"], "log.parquet", 'backend = "duckdb"\n[data.duckdb]\nmemory_limit = "lots"'))


def test_no_file_matches_the_glob(log_files):
    with pytest.raises(InputDataError, match="not found: .*nothing-\\*.parquet"):
        run_plan(load_spec(_spec(log_files["folder"], "nothing-*.parquet")))


def test_a_missing_column_is_named(log_files):
    with pytest.raises(ColumnError, match="'ethnicity' \\(sensitive feature\\) not found"):
        duckdb_counts_source(log_files["parquet"], sensitive_features=["ethnicity"], prediction="decision",
                             favourable_label="granted")


def test_decisions_that_are_not_binary_are_refused(log_files):
    with pytest.raises(InputDataError, match="column 'region' must hold at most two distinct values"):
        duckdb_counts_source(log_files["parquet"], sensitive_features=["sex"], prediction="region",
                             favourable_label="north")


def test_a_file_duckdb_cannot_read_is_named(tmp_path):
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputDataError, match="broken.parquet: cannot be read by DuckDB"):
        duckdb_counts_source(bad, sensitive_features=["sex"], prediction="decision")
