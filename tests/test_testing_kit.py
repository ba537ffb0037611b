"""govaudit.testing.check_auditor: the conformance kit passes good auditors and names broken rules."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from govaudit.auditors import BiasAuditor
from govaudit.core import AuditorResult, CaseTable, Finding, Status
from govaudit.testing import check_auditor, example_subject


def test_bias_auditor_conforms():
    check_auditor(BiasAuditor)


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    k: int = 1


class _Good:
    name = "good"
    version = "1.0"
    requires = frozenset({"y_pred"})
    Config = _Config

    def __init__(self, **settings):
        self.config = _Config(**settings)

    def get_params(self):
        return self.config.model_dump()

    def run(self, subject, config=None):
        return [Finding(auditor="good", check="good.rows", status=Status.PASS, value=len(subject.y_pred),
                        message="Enough rows.")]


def test_a_minimal_auditor_conforms():
    check_auditor(_Good)


class _WithCaseTable(_Good):
    def run(self, subject, config=None):
        import pandas as pd

        findings = super().run(subject, config)
        table = CaseTable("rows", pd.DataFrame({"row": range(len(subject.y_pred))}), "One row per case.")
        return AuditorResult(tuple(findings), (table,))


def test_an_auditor_returning_case_tables_conforms():
    check_auditor(_WithCaseTable)


class _BadCaseTable(_Good):
    def run(self, subject, config=None):
        return AuditorResult(tuple(super().run(subject, config)), ("not a table",))


class _WrongPrefix(_Good):
    def run(self, subject, config=None):
        return [Finding(auditor="good", check="other.rows", status=Status.PASS, message="x")]


class _Loose(_Good):
    class Config(BaseModel):
        k: int = 1


class _UnknownRequirement(_Good):
    requires = frozenset({"crystal_ball"})


class _Random(_Good):
    def run(self, subject, config=None):
        import random

        return [Finding(auditor="good", check="good.rows", status=Status.PASS, value=random.random(), message="x")]


@pytest.mark.parametrize(
    ("cls", "rule"),
    [
        (_WrongPrefix, "must start with 'good.'"),
        (_Loose, "forbid unknown keys"),
        (_UnknownRequirement, "unknown inputs"),
        (_Random, "deterministic"),
        (_BadCaseTable, "not a CaseTable"),
    ],
)
def test_broken_auditors_are_named(cls, rule):
    with pytest.raises(AssertionError, match=rule):
        check_auditor(cls)


def test_example_subject_has_every_input():
    subject = example_subject()
    assert {r.value for r in subject.available()} == {
        "model", "features", "y_true", "y_pred", "y_score", "sensitive_features"}
