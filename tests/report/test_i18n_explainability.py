"""The explainability auditor's findings worded in Chinese: every check and status the real auditor emits.

The auditor runs on small synthetic tables (fixed-coefficient logistic models, two small tree
ensembles, one table read through DuckDB) chosen so that each of its checks appears with each status
it can take. Every finding must be worded (not shown as the English original), contain no English
beyond its data (input, group and sensitive-feature names, justifications, backend), and carry the
numbers of its evidence, formatted as the English message formats them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import govaudit
from govaudit import Status
from govaudit.core import Finding
from govaudit.explainability import ExplainabilityAuditor
from govaudit.report._i18n import localise_message
from govaudit.runner import run_auditor

from _i18n_checks import ZH, zh

FEATURES = ["income", "debts", "lang", "pension", "age", "district", "female"]
SENSITIVE = ["group", "age_band", "region", "female"]
#: Every (check, status) the auditor emits; each must appear in the runs below.
EXPECTED = {
    ("explainability.global_importance", Status.PASS),
    ("explainability.coverage", Status.PASS), ("explainability.coverage", Status.FAIL),
    ("explainability.fidelity", Status.PASS), ("explainability.fidelity", Status.FAIL),
    ("explainability.stability", Status.PASS), ("explainability.stability", Status.FAIL),
    ("explainability.concentration", Status.PASS), ("explainability.concentration", Status.WARN),
    ("explainability.direct_use", Status.PASS), ("explainability.direct_use", Status.FAIL),
    ("explainability.proxy_risk", Status.PASS), ("explainability.proxy_risk", Status.FAIL),
    ("explainability.proxy_risk", Status.WARN), ("explainability.proxy_risk", Status.INCONCLUSIVE),
    ("explainability.proxy_risk", Status.SKIPPED),
    ("explainability.requirements", Status.SKIPPED), ("explainability.requirements", Status.INCONCLUSIVE),
}
#: Finding shapes deliberately left to the auditor's English words, each with why (built in the last test).
LEFT_IN_ENGLISH = {
    "proxy named beyond the evidence": "the evidence keeps the ten highest-scoring inputs only; when the "
                                       "inputs it names cannot be read back from it, the Chinese would omit some",
    "unknown explained output": "a new explainer's output is English text the catalogue cannot name",
}
#: Evidence keys whose string values are data (names and the spec's words), kept as they are in Chinese.
DATA_KEYS = {"feature", "input", "group", "sensitive_feature", "sensitive_features", "top_feature", "justification",
             "missing", "backend"}
#: Fixed Latin terms the Chinese catalogue keeps (zh.toml's own ``field.auc`` is "AUC").
FIXED_LATIN = {"AUC"}
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]\d+)?%?")


def _fixed_logistic(coef: list[float], intercept: float, columns: list[str]) -> LogisticRegression:
    """A logistic regression whose coefficients are set, not learnt."""
    model = LogisticRegression()
    model.coef_, model.intercept_ = np.array(coef, dtype=float).reshape(1, -1), np.array([intercept])
    model.classes_, model.n_features_in_ = np.array([0, 1]), len(columns)
    model.feature_names_in_ = np.array(columns, dtype=object)
    return model


def _table(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """``lang`` predicts ``group``, ``pension`` the age band; ``age_band`` bins ``age``, ``region`` ``district``."""
    rng = np.random.default_rng(seed)
    group, age, district = rng.choice(["a", "b"], n), rng.integers(18, 80, n), rng.integers(0, 8, n)
    frame = pd.DataFrame({"income": rng.normal(size=n), "debts": rng.normal(size=n),
                          "lang": (group == "b") * 1.5 + rng.normal(scale=0.5, size=n),
                          "pension": (age >= 60) * 1.0 + rng.normal(scale=0.3, size=n),
                          "age": age.astype(float), "district": district.astype(float),
                          "female": rng.integers(0, 2, n).astype(float)})
    frame["group"] = group
    frame["age_band"] = np.where(age < 35, "18-34", np.where(age < 60, "35-59", "60+"))
    frame["region"] = np.where(np.isin(district, [0, 3, 5]), "north", "south")
    return frame


def _runs() -> dict[str, list[Finding]]:
    frame = _table()
    model = _fixed_logistic([2.0, -1.0, 0.6, 0.02, 0.01, 0.05, 0.3], 0.0, FEATURES)
    subject = govaudit.build_subject(model=model, data=frame, sensitive_features=SENSITIVE, features=FEATURES)
    auditor = lambda **kw: ExplainabilityAuditor(n_resamples=50, background_size=50, **kw)
    runs = {"main": auditor().explain(subject).findings}
    # justified: direct use passes, the proxy is a warning
    runs["justified"] = auditor(justifications={"lang": "语言能力是法定条件。", "age_band": "养老金规则取决于年龄",
                                                "female": "Maternity allowance", "region": "地区补贴"}
                                ).explain(subject).findings
    # the proxy limit between the lower end of lang's score interval and its score: inconclusive; plus
    # too few decisions explained (coverage fails) and an impossible additivity tolerance (fidelity fails)
    lang = next(r for f in runs["main"] if f.evidence.get("sensitive_feature") == "group"
                for r in f.evidence["features"] if r["feature"] == "lang")
    runs["inconclusive"] = auditor(proxy_max_score=(lang["score"] + lang["score_ci"][0]) / 2, max_explained=50,
                                   additivity_tolerance=1e-18).explain(subject).findings
    # equal weights and a very negative intercept: some refusals have no reason; no sensitive input
    equal = _fixed_logistic([1.0] * 4, -4.0, FEATURES[:4])
    runs["adverse_base"] = ExplainabilityAuditor(n_resamples=0).explain(govaudit.build_subject(
        model=equal, data=frame.iloc[:400], sensitive_features=["group"], features=FEATURES[:4])).findings
    # equal weights: the ranking is noise, and two samples with two backgrounds disagree
    noisy = _table(400, seed=5)
    runs["unstable"] = ExplainabilityAuditor(n_resamples=0, stability_min=1.0, sample_size=100).explain(
        govaudit.build_subject(model=_fixed_logistic([1.0] * 4, 0.0, FEATURES[:4]), data=noisy,
                               sensitive_features=["group"], features=FEATURES[:4])).findings
    # boosted trees (raw margin): no adverse decision and no sensitive feature
    X = frame[FEATURES[:3]]
    y = (X["income"] + np.random.default_rng(1).normal(size=len(X)) > 0).astype(int)
    boosted = GradientBoostingClassifier(n_estimators=10, max_depth=2, random_state=0).fit(X, y)
    runs["tree"] = ExplainabilityAuditor(n_resamples=0).explain(
        govaudit.AuditSubject(model=boosted, features=X, y_pred=np.ones(len(X), dtype=np.int8))).findings
    # a forest fitted to noise, explained on two halves of 25 rows: its ranking changes (probability, no background)
    coin = (np.random.default_rng(2).random(len(noisy)) < 0.5).astype(int)
    forest = RandomForestClassifier(n_estimators=5, max_depth=3, random_state=0).fit(noisy[FEATURES[:4]], coin)
    runs["forest"] = ExplainabilityAuditor(n_resamples=0, sample_size=50).explain(govaudit.build_subject(
        model=forest, data=noisy, sensitive_features=["group"], features=FEATURES[:4])).findings
    # rows held by DuckDB: reason codes for the adverse decisions of the sample drawn there
    logged = frame.assign(decision=model.predict(frame[FEATURES]))
    runs["duckdb"] = list(govaudit.audit(model, logged, backend="duckdb", prediction="decision", features=FEATURES,
                                         sensitive_features=["group"], auditors={"explainability": {
                                             "n_resamples": 0, "backend_sample_rows": 200}}).findings)
    # no model: skipped by the runner; asked for by the audit, so inconclusive (fail-closed)
    runs["skipped"] = run_auditor(ExplainabilityAuditor(), govaudit.build_subject(
        data=logged, prediction="decision", sensitive_features=["group"]))
    runs["no_model"] = list(govaudit.audit(data=logged, prediction="decision", sensitive_features=["group"],
                                           auditors={"explainability": {}}).findings)
    return {name: [f for f in found if f.auditor == "explainability"] for name, found in runs.items()}


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, list[Finding]]]:
    with threadpool_limits(1):  # OpenMP start-up dominates on these small tables
        yield _runs()


def _one(findings: list[Finding], check: str, **evidence: Any) -> Finding:
    [found] = [f for f in findings if f.check == f"explainability.{check}"
               and all(f.evidence.get(k) == v for k, v in evidence.items())]
    return found


def _data(finding: Finding) -> set[str]:
    """The finding's data strings: names, justifications, the backend, the auditor's name."""
    out = {finding.auditor, *finding.groups}

    def walk(value: Any, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in DATA_KEYS:
            out.add(value)

    walk(finding.evidence)
    return out


def _english_left(text: str, data: set[str]) -> list[str]:
    for s in sorted(data, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(s.rstrip('.。'))}(?![A-Za-z])", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in FIXED_LATIN]


def test_every_check_and_status_of_the_auditor_is_produced(runs):
    seen = {(f.check, f.status) for found in runs.values() for f in found}
    assert EXPECTED <= seen, sorted(EXPECTED - seen)
    assert {c for c, _ in seen} == {c for c, _ in EXPECTED}  # no check this test does not know


def test_every_finding_is_worded_in_chinese_with_no_english_but_its_data(runs):
    for name, found in runs.items():
        for finding in found:
            text = zh(finding)
            assert re.search(r"[\u4e00-\u9fff]", text) and text != finding.message, (name, finding.check)
            assert not _english_left(text, _data(finding)), (name, finding.check, text)
            assert "{" not in text and "}" not in text


def test_the_numbers_are_those_of_the_english_message(runs):
    # the same numbers, formatted the same way, as the auditor's own sentence (names hold no digits here,
    # except the age bands, which both sentences quote)
    for name, found in runs.items():
        for finding in found:
            assert sorted(NUMBER.findall(zh(finding))) == sorted(NUMBER.findall(finding.message)), (
                name, finding.check, zh(finding), finding.message)


def test_importance_and_concentration_carry_the_shares_of_the_evidence(runs):
    importance = _one(runs["main"], "global_importance")
    text = zh(importance)
    for row in importance.evidence["top_features"][:3]:
        assert f"{row['feature']}（{round(100 * row['share'])}%）" in text
    assert importance.evidence["top_features"][3]["feature"] not in text  # three inputs, as in English
    concentration = _one(runs["tree"], "concentration")
    assert concentration.status is Status.WARN
    top = concentration.evidence
    assert f"单一输入 {top['top_feature']} 占模型全部权重的 {round(100 * top['top_share'])}%" in zh(concentration)
    assert "没有单一输入占主导" in zh(_one(runs["main"], "concentration"))


def test_coverage_counts_the_adverse_decisions(runs):
    passed = _one(runs["main"], "coverage")
    assert f"全部 {passed.evidence['adverse_decisions']} 项不利决定都附有理由（每项最多 4 条）" in zh(passed)
    limited = _one(runs["inconclusive"], "coverage")
    ev = limited.evidence
    assert limited.status is Status.FAIL and ev["explained"] == 50
    assert (f"{ev['adverse_decisions']} 项不利决定中有 {ev['adverse_decisions'] - ev['with_reason']} 项没有理由"
            f"（其中 {ev['adverse_decisions'] - 50} 项未作解释：该解释方法最多解释 50 项）") in zh(limited)
    base = _one(runs["adverse_base"], "coverage")
    assert base.status is Status.FAIL and base.evidence["explained"] == base.evidence["adverse_decisions"]
    assert "模型的平均情形本身就是不利决定" in zh(base)
    assert zh(_one(runs["tree"], "coverage")) == "没有需要解释的不利决定。"
    drawn = _one(runs["duckdb"], "coverage")
    sample = drawn.evidence["sample"]
    assert zh(drawn).startswith(f"在 duckdb 从 {sample['population']} 行数据中抽取的 {sample['rows']} 行样本里")


def test_fidelity_and_stability_carry_their_numbers(runs):
    met = _one(runs["main"], "fidelity")
    ev = met.evidence
    assert (f"在被解释的全部 {ev['rows_checked']} 行上" in zh(met) and "之差均不超过 1e-06" in zh(met)
            and f"最大差距 {ev['max_abs_error']:.2g}" in zh(met) and "有利类别的对数几率，即决策函数值" in zh(met))
    assert "原始边际值" in zh(_one(runs["tree"], "fidelity"))
    assert "有利类别的概率" in zh(_one(runs["forest"], "fidelity"))
    missed = _one(runs["inconclusive"], "fidelity")
    ev = missed.evidence
    assert missed.status is Status.FAIL
    assert (f"在被解释的 {ev['rows_checked']} 行中，有 {ev['rows_over_tolerance']} 行" in zh(missed)
            and f"（最大差距 {ev['max_abs_error']:.2g} > 1e-18）" in zh(missed))
    unstable = _one(runs["unstable"], "stability")
    assert unstable.status is Status.FAIL and unstable.evidence["backgrounds_differ"] is True
    assert f"（随机种子和背景样本均不同）之间发生了变化（秩相关系数 {unstable.value:.2f} < 1）" in zh(unstable)
    forest = _one(runs["forest"], "stability")
    assert forest.status is Status.FAIL and not forest.evidence["backgrounds_differ"]
    assert f"两个独立样本之间发生了变化（秩相关系数 {forest.value:.2f} < 0.8）" in zh(forest)


def test_direct_use_names_each_sensitive_input_and_how_it_is_derived(runs):
    failed = _one(runs["main"], "direct_use")
    assert failed.status is Status.FAIL and set(failed.groups) == {"female", "age_band", "region"}
    text = zh(failed)
    assert "female（模型输入）" in text and "age_band（输入 age 的分箱" in text and "region（输入 district 的重新编码" in text
    justified = zh(_one(runs["justified"], "direct_use"))
    assert "female：Maternity allowance；" in justified and "age_band：养老金规则取决于年龄" in justified
    assert zh(_one(runs["adverse_base"], "direct_use")).startswith("没有受保护特征是模型输入")


def test_proxy_findings_carry_auc_share_score_and_limit(runs):
    failed = _one(runs["main"], "proxy_risk", sensitive_feature="group")
    row = failed.evidence["features"][0]
    low, high = row["importance_share_ci"]
    assert failed.status is Status.FAIL and row["feature"] == "lang"
    assert (f"lang 预测 group = 'a' 的 AUC 为 {row['auc']:.2f}，占模型全部权重的 {round(100 * row['importance_share'])}%"
            f"（95% 区间为 {round(100 * low)}% 至 {round(100 * high)}%），得分 {row['score']:.3f} > 0.05") in zh(failed)
    uncertain = _one(runs["inconclusive"], "proxy_risk", sensitive_feature="group")
    row = uncertain.evidence["features"][0]
    assert uncertain.status is Status.INCONCLUSIVE
    assert (f"得分 {row['score']:.3f}，超过上限 {uncertain.threshold:g}，但其区间下限低至 {row['score_ci'][0]:.3f}"
            in zh(uncertain) and zh(uncertain).endswith("根据现有证据无法判断该门槛。"))
    justified = _one(runs["justified"], "proxy_risk", sensitive_feature="group")
    assert justified.status is Status.WARN and "（审计规范已说明理由）" in zh(justified)
    assert zh(justified).endswith("理由：语言能力是法定条件。")
    strong = _one(runs["main"], "proxy_risk", sensitive_feature="age_band")
    row = next(r for r in strong.evidence["features"] if r["feature"] == "pension")
    assert strong.status is Status.WARN and strong.groups == ("pension",)
    assert zh(strong) == f"pension（AUC {row['auc']:.2f}）能很好地预测 age_band，但在模型中的权重很小。"
    assert zh(_one(runs["main"], "proxy_risk", sensitive_feature="region")) == "没有模型输入充当 region 的代理。"
    assert zh(_one(runs["tree"], "proxy_risk")).startswith("未检查受保护特征的直接使用和代理")


def test_requirements_skipped_and_inconclusive(runs):
    [skipped] = runs["skipped"]
    assert skipped.status is Status.SKIPPED and skipped.evidence["missing"]
    [asked] = runs["no_model"]
    assert asked.status is Status.INCONCLUSIVE
    text = zh(asked)
    assert text.startswith(ZH("message.skipped_missing", auditor="explainability",
                              missing="、".join(asked.evidence["missing"])))
    assert "发布被阻止" in text


def test_shapes_left_in_english_fall_back_to_the_original_words(runs):
    assert set(LEFT_IN_ENGLISH) == {"proxy named beyond the evidence", "unknown explained output"}
    proxy = _one(runs["main"], "proxy_risk", sensitive_feature="group")
    beyond = proxy.model_copy(update={"groups": ("lang", "an_input_not_in_the_evidence")})
    fidelity = _one(runs["main"], "fidelity")
    unknown = fidelity.model_copy(update={"evidence": {**fidelity.evidence, "explained_output": "a new output"}})
    broken = fidelity.model_copy(update={"evidence": {**fidelity.evidence, "rows_checked": "many"}})
    for finding in (beyond, unknown, broken):
        assert localise_message(finding, ZH) == (finding.message, True)
