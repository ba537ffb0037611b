"""The multi-class auditor's gates and statuses: a clean triage passes on every seed, a biased one fails, what
cannot be judged is inconclusive, and bad input is a typed error naming what is wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

import govaudit
from govaudit.auditors import MultiClassAuditor
from govaudit.core import Status
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.testing import check_auditor
from _multiclass_cases import CLASSES, triage


def _assess(frame: pd.DataFrame, **settings) -> object:
    auditor = MultiClassAuditor(adverse_class="investigation", classes=CLASSES, n_resamples=0, **settings)
    return auditor.assess(frame["pred"], sensitive_features=frame[["sex", "region"]], y_class_true=frame["true"])


def test_the_auditor_meets_the_contract():
    check_auditor(MultiClassAuditor)


def test_the_most_adverse_class_is_named_or_the_last_of_the_ordered_classes():
    frame = triage(2_000, 0)
    ordered = MultiClassAuditor(classes=CLASSES).assess(frame["pred"], sensitive_features=frame["sex"])
    gate = next(f for f in ordered.findings if f.check == "multiclass.adverse_rate_ratio")
    assert gate.evidence["class"] == "investigation"
    with pytest.raises(InputDataError, match="name the most adverse class"):
        MultiClassAuditor().assess(frame["pred"], sensitive_features=frame["sex"])


@pytest.mark.parametrize("seed", range(25))
def test_a_clean_triage_passes_on_every_seed(seed):
    report = _assess(triage(30_000, seed), gates={"adverse_rate_ratio": {"max": 1.25},
                                                   "adverse_fpr_ratio": {"max": 1.5}})
    assert report.passed, [f.message for f in report.findings if f.blocking]
    assert {f.check for f in report.findings if f.status is Status.PASS} == {
        "multiclass.adverse_rate_ratio", "multiclass.adverse_fpr_ratio"}


@pytest.mark.parametrize("seed", range(5))
def test_a_region_sent_to_investigation_more_often_fails(seed):
    report = _assess(triage(6_000, seed, extra=0.25))
    failed = {(f.check, f.groups[0]) for f in report.findings if f.status is Status.FAIL}
    assert failed == {("multiclass.adverse_rate_ratio", "south")}
    finding = next(f for f in report.findings if f.status is Status.FAIL)
    assert finding.value > 1.25 and finding.evidence["significance"]["significant"]
    assert finding.evidence["reference"] in ("north", "east")


def test_a_gap_that_may_be_chance_is_inconclusive_not_fail():
    report = _assess(triage(600, 1, extra=0.08))
    south = [f for f in report.findings if f.check == "multiclass.adverse_rate_ratio" and f.groups[0] == "south"]
    assert south and south[0].status in (Status.INCONCLUSIVE, Status.PASS)
    assert not any(f.status is Status.FAIL for f in report.findings)


def test_per_class_gates_read_each_class():
    frame = triage(8_000, 2)
    moved = (frame["sex"] == "f") & (frame["pred"] == "none") & (np.random.default_rng(0).random(len(frame)) < 0.5)
    frame.loc[moved, "pred"] = "letter"
    report = _assess(frame, reference="m", sensitive_features=["sex"],
                     class_gates={"letter": {"rate_ratio": {"max": 1.25}}})
    failing = [f for f in report.findings if f.status is Status.FAIL]
    assert [(f.check, f.evidence["class"], f.groups[0]) for f in failing] == [("multiclass.class_ratio", "letter", "f")]


def test_an_error_rate_gate_without_the_true_class_is_inconclusive():
    frame = triage(3_000, 0)
    report = MultiClassAuditor(adverse_class="investigation", gates={"adverse_fpr_ratio": {"max": 1.5}}).assess(
        frame["pred"], sensitive_features=frame["sex"])
    [gate] = [f for f in report.findings if f.check == "multiclass.adverse_fpr_ratio"]
    assert gate.status is Status.INCONCLUSIVE and "true class" in gate.message
    assert not report.passed


def test_small_groups_are_reported_not_gated():
    frame = triage(3_000, 0)
    frame.loc[:19, "region"] = "islands"
    report = _assess(frame)
    islands = [f for f in report.findings if f.check == "multiclass.adverse_rate_ratio" and f.groups == ("islands",)]
    assert islands[0].status is Status.INCONCLUSIVE and "min_group_size" in islands[0].message
    table = next(f for f in report.findings if f.check == "multiclass.confusion" and f.evidence["feature"] == "region")
    row = next(r for r in table.evidence["groups"] if r["group"] == "islands")
    assert row["status"] == "warn" and row["matrix"] is not None  # 20 cases: published, above suppress_below


def test_audit_records_the_findings_and_passes_the_schema():
    frame = triage(5_000, 3)
    record = govaudit.audit(data=frame, sensitive_features=["sex", "region"], class_prediction="pred",
                            class_label="true", auditors={"multiclass": {"adverse_class": "investigation"}})
    assert {f.check for f in record.findings} >= {"multiclass.confusion", "multiclass.class_rates",
                                                  "multiclass.adverse_rate_ratio"}
    from jsonschema import validate

    validate(record.model_dump(mode="json"), govaudit.record_json_schema())
    same = govaudit.audit(sensitive_features=frame[["sex", "region"]], y_class_pred=frame["pred"].to_numpy(),
                          y_class_true=frame["true"].to_numpy(),
                          auditors={"multiclass": {"adverse_class": "investigation"}})
    assert [f.value for f in same.findings] == [f.value for f in record.findings]


def test_without_classes_the_auditor_is_skipped():
    record = govaudit.audit(y_pred=[0, 1] * 20, sensitive_features=["a", "b"] * 20,
                            auditors={"multiclass": {"adverse_class": "x"}})
    [finding] = record.findings
    # an auditor named in the audit that cannot run blocks the release until its input is given
    assert finding.check == "multiclass.requirements" and finding.status is Status.INCONCLUSIVE


@pytest.mark.parametrize("kwargs, error, text", [
    (dict(y_class_pred=["a", None, "b"]), InputDataError, "1 missing class"),
    (dict(y_class_pred=["a", "b"]), InputDataError, "has 2 rows but the data has 3"),
    (dict(y_class_pred=["a", "b", "c"], settings={"classes": ["a", "b", "investigation"]}), InputDataError,
     "not among the classes given"),
    (dict(y_class_pred=["a", "b", "b"]), InputDataError, "adverse_class names class 'investigation'"),
    (dict(y_class_pred=["a", "a", "a"], settings={"adverse_class": "a"}), InputDataError, "one class only"),
    (dict(y_class_pred=["a", "b", "c"], settings={"sensitive_features": ["age"]}), ColumnError, "'age'"),
])
def test_bad_input_is_a_typed_error(kwargs, error, text):
    settings = {"adverse_class": "investigation", **kwargs.pop("settings", {})}
    with pytest.raises(error, match=text):
        MultiClassAuditor(**settings).assess(kwargs["y_class_pred"], sensitive_features=["f", "m", "f"])


@pytest.mark.parametrize("settings, text", [
    ({"adverse_class": "x", "classes": ["x"]}, "two or more distinct classes"),
    ({"adverse_class": "x", "classes": ["a", "b"]}, "'x' is not among the classes"),
    ({"adverse_class": "a", "classes": ["a", "b"], "class_gates": {"c": {"rate_ratio": {"max": 2}}}}, "'c'"),
    ({"adverse_class": "a", "gates": {"adverse_rate_ratio": {"max": 0}}}, "greater than 0"),
])
def test_bad_settings_name_the_field(settings, text):
    with pytest.raises(ValidationError, match=text):
        MultiClassAuditor(**settings)
