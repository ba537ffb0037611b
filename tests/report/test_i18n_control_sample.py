"""The control-sample auditor's findings worded in Chinese from their evidence, with the evidence's numbers.

The findings come from real runs of the auditor on small tables counted by hand: every check it
writes, with its passing, failing and inconclusive variants (judged after Holm's correction, judged
without significance, and not judged at all), the hit rates (published and suppressed) and the
missing control sample.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.control_sample import CHECKS, ControlSampleAuditor
from govaudit.core import AuditSubject, Finding, Status
from govaudit.report._i18n import localise_message

from _i18n_checks import ZH, assert_covered, holm, p_text, zh

#: finding shapes deliberately left to the auditor's English words (none: every shape is worded)
LEFT_IN_ENGLISH: dict[str, str] = {}
#: the Latin letters a Chinese message keeps besides the data: a statistician's name, "p" of a p-value,
#: and the settings the auditor names
KEPT = ("Holm", "p", "min_random_cases", "suppress_below")

# (method, region): (cases, errors found). Model stream 683 cases, random stream 544.
# north: over-selected far beyond the gates (fail); south: ratio 2.26 on few cases (inconclusive);
# west: under-selected (ratio fails, difference 31.3 points inconclusive); east: within both gates;
# isle: 4 random cases (cannot be judged); lake: never selected by the model (ratio 0, fails)
CELLS = {("model", "north"): (360, 90), ("random", "north"): (60, 6),
         ("model", "south"): (85, 10), ("random", "south"): (30, 3),
         ("model", "east"): (130, 20), ("random", "east"): (160, 16),
         ("model", "west"): (100, 10), ("random", "west"): (250, 20),
         ("model", "isle"): (8, 1), ("random", "isle"): (4, 0),
         ("random", "lake"): (40, 2)}
# every group judged, no outcome: shares a 200/360 vs 100/300, b 50/360 vs 100/300, c 110/360 vs 100/300
PLAIN = {("model", "a"): (200, 0), ("model", "b"): (50, 0), ("model", "c"): (110, 0),
         ("random", "a"): (100, 0), ("random", "b"): (100, 0), ("random", "c"): (100, 0)}
# a: 7 cases (under suppress_below = 10, with min_random_cases = 2); the model stream's 8 cases: hit rates suppressed
SMALL = {("model", "a"): (3, 1), ("random", "a"): (4, 1), ("model", "b"): (5, 2), ("random", "b"): (40, 4)}
# no group has 30 random cases; no error found at random: the hit-rate ratio is undefined
FEW = {("model", "a"): (50, 5), ("model", "b"): (50, 10), ("random", "a"): (10, 0), ("random", "b"): (12, 0)}


def _table(cells: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for (method, group), (n, hits) in cells.items():
        rows += [{"how": method, "region": group, "err": int(i < hits)} for i in range(n)]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0).reset_index(drop=True)


def _mine(findings) -> list[Finding]:
    return [f for f in findings if f.auditor == "control_sample"]


@pytest.fixture(scope="module")
def runs() -> dict[str, list[Finding]]:
    """The findings of each scenario, from the auditor's public entry points."""
    main = govaudit.audit(control_sample={"table": _table(CELLS), "method": "how", "sensitive_features": ["region"],
                                          "outcome": "err"}, auditors=["control_sample"], name="zh_control")
    rng = np.random.default_rng(0)
    asked = govaudit.audit(y_true=rng.integers(0, 2, 60), y_pred=rng.integers(0, 2, 60),
                           sensitive_features=rng.choice(["f", "m"], 60), auditors=["control_sample"])
    plain = ControlSampleAuditor(require_significance=False, gates={"share_ratio": {"min": 0.5},
                                                                    "share_difference": {"max": 0.3}})
    return {
        "main": _mine(main.findings),
        "plain": plain.assess(_table(PLAIN), method="how", sensitive_features="region").findings,
        "upper": ControlSampleAuditor(gates={"share_ratio": {"max": 2.0}}).assess(
            _table(PLAIN), method="how", sensitive_features="region").findings,
        "small": ControlSampleAuditor(min_random_cases=2).assess(_table(SMALL), method="how",
                                                                 sensitive_features="region", outcome="err").findings,
        "few": ControlSampleAuditor().assess(_table(FEW), method="how", sensitive_features="region",
                                             outcome="err").findings,
        "asked": _mine(asked.findings),
        "skipped": ControlSampleAuditor().run(AuditSubject()),
    }


def _all(runs) -> list[Finding]:
    return [f for findings in runs.values() for f in findings]


def _data(finding: Finding) -> set[str]:
    ev = finding.evidence
    names = {str(ev.get("feature", "")), *map(str, finding.groups), *map(str, ev.get("missing", []))}
    names |= {str(r.get("group")) for r in ev.get("groups", []) if isinstance(r, dict)}
    return {n for n in names if n}


def test_every_check_and_variant_is_produced(runs):
    assert_covered(_all(runs), CHECKS, ("control_sample.share_ratio", "control_sample.share_difference"),
                   {("control_sample.group_shares", Status.REPORTED), ("control_sample.group_shares", Status.WARN),
                    ("control_sample.requirements", Status.SKIPPED),
                    ("control_sample.requirements", Status.INCONCLUSIVE)})
    hits = [f for f in _all(runs) if f.check == "control_sample.hit_rates"]
    assert {bool(f.evidence.get("suppressed")) for f in hits} == {True, False}


def test_every_finding_is_worded_in_chinese_without_english(runs):
    for finding in _all(runs):
        if finding.check in LEFT_IN_ENGLISH:
            assert localise_message(finding, ZH) == (finding.message, True)
            continue
        text = zh(finding)
        assert re.search(r"[\u4e00-\u9fff]", text) and text != finding.message
        rest = text
        for name in sorted({*KEPT, *_data(finding)}, key=len, reverse=True):  # whole names only
            rest = re.sub(rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z_])", " ", rest)
        assert not re.search(r"[A-Za-z]", rest), (finding.check, text)


def test_the_group_table_names_the_most_over_selected_group_with_hand_counts(runs):
    table = next(f for f in runs["main"] if f.check == "control_sample.group_shares")
    text = zh(table)
    # north: 360 of the 683 model-selected cases against 60 of the 544 random ones
    assert "按region划分" in text and "模型选中的 683 个案件" in text and "随机选中的 544 个案件" in text
    assert "north 组：52.7%" in text and "11.0%" in text and "比例比 4.78" in text
    assert text.endswith("警告：isle 组（模型选中 8 个，随机选中 4 个）无法判断。")
    reported = next(f for f in runs["plain"] if f.check == "control_sample.group_shares")
    assert reported.status is Status.REPORTED
    assert "a 组：55.6%" in zh(reported) and "警告" not in zh(reported)  # 200/360 against 100/300: ratio 1.67
    assert "比例比 1.67" in zh(reported)
    few = next(f for f in runs["few"] if f.check == "control_sample.group_shares")
    assert zh(few).startswith("按region划分，没有任何群组有足够的随机选中案件来比较其比例。"
                              "警告：a 组（模型选中 50 个，随机选中 10 个）")


def test_each_judged_gate_carries_its_evidence_numbers_and_outcome(runs):
    gates = [f for f in runs["main"] if f.check in ("control_sample.share_ratio", "control_sample.share_difference")
             and "significance" in f.evidence]
    assert len(gates) == 10
    for f in gates:
        ev, block, text = f.evidence, f.evidence["significance"], zh(f)
        assert text.startswith(f"模型选中的案件中有 {100 * ev['model_share']:.1f}% 属于 {ev['group']} 组（region），"
                               f"随机选中的案件中则为 {100 * ev['random_share']:.1f}%："), text
        if f.check == "control_sample.share_ratio":
            assert f"{ev['share_ratio']:.2f} 倍（比例比；门槛：[0.5, 2] 之内）" in text
        else:
            side = "高" if ev["share_difference"] >= 0 else "低"
            assert f"{side} {100 * abs(ev['share_difference']):.1f} 个百分点（比例差；门槛：|比例差| <= 0.3）" in text
        expected = {Status.PASS: f"；达到门槛；{holm(block)}，", Status.FAIL: f"；未达到门槛，且{holm(block)}，",
                    Status.INCONCLUSIVE: f"；未达到门槛，但{holm(block)}，"}[f.status]
        assert expected in text, (f.status, text)
        assert text.endswith("因此依据现有证据无法判断该门槛。") == (f.status is Status.INCONCLUSIVE)
        assert ("差距在统计上显著" in text) == bool(block["significant"])
    north = next(f for f in gates if f.groups == ("north",) and f.check == "control_sample.share_difference")
    # 360/683 - 60/544 = 0.4168: 41.7 points more, beyond the 0.30 ceiling
    assert "其比例比在随机选中案件中高 41.7 个百分点" in zh(north) and north.status is Status.FAIL
    south = next(f for f in gates if f.groups == ("south",) and f.check == "control_sample.share_ratio")
    # (85/683) / (30/544) = 2.257: beyond 2, on too few cases to be significant
    assert "12.4%" in zh(south) and "5.5%" in zh(south) and "2.26 倍" in zh(south)
    assert south.status is Status.INCONCLUSIVE


def test_gates_judged_without_significance_quote_their_bound_test(runs):
    gates = [f for f in runs["plain"] if f.check != "control_sample.group_shares"]
    assert {f.status for f in gates} == {Status.PASS, Status.FAIL}
    for f in gates:
        text = zh(f)
        verdict = "达到门槛" if f.status is Status.PASS else "未达到门槛"
        assert text.endswith(f"；{verdict}（针对门槛界值的单侧检验给出 {p_text(f.evidence['test']['p_value'])}）。"), text
        if f.check == "control_sample.share_ratio":
            assert "门槛：>= 0.5）" in text
    b = next(f for f in gates if f.groups == ("b",) and f.check == "control_sample.share_ratio")
    # (50/360) / (100/300) = 0.417, under 0.5
    assert "13.9%" in zh(b) and "33.3%" in zh(b) and "0.42 倍" in zh(b) and b.status is Status.FAIL
    upper = next(f for f in runs["upper"] if f.check == "control_sample.share_ratio")
    assert "门槛：<= 2）" in zh(upper)


def test_gates_that_cannot_be_judged_say_why(runs):
    isle = [f for f in runs["main"] if f.groups == ("isle",) and f.check != "control_sample.group_shares"]
    assert len(isle) == 2
    for f in isle:
        metric = "比例比（模型 / 随机）" if f.check.endswith("share_ratio") else "比例差（模型 - 随机）"
        assert zh(f) == (f"按region划分，isle 组的{metric}门槛无法判断：该组只有 4 个随机选中的案件（另有 8 个由模型"
                         "选中），少于判断所需的 30 个随机案件（min_random_cases）。")
    small = next(f for f in runs["small"] if f.groups == ("a",) and f.check == "control_sample.share_ratio")
    assert small.status is Status.INCONCLUSIVE
    assert zh(small).endswith("a 组的比例比（模型 / 随机）门槛无法判断：该组共有 7 个案件，少于 suppress_below = 10，"
                              "因此不公布其比例。")


def test_hit_rates_with_hand_counts(runs):
    main = next(f for f in runs["main"] if f.check == "control_sample.hit_rates")
    # errors found: 131 of the 683 model-selected cases, 47 of the 544 random ones
    ratio = (131 / 683) / (47 / 544)
    assert zh(main) == (f"核查在模型选中的 683 个案件中有 19.2% 发现了错误，在随机选中的 544 个案件中则为 8.6%"
                        f"（命中率比 {ratio:.2f}；{p_text(main.evidence['test']['p_value'])}）。")
    few = next(f for f in runs["few"] if f.check == "control_sample.hit_rates")
    # 15 of 100 against 0 of 22: the ratio is undefined
    assert "有 15.0% 发现了错误" in zh(few) and "则为 0.0%（命中率比 无定义" in zh(few)
    small = next(f for f in runs["small"] if f.check == "control_sample.hit_rates")
    assert small.evidence["suppressed"] and "不予公布" in zh(small)
    assert "模型选中的 8 个案件与随机选中的 44 个案件" in zh(small) and "%" not in zh(small)


def test_a_missing_control_sample_is_worded(runs):
    (asked,) = runs["asked"]
    assert asked.status is Status.INCONCLUSIVE
    assert zh(asked) == ("control_sample 审计器被跳过：审计缺少 control_sample。本次审计要求运行该审计器，因此它所检查"
                         "的任何内容都无法得出结论；在提供所需输入之前，发布被阻止。")


def test_an_undefined_test_and_unknown_shapes(runs):
    judged = next(f for f in runs["main"] if f.groups == ("south",) and f.check == "control_sample.share_ratio")
    undefined = {**judged.evidence["significance"], "p_value": None, "p_adjusted": None, "significant": False}
    copy = judged.model_copy(update={"evidence": {**judged.evidence, "significance": undefined}})
    assert zh(copy).endswith("；未达到门槛，但该检验对这些群组无定义，差距在统计上不显著，因此依据现有证据无法判断该门槛。")
    plain = next(f for f in runs["plain"] if f.check == "control_sample.share_ratio")
    copy = plain.model_copy(update={"evidence": {**plain.evidence, "test": {**plain.evidence["test"], "p_value": None}}})
    assert zh(copy).endswith("（检验无定义）。")
    # evidence the wording does not know: the auditor's own words, labelled as such
    isle = next(f for f in runs["main"] if f.groups == ("isle",) and f.check == "control_sample.share_ratio")
    odd = isle.model_copy(update={"evidence": {**isle.evidence, "reason": "some other reason"}})
    assert localise_message(odd, ZH) == (odd.message, True)
    table = next(f for f in runs["main"] if f.check == "control_sample.group_shares")
    odd = table.model_copy(update={"evidence": {"feature": "region"}})
    assert localise_message(odd, ZH) == (odd.message, True)
    other = Finding(auditor="control_sample", check="control_sample.something_new", status=Status.PASS, message="x")
    assert localise_message(other, ZH) == ("x", True)
