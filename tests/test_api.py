"""`govaudit.audit()`: the Python entry point returns a schema-valid record."""

from __future__ import annotations

import jsonschema
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import govaudit

FEATURES = ["income", "household_size", "in_person"]


@pytest.fixture(scope="module")
def model(applications):
    return LogisticRegression(max_iter=500).fit(applications[FEATURES], applications["eligible"])


def test_audit_in_memory_model_and_frame(model, applications):
    record = govaudit.audit(model, data=applications, label="eligible", sensitive_features=["channel", "sex"],
                            name="benefits", responsible={"owner": "Benefits Office"})
    assert isinstance(record, govaudit.AuditRecord)
    assert record.verdict is govaudit.Verdict.FAIL
    assert record.model is not None and record.model.name == "LogisticRegression"
    assert record.data[0].rows == len(applications)
    assert record.responsible.owner == "Benefits Office"
    assert govaudit.Principle.FAIRNESS in record.principles
    assert "29 CFR 1607.4(D)" in record.references
    jsonschema.Draft202012Validator(govaudit.record_json_schema()).validate(record.model_dump(mode="json"))


def test_identities_are_content_hashes(model, applications):
    first = govaudit.audit(model, data=applications, label="eligible", sensitive_features=["channel"])
    second = govaudit.audit(model, data=applications.copy(), label="eligible", sensitive_features=["channel"])
    assert first.data[0].sha256 == second.data[0].sha256
    changed = applications.copy()
    changed.loc[0, "income"] += 1
    third = govaudit.audit(model, data=changed, label="eligible", sensitive_features=["channel"])
    assert third.data[0].sha256 != first.data[0].sha256
    assert first.record_id != second.record_id


def test_audit_recorded_decisions_without_a_model(applications):
    record = govaudit.audit(data=applications, y_pred=applications["eligible"], sensitive_features=["channel"])
    assert record.model is None
    checks = {f.check for f in record.findings}
    assert {"bias.group_metrics", "bias.impact_ratio"} <= checks


def test_threshold_decides_from_probabilities(model, applications):
    strict = govaudit.audit(model, data=applications, sensitive_features=["sex"], threshold=0.9,
                            auditors={"bias": {"n_resamples": 0}})
    lenient = govaudit.audit(model, data=applications, sensitive_features=["sex"], threshold=0.1,
                             auditors={"bias": {"n_resamples": 0}})

    def overall(record):
        [metrics] = [f for f in record.findings if f.check == "bias.group_metrics"]
        return sum(g["selection_rate"] * g["count"] for g in metrics.evidence["groups"])

    assert overall(strict) < overall(lenient)


def test_auditor_settings_are_validated(model, applications):
    with pytest.raises(govaudit.SpecError, match="auditors.bias.*min_group_size"):
        govaudit.audit(model, data=applications, sensitive_features=["sex"],
                       auditors={"bias": {"min_group_size": "many"}})


def test_auditor_config_lands_in_the_record(model, applications):
    record = govaudit.audit(model, data=applications, sensitive_features=["sex"],
                            auditors={"bias": {"min_group_size": 50, "n_resamples": 0}})
    [info] = record.auditors
    assert info.name == "bias" and info.package == "govaudit"
    assert info.config["min_group_size"] == 50


def test_recorded_scores_with_a_threshold_become_decisions(applications, tmp_path):
    scores = applications["income"].rank(pct=True).to_numpy()
    record = govaudit.audit(y_score=scores, threshold=0.5, sensitive_features=applications["channel"],
                            auditors={"bias": {"n_resamples": 0}})
    [metrics] = [f for f in record.findings if f.check == "bias.group_metrics"]
    got = {g["group"]: g["selection_rate"] for g in metrics.evidence["groups"]}
    expected_rates = pd.Series((scores >= 0.5).astype(int)).groupby(applications["channel"].to_numpy()).mean()
    for channel, expected in expected_rates.items():
        assert got[channel] == pytest.approx(expected)
    # the same from a spec, with no model: [data] score + threshold
    frame = applications.assign(score=scores)
    frame.to_csv(tmp_path / "log.csv", index=False)
    (tmp_path / "audit.toml").write_text(
        '[audit]\nname = "log"\n[data]\npath = "log.csv"\nscore = "score"\nthreshold = 0.5\n'
        'sensitive_features = ["channel"]\n[auditors.bias]\nn_resamples = 0\n'
    )
    from_spec = govaudit.run_plan(govaudit.load_spec(tmp_path / "audit.toml"))
    [metrics] = [f for f in from_spec.findings if f.check == "bias.group_metrics"]
    assert {g["group"]: g["selection_rate"] for g in metrics.evidence["groups"]} == pytest.approx(got)


def test_engine_groups_the_backend_settings(applications):
    roles = dict(data=applications, prediction="eligible", sensitive_features=["channel"],
                 auditors={"bias": {"n_resamples": 0}})
    by_keyword = govaudit.audit(backend="duckdb", duckdb=govaudit.DuckDBSettings(memory_limit="128MB"), **roles)
    grouped = govaudit.audit(engine={"backend": "duckdb", "duckdb": govaudit.DuckDBSettings(memory_limit="128MB")},
                             **roles)
    named = govaudit.audit(engine="duckdb", **roles)
    dump = lambda r: [f.model_dump(mode="json") for f in r.findings]  # noqa: E731
    assert dump(by_keyword) == dump(grouped) == dump(named) == dump(govaudit.audit(**roles))
    with pytest.raises(TypeError, match="engine settings once"):
        govaudit.audit(engine="duckdb", backend="duckdb", **roles)
    with pytest.raises(TypeError, match="unexpected keyword argument 'backends'"):
        govaudit.audit(backends="duckdb", **roles)
    with pytest.raises(TypeError, match="engine has no setting 'memory_limit'"):
        govaudit.audit(engine={"memory_limit": "1GB"}, **roles)
    with pytest.raises(govaudit.InputDataError, match='backend must be "memory", "duckdb" or "spark"'):
        govaudit.audit(engine="sqlite", **roles)
