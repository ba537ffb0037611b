"""Bad control samples: a typed error naming the column, the value and what was expected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

import govaudit
from govaudit.control_sample import ControlSampleAuditor


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({"how": ["model", "random"] * 20, "sex": ["f", "m", "m", "f"] * 10,
                         "err": [0, 1, 0, 0] * 10})


def _assess(table, **kwargs):
    args = {"method": "how", "sensitive_features": ["sex"], "outcome": "err", **kwargs}
    return ControlSampleAuditor().assess(table, **args)


@pytest.mark.parametrize("kwargs, role", [
    ({"method": "selection"}, r"column 'selection' \(method_column\) not found in the control sample; its columns: "
                              r"how, sex, err"),
    ({"sensitive_features": ["sex", "race"]}, r"column 'race' \(sensitive feature\) not found"),
    ({"outcome": "error"}, r"column 'error' \(outcome_column\) not found"),
])
def test_unknown_column(table, kwargs, role):
    with pytest.raises(govaudit.ColumnError, match=role):
        _assess(table, **kwargs)


def test_method_values_other_than_the_two_declared(table):
    table.loc[[3, 5], "how"] = ["Model", "audit"]
    with pytest.raises(govaudit.InputDataError, match=r"column 'how' \(method_column\) of the control sample holds "
                       r"'Model', 'audit', which is neither the model's value 'model' nor the random sample's 'random'"):
        _assess(table)


def test_no_random_cases_at_all(table):
    table["how"] = "model"
    with pytest.raises(govaudit.InputDataError, match=r"no case selected at random \(how == 'random'\)"):
        _assess(table)


def test_no_model_cases(table):
    table["how"] = "random"
    with pytest.raises(govaudit.InputDataError, match=r"no case selected by the model \(how == 'model'\)"):
        _assess(table)


@pytest.mark.parametrize("column, role", [("how", "method_column"), ("sex", "sensitive feature"),
                                          ("err", "outcome_column")])
def test_missing_values(table, column, role):
    table[column] = table[column].astype(object)
    table.loc[[1, 2], column] = None
    with pytest.raises(govaudit.InputDataError, match=rf"column '{column}' \({role}\) of the control sample has 2 "
                       r"missing value\(s\)"):
        _assess(table)


def test_outcome_not_binary(table):
    table["err"] = [0, 1, 2, 0] * 10
    with pytest.raises(govaudit.InputDataError, match=r"column 'err' \(outcome_column\) .* must hold 0/1 or true/false"):
        _assess(table)


def test_same_value_for_both_methods(table):
    with pytest.raises(govaudit.InputDataError, match=r"model_value and random_value must differ; both are 'model'"):
        _assess(table, random_value="model")


def test_one_column_in_two_roles(table):
    with pytest.raises(govaudit.InputDataError, match=r"column 'how' cannot be both the method_column and the "
                       r"sensitive feature"):
        _assess(table, sensitive_features=["how"])


def test_empty_and_wrong_type(table):
    with pytest.raises(govaudit.InputDataError, match="the control sample has no rows"):
        _assess(table.iloc[:0])
    with pytest.raises(govaudit.InputDataError, match="must be a pandas DataFrame"):
        _assess(table.to_dict())


def test_configured_feature_not_in_the_sample(table):
    with pytest.raises(govaudit.ColumnError, match=r"sensitive feature 'race' named in \[auditors.control_sample\]"):
        ControlSampleAuditor(sensitive_features=["race"]).assess(table, method="how", sensitive_features=["sex"])


def test_method_values_as_numbers_and_booleans(table):
    table["how"] = np.where(table["how"] == "model", 1, 0)
    table["err"] = table["err"].astype(bool)
    report = ControlSampleAuditor().assess(table, method="how", sensitive_features="sex", outcome="err",
                                           model_value=1, random_value=0)
    assert report.by_group["sex"]["model_count"].sum() == 20
    assert report.by_group["sex"]["model_hits"].sum() == 0 and report.by_group["sex"]["random_hits"].sum() == 10


@pytest.mark.parametrize("settings, message", [
    ({"gates": {"share_ratio": {"min": 2.0, "max": 0.5}}}, "must be below its max"),
    ({"gates": {"share_ratio": {}}}, "needs 'min', 'max' or both"),
    ({"gates": {"share_difference": {"max": 30}}}, "less than or equal to 1"),
    ({"gates": {"share_gap": {"max": 0.3}}}, "Extra inputs are not permitted"),
    ({"min_random_cases": 0}, "greater than or equal to 1"),
])
def test_bad_settings(settings, message):
    with pytest.raises(ValidationError, match=message):
        ControlSampleAuditor(**settings)


def test_the_auditor_follows_the_protocol(table):
    from govaudit.core import AuditSubject
    from govaudit.inputs import control_sample
    from govaudit.testing import check_auditor

    check_auditor(ControlSampleAuditor)  # a subject without a control sample: skipped, not a crash
    subject = AuditSubject(control_sample=control_sample(table, method="how", sensitive_features=["sex"],
                                                         outcome="err"))
    check_auditor(ControlSampleAuditor, subject)
    assert govaudit.load_registry().get("control_sample").auditor_class is ControlSampleAuditor
