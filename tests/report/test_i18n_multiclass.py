"""The multi-class auditor's findings in Chinese: every check and status it writes is worded from its evidence,
with the same numbers as the English message and no English left but the data (feature, group and class names).

The findings come from the real auditor on small synthetic triages: pass, fail and inconclusive gates (missed
but not significant, small or suppressed groups, too few groups, no true class, undefined ratio), tables with
groups that cannot be judged, gates without the significance requirement, the fail-closed requirements finding,
and a run whose disclosure control withholds a small group's numbers.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.auditors import MultiClassAuditor
from govaudit.core import Finding, Status
from govaudit.report._i18n import localise_message

from _i18n_checks import ZH, assert_covered, holm, p_text, zh
from _multiclass_cases import CLASSES, triage

#: Latin words a Chinese message keeps: the p of a p-value, the n of a count, and Holm's name
ALLOWED = {"p", "n", "Holm"}
#: finding shapes deliberately left to the auditor's English words, with the reason: none (every check the
#: auditor writes is worded; only evidence of an unknown shape falls back, see the last test)
LEFT_IN_ENGLISH: dict[str, str] = {}
GATES = ("multiclass.adverse_rate_ratio", "multiclass.adverse_fpr_ratio", "multiclass.class_ratio")


def _triage(n: int, seed: int, extra: float) -> pd.DataFrame:
    """Cases in regions; ``extra`` of the south's cases are moved to investigation; two small regions."""
    frame = triage(n, seed, extra, sexes=("female", "male"))
    frame.loc[:19, "region"] = "islands"  # 20 cases: reported, not gated
    frame.loc[20:24, "region"] = "tiny"  # 5 cases: counts only
    return frame


def _main() -> list[Finding]:
    frame = _triage(3_000, 0, 0.25)
    auditor = MultiClassAuditor(
        classes=CLASSES, n_resamples=0,
        gates={"adverse_rate_ratio": {"max": 1.25}, "adverse_fpr_ratio": {"min": 0.5, "max": 1.5}},
        class_gates={"none": {"rate_ratio": {"min": 0.95}}, "letter": {"precision_ratio": {"min": 0.8}},
                     "interview": {"tpr_ratio": {"min": 0.8}, "fnr_ratio": {"max": 1.5}}})
    return auditor.assess(frame["pred"], sensitive_features=frame[["sex", "region"]],
                          y_class_true=frame["true"]).findings


def _untested() -> list[Finding]:
    """Gates without the significance requirement: pass or fail on the value, with the raw p-value."""
    frame = _triage(3_000, 1, 0.25)
    auditor = MultiClassAuditor(adverse_class="investigation", n_resamples=0, require_significance=False)
    return auditor.assess(frame["pred"], sensitive_features=frame["region"], y_class_true=frame["true"]).findings


def _by_hand(**settings) -> list[Finding]:
    """120 cases: east 12 of 60 sent to 'b', west 18 of 60; a region with 40 unknown."""
    groups = pd.DataFrame({"sex": ["east"] * 60 + ["west"] * 60,
                           "region": (["x"] * 40 + [None] * 20) * 2})
    pred = ["a"] * 48 + ["b"] * 12 + ["a"] * 42 + ["b"] * 18
    auditor = MultiClassAuditor(adverse_class="b", n_resamples=0, **settings)
    return auditor.assess(pred, sensitive_features=groups).findings


def _undefined_ratio() -> list[Finding]:
    """The reference ('female', sent to 'b' never) has a zero rate: the other group's ratio is undefined."""
    sex = ["female"] * 100 + ["male"] * 100
    pred = ["a"] * 190 + ["b"] * 10
    auditor = MultiClassAuditor(adverse_class="b", n_resamples=0, gates={"adverse_rate_ratio": {"max": 1.25},
                                                                          "adverse_fpr_ratio": {"max": 1.5}})
    return auditor.assess(pred, sensitive_features=sex, y_class_true=pred).findings


def _requirements() -> list[Finding]:
    record = govaudit.audit(y_pred=[0, 1] * 20, sensitive_features=["a", "b"] * 20,
                            auditors={"multiclass": {"adverse_class": "x"}})
    return list(record.findings)


def _withheld() -> list[Finding]:
    """A run whose disclosure control withholds the numbers of a group of 6 and, to protect it, of others."""
    rng = np.random.default_rng(3)
    sex = np.array(["F"] * 6 + ["M"] * 300 + ["X"] * 294, dtype=object)
    frame = pd.DataFrame({"sex": sex, "region": rng.choice(["N", "S"], sex.size)})
    three = ["none", "letter", "investigation"]
    frame["true"] = rng.choice(three, sex.size, p=[0.5, 0.3, 0.2])
    frame["pred"] = np.where(rng.random(sex.size) < 0.7, frame["true"], rng.choice(three, sex.size))
    record = govaudit.audit(data=frame, sensitive_features=["sex", "region"], class_prediction="pred",
                            class_label="true", auditors={"multiclass": {"adverse_class": "investigation",
                                                                         "n_resamples": 0, "intersectional": True}})
    return list(record.findings)


@pytest.fixture(scope="module")
def runs() -> dict[str, list[Finding]]:
    return {"main": _main(), "untested": _untested(), "chance": _by_hand(),
            "few": _by_hand(min_group_size=100), "no_truth": _by_hand(gates={"adverse_fpr_ratio": {"max": 1.5}}),
            "undefined": _undefined_ratio(), "requirements": _requirements(), "withheld": _withheld()}


def _mine(runs: dict[str, list[Finding]]) -> list[Finding]:
    return [f for findings in runs.values() for f in findings if f.auditor == "multiclass"]


def _data(finding: Finding) -> list[str]:
    """The finding's data: the auditor's name, the feature, its columns, groups and classes, the missing inputs."""
    ev = finding.evidence
    names = [finding.auditor, ev.get("feature"), ev.get("class"), ev.get("adverse_class"), ev.get("group"),
             ev.get("reference"), *finding.groups, *(ev.get("columns") or ()), *(ev.get("classes") or ()),
             *(ev.get("missing") or ()), *(r.get("group") for r in ev.get("groups") or () if isinstance(r, dict))]
    return sorted({str(n) for n in names if n is not None}, key=len, reverse=True)


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:\.\d+)?", text))


def _three(value: float) -> str:
    return f"{value:.3f}"


def test_every_check_and_status_the_auditor_writes_is_covered(runs):
    from govaudit.multiclass import CHECKS

    assert_covered(_mine(runs), CHECKS, GATES,
                   {("multiclass.confusion", Status.REPORTED), ("multiclass.confusion", Status.WARN),
                    ("multiclass.class_rates", Status.REPORTED), ("multiclass.requirements", Status.INCONCLUSIVE)})
    reasons = {f.evidence["reason"].split(" (")[0].split(",")[0] for f in _mine(runs) if "reason" in f.evidence}
    assert reasons == {"counts only", "small group", "fewer than two groups have 30 or more cases",
                       "fewer than two groups have 100 or more cases", "it needs the true class",
                       "the ratio is undefined"}
    withheld = [f for f in runs["withheld"] if "withheld" in f.message]
    assert {f.check for f in withheld} == {"multiclass.confusion", "multiclass.class_rates",
                                            "multiclass.adverse_rate_ratio"}


def test_every_finding_is_worded_in_chinese_with_no_english_but_the_data(runs):
    findings = _mine(runs)
    assert len(findings) > 60
    for finding in findings:
        if finding.check in LEFT_IN_ENGLISH:
            continue
        text = zh(finding)
        assert re.search(r"[\u4e00-\u9fff]", text) and text != finding.message
        left = text
        for name in _data(finding):
            left = left.replace(name, " ")
        words = set(re.findall(r"[A-Za-z]+", left))
        assert words <= ALLOWED, (finding.check, words - ALLOWED, text)
        # the same numbers as the auditor's own words (counts, shares, ratios, p-values, bounds)
        assert set(_numbers(finding.message)) <= set(_numbers(text)), (finding.message, text)


def test_judged_gates_quote_the_rates_ratio_gate_and_test_of_the_evidence(runs):
    judged = [f for f in _mine(runs) if f.check in GATES and f.value is not None]
    assert {f.status for f in judged} == {Status.PASS, Status.FAIL, Status.INCONCLUSIVE}
    for f in judged:
        ev, text = f.evidence, zh(f)
        assert text.startswith(f"按{ev['feature']}划分，{ev['group']} 组")
        assert f"为 {_three(ev['group_rate'])}，是参照组 {ev['reference']}（{_three(ev['reference_rate'])}）" \
               f"的 {f.value:.2f} 倍" in text
        assert f"“{ev['class']}”" in text
        gate = ev["gate"]
        band = f"介于 {gate['min']:g} 与 {gate['max']:g} 之间" if gate["min"] and gate["max"] else \
            (f"≥ {gate['min']:g}" if gate["min"] else f"≤ {gate['max']:g}")
        block = ev.get("significance")
        missed = block["beyond_limit"] if block else f.status is Status.FAIL
        assert (f"未达到门槛（{band}）" if missed else f"；达到门槛（{band}）") in text
        if block is None:
            assert text.endswith(f"（{p_text(ev['p_value'])}）。")
            continue
        if f.status is Status.FAIL:
            assert text.endswith(f"，且{holm(block)}，差距在统计上显著。")
        elif f.status is Status.INCONCLUSIVE:
            assert text.endswith(f"，但{holm(block)}，差距在统计上不显著，因此依据现有证据无法判断该门槛。")
        else:
            assert f"；{holm(block)}，差距在统计上" in text and "无法判断" not in text


def test_a_south_sent_to_investigation_twice_as_often_reads_as_a_failed_gate(runs):
    # by hand: the English message's numbers for the failing region of the main triage
    [f] = [f for f in runs["main"] if f.check == "multiclass.adverse_rate_ratio" and f.status is Status.FAIL]
    ev = f.evidence
    assert (ev["group"], ev["reference"]) == ("south", "north")
    rate = ev["group_rate"]
    assert abs(rate - round(rate * ev["count"]) / ev["count"]) < 1e-12
    assert zh(f).startswith(f"按region划分，south 组被分入“investigation”的比例为 {rate:.3f}，是参照组 north")
    [chance] = [f for f in runs["chance"] if f.check == "multiclass.adverse_rate_ratio"
                and f.evidence["feature"] == "sex"]
    assert chance.status is Status.INCONCLUSIVE
    # west: 18 of 60 = 0.300, east: 12 of 60 = 0.200, ratio 1.50
    assert zh(chance) == ("按sex划分，west 组被分入“b”的比例为 0.300，是参照组 east（0.200）的 1.50 倍；"
                          f"未达到门槛（≤ 1.25），但{holm(chance.evidence['significance'])}，差距在统计上不显著，"
                          "因此依据现有证据无法判断该门槛。")


def test_tables_quote_the_lowest_and_highest_share_of_the_evidence(runs):
    for f in _mine(runs):
        ev = f.evidence
        if f.check not in ("multiclass.confusion", "multiclass.class_rates") or "withheld" in f.message:
            continue
        text = zh(f)
        rows = [r for r in ev["groups"] if r["status"] in ("compared", "reference")]
        if f.check == "multiclass.confusion":
            k = ev["classes"].index(ev["adverse_class"])
            shares = [(r["predicted"][k] / r["count"], r["group"]) for r in rows]
        else:
            shares = [(r["class_rate"], r["group"]) for r in rows]
        if not shares:
            assert "没有足够大的群体" in text
            continue
        low = min(shares, key=lambda s: s[0])
        high = max(shares, key=lambda s: s[0])
        assert f"从 {_three(low[0])}（{low[1]}）到 {_three(high[0])}（{high[1]}）" in text
        if f.check == "multiclass.class_rates" and "fpr" in ev["metrics"]:
            worst = max(rows, key=lambda r: -1.0 if r["fpr"] is None else r["fpr"])
            assert f"被错误分入“{ev['class']}”的比例最高为 {_three(worst['fpr'])}（{worst['group']}）。" in text
        left = [r for r in ev["groups"] if r["status"] in ("suppressed", "excluded", "warn")]
        if f.check == "multiclass.confusion":
            assert (f.status is Status.WARN) == bool(left)
            for r in left:
                assert f"{r['group']} 组（{r['count']} 个案件）" in text
    [by_hand] = [f for f in runs["chance"] if f.check == "multiclass.confusion" and f.evidence["feature"] == "sex"]
    assert zh(by_hand) == "按sex划分，各群体被分入“b”的案件比例从 0.200（east）到 0.300（west）。"


def test_gates_that_cannot_be_judged_say_why_with_the_evidence_numbers(runs):
    unjudged = [f for f in _mine(runs) if f.check in GATES and "reason" in f.evidence]
    for f in unjudged:
        ev, text = f.evidence, zh(f)
        assert text.startswith(f"按{ev['feature']}划分，") and "无法判断：" in text
        if ev.get("group") is not None:
            assert f"{ev['group']} 组" in text
        if ev["reason"].startswith("small group"):
            assert f"小群体（n={ev['count']}，少于最小群组人数 30）" in text
        elif ev["reason"].startswith("counts only"):
            assert f"仅公布案件数（n={ev['count']} < 10）" in text
        elif ev["reason"].startswith("fewer than two"):
            assert f"案件数不少于 {30 if '30' in ev['reason'] else 100} 的群体不足两个" in text
        elif ev["reason"].startswith("it needs the true class"):
            assert text.endswith("无法判断：该门槛需要真实类别，但未提供。")
        else:
            assert "比值无定义" in text
    [fpr] = [f for f in runs["no_truth"] if f.check == "multiclass.adverse_fpr_ratio" and f.evidence["feature"] == "sex"]
    assert zh(fpr) == "按sex划分，被错误分入“b”的比例与参照组之比的门槛（≤ 1.5）无法判断：该门槛需要真实类别，但未提供。"


def test_withheld_numbers_and_the_requirements_are_worded(runs):
    gates = [f for f in runs["withheld"] if f.check in GATES and "withheld" in f.message]
    assert gates
    for f in gates:
        status = {Status.PASS: "通过", Status.FAIL: "未通过", Status.INCONCLUSIVE: "无法判断"}[f.status]
        assert f"{f.evidence['group']} 组" in zh(f) and f"对照门槛 ≤ {f.threshold:g} 的结果（{status}）" in zh(f)
    [req] = [f for f in runs["requirements"] if f.check == "multiclass.requirements"]
    assert req.status is Status.INCONCLUSIVE
    assert zh(req) == (f"multiclass 审计器被跳过：审计缺少 {'、'.join(req.evidence['missing'])}。本次审计要求运行该"
                       "审计器，因此它所检查的任何内容都无法得出结论；在提供所需输入之前，发布被阻止。")


def test_an_unknown_shape_falls_back_to_the_english_words(runs):
    gate = next(f for f in runs["main"] if f.check == "multiclass.adverse_rate_ratio" and "reason" in f.evidence)
    odd = gate.model_copy(update={"evidence": {**gate.evidence, "reason": "a reason no auditor writes"}})
    assert localise_message(odd, ZH) == (odd.message, True)
    table = next(f for f in runs["main"] if f.check == "multiclass.confusion")
    broken = table.model_copy(update={"evidence": {**table.evidence, "groups": "not rows"}})
    assert localise_message(broken, ZH) == (broken.message, True)
    other = Finding(auditor="multiclass", check="multiclass.something_new", status=Status.PASS, message="New.")
    assert localise_message(other, ZH) == ("New.", True)
