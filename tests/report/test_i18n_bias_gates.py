"""The bias auditor's contrast gates (``<rate>_ratio``, ``<rate>_difference``, combinations) in Chinese:
every shape worded from its evidence, with the English message's numbers and no English left."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from govaudit.bias import BiasAuditor
from govaudit.core import Status
from govaudit.report._i18n import load_catalogue, localise_message

ZH = load_catalogue("zh")
GATES = {"fpr_ratio": {"min": 0.8, "max": 1.25}, "selection_rate_difference": {"min": -0.05},
         "equalized_odds_parity": {"min": 0.8, "max": 1.25}, "ppr_ratio": {"min": 0.5}}


def _data(n: int = 3000, seed: int = 4) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    y = (rng.random(n) < 0.4).astype(int)
    lift = np.select([group == "b", group == "c"], [0.25, 0.01], 0.0)  # b flagged far more often, c about alike
    pred = (rng.random(n) < np.where(y == 1, 0.6, 0.2) + lift).astype(int)
    return y, pred, pd.DataFrame({"g": group})


def _findings(**settings) -> list:
    y, pred, frame = _data()
    auditor = BiasAuditor(n_resamples=50, gates=GATES, reference_groups={"g": "a"}, **settings)
    report = auditor.assess(y, pred, sensitive_features=frame)
    return [f for f in report.findings if f.check.removeprefix("bias.") in GATES]


@pytest.fixture(scope="module")
def judged() -> list:
    return _findings(require_significance=True)


def _latin(text: str, data: set[str]) -> set[str]:
    for word in sorted(data, key=len, reverse=True):
        text = text.replace(word, " ")
    return set(re.findall(r"[A-Za-z]+", text)) - {"p", "Holm"}


@pytest.mark.parametrize("significance", [True, False])
def test_every_contrast_gate_is_worded_in_chinese(significance: bool) -> None:
    found = _findings(require_significance=significance)
    assert {f.check for f in found} == {f"bias.{g}" for g in GATES}
    assert {Status.PASS, Status.FAIL} <= {f.status for f in found}
    for f in found:
        text, original = localise_message(f, ZH)
        assert not original, f.message
        assert _latin(text, {"g", *f.groups}) == set(), text
        # every number of the English message is in the Chinese one
        assert set(re.findall(r"\d+\.\d+", f.message)) <= set(re.findall(r"\d+\.\d+", text)), (f.message, text)


def test_a_failed_ratio_gives_its_rates_contrast_band_and_correction(judged: list) -> None:
    failed = next(f for f in judged if f.check == "bias.fpr_ratio" and f.status is Status.FAIL)
    ev, block = failed.evidence, failed.evidence["significance"]
    text, _ = localise_message(failed, ZH)
    assert f"{ev['group']} 组的假阳性率（{ev['rate']:.3f}）与 {ev['reference']} 组（{ev['reference_rate']:.3f}）之比为 " \
           f"{failed.value:.3f}" in text
    assert "假阳性率之比不在门槛范围 [0.8, 1.25] 之内" in text
    assert f"检验共 {block['family_size']} 项" in text and "差距在统计上显著" in text


def test_a_combination_words_each_component(judged: list) -> None:
    combined = next(f for f in judged if f.check == "bias.equalized_odds_parity" and f.groups[0] == "b")
    text, _ = localise_message(combined, ZH)
    for part in combined.evidence["components"]:
        word = {"fpr_ratio": "假阳性率", "fnr_ratio": "假阴性率"}[part["metric"]]
        assert f"b 组的{word}（{part['rate']:.3f}）与 a 组（{part['reference_rate']:.3f}）之比为 {part['value']:.3f}" in text
    assert ZH("plain.bias.equalized_odds_parity") in text


def test_a_one_sided_gate_without_significance_quotes_its_test() -> None:
    found = _findings(require_significance=False)
    difference = next(f for f in found if f.check == "bias.selection_rate_difference" and f.groups[0] == "c")
    text, _ = localise_message(difference, ZH)
    p = difference.evidence["test"]["p_value"]
    assert "选择率之差达到门槛 ≥ -0.05" in text or "选择率之差未达到门槛 ≥ -0.05" in text
    assert ("p < 0.001" if p < 0.001 else f"p = {p:.3f}") in text


def test_gates_that_cannot_be_judged_say_why() -> None:
    _, pred, frame = _data()
    no_label = BiasAuditor(n_resamples=50, gates={"fpr_ratio": {"min": 0.8}}).assess(
        None, pred, sensitive_features=frame)
    one_group = BiasAuditor(n_resamples=50, gates={"fpr_ratio": {"min": 0.8}}, min_group_size=1000).assess(
        *_data()[:2], sensitive_features=frame)
    texts = []
    for report in (no_label, one_group):
        (gate,) = [f for f in report.findings if f.check == "bias.fpr_ratio"]
        assert gate.status is Status.INCONCLUSIVE
        text, original = localise_message(gate, ZH)
        assert not original and "无法判断" in text
        texts.append(text)
    assert "需要观测结果（标签）" in texts[0]
    assert "足以比较的群组少于两个（1 个）" in texts[1]


def test_unknown_reasons_fall_back_to_the_english_words(judged: list) -> None:
    gate = judged[0]
    odd = gate.model_copy(update={"evidence": {"feature": "g", "metric": "fpr_ratio", "gate": {"min": 0.8, "max": None},
                                               "reason": "some reason the wording does not know"}})
    assert localise_message(odd, ZH) == (odd.message, True)


def test_an_impact_ratio_judged_after_holm_says_what_the_correction_made_of_it() -> None:
    """A raw p below the level but an adjusted p above it: inconclusive, and the Chinese says so."""
    from govaudit.metrics import judge_significance

    rng = np.random.default_rng(7)
    n = 400
    group = np.where(np.arange(n) < 200, "a", "b")
    pred = (rng.random(n) < np.where(group == "a", 0.5, 0.37)).astype(int)
    report = BiasAuditor(n_resamples=50, require_significance=True, gates={"impact_ratio": {"min": 0.8}}).assess(
        None, pred, sensitive_features=pd.DataFrame({"g": group}))
    impact = next(f for f in report.findings if f.check == "bias.impact_ratio")
    raw = impact.evidence["significance"]["p_value"]
    assert impact.value < 0.8 and raw < 0.05  # missed, and significant on its own
    # judged in a family of 40 tests, the adjusted p exceeds the level
    filler = [impact.model_copy(update={"evidence": {**impact.evidence, "significance": {
        **impact.evidence["significance"], "p_value": 0.9, "beyond_limit": False}}}) for _ in range(39)]
    judged = judge_significance([impact, *filler])[0]
    assert judged.status is Status.INCONCLUSIVE
    text, original = localise_message(judged, ZH)
    assert not original
    block = judged.evidence["significance"]
    p = "p < 0.001" if block["p_value"] < 0.001 else f"p = {block['p_value']:.3f}"
    assert text.endswith(f"未达到门槛 >= 0.8，但经 Holm 校正（本次审计中以显著性判定门槛的检验共 40 项；{p}，"
                         f"校正后 p = {block['p_adjusted']:.3f}），差距在统计上不显著，因此依据现有证据无法判断该门槛。")
    assert f"是参照组 a（{judged.evidence['reference_rate']:.3f}）的 {judged.value:.2f} 倍" in text
