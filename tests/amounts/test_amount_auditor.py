"""The amounts auditor's findings: gates with Holm, small groups, disclosure, missing inputs, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.amounts import CHECKS, AmountAuditor
from govaudit.core import AuditSubject, Status
from govaudit.exceptions import ColumnError, InputDataError


def _cases(seed: int, n: int = 900, shortfall: float = 1.0, small: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], n)
    paid = rng.gamma(3.0, 100.0, n) * np.where(group == "c", shortfall, 1.0)
    frame = pd.DataFrame({"group": group, "paid": paid, "due": paid + rng.normal(0.0, 10.0, n)})
    if small:
        frame = pd.concat([frame, pd.DataFrame({"group": ["tiny"] * small, "paid": rng.gamma(3.0, 100.0, small),
                                                "due": 300.0})], ignore_index=True)
    return frame


def _by(findings, check):
    return {f.groups[0]: f for f in findings if f.check == check}


def test_a_group_paid_less_fails_both_default_gates():
    cases = _cases(1, shortfall=0.6)
    report = AmountAuditor().assess(cases["paid"], sensitive_features=cases[["group"]])
    ratio, above = _by(report.findings, "amounts.mean_ratio"), _by(report.findings, "amounts.above_ratio")
    assert ratio["c"].status is Status.FAIL and above["c"].status is Status.FAIL
    assert ratio["c"].evidence["significance"]["significant"]
    assert not report.passed
    assert {f.check for f in report.findings} <= set(CHECKS)


@pytest.mark.parametrize("seed", range(25))
def test_a_clean_sample_passes_on_any_seed(seed):
    cases = _cases(seed)
    report = AmountAuditor(gates={"mean_ratio": {"min": 0.9}, "above_ratio": {"min": 0.8}, "max_group_mae": 10.0,
                                  "max_underpaid_share": 0.6}, intersectional=False
                           ).assess(cases["paid"], sensitive_features=cases[["group"]], amount_true=cases["due"])
    assert not any(f.status is Status.FAIL for f in report.findings), [f.message for f in report.findings
                                                                       if f.status is Status.FAIL]


def test_a_gap_that_is_not_significant_is_inconclusive():
    cases = _cases(4, n=120, shortfall=0.8)
    report = AmountAuditor(min_group_size=20).assess(cases["paid"], sensitive_features=cases[["group"]])
    ratio = _by(report.findings, "amounts.mean_ratio")["c"]
    assert ratio.value < 0.9 and ratio.status is Status.INCONCLUSIVE
    strict = AmountAuditor(min_group_size=20, require_significance=False).assess(
        cases["paid"], sensitive_features=cases[["group"]])
    assert _by(strict.findings, "amounts.mean_ratio")["c"].status is Status.FAIL


def test_small_groups_publish_counts_only_and_are_never_judged():
    cases = _cases(2, small=6)
    report = AmountAuditor(suppress_below=10).assess(cases["paid"], sensitive_features=cases[["group"]])
    table = report.findings[0]
    tiny = next(r for r in table.evidence["groups"] if r["group"] == "tiny")
    assert tiny["count"] == 6 and tiny.get("suppressed")
    assert not {"mean", "median", "above_share", "mean_ratio", "ks"} & set(tiny)
    assert table.status is Status.WARN
    for check in ("amounts.mean_ratio", "amounts.above_ratio"):
        finding = _by(report.findings, check)["tiny"]
        assert finding.status is Status.INCONCLUSIVE and "mean" not in finding.evidence
        assert finding.value is None


def test_a_group_between_suppression_and_min_group_size_is_published_but_inconclusive():
    cases = _cases(3, small=15)
    report = AmountAuditor(suppress_below=10, min_group_size=30).assess(cases["paid"],
                                                                       sensitive_features=cases[["group"]])
    tiny = next(r for r in report.findings[0].evidence["groups"] if r["group"] == "tiny")
    assert tiny["mean"] == pytest.approx(cases.loc[cases["group"] == "tiny", "paid"].mean())
    assert _by(report.findings, "amounts.mean_ratio")["tiny"].status is Status.INCONCLUSIVE


def test_error_gates_without_correct_amounts_are_inconclusive():
    cases = _cases(5)
    report = AmountAuditor(gates={"max_group_mae": 10.0}).assess(cases["paid"], sensitive_features=cases[["group"]])
    gap = [f for f in report.findings if f.check == "amounts.group_mae"]
    assert len(gap) == 1 and gap[0].status is Status.INCONCLUSIVE and not report.passed


def test_an_overpaying_model_passes_and_an_underpaying_one_fails_the_error_gates():
    cases = _cases(6)
    under = cases["due"] - np.where(cases["group"] == "c", 40.0, 0.0)
    report = AmountAuditor(gates={"max_group_mae": 15.0, "max_underpaid_share": 0.2}, underpaid_tolerance=5.0,
                           allow_negative=True
                           ).assess(under, sensitive_features=cases[["group"]], amount_true=cases["due"])
    mae, share = _by(report.findings, "amounts.group_mae"), _by(report.findings, "amounts.underpaid_share")
    assert mae["c"].status is Status.FAIL and share["c"].status is Status.FAIL
    assert mae["a"].status is Status.PASS and share["a"].status is Status.PASS


def test_no_amounts_on_the_subject_is_skipped():
    findings = AmountAuditor().run(AuditSubject(sensitive_features=pd.DataFrame({"g": ["a"]})))
    assert [f.status for f in findings] == [Status.SKIPPED]
    assert findings[0].evidence["missing"] == ["y_amount"]


@pytest.mark.parametrize("values, error, message", [
    (["10", "x", "3"], ColumnError, r"y_amount must hold numbers .*'x'"),
    ([10.0, np.nan, 3.0], InputDataError, r"y_amount has 1 missing or infinite amount\(s\) \(first at row 1\)"),
    ([10.0, -2.0, 3.0], InputDataError, r"y_amount has 1 negative amount\(s\) \(the smallest -2\)"),
    ([10.0, 3.0], InputDataError, r"sensitive_features has 3 rows but y_amount has 2"),
])
def test_bad_amounts_are_refused_naming_what(values, error, message):
    with pytest.raises(error, match=message):
        AmountAuditor().assess(values, sensitive_features=["a", "b", "a"])


def test_negative_amounts_when_allowed():
    report = AmountAuditor(allow_negative=True, min_group_size=2).assess([-5.0, 3.0, 4.0, -1.0],
                                                                        sensitive_features=["a", "b", "a", "b"])
    assert report.by_group["sensitive_feature"]["mean"].tolist() == pytest.approx([-0.5, 1.0])


def test_unknown_feature_in_the_settings_is_named():
    with pytest.raises(ColumnError, match="'region' named in \\[auditors.amounts\\]"):
        AmountAuditor(sensitive_features=["region"]).assess([1.0, 2.0], sensitive_features=pd.DataFrame(
            {"sex": ["a", "b"]}))


def test_through_audit_with_arrays_and_columns():
    cases = _cases(7, shortfall=0.6)
    record = govaudit.audit(data=cases, sensitive_features=["group"], amount="paid", amount_true="due",
                            auditors={"amounts": {}})
    assert record.verdict.value == "fail"
    again = govaudit.audit(sensitive_features=cases["group"], y_amount=cases["paid"].to_numpy(),
                           auditors=["amounts"])
    assert [f.status for f in again.findings if f.check == "amounts.mean_ratio"] == \
        [f.status for f in record.findings if f.check == "amounts.mean_ratio"]
