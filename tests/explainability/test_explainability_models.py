"""Explainability on real model types: pipelines with one-hot encoding, tree ensembles, the model-agnostic
explainer, the sample models' proxies, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits
import shap
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import govaudit
from govaudit import ColumnError, InputDataError, Status
from govaudit.explainability._auditor import ExplainabilityAuditor
from sample_models.benefits_eligibility.generate import generate_applications, split_train_eval
from sample_models.benefits_eligibility.train import CATEGORICAL_FEATURES
from sample_models.benefits_eligibility.train import FEATURES as BENEFIT_FEATURES
from sample_models.benefits_eligibility.train import train_model as train_benefits
from sample_models.welfare_fraud_risk import FEATURES as WELFARE_FEATURES
from sample_models.welfare_fraud_risk import generate_recipients, split_train_eval as split_welfare
from sample_models.welfare_fraud_risk import train_model as train_welfare



@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """OpenMP start-up dominates on these small tables (and the test machine is shared)."""
    with threadpool_limits(1):
        yield


def _find(findings, check, sensitive=None):
    return [f for f in findings if f.check == check
            and (sensitive is None or f.evidence.get("sensitive_feature") == sensitive)]


@pytest.fixture(scope="module")
def benefits():
    train, evaluation = split_train_eval(generate_applications(8000, seed=1), seed=1)
    model = train_benefits(train, seed=1)
    evaluation = evaluation.iloc[:1500].reset_index(drop=True)
    subject = govaudit.build_subject(model=model, data=evaluation, label="eligible",
                                     sensitive_features=["channel", "sex"], features=list(BENEFIT_FEATURES))
    return model, evaluation, subject, ExplainabilityAuditor(n_resamples=50).explain(subject)


@pytest.fixture(scope="module")
def welfare():
    train, evaluation = split_welfare(generate_recipients(12000, seed=2), seed=2)
    model = train_welfare(train, seed=2)
    subject = govaudit.build_subject(model=model, data=evaluation, features=list(WELFARE_FEATURES),
                                     sensitive_features=["migration_background", "sex"], favourable_label=0,
                                     threshold=0.8)
    report = ExplainabilityAuditor(n_resamples=50, outcome_wording="being flagged for investigation").explain(subject)
    return model, evaluation, subject, report


def _one_hot_shap_by_original(model, frame: pd.DataFrame) -> pd.DataFrame:
    """SHAP values of the final estimator, summed by original column by hand from the one-hot names."""
    X = model[:-1].transform(frame)
    values = np.asarray(shap.TreeExplainer(model[-1]).shap_values(X))
    names = model[:-1].get_feature_names_out()
    original = [n.split("__", 1)[1] for n in names]
    owner = [next(c for c in CATEGORICAL_FEATURES if o.startswith(c + "_")) if n.startswith("categorical__") else o
             for n, o in zip(names, original)]
    return pd.DataFrame(values, columns=owner).T.groupby(level=0).sum().T


def test_one_hot_pipeline_reports_original_columns_and_keeps_additivity(benefits):
    model, evaluation, subject, report = benefits
    assert set(report.reason_codes["feature"]) <= set(BENEFIT_FEATURES)
    assert set(report.importance["feature"]) == set(BENEFIT_FEATURES)
    assert not any("__" in f or f.startswith("channel_") for f in report.reason_codes["feature"])
    fidelity = _find(report.findings, "explainability.fidelity")[0]
    assert fidelity.status is Status.PASS and fidelity.evidence["rows_checked"] >= (subject.y_pred == 0).sum()
    evidence = _find(report.findings, "explainability.global_importance")[0].evidence["explainer"]
    assert evidence["method"] == "tree" and evidence["pipeline"] and evidence["transformed_columns"] > 8
    # the contributions equal one-hot SHAP values summed by hand per original column (denial = class 0)
    by_hand = _one_hot_shap_by_original(model, evaluation[list(BENEFIT_FEATURES)])
    r = report.reason_codes
    expected = -by_hand.to_numpy()[r["case_id"].to_numpy(), by_hand.columns.get_indexer(r["feature"])]
    np.testing.assert_allclose(r["contribution"], expected, rtol=1e-7, atol=1e-10)
    # the value shown is the original category, not a one-hot 0/1
    channel = r[r["feature"] == "channel"]
    assert set(channel["value"]) <= {"online", "in_person"} and len(channel) > 0


def test_benefits_model_uses_channel_directly(benefits):
    direct = _find(benefits[3].findings, "explainability.direct_use")[0]
    assert direct.status is Status.FAIL and direct.groups == ("channel",)


def test_welfare_proxy_is_named_and_a_harmless_feature_is_not(welfare):
    _, evaluation, subject, report = welfare
    [proxy] = _find(report.findings, "explainability.proxy_risk", "migration_background")
    assert proxy.status is Status.FAIL
    assert proxy.groups == ("language_proficiency",)
    assert "language_proficiency" in proxy.message
    rows = {r["feature"]: r for r in proxy.evidence["features"]}
    assert rows["language_proficiency"]["auc"] > 0.95
    # a harmless input that matters to the model: important, but says nothing about the group
    assert rows["income_mismatch"]["importance_share"] > 0.1
    assert rows["income_mismatch"]["auc"] < 0.56 and rows["income_mismatch"]["score"] < 0.01
    assert rows["household_size"]["auc"] < 0.56
    [sex] = _find(report.findings, "explainability.proxy_risk", "sex")
    assert sex.status is Status.PASS
    assert _find(report.findings, "explainability.direct_use")[0].status is Status.PASS


def test_welfare_reason_codes_cover_every_flagged_case_and_add_up(welfare):
    model, evaluation, subject, report = welfare
    flagged = model.predict_proba(evaluation[list(WELFARE_FEATURES)])[:, 1] > 0.2  # independent of the subject
    coverage = _find(report.findings, "explainability.coverage")[0]
    assert coverage.evidence["adverse_decisions"] == int(flagged.sum())
    assert coverage.status is Status.PASS
    assert set(report.reason_codes["case_id"]) == set(np.flatnonzero(flagged))
    fidelity = _find(report.findings, "explainability.fidelity")[0]
    assert fidelity.status is Status.PASS and fidelity.value < 1e-9
    assert report.reason_codes["sentence"].str.endswith("being flagged for investigation.").all()
    # gradient boosting's log-odds of class 1 (flagged); the favourable class is 0, so toward adverse = +SHAP
    X = model[:-1].transform(evaluation[list(WELFARE_FEATURES)])
    raw = np.asarray(shap.TreeExplainer(model[-1]).shap_values(X))
    language = report.reason_codes[report.reason_codes["feature"] == "language_proficiency"]
    np.testing.assert_allclose(language["contribution"], raw[language["case_id"].to_numpy(), 0], rtol=1e-7)


def test_random_forest_probability_output():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=800), "b": rng.normal(size=800), "g": rng.choice(["x", "y"], 800)})
    y = (frame["a"] - frame["b"] > 0).astype(int)
    model = RandomForestClassifier(n_estimators=15, max_depth=4, random_state=0).fit(frame[["a", "b"]], y)
    subject = govaudit.build_subject(model=model, data=frame, sensitive_features=["g"], features=["a", "b"])
    report = ExplainabilityAuditor(n_resamples=0).explain(subject)
    fidelity = _find(report.findings, "explainability.fidelity")[0]
    assert fidelity.status is Status.PASS
    assert "probability" in fidelity.evidence["explained_output"]


class _Scorer:
    """A duck-typed model with no coefficients and no trees: only predict / predict_proba."""

    def __init__(self, with_proba: bool = True) -> None:
        self._lr = LogisticRegression()
        if not with_proba:
            del self.predict_proba_

    def fit(self, X, y):
        self._lr.fit(X, y)
        self.classes_ = self._lr.classes_
        self.feature_names_in_ = self._lr.feature_names_in_
        return self

    def predict(self, X):
        return self._lr.predict(X)

    def predict_proba_(self, X):
        return self._lr.predict_proba(X)


class _WithProba(_Scorer):
    def predict_proba(self, X):
        return self._lr.predict_proba(X)


def _duck_subject(model_cls):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300), "c": rng.normal(size=300),
                          "g": rng.choice(["x", "y"], 300)})
    y = (2 * frame["a"] + 0.2 * frame["b"] + rng.normal(scale=0.3, size=300) > 0).astype(int)
    model = model_cls().fit(frame[["a", "b", "c"]], y)
    return govaudit.build_subject(model=model, data=frame, sensitive_features=["g"], features=["a", "b", "c"])


def test_model_agnostic_explainer_is_additive_bounded_and_recorded():
    subject = _duck_subject(_WithProba)
    report = ExplainabilityAuditor(n_resamples=0, background_size=10, kernel_samples=50,
                                   max_explained_sampled=60).explain(subject)
    evidence = _find(report.findings, "explainability.global_importance")[0].evidence
    assert evidence["explainer"]["method"] == "kernel"
    assert evidence["explainer"]["background_size"] == 10 and evidence["explainer"]["background_sha256"]
    assert evidence["sample"]["rows"] <= 60
    assert _find(report.findings, "explainability.fidelity")[0].status is Status.PASS
    assert report.importance["feature"].iloc[0] == "a"
    coverage = _find(report.findings, "explainability.coverage")[0]
    assert coverage.evidence["explained"] == min(60, int((subject.y_pred == 0).sum()))


# -- bad input ------------------------------------------------------------------------------------
def test_model_without_predict_proba_when_scores_are_needed():
    subject = _duck_subject(_Scorer)
    with pytest.raises(InputDataError, match="no predict_proba"):
        ExplainabilityAuditor(n_resamples=0).explain(subject)


def _lr_subject():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"income": rng.normal(size=200), "age": rng.normal(size=200),
                          "g": rng.choice(["x", "y"], 200)})
    model = LogisticRegression().fit(frame[["income", "age"]], (frame["income"] > 0).astype(int))
    return frame, model, govaudit.build_subject(model=model, data=frame, sensitive_features=["g"])


def test_feature_columns_missing():
    frame, model, subject = _lr_subject()
    from dataclasses import replace

    with pytest.raises(ColumnError, match="'age'.*missing"):
        ExplainabilityAuditor().explain(replace(subject, features=frame[["income"]]))


def test_feature_columns_in_a_different_order():
    frame, model, subject = _lr_subject()
    from dataclasses import replace

    with pytest.raises(InputDataError, match="different order"):
        ExplainabilityAuditor().explain(replace(subject, features=frame[["age", "income"]]))


def test_data_dictionary_naming_an_unknown_feature():
    _, _, subject = _lr_subject()
    with pytest.raises(InputDataError, match="descriptions.*'salary'"):
        ExplainabilityAuditor(descriptions={"salary": "Monthly salary"}).explain(subject)


def test_justification_naming_an_unknown_feature():
    _, _, subject = _lr_subject()
    with pytest.raises(InputDataError, match="justifications.*'religion'"):
        ExplainabilityAuditor(justifications={"religion": "because"}).explain(subject)


def test_non_numeric_columns_the_model_cannot_take():
    frame, model, subject = _lr_subject()
    from dataclasses import replace

    bad = frame[["income", "age"]].assign(age=frame["age"].map(lambda v: "old" if v > 0 else "young"))
    with pytest.raises(InputDataError, match="'age' are not numeric"):
        ExplainabilityAuditor().explain(replace(subject, features=bad))


def test_pipeline_with_scaler_and_one_hot_maps_every_output():
    rng = np.random.default_rng(2)
    n = 600
    frame = pd.DataFrame({"income": rng.normal(size=n), "region": rng.choice(["n", "s", "e"], n),
                          "g": rng.choice(["x", "y"], n)})
    y = (frame["income"] + (frame["region"] == "s") + rng.normal(size=n) > 0.5).astype(int)
    model = Pipeline([
        ("pre", ColumnTransformer([("num", StandardScaler(), ["income"]),
                                   ("cat", OneHotEncoder(sparse_output=False), ["region"])])),
        ("lr", LogisticRegression()),
    ]).fit(frame[["income", "region"]], y)
    subject = govaudit.build_subject(model=model, data=frame, sensitive_features=["g"])
    report = ExplainabilityAuditor(n_resamples=0, background_size=n).explain(subject)
    assert set(report.importance["feature"]) == {"income", "region"}
    # linear in the transformed space: the region contribution is the sum over its one-hot columns
    X = model[:-1].transform(frame[["income", "region"]])
    phi = model[-1].coef_[0] * (X - X.mean(axis=0))
    region = phi[:, 1:].sum(axis=1)
    r = report.reason_codes[report.reason_codes["feature"] == "region"]
    np.testing.assert_allclose(r["contribution"], -region[r["case_id"].to_numpy()], rtol=1e-9, atol=1e-12)
