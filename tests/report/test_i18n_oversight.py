"""The oversight auditor's findings in Chinese: every check it emits, worded from its own numbers.

The real auditor runs on small synthetic decision logs built so that each check appears passing,
failing, inconclusive or skipped (where it can); every finding must then be worded in Chinese
(not shown as the auditor's English), with no English left but the data (features, groups, reviewer
ids, months, input names), and with the numbers of its evidence.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.core import AuditSubject, Finding, Status
from govaudit.oversight import OversightAuditor
from govaudit.report._i18n import localise_message
from govaudit.report._i18n_oversight import message
from govaudit.verdicts import fail_closed

from _i18n_checks import ZH, holm

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MODULE = Path(govaudit.__file__).parent / "report" / "_i18n_oversight.py"
TOML = Path(govaudit.__file__).parent / "report" / "locales" / "zh" / "oversight.toml"
POLICY = {"uncertainty_band": [0.4, 0.6], "review_case_types": ["fraud"], "two_person_case_types": ["fraud"],
          "min_review_seconds": 60, "max_unreviewed_share": 0.5, "appeal_deadline_days": 30}
#: Shapes deliberately left to the auditor's English, and why: none (a skipped requirements finding
#: without ``missing`` evidence, from OversightAuditor.run on an empty subject, is worded here too).
LEFT_IN_ENGLISH: dict = {}
#: Words a Chinese text keeps: the p of a p-value, Holm's name, and the setting that names the features.
ALLOWED_LATIN = {"p", "Holm", "sensitive_features"}


def _log(n: int, seed: int, *, clean: bool = False, appeals: bool = True) -> pd.DataFrame:
    """A decision log; ``clean`` gives one that meets every rule, otherwise one that breaks each."""
    rng = np.random.default_rng(seed)
    decided = pd.Timestamp("2025-01-01T00:00Z") + pd.to_timedelta(np.sort(rng.integers(0, 90 * 86400, n)), unit="s")
    score = np.round(rng.random(n), 3)
    rec = (score >= 0.5).astype(int)
    case_type = np.where(rng.random(n) < 0.1, "fraud", "standard")
    sex = rng.choice(["female", "male"], n)
    needed = (rec == 0) | ((score >= 0.4) & (score <= 0.6)) | (case_type == "fraud")
    reviewed = needed & (rng.random(n) < (1.0 if clean else 0.9))
    reviewer = rng.choice(["R1", "R2", "R3", "R4"], n)
    if clean:
        seconds, p_override = rng.uniform(120, 900, n), np.full(n, 0.2)
    else:  # R4 reviews too fast and never overrides; reviewers override women's cases more often
        seconds = np.where(reviewer == "R4", rng.uniform(5, 90, n), rng.uniform(50, 900, n))
        p_override = np.where(reviewer == "R4", 0.0, np.where(sex == "female", 0.3, 0.1))
    final = np.where(reviewed & (rng.random(n) < p_override), 1 - rec, rec)
    nxt = {"R1": "R2", "R2": "R3", "R3": "R4", "R4": "R1"}
    second = np.array([nxt[r] for r in reviewer], dtype=object)
    if not clean:
        second = np.where(rng.random(n) < 0.8, second, None)
    start = decided + pd.to_timedelta(rng.integers(60, 86400, n), unit="s")
    end = start + pd.to_timedelta(seconds, unit="s")
    nat = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
    log = pd.DataFrame({
        "case_id": [f"k{i}" for i in range(n)], "decided_at": decided, "model_name": "m", "model_version": "1",
        "score": score, "recommendation": rec, "case_type": case_type, "review_required": needed,
        "reviewer_1": np.where(reviewed, reviewer, None),
        "reviewer_2": np.where(reviewed & (case_type == "fraud"), second, None),
        "review_started_at": pd.Series(start).where(reviewed, nat),
        "review_ended_at": pd.Series(end).where(reviewed, nat), "final_decision": final, "sex": sex})
    if appeals:
        appealed = (final == 0) & (rng.random(n) < 0.3)
        filed = end.where(reviewed, decided) + pd.to_timedelta(rng.integers(1, 5 * 86400, n), unit="s")
        days = rng.uniform(1, 20 if clean else 45, n)
        closed = appealed & (rng.random(n) < (1.0 if clean else 0.8))
        won = rng.random(n) < (0.4 if clean else np.where(sex == "male", 0.6, 0.2))
        log["appeal_filed"] = appealed
        log["appeal_filed_at"] = pd.Series(filed).where(appealed, nat)
        log["appeal_outcome"] = np.where(closed, np.where(won, "overturned", "upheld"), None)
        log["appeal_decided_at"] = (pd.Series(filed) + pd.to_timedelta(days, unit="D")).where(closed, nat)
    return log


def _audit(log: pd.DataFrame, **settings) -> list[Finding]:
    settings = {"policy": POLICY, "sensitive_features": ["sex"], "n_resamples": 0, "min_reviews": 20, **settings}
    record = govaudit.audit(decision_log=log, auditors={"oversight": settings}, name="oversight_zh")
    return [f for f in record.findings if f.auditor == "oversight"]


def _findings(result) -> list[Finding]:
    return list(getattr(result, "findings", result))


@pytest.fixture(scope="module")
def scenarios() -> dict[str, list[Finding]]:
    """Findings of the real auditor, by scenario."""
    out = {
        # every rule broken; months over a 30% limit
        "problems": _audit(_log(1200, 3), policy={**POLICY, "max_unreviewed_share": 0.3}),
        "clean": _audit(_log(1200, 3, clean=True)),
        # a gap above the limit that is not significant; too few decided appeals to compare
        "small": _audit(_log(200, 4)),
        "unjudged_by_significance": _findings(OversightAuditor(
            policy=POLICY, sensitive_features=["sex"], n_resamples=0, require_significance=False).assess(_log(600, 5))),
    }
    # no fraud cases (nobody needs two reviewers), no appeal filed, no sensitive feature named
    quiet = _log(300, 7)
    quiet["case_type"], quiet["reviewer_2"] = "standard", None
    quiet["appeal_filed"], quiet["appeal_outcome"] = False, None
    quiet["appeal_filed_at"] = quiet["appeal_decided_at"] = pd.Series(pd.NaT, index=quiet.index,
                                                                      dtype="datetime64[us, UTC]")
    out["quiet"] = _findings(OversightAuditor(policy={**POLICY, "max_unreviewed_share": 0.9}, min_reviews=20).assess(quiet))
    out["quiet_by_sex"] = _findings(OversightAuditor(policy={**POLICY, "max_unreviewed_share": 0.9},
                                                     sensitive_features=["sex"], n_resamples=0).assess(quiet))
    # nobody reviews anything, nothing needs review, no appeal columns, no limit on months without a person
    unreviewed = _log(300, 6, appeals=False)
    unreviewed["reviewer_1"] = unreviewed["reviewer_2"] = None
    unreviewed["review_started_at"] = unreviewed["review_ended_at"] = pd.NaT
    unreviewed["review_required"] = False
    out["unreviewed"] = _findings(OversightAuditor(policy={"review_adverse": False}, sensitive_features=["sex"],
                                                   n_resamples=0).assess(unreviewed))
    # every case still pending: no decided month
    pending = _log(20, 8, appeals=False)
    pending["reviewer_1"] = pending["reviewer_2"] = None
    pending["review_started_at"] = pending["review_ended_at"] = pd.NaT
    pending["review_required"], pending["final_decision"] = False, np.nan
    out["pending"] = _findings(OversightAuditor(policy={"review_adverse": False}).assess(pending))
    # without a decision log: from the runner (names the missing input), and from the auditor itself
    out["no_log"] = [f for f in govaudit.audit(y_pred=[0, 1], sensitive_features=pd.DataFrame({"g": ["a", "b"]}),
                                                auditors={"oversight": {}}).findings if f.auditor == "oversight"]
    own = OversightAuditor().run(AuditSubject())
    out["no_log_own"] = list(own) + fail_closed(own)
    return out


@pytest.fixture(scope="module")
def findings(scenarios) -> list[Finding]:
    return [f for fs in scenarios.values() for f in fs]


def _one(scenarios, name: str, check: str, **evidence) -> Finding:
    hits = [f for f in scenarios[name] if f.check == check and all(f.evidence.get(k) == v for k, v in evidence.items())]
    assert len(hits) == 1, (name, check, [f.check for f in scenarios[name]])
    return hits[0]


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _data(finding: Finding) -> set[str]:
    """The finding's data: names a Chinese text keeps as they are (the auditor's too)."""
    ev = finding.evidence
    out = {finding.auditor} | {str(g) for g in finding.groups} | {str(m) for m in ev.get("missing", [])}
    out |= {str(k) for k in ev.get("unreviewed_by_month", {})}
    if ev.get("feature"):
        out.add(str(ev["feature"]))
    for key, name in (("groups", "group"), ("reviewers", "reviewer"), ("months", "month")):
        out |= {str(r[name]) for r in ev.get(key, []) if isinstance(r, dict) and r.get(name) is not None}
    return out


def _latin_words(text: str, data: set[str]) -> set[str]:
    for s in sorted(data, key=len, reverse=True):
        text = text.replace(s, " ")
    text = re.sub(r"\d+(?:[.,]\d+)*(?:e[-+]?\d+)?", " ", text)  # numbers, also 2.97e-06
    return set(re.findall(r"[A-Za-z_]+", text))


# --------------------------------------------------------------------------- coverage of the auditor's shapes


def test_every_check_appears_in_each_of_its_outcomes(findings):
    seen = {(f.check, f.status) for f in findings}
    p, x, s, i = Status.PASS, Status.FAIL, Status.SKIPPED, Status.INCONCLUSIVE
    expected = {
        ("oversight.review_coverage", p), ("oversight.review_coverage", x),
        ("oversight.two_person_rule", p), ("oversight.two_person_rule", x), ("oversight.two_person_rule", s),
        ("oversight.review_time", p), ("oversight.review_time", x), ("oversight.review_time", s),
        ("oversight.rubber_stamping", p), ("oversight.rubber_stamping", x), ("oversight.rubber_stamping", s),
        ("oversight.appeal_timeliness", p), ("oversight.appeal_timeliness", x), ("oversight.appeal_timeliness", s),
        ("oversight.automation_drift", p), ("oversight.automation_drift", x),
        ("oversight.override_fairness", p), ("oversight.override_fairness", x),
        ("oversight.override_fairness", i), ("oversight.override_fairness", s),
        ("oversight.appeal_fairness", p), ("oversight.appeal_fairness", x),
        ("oversight.appeal_fairness", i), ("oversight.appeal_fairness", s),
        ("oversight.requirements", s), ("oversight.requirements", i),
    }
    assert expected <= seen, sorted(expected - seen)
    # and the auditor emits no check this test does not know
    assert {c for c, _ in seen} == {c for c, _ in expected}


def test_every_finding_is_worded_in_chinese_with_only_data_left_in_latin_letters(findings):
    for f in findings:
        text, original = localise_message(f, ZH)
        assert not original, (f.check, f.status, f.message)
        assert text == message(f, ZH) or f.evidence.get("missing")  # the generic wording names what is missing
        assert re.search(r"[\u4e00-\u9fff]", text) and text != f.message, f.message
        assert _latin_words(text, _data(f)) <= ALLOWED_LATIN, (text, _latin_words(text, _data(f)))
        assert "nan" not in text.lower() and "None" not in text and "{" not in text


def test_the_wording_is_the_same_from_a_record_read_back_from_json(findings):
    for f in findings:
        back = Finding.model_validate(f.model_dump(mode="json"))
        assert localise_message(back, ZH) == localise_message(f, ZH), f.check


def test_unexpected_evidence_falls_back_to_the_auditors_words():
    odd = Finding(auditor="oversight", check="oversight.review_coverage", status=Status.FAIL, value=0.5,
                  evidence={"reviewed": "many"}, message="A person reviewed some.")
    assert localise_message(odd, ZH) == ("A person reviewed some.", True)
    unknown = Finding(auditor="oversight", check="oversight.new_check", status=Status.PASS, message="New.")
    assert localise_message(unknown, ZH) == ("New.", True)


# --------------------------------------------------------------------------- the numbers are the evidence's


def test_coverage_and_two_person_numbers(scenarios):
    f = _one(scenarios, "problems", "oversight.review_coverage")
    ev, (text, _) = f.evidence, localise_message(f, ZH)
    month, most = max(ev["unreviewed_by_month"].items(), key=lambda kv: kv[1])
    assert ev["unreviewed"] > 0 and f.status is Status.FAIL
    for part in (f"{ev['required_decided']:,} 个已决定案件", f"有 {ev['reviewed']:,} 个经过人工复核",
                 f"（{_pct(ev['reviewed'] / ev['required_decided'])}）", f"{ev['unreviewed']:,} 个未经任何人复核",
                 f"{month}（{most:,} 个）"):
        assert part in text, (part, text)
    f = _one(scenarios, "clean", "oversight.review_coverage")
    assert localise_message(f, ZH)[0].endswith("（100.0%）。") and "未经" not in localise_message(f, ZH)[0]
    assert "没有需要人工复核" in localise_message(_one(scenarios, "unreviewed", "oversight.review_coverage"), ZH)[0]

    f = _one(scenarios, "problems", "oversight.two_person_rule")
    ev, (text, _) = f.evidence, localise_message(f, ZH)
    assert ev["violations"] == ev["missing_second_reviewer"] + ev["same_reviewer_twice"] > 0
    for part in (f"{ev['required_decided']:,} 个", f"有 {ev['violations']:,} 个不满足",
                 f"{ev['missing_second_reviewer']:,} 个的复核人员少于两名", f"{ev['same_reviewer_twice']:,} 个由同一人"):
        assert part in text, (part, text)
    f = _one(scenarios, "clean", "oversight.two_person_rule")
    assert f"{f.evidence['required_decided']:,} 个已决定案件全部" in localise_message(f, ZH)[0]


def test_reviewer_numbers(scenarios):
    f = _one(scenarios, "problems", "oversight.review_time")
    ev, (text, _) = f.evidence, localise_message(f, ZH)
    r4 = next(r for r in ev["reviewers"] if r["reviewer"] == "R4")
    assert f.groups == ("R4",) and r4["flagged"]
    for part in (f"在 {ev['reviews']:,} 次复核中，有 {_pct(ev['short_reviews'] / ev['reviews'])}", "最短时间 60 秒",
                 "上限 5.0%", f"R4（{r4['reviews']:,} 次复核中占 {_pct(r4['short_reviews'] / r4['reviews'])}）"):
        assert part in text, (part, text)

    f = _one(scenarios, "problems", "oversight.rubber_stamping")
    ev, (text, _) = f.evidence, localise_message(f, ZH)
    r4 = next(r for r in ev["reviewers"] if r["reviewer"] == "R4")
    low, high = r4["agreement_ci"]
    assert f.groups == ("R4",) and low > 0.97
    for part in ("有 1 名复核人员", "高于 97.0%", f"R4 在 {r4['reviews']:,} 次复核中",
                 f"比率为 {_pct(r4['agreements'] / r4['reviews'])}（区间 {_pct(low)}–{_pct(high)}）"):
        assert part in text, (part, text)
    f = _one(scenarios, "clean", "oversight.rubber_stamping")
    assert "不少于 20 次" in localise_message(f, ZH)[0]
    assert f"总体一致率 {_pct(f.evidence['overall_agreement'])}" in localise_message(f, ZH)[0]


def test_appeal_and_month_numbers(scenarios):
    f = _one(scenarios, "problems", "oversight.appeal_timeliness")
    ev, (text, _) = f.evidence, localise_message(f, ZH)
    late = ev["late_decided"] + ev["late_open"]
    assert ev["late_open"] > 0 and late == ev["rows"]
    for part in (f"在 {ev['appeals']:,} 件申诉中，有 {late:,} 件（{_pct(late / ev['appeals'])}）", "30 天的期限",
                 f"其中 {ev['late_open']:,} 件仍未结"):
        assert part in text, (part, text)
    assert localise_message(_one(scenarios, "quiet", "oversight.appeal_timeliness"), ZH)[0] == "没有人提出申诉。"

    f = _one(scenarios, "problems", "oversight.automation_drift")
    text = localise_message(f, ZH)[0]
    over = [r for r in f.evidence["months"] if r["without_person"] / r["decided"] > 0.3]
    assert over and f"有 {len(over)} 个月份" in text and "超过 30.0%" in text
    for r in over:
        assert f"{r['month']}（{_pct(r['without_person'] / r['decided'])}）" in text
    f = _one(scenarios, "clean", "oversight.automation_drift")
    top = max(f.evidence["months"], key=lambda r: r["without_person"] / r["decided"])
    assert f"最高为 {top['month']} 的 {_pct(top['without_person'] / top['decided'])}" in localise_message(f, ZH)[0]
    f = _one(scenarios, "unreviewed", "oversight.automation_drift")
    assert "100.0% 到 100.0%" in localise_message(f, ZH)[0] and "未设上限" in localise_message(f, ZH)[0]


def _range_parts(f: Finding) -> list[str]:
    ev = f.evidence
    rows = {r["group"]: r for r in ev["groups"]}
    low, high = ev["test"]["lowest"], ev["test"]["highest"]

    def rate(group: str) -> float:  # events over cases, not the recorded rate
        return rows[group]["events"] / rows[group]["cases"]

    return [f"按{ev['feature']}划分", f"{_pct(rate(low))}（{low}）", f"{_pct(rate(high))}（{high}）",
            f"差距 {abs(rate(high) - rate(low)):.3f}"]


def test_group_comparison_numbers(scenarios):
    f = _one(scenarios, "problems", "oversight.override_fairness", feature="sex")
    text, block = localise_message(f, ZH)[0], f.evidence["significance"]
    assert f.status is Status.FAIL and f.groups == ("male", "female")
    for part in _range_parts(f) + [f"超过上限 0.05，且{holm(block)}，差距在统计上显著。"]:
        assert part in text, (part, text)

    f = _one(scenarios, "small", "oversight.override_fairness", feature="sex")
    text, block = localise_message(f, ZH)[0], f.evidence["significance"]
    assert f.status is Status.INCONCLUSIVE and block["beyond_limit"] and not block["significant"]
    for part in _range_parts(f) + [f"超过上限 0.05，但{holm(block)}，差距在统计上不显著，因此依据现有证据无法判断该门槛。"]:
        assert part in text, (part, text)

    f = _one(scenarios, "clean", "oversight.appeal_fairness", rate="appeal_success_rate")
    assert f.status is Status.PASS
    for part in _range_parts(f) + [f"未超过上限 0.05；{holm(f.evidence['significance'])}，差距在统计上不显著。",
                                   "已决定的申诉"]:
        assert part in localise_message(f, ZH)[0], part

    f = _one(scenarios, "unjudged_by_significance", "oversight.override_fairness", feature="sex")
    assert "significance" not in f.evidence and f.status is Status.FAIL
    text = localise_message(f, ZH)[0]
    for part in _range_parts(f) + [f"超过上限 0.05（p = {f.evidence['test']['p_value']:.3g}）。"]:
        assert part in text, (part, text)

    f = _one(scenarios, "small", "oversight.appeal_fairness", rate="appeal_success_rate")
    assert f.status is Status.INCONCLUSIVE and (f.value is None or f.value != f.value)
    assert "无法判断" in localise_message(f, ZH)[0] and "已决定的申诉" in localise_message(f, ZH)[0]
    f = _one(scenarios, "unreviewed", "oversight.override_fairness")
    assert localise_message(f, ZH)[0] == "日志中没有已复核的案件，因此无法按sex比较推翻率。"


# --------------------------------------------------------------------------- the catalogue file


def test_the_catalogue_file_holds_only_oversight_keys_and_all_are_used():
    def flat(table, prefix=""):
        for key, value in table.items():
            yield from flat(value, f"{prefix}{key}.") if isinstance(value, dict) else [f"{prefix}{key}"]

    keys = set(flat(tomllib.loads(TOML.read_text(encoding="utf-8"))))
    assert keys and all(k.startswith("message.oversight.") for k in keys)
    assert keys <= set(ZH.messages)
    source = MODULE.read_text(encoding="utf-8")
    used = {f"message.oversight.{k}" for k in re.findall(r'_P \+ "([a-z_]+)"', source)}
    used |= {"message.oversight.above", "message.oversight.within"}  # the Holm sentence is zh.toml's message.holm
    used |= {f"message.oversight.{table}.{rate}" for table in ("rate", "population")
             for rate in ("override_rate", "appeal_rate", "appeal_success_rate")}
    assert used <= keys, sorted(used - keys)
    assert keys <= used, sorted(keys - used)
