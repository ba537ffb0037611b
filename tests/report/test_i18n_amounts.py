"""The amounts auditor's findings in Chinese: every shape the auditor writes, with the evidence's numbers.

The auditor runs on small synthetic cases chosen so that every check appears passed, failed and
inconclusive (judged, or not judged for each of the auditor's reasons), without significance,
without correct amounts, and as rewritten by disclosure control in a record. Expected numbers are
formatted here from the evidence (or the group table), never by the wording under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.amounts import CHECKS, AmountAuditor
from govaudit.core import AuditSubject, Finding, Status
from govaudit.report._i18n import localise_message

from _i18n_checks import ZH, assert_covered, holm, p_text

GATES = {"mean_ratio": {"min": 0.9}, "above_ratio": {"min": 0.8}, "max_group_mae": 15.0, "max_underpaid_share": 0.2}
#: shapes of this auditor's findings left in the auditor's English words, and why: none. Every shape the
#: auditor writes is worded; only evidence that does not match its shape falls back (tested below).
LEFT_IN_ENGLISH: dict[str, str] = {}
#: non-Chinese words the catalogue itself uses: the p of a p-value, Holm's correction (as zh.toml's
#: bias_scores.shifted), and the spec field that supplies the correct amounts
ALLOWED = ("[data] amount_true", "Holm", "p")


def _main_cases() -> pd.DataFrame:
    """Three large offices (Ost paid three quarters of the correct amount), a small and a tiny one."""
    rng = np.random.default_rng(6)
    office = np.array(["Nord"] * 300 + ["West"] * 300 + ["Ost"] * 300 + ["Mitte"] * 15 + ["Klein"] * 6)
    due = 200.0 + rng.gamma(3.0, 100.0, office.size)
    paid = due * np.where(office == "Ost", 0.75, 1.0) + rng.normal(0.0, 3.0, office.size)
    return pd.DataFrame({"office": office, "region": rng.choice(["Berg", "Tal"], office.size), "paid": paid,
                         "due": due})


def _small_gap_cases() -> pd.DataFrame:
    """Two groups of 40 whose gaps miss the gates by less than chance explains."""
    rng = np.random.default_rng(11)
    paid = np.r_[rng.gamma(2.0, 150.0, 40), rng.gamma(2.0, 150.0, 40) * 0.8]
    due = paid + np.r_[rng.normal(0, 12, 40), rng.normal(-3, 12, 40)]
    return pd.DataFrame({"office": ["Nord"] * 40 + ["Sud"] * 40, "paid": paid, "due": due})


@pytest.fixture(scope="module")
def main_findings() -> list[Finding]:
    cases = _main_cases()
    return AmountAuditor(gates=GATES, underpaid_tolerance=5.0).assess(
        cases["paid"], sensitive_features=cases[["office", "region"]], amount_true=cases["due"]).findings


@pytest.fixture(scope="module")
def runs(main_findings) -> dict[str, list[Finding]]:
    cases, small = _main_cases(), _small_gap_cases()
    groups = cases[["office"]]
    zeros = pd.DataFrame({"office": ["Nord"] * 40 + ["Sud"] * 40})
    rng = np.random.default_rng(4)
    sex = np.array(["F"] * 6 + ["M"] * 300 + ["X"] * 294)
    shielded = pd.DataFrame({"sex": sex, "region": rng.choice(["Berg", "Tal"], sex.size)})
    shielded["paid"] = rng.integers(50, 900, sex.size).astype(float)
    shielded["due"] = shielded["paid"] + rng.normal(0.0, 5.0, sex.size)
    record = govaudit.audit(data=shielded, sensitive_features=["sex", "region"], amount="paid", amount_true="due",
                            auditors={"amounts": {"intersectional": True, "min_group_size": 5, "gates": {
                                "mean_ratio": {"min": 0.9}, "max_underpaid_share": 0.6}}})
    return {
        "main": main_findings,
        "small_gap": AmountAuditor(min_group_size=20, allow_negative=True, gates={**GATES, "max_group_mae": 8.0,
                                                                                  "max_underpaid_share": 0.45}
                                   ).assess(small["paid"], sensitive_features=small[["office"]],
                                            amount_true=small["due"]).findings,
        "no_significance": AmountAuditor(require_significance=False, gates=GATES, underpaid_tolerance=5.0).assess(
            cases["paid"], sensitive_features=groups, amount_true=cases["due"]).findings,
        "none_large_enough": AmountAuditor(min_group_size=400).assess(
            cases["paid"], sensitive_features=groups).findings,
        "reference_too_small": AmountAuditor(reference="Mitte").assess(
            cases["paid"], sensitive_features=groups).findings,
        "undefined": AmountAuditor(min_group_size=5).assess(np.zeros(80), sensitive_features=zeros).findings,
        "no_correct_amounts": AmountAuditor(gates=GATES).assess(cases["paid"], sensitive_features=groups).findings,
        "skipped": AmountAuditor().run(AuditSubject(sensitive_features=pd.DataFrame({"office": ["Nord"]}))),
        "record": [f for f in record.findings if f.auditor == "amounts"],
    }


def _all(runs: dict[str, list[Finding]]) -> Iterable[Finding]:
    return (f for findings in runs.values() for f in findings)


def _data(finding: Finding) -> set[str]:
    """The finding's own names: feature, groups, reference, gate and input names, the auditor's name."""
    ev = finding.evidence
    names = {finding.auditor, finding.check, *map(str, finding.groups), str(ev.get("feature", "")),
             str(ev.get("reference", "")), *map(str, ev.get("gates", [])), *map(str, ev.get("missing", []))}
    names |= {str(r["group"]) for r in ev.get("groups", []) if isinstance(r, dict)}
    return {n for n in names if n}


def _english_left(text: str, data: set[str]) -> list[str]:
    for name in sorted(data | set(ALLOWED), key=len, reverse=True):
        text = text.replace(name, " ")
    return re.findall(r"[A-Za-z]+", text)


def test_every_check_every_outcome_is_covered(runs):
    assert_covered(_all(runs), CHECKS, ("amounts.mean_ratio", "amounts.above_ratio", "amounts.group_mae",
                                        "amounts.underpaid_share"),
                   {("amounts.group_amounts", Status.REPORTED), ("amounts.group_amounts", Status.WARN)})


def test_every_finding_is_worded_in_chinese_with_no_english_but_its_data(runs):
    for name, findings in runs.items():
        data = {n for f in findings for n in _data(f)}  # a reason may name another group of the run
        for finding in findings:
            text, original = localise_message(finding, ZH)
            if finding.check in LEFT_IN_ENGLISH:
                assert original, finding.check
                continue
            assert not original, (name, finding.message)
            assert text != finding.message and re.search(r"[\u4e00-\u9fff]", text), (name, text)
            assert not _english_left(text, data), (name, text)
            assert "{" not in text and "undefined" not in text and "None" not in text, (name, text)


def test_the_group_table_quotes_the_lowest_groups_numbers(main_findings):
    table = next(f for f in main_findings if f.check == "amounts.group_amounts" and f.status is Status.WARN)
    ev = table.evidence
    compared = [r for r in ev["groups"] if r["status"] == "compared"]
    low = min(compared, key=lambda r: r["mean_ratio"])
    assert low["group"] == "Ost"
    text, _ = localise_message(table, ZH)
    expected = (f"以 {ev['reference']} 组为参照组", f"平均金额最低的是 Ost 组：{low['mean']:,.2f}",
                f"平均金额比 {low['mean_ratio']:,.2f}", f"{100 * low['above_share']:.1f}% 的金额",
                f"中位数 {ev['above']:,.2f}", "Mitte 组（15 个案件）", "Klein 组（6 个案件）", "警告")
    for part in expected:
        assert part in text, (part, text)
    region = next(f for f in main_findings if f.check == "amounts.group_amounts" and f.status is Status.REPORTED)
    assert "警告" not in localise_message(region, ZH)[0]


@pytest.mark.parametrize("status, outcome", [(Status.PASS, "；达到该门槛；{holm}，差距在统计上"),
                                             (Status.FAIL, "；未达到该门槛，且{holm}，差距在统计上显著。")])
def test_ratio_gates_quote_the_groups_numbers_and_the_test(main_findings, status, outcome):
    tables = {f.evidence["feature"]: {r["group"]: r for r in f.evidence["groups"]}
              for f in main_findings if f.check == "amounts.group_amounts"}
    cuts = {f.evidence["feature"]: f.evidence["above"] for f in main_findings if f.check == "amounts.group_amounts"}
    gates = [f for f in main_findings
             if f.check in ("amounts.mean_ratio", "amounts.above_ratio") and f.status is status]
    assert {f.check for f in gates} == {"amounts.mean_ratio", "amounts.above_ratio"}
    for finding in gates:
        ev = finding.evidence
        row = tables[ev["feature"]][ev["group"]]
        text, _ = localise_message(finding, ZH)
        expected = [f"{ev['group']} 组（{ev['count']} 个案件）", f"参照组 {ev['reference']} 的 {finding.value:.2f} 倍",
                    f"{finding.operator} {finding.threshold:g}）", outcome.format(holm=holm(ev["significance"]))]
        if finding.check == "amounts.mean_ratio":
            expected.append(f"平均金额为 {row['mean']:,.2f}")
        else:
            expected.append(f"有 {100 * row['above_share']:.1f}% 的金额高于 {cuts[ev['feature']]:,.2f}")
        for part in expected:
            assert part in text, (part, text)


def test_error_gates_quote_the_error_and_the_share_under_paid(main_findings):
    mae = {f.groups[0]: f for f in main_findings if f.check == "amounts.group_mae" and f.value is not None}
    under = {f.groups[0]: f for f in main_findings if f.check == "amounts.underpaid_share" and f.value is not None}
    assert mae["Ost"].status is Status.FAIL and mae["Nord"].status is Status.PASS
    assert under["Ost"].status is Status.FAIL and under["Nord"].status is Status.PASS
    for finding in mae.values():
        text, _ = localise_message(finding, ZH)
        assert f"平均绝对误差为 {finding.value:.2f}（门槛 <= 15）" in text, text
    for finding in under.values():
        text, _ = localise_message(finding, ZH)
        assert f"中有 {100 * finding.value:.1f}% 的案件被少付（门槛 <= 20.0%）" in text, text
    assert localise_message(mae["Ost"], ZH)[0].endswith(
        f"；未达到该门槛，且{holm(mae['Ost'].evidence['significance'])}，差距在统计上显著。")


def test_a_gap_within_chance_is_worded_as_not_judged(runs):
    missed = [f for f in runs["small_gap"] if f.status is Status.INCONCLUSIVE]
    assert {f.check for f in missed} >= {"amounts.mean_ratio", "amounts.above_ratio", "amounts.group_mae"}
    for finding in missed:
        text, _ = localise_message(finding, ZH)
        assert text.endswith(f"；未达到该门槛，但{holm(finding.evidence['significance'])}，差距在统计上不显著，"
                             "因此依据现有证据无法判断该门槛。"), text


def test_without_significance_the_plain_p_value(runs):
    for finding in runs["no_significance"]:
        if finding.value is None or finding.check == "amounts.group_amounts":
            continue
        text, _ = localise_message(finding, ZH)
        assert text.endswith(f"（{p_text(finding.evidence['p_value'])}）。") and "Holm" not in text, text


@pytest.mark.parametrize("run, group, reason", [
    ("main", "Klein", "该组只有 6 个案件，少于公布数字所需的 10 个，因此不公布任何数字"),
    ("main", "Mitte", "该组只有 15 个案件，少于判断所需的 30 个（最小群组人数）"),
    ("none_large_enough", "Nord", "该组只有 300 个案件，少于判断所需的 400 个（最小群组人数）"),
    ("reference_too_small", "Nord", "参照组 Mitte 的案件少于所需的 30 个（最小群组人数）"),
    ("undefined", "Sud", "该指标对此群组无定义"),
])
def test_a_gate_that_cannot_be_judged_gives_the_auditors_reason(runs, run, group, reason):
    findings = [f for f in runs[run] if f.check == "amounts.mean_ratio" and f.groups == (group,)]
    assert findings and findings[0].status is Status.INCONCLUSIVE and "reason" in findings[0].evidence
    text, original = localise_message(findings[0], ZH)
    assert not original and f"{group} 组的门槛（平均金额比）无法判断：{reason}" in text, text


def test_the_no_reference_reason():
    finding = Finding(auditor="amounts", check="amounts.above_ratio", status=Status.INCONCLUSIVE, groups=("Nord",),
                      evidence={"feature": "office", "group": "Nord", "count": 300, "gate": {"min": 0.8},
                                "reason": "no group is large enough to be the reference"},
                      message="By office, the above_ratio gate for 'Nord' cannot be judged: no group is large "
                      "enough to be the reference.")
    assert localise_message(finding, ZH) == (
        "按office划分，Nord 组的门槛（高于分界金额的比例之比）无法判断：没有群组的案件数足以作为参照组。", False)


def test_error_gates_without_correct_amounts(runs):
    gap = [f for f in runs["no_correct_amounts"] if f.check in ("amounts.group_mae", "amounts.underpaid_share")]
    assert len(gap) == 1 and gap[0].status is Status.INCONCLUSIVE
    assert localise_message(gap[0], ZH) == (
        "门槛 max_group_mae、max_underpaid_share 无法判断：未提供正确金额（[data] amount_true）。", False)


def test_what_disclosure_control_withholds_stays_withheld(runs):
    record = runs["record"]
    tables = [f for f in record if f.check == "amounts.group_amounts" and "withheld" in f.message]
    gates = [f for f in record if f.check != "amounts.group_amounts" and "withheld" in f.message]
    assert tables and gates
    for finding in tables:
        text, _ = localise_message(finding, ZH)
        assert f"与参照组 {finding.evidence['reference']} 相比较；部分群组的金额不予公布" in text, text
    for finding in gates:
        text, _ = localise_message(finding, ZH)
        assert finding.value is None and re.search(r"\d\.\d\d", text) is None, text
        status = ZH(f"status.{finding.status.value}")
        assert f"对照门槛 {finding.operator} {finding.threshold:g} 的检查结果（{status}）维持不变" in text, text


def test_evidence_that_does_not_match_its_shape_keeps_the_auditors_words(main_findings):
    ratio = next(f for f in main_findings if f.check == "amounts.mean_ratio" and f.value is not None)
    other_value = ratio.model_copy(update={"value": ratio.value + 0.5})  # the claim no longer matches
    assert localise_message(other_value, ZH) == (other_value.message, True)
    unjudged = next(f for f in main_findings if "reason" in f.evidence)
    strange = unjudged.model_copy(update={"evidence": {**unjudged.evidence, "reason": "a reason never written"}})
    assert localise_message(strange, ZH) == (strange.message, True)
    broken = unjudged.model_copy(update={"evidence": {"reason": unjudged.evidence["reason"]}})
    assert localise_message(broken, ZH) == (broken.message, True)
