"""The ranking auditor's findings worded in Chinese from their evidence, with the evidence's numbers.

The findings come from real runs of the auditor: a random queue audited end to end (gates judged after
Holm's correction: passed, failed and not significant; a group too small to judge), the same audit
without significance and with a group under the disclosure threshold (shares withheld), a queue built
by hand (gates judged without significance, a precision undefined for a group absent from the top, the
most represented group at another capacity than the least), a queue where no group can be judged, and
the auditor without its inputs (skipped, and asked for).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.core import AuditSubject, Finding, Status
from govaudit.ranking import CHECKS, RankingAuditor
from govaudit.report._i18n import localise_message

from _i18n_checks import ZH, assert_covered, holm, p_text, zh

#: finding shapes deliberately left to the auditor's English words (none: every shape is worded)
LEFT_IN_ENGLISH: dict[str, str] = {}
#: the Latin letters a Chinese message keeps besides the data: a statistician's name, "p" of a p-value,
#: the settings the auditor names, and the spec field that supplies relevance ([data] relevance)
KEPT = {"Holm", "p", "suppress_below", "min_group_size", "data", "relevance"}
GATES = {"top_k_share_ratio": {"min": 0.8, "max": 1.25}, "exposure_ratio": {"min": 0.8},
         "precision_at_k_ratio": {"min": 0.8}}


def _queue(n: int = 600, small: float = 0.02, seed: int = 0) -> pd.DataFrame:
    """A queue where "south" is pushed to the top, "north" held back, and "isle" is small."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "isle"], n, p=[0.6, 0.4 - small, small])
    risk = (rng.normal(size=n) + 1.5 * (region == "south")).round(2)
    return pd.DataFrame({"region": region, "risk": risk, "found": (rng.random(n) < 0.3).astype(int)})


def _by_hand() -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """300 cases, no ties: the top 10 are 5 alpha and 5 gamma, places 11-100 alpha; beta never in the top 100.

    Relevant: alpha's first 50 cases, gamma's first 3. So at k = 10 beta's precision is undefined, and the
    least represented group (beta, ratio 0 at k = 10) and the most represented (alpha, 95/100 of the top 100
    against a third of the cases: 2.85) are at different capacities.
    """
    group = np.array(["alpha"] * 100 + ["beta"] * 100 + ["gamma"] * 100, dtype=object)
    alpha, beta, gamma = np.arange(100), np.arange(100, 200), np.arange(200, 300)
    order = [*alpha[:5], *gamma[:5], *alpha[5:95], *beta, *gamma[5:], *alpha[95:]]
    score = np.zeros(300)
    score[order] = np.arange(300, 0, -1)
    relevant = np.zeros(300, dtype=int)
    relevant[alpha[:50]] = 1
    relevant[gamma[:3]] = 1
    return score, pd.DataFrame({"region": group}), relevant


@pytest.fixture(scope="module")
def runs() -> dict[str, list[Finding]]:
    queue = _queue()
    judged = govaudit.audit(data=queue, sensitive_features=["region"], priority_score="risk", relevance="found",
                            auditors={"ranking": {"capacities": [60, 0.2], "suppress_below": 5, "gates": GATES}})
    withheld = govaudit.audit(data=_queue(small=0.01), sensitive_features=["region"], priority_score="risk",
                              auditors={"ranking": {"capacities": [60], "require_significance": False,
                                                    "gates": {"top_k_share_ratio": {"max": 1.25},
                                                              "precision_at_k_ratio": {"min": 0.8}}}})
    score, groups, relevant = _by_hand()
    plain = RankingAuditor(capacities=[10, 100], require_significance=False, min_group_size=2, suppress_below=0,
                           gates={"top_k_share_ratio": {"min": 0.5}, "exposure_ratio": {"min": 0.5, "max": 2},
                                  "precision_at_k_ratio": {"min": 0.8}}).assess(
        priority_score=score, sensitive_features=groups, relevance=relevant)
    none = RankingAuditor(capacities=[10], min_group_size=500).assess(priority_score=score, sensitive_features=groups)
    asked = govaudit.audit(y_true=queue["found"], y_pred=queue["found"], sensitive_features=queue[["region"]],
                           auditors={"ranking": {}})
    out = {"judged": judged.findings, "withheld": withheld.findings, "plain": plain.findings, "none": none.findings,
           "asked": asked.findings, "skipped": RankingAuditor().run(AuditSubject(y_priority=score))}
    return {name: [f for f in found if f.auditor == "ranking"] for name, found in out.items()}


def _all(runs) -> list[Finding]:
    return [f for found in runs.values() for f in found]


def _row(runs, name: str, finding: Finding) -> dict:
    """The group table's row behind a gate finding (the auditor's own figures, not the wording's)."""
    table = next(f for f in runs[name] if f.check == "ranking.group_shares"
                 and f.evidence["feature"] == finding.evidence["feature"])
    return next(r for r in table.evidence["groups"]
                if r["group"] == finding.evidence["group"] and r["k"] == finding.evidence["k"])


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def test_every_check_appears_with_its_variants(runs):
    assert_covered(_all(runs), CHECKS, ("ranking.top_k_share_ratio", "ranking.exposure_ratio",
                                        "ranking.precision_at_k_ratio"),
                   {("ranking.group_shares", Status.REPORTED), ("ranking.group_shares", Status.WARN),
                    ("ranking.requirements", Status.SKIPPED), ("ranking.requirements", Status.INCONCLUSIVE)})
    # judged after Holm's correction: met, missed and significant, missed but not significant
    blocks = [f.evidence["significance"] for f in runs["judged"] if "significance" in f.evidence]
    assert {(b["beyond_limit"], b["significant"]) for b in blocks} >= {(False, False), (True, True), (True, False)}


def test_every_finding_is_worded_in_chinese_with_no_english_but_the_data(runs):
    for finding in _all(runs):
        if finding.check in LEFT_IN_ENGLISH:
            continue
        text = zh(finding)
        assert re.search(r"[\u4e00-\u9fff]", text) and text != finding.message
        ev = finding.evidence
        data = {finding.auditor, finding.check.split(".", 1)[1], *map(str, finding.groups)}
        data |= {str(ev[k]) for k in ("feature", "group") if k in ev}
        data |= {str(v) for k in ("missing", "gates") for v in ev.get(k, [])}
        data |= {str(r["group"]) for r in ev.get("groups", [])}
        left = text
        for word in sorted(data, key=len, reverse=True):
            left = re.sub(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", " ", left)
        assert set(re.findall(r"[A-Za-z_]+", left)) <= KEPT, (text, finding.message)


def test_a_record_read_back_from_json_is_worded_the_same(runs):
    for finding in runs["judged"] + runs["withheld"]:
        again = Finding.model_validate(json.loads(finding.model_dump_json()))
        assert zh(again) == zh(finding)


def test_top_share_gates_quote_the_group_tables_shares_and_the_holm_test(runs):
    gates = [f for f in runs["judged"] if f.check == "ranking.top_k_share_ratio" and f.value is not None]
    assert {f.status for f in gates} == {Status.FAIL}
    for finding in gates:
        ev, row, block = finding.evidence, _row(runs, "judged", finding), finding.evidence["significance"]
        text = zh(finding)
        assert text.startswith(f"按region划分，{ev['group']} 组（{ev['count']} 个案件）：")
        assert (f"在前 {ev['k']} 个案件中占 {_pct(row['top_share'])}，而在全部案件中占 "
                f"{_pct(row['population_share'])}，比值为 {finding.value:.2f}（门槛 top_k_share_ratio：在 [0.8, 1.25] "
                "之内）；未达到该门槛，且经 Holm 校正") in text
        assert f"；未达到该门槛，且{holm(block)}，差距在统计上显著。" in text


def test_exposure_and_precision_gates_say_met_missed_or_not_significant(runs):
    for finding in (f for f in runs["judged"] if f.value is not None and f.check != "ranking.top_k_share_ratio"):
        ev, block, text = finding.evidence, finding.evidence["significance"], zh(finding)
        if finding.check == "ranking.exposure_ratio":
            assert f"在前 {ev['k']} 个案件中获得的平均曝光度是全体平均值的 {finding.value:.2f} 倍（门槛 exposure_ratio：≥ 0.8）" \
                in text
        else:
            precision = _row(runs, "judged", finding)["precision"]
            assert (f"前 {ev['k']} 精确率为 {_pct(precision)}，是前 {ev['k']} 中其他案件的 {finding.value:.2f} 倍"
                    "（门槛 precision_at_k_ratio：≥ 0.8）") in text
        expected = {Status.PASS: f"；达到该门槛；{holm(block)}，差距在统计上",
                    Status.FAIL: f"；未达到该门槛，且{holm(block)}，差距在统计上显著。",
                    Status.INCONCLUSIVE: f"；未达到该门槛，但{holm(block)}，差距在统计上不显著"}[finding.status]
        assert expected in text
        if finding.status is Status.INCONCLUSIVE:
            assert text.endswith("差距在统计上不显著，因此依据现有证据无法判断该门槛。")


def test_the_group_table_names_the_least_and_most_represented_groups(runs):
    table = next(f for f in runs["judged"] if f.check == "ranking.group_shares")
    rows = [r for r in table.evidence["groups"] if r["status"] == "compared"]
    low = min(rows, key=lambda r: r["top_share_ratio"])
    high = max(rows, key=lambda r: r["top_share_ratio"])
    small = next(r for r in table.evidence["groups"] if r["status"] != "compared")
    assert (low["group"], high["group"], small["group"]) == ("north", "south", "isle") and low["k"] == high["k"] == 60
    assert zh(table) == (
        f"按region划分，在前 60 个案件中，代表性最低的群组是 north：在前列中占 {_pct(low['top_share'])}，而在全部案件中占 "
        f"{_pct(low['population_share'])}（比值 {low['top_share_ratio']:.2f}）；代表性最高的是 south（比值 "
        f"{high['top_share_ratio']:.2f}）。警告：isle（{small['count']} 个案件）无法判断。")
    # by hand: beta holds 0 of the top 10; alpha 95 of the top 100 against 100 of 300 cases (2.85)
    text = zh(next(f for f in runs["plain"] if f.check == "ranking.group_shares"))
    assert text == ("按region划分，在前 10 个案件中，代表性最低的群组是 beta：在前列中占 0.0%，而在全部案件中占 33.3%"
                    "（比值 0.00）；代表性最高的是 alpha（在前 100 个案件中，比值 2.85）。")
    text = zh(next(f for f in runs["none"] if f.check == "ranking.group_shares"))
    assert text == ("按region划分，没有群组有足够的案件可供比较其在队列中的位置。"
                    "警告：alpha（100 个案件）、beta（100 个案件）、gamma（100 个案件）无法判断。")


def test_a_capacity_given_as_a_share_is_named_with_its_number_of_cases(runs):
    gates = [f for f in runs["judged"] if f.check != "ranking.group_shares" and f.evidence.get("capacity") == "20 %"]
    assert gates and all(f"前 {f.evidence['k']} " in zh(f) for f in gates) and {f.evidence["k"] for f in gates} == {120}
    score, groups, _ = _by_hand()  # the top 10 % = 30 cases: 25 alpha, 5 gamma, no beta
    (table,) = [f for f in RankingAuditor(capacities=[0.1], min_group_size=2).assess(
        priority_score=score, sensitive_features=groups).findings if f.check == "ranking.group_shares"]
    assert "in the top 30 (10 %)" in table.message
    assert zh(table) == ("按region划分，在前 30 个案件（10%）中，代表性最低的群组是 beta：在前列中占 0.0%，而在全部案件中占 "
                         "33.3%（比值 0.00）；代表性最高的是 alpha（比值 2.50）。")


def test_gates_judged_without_significance_quote_their_p_value(runs):
    for finding in (f for f in runs["plain"] if f.value is not None and f.check != "ranking.group_shares"):
        word = {Status.PASS: "达到该门槛", Status.FAIL: "未达到该门槛"}[finding.status]
        assert zh(finding).endswith(f"；{word}（{p_text(finding.evidence['p_value'])}）。")
    beta = next(f for f in runs["plain"] if f.check == "ranking.top_k_share_ratio" and f.groups == ("beta",))
    assert zh(beta) == ("按region划分，beta 组（100 个案件）：在前 10 个案件中占 0.0%，而在全部案件中占 33.3%，比值为 0.00"
                        f"（门槛 top_k_share_ratio：≥ 0.5）；未达到该门槛（{p_text(beta.evidence['p_value'])}）。")
    alpha = next(f for f in runs["plain"] if f.check == "ranking.precision_at_k_ratio" and f.groups == ("alpha",))
    assert "前 10 精确率为 100.0%，是前 10 中其他案件的 1.67 倍" in zh(alpha)  # 5/5 against 3/5


def test_gates_that_cannot_be_judged_say_why_with_the_settings(runs):
    small = [f for f in runs["judged"] if f.evidence.get("group") == "isle"]
    count = small[0].evidence["count"]
    assert len(small) == 6 and all(f.status is Status.INCONCLUSIVE for f in small)
    for f in small:
        assert zh(f) == (f"按region划分，isle 组在前 {f.evidence['k']} 个案件中的门槛 {f.check.split('.')[1]} 无法判断："
                         f"该群组只有 {count} 个案件，少于判断所需的 30 个（min_group_size）。")
    suppressed = next(f for f in runs["withheld"] if f.evidence.get("group") == "isle")
    assert zh(suppressed).endswith(f"该群组只有 {suppressed.evidence['count']} 个案件，少于 suppress_below = 10，"
                                   "因此不公布任何数字。")
    absent = [f for f in runs["plain"] if f.check == "ranking.precision_at_k_ratio" and f.groups == ("beta",)]
    assert [zh(f) for f in absent] == [
        f"按region划分，beta 组在前 {k} 个案件中的门槛 precision_at_k_ratio 无法判断：该指标对这个群组无定义"
        f"（例如前 {k} 个案件中没有它的案件）。" for k in (10, 100)]
    relevance = next(f for f in runs["withheld"] if f.check == "ranking.precision_at_k_ratio" and not f.groups)
    assert zh(relevance) == ("门槛 precision_at_k_ratio 无法判断：未提供案件是否确实需要处理的数据"
                             "（[data] relevance：案件确实需要处理时为 1）。")


def test_withheld_shares_are_not_quoted_and_the_outcome_stands(runs):
    table = next(f for f in runs["withheld"] if f.check == "ranking.group_shares")
    assert any("suppression" in r for r in table.evidence["groups"])
    assert zh(table) == "按region划分，队列中部分群组的占比不予公布，以免由已公布的数字推算出任何小群组的数字。"
    gate = next(f for f in runs["withheld"] if f.value is None and f.threshold is not None)
    assert zh(gate) == (f"按region划分，{gate.evidence['group']} 组的门槛 top_k_share_ratio：其占比不予公布，以免由已公布的"
                        f"数字推算出任何小群组的数字；该检查对照门槛 ≤ 1.25 的结果（{ZH(f'status.{gate.status.value}')}）"
                        "保持不变。")


def test_the_auditor_skipped_or_asked_for_without_its_inputs(runs):
    (skipped,) = runs["skipped"]
    assert zh(skipped) == "ranking 审计器被跳过：审计缺少 sensitive_features。"
    (asked,) = runs["asked"]
    assert asked.status is Status.INCONCLUSIVE
    assert zh(asked) == ("ranking 审计器被跳过：审计缺少 y_priority。本次审计要求运行该审计器，因此它所检查的任何内容都无法"
                         "得出结论；在提供所需输入之前，发布被阻止。")


def test_a_claim_that_does_not_quote_the_evidence_keeps_the_english_words(runs):
    finding = next(f for f in runs["plain"] if f.check == "ranking.top_k_share_ratio" and f.value is not None)
    other_k = finding.model_copy(update={"evidence": {**finding.evidence, "k": finding.evidence["k"] + 1}})
    assert localise_message(other_k, ZH) == (other_k.message, True)
    other_value = finding.model_copy(update={"value": finding.value + 0.5})
    assert localise_message(other_value, ZH) == (other_value.message, True)
    unjudged = next(f for f in runs["judged"] if "reason" in f.evidence)
    strange = unjudged.model_copy(update={"evidence": {**unjudged.evidence, "reason": "some new reason"}})
    assert localise_message(strange, ZH) == (strange.message, True)
