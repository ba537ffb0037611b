"""The explainability auditor: SHAP values against closed forms, reason codes, fidelity, proxies, direct use."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits
from sklearn.linear_model import LogisticRegression

import govaudit
from govaudit import Auditor, Status
from govaudit.explainability._auditor import ExplainabilityAuditor, ExplainabilityConfig
from govaudit.core import AuditorResult

COEF = np.array([2.0, -1.0, 0.5, 0.0])
INTERCEPT = -0.3
COLUMNS = ["income", "debts", "tenure", "noise"]


def known_logistic() -> LogisticRegression:
    """A logistic regression whose coefficients are set, not learnt: the truth is known."""
    model = LogisticRegression()
    model.coef_ = COEF.reshape(1, -1).copy()
    model.intercept_ = np.array([INTERCEPT])
    model.classes_ = np.array([0, 1])
    model.n_features_in_ = len(COEF)
    model.feature_names_in_ = np.array(COLUMNS, dtype=object)
    return model


def independent_table(n: int = 1500, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, len(COLUMNS))), columns=COLUMNS)
    frame["group"] = rng.choice(["a", "b"], size=n)
    return frame



@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """OpenMP start-up dominates on these small tables (and the test machine is shared)."""
    with threadpool_limits(1):
        yield


def _find(findings, check):
    return [f for f in findings if f.check == check]


@pytest.fixture(scope="module")
def linear_report():
    frame = independent_table()
    subject = govaudit.build_subject(model=known_logistic(), data=frame, sensitive_features=["group"])
    auditor = ExplainabilityAuditor(background_size=len(frame), top_k=3, n_resamples=100)
    return frame, subject, auditor.explain(subject)


def test_is_an_auditor_and_params_round_trip():
    auditor = ExplainabilityAuditor(top_k=3, descriptions={"income": "Declared income"})
    assert isinstance(auditor, Auditor)
    params = auditor.get_params()
    json.dumps(params)
    assert ExplainabilityAuditor(**params).get_params() == params
    assert params["top_k"] == 3 and params["adverse"] == "unfavourable"


def test_linear_shap_values_are_coef_times_deviation_from_the_mean(linear_report):
    frame, subject, report = linear_report
    X = frame[COLUMNS].to_numpy()
    expected_phi = COEF * (X - X.mean(axis=0))  # the closed form for independent features
    reasons = report.reason_codes
    assert len(reasons) > 0
    rows = reasons["case_id"].to_numpy().astype(int)
    cols = reasons["feature"].map(COLUMNS.index).to_numpy()
    # contributions are toward the adverse (unfavourable, class 0) decision: minus the class-1 SHAP value
    np.testing.assert_allclose(reasons["contribution"], -expected_phi[rows, cols], rtol=1e-9, atol=1e-12)
    fidelity = _find(report.findings, "explainability.fidelity")[0]
    assert fidelity.status is Status.PASS and fidelity.value < 1e-9
    assert _find(report.findings, "explainability.global_importance")[0].evidence["explainer"]["method"] == "linear"


def test_reason_codes_are_the_known_top_features(linear_report):
    frame, subject, report = linear_report
    X = frame[COLUMNS].to_numpy()
    toward_adverse = -COEF * (X - X.mean(axis=0))
    adverse = np.flatnonzero(subject.y_pred == 0)
    assert set(report.reason_codes["case_id"]) <= set(adverse)
    by_case = report.reason_codes.groupby("case_id")
    for case in adverse[:200]:
        order = [COLUMNS[j] for j in np.argsort(-toward_adverse[case]) if toward_adverse[case, j] > 0][:3]
        got = by_case.get_group(case).sort_values("rank")["feature"].tolist() if case in by_case.groups else []
        assert got == order
    # the feature with coefficient 0 never counts as a reason
    assert "noise" not in set(report.reason_codes["feature"])


def test_global_importance_is_mean_absolute_shap(linear_report):
    frame, _, report = linear_report
    X = frame[COLUMNS].to_numpy()
    expected = np.abs(COEF * (X - X.mean(axis=0))).mean(axis=0)  # the sample is the whole table here
    table = report.importance.set_index("feature")
    np.testing.assert_allclose(table.loc[COLUMNS, "mean_abs_contribution"], expected, rtol=1e-9)
    assert (table["low"] <= table["mean_abs_contribution"]).all()
    assert (table["mean_abs_contribution"] <= table["high"]).all()
    assert table.index[0] == "income"
    top = _find(report.findings, "explainability.global_importance")[0].evidence["top_features"]
    assert [t["feature"] for t in top][:2] == ["income", "debts"]


def test_run_returns_case_table_and_findings_hold_no_case_ids():
    frame = independent_table(600)
    frame["case"] = [f"C{i:05d}" for i in range(len(frame))]
    subject = govaudit.build_subject(model=known_logistic(), data=frame, sensitive_features=["group"],
                                     features=COLUMNS)
    from dataclasses import replace

    subject = replace(subject, case_ids=frame["case"].to_numpy())
    result = ExplainabilityAuditor(n_resamples=20).run(subject)
    assert isinstance(result, AuditorResult)
    [table] = result.case_tables
    assert table.name == "reason_codes"
    assert list(table.table.columns) == ["case_id", "rank", "feature", "value", "contribution", "sentence"]
    assert table.table["case_id"].str.startswith("C").all()
    dumped = json.dumps([f.model_dump(mode="json") for f in result.findings])
    assert "C0" not in dumped  # no case id leaks into the findings
    coverage = _find(result.findings, "explainability.coverage")[0]
    assert coverage.status is Status.PASS
    assert coverage.evidence["adverse_decisions"] == int((subject.y_pred == 0).sum())


def test_same_subject_same_findings():
    frame = independent_table(500)
    subject = govaudit.build_subject(model=known_logistic(), data=frame, sensitive_features=["group"])
    auditor = ExplainabilityAuditor(n_resamples=50)
    first = [f.model_dump() for f in auditor.run(subject).findings]
    second = [f.model_dump() for f in auditor.run(subject).findings]
    assert first == second


def test_descriptions_word_the_sentences():
    frame = independent_table(400)
    subject = govaudit.build_subject(model=known_logistic(), data=frame, sensitive_features=["group"])
    report = ExplainabilityAuditor(descriptions={"income": "Declared monthly income"},
                                   outcome_wording="refusal of the benefit", n_resamples=0).explain(subject)
    income = report.reason_codes[report.reason_codes["feature"] == "income"]
    assert len(income) > 0
    assert income["sentence"].str.contains("Declared monthly income was ").all()
    assert income["sentence"].str.endswith("toward refusal of the benefit.").all()


def test_adverse_can_be_the_favourable_class():
    frame = independent_table(400)
    subject = govaudit.build_subject(model=known_logistic(), data=frame, sensitive_features=["group"])
    report = ExplainabilityAuditor(adverse="favourable", n_resamples=0, background_size=400).explain(subject)
    assert set(report.reason_codes["case_id"]) <= set(np.flatnonzero(subject.y_pred == 1))
    X = frame[COLUMNS].to_numpy()
    phi = COEF * (X - X.mean(axis=0))
    r = report.reason_codes
    np.testing.assert_allclose(r["contribution"], phi[r["case_id"].astype(int), r["feature"].map(COLUMNS.index)],
                               rtol=1e-9)


def test_coverage_fails_when_the_limit_leaves_decisions_unexplained():
    frame = independent_table(500)
    subject = govaudit.build_subject(model=known_logistic(), data=frame, sensitive_features=["group"])
    adverse = int((subject.y_pred == 0).sum())
    report = ExplainabilityAuditor(max_explained=50, n_resamples=0).explain(subject)
    coverage = _find(report.findings, "explainability.coverage")[0]
    assert coverage.status is Status.FAIL
    assert coverage.evidence["explained"] == 50
    assert coverage.value == pytest.approx(coverage.evidence["with_reason"] / adverse)


def test_direct_use_of_a_sensitive_feature_fails_unless_justified():
    rng = np.random.default_rng(0)
    n = 1000
    frame = pd.DataFrame({"income": rng.normal(size=n), "female": rng.integers(0, 2, size=n)})
    y = (frame["income"] + 0.8 * frame["female"] + rng.normal(size=n) > 0).astype(int)
    model = LogisticRegression().fit(frame[["income", "female"]], y)
    subject = govaudit.build_subject(model=model, data=frame, sensitive_features=["female"])
    report = ExplainabilityAuditor(n_resamples=0).explain(subject)
    direct = _find(report.findings, "explainability.direct_use")[0]
    assert direct.status is Status.FAIL and direct.groups == ("female",)
    assert "female" in direct.message
    justified = ExplainabilityAuditor(
        n_resamples=0, justifications={"female": "Pregnancy allowance: eligibility is defined by law by sex."}
    ).explain(subject)
    direct = _find(justified.findings, "explainability.direct_use")[0]
    assert direct.status is Status.PASS and "defined by law" in direct.message


def test_no_sensitive_features_skips_proxy_checks():
    frame = independent_table(300)
    subject = govaudit.AuditSubject(model=known_logistic(), features=frame[COLUMNS],
                                    y_pred=known_logistic().predict(frame[COLUMNS]).astype(np.int8))
    report = ExplainabilityAuditor(n_resamples=0).explain(subject)
    skipped = _find(report.findings, "explainability.proxy_risk")
    assert [f.status for f in skipped] == [Status.SKIPPED]


def test_config_is_validated():
    with pytest.raises(Exception, match="top_k"):
        ExplainabilityConfig(top_k=0)
    with pytest.raises(Exception, match="extra|unknown|not permitted"):
        ExplainabilityConfig(topk=3)


def test_stability_fails_when_the_ranking_changes_between_samples():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(400, 4)), columns=COLUMNS)
    frame["group"] = rng.choice(["a", "b"], size=400)
    model = LogisticRegression()
    model.coef_, model.intercept_, model.classes_ = np.ones((1, 4)), np.array([0.0]), np.array([0, 1])
    model.n_features_in_, model.feature_names_in_ = 4, np.array(COLUMNS, dtype=object)
    subject = govaudit.build_subject(model=model, data=frame, sensitive_features=["group"])
    report = ExplainabilityAuditor(n_resamples=0, stability_min=1.0, sample_size=100).explain(subject)
    stability = _find(report.findings, "explainability.stability")[0]
    # four equally weighted features: their ranking is noise, so it differs between the two samples
    assert stability.value < 1.0 and stability.status is Status.FAIL
    assert stability.evidence["backgrounds_differ"] is True
    assert stability.evidence["rows_in_both"] == 0


def test_no_adverse_decisions_gives_an_empty_case_table():
    frame = independent_table(300)
    subject = govaudit.AuditSubject(model=known_logistic(), features=frame[COLUMNS],
                                    y_pred=np.ones(len(frame), dtype=np.int8),
                                    sensitive_features=frame[["group"]])
    report = ExplainabilityAuditor(n_resamples=0).explain(subject)
    assert report.reason_codes.empty
    assert list(report.reason_codes.columns) == ["case_id", "rank", "feature", "value", "contribution", "sentence"]
    coverage = _find(report.findings, "explainability.coverage")[0]
    assert coverage.status is Status.PASS and coverage.evidence["adverse_decisions"] == 0
