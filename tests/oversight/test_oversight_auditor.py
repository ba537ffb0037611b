"""The oversight auditor's numbers against independent pandas / scipy computations on a random log."""

from __future__ import annotations

import math
from dataclasses import replace
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, norm

from govaudit import Status
from govaudit.oversight._auditor import OversightAuditor, OversightConfig
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.testing import check_auditor, example_subject

POLICY = {"uncertainty_band": [0.4, 0.6], "review_case_types": ["fraud"], "two_person_case_types": ["fraud"],
          "min_review_seconds": 60, "max_unreviewed_share": 0.5, "appeal_deadline_days": 30}


def random_log(n: int = 4000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    decided = pd.Timestamp("2025-01-01T00:00Z") + pd.to_timedelta(np.sort(rng.integers(0, 180 * 86400, n)), unit="s")
    score = np.round(rng.random(n), 3)
    rec = (score >= 0.5).astype(int)
    case_type = np.where(rng.random(n) < 0.05, "fraud", "standard")
    sex = rng.choice(["female", "male", None], n, p=[0.5, 0.48, 0.02])
    needed = (rec == 0) | ((score >= 0.4) & (score <= 0.6)) | (case_type == "fraud")
    reviewed = needed & (rng.random(n) < 0.93)  # some required cases decided without anyone
    reviewer = rng.choice(["R1", "R2", "R3", "R4"], n)
    seconds = np.where(reviewer == "R4", rng.uniform(5, 90, n), rng.uniform(50, 900, n))
    p_override = np.where(reviewer == "R4", 0.0, np.where(sex == "female", 0.15, 0.08))
    overridden = reviewed & (rng.random(n) < p_override)
    final = np.where(overridden, 1 - rec, rec)
    second = np.where(rng.random(n) < 0.9, np.roll(reviewer, 1), None)
    second = np.where(second == reviewer, None, second)
    start = decided + pd.to_timedelta(rng.integers(60, 86400, n), unit="s")
    end = start + pd.to_timedelta(seconds, unit="s")
    appealed = (final == 0) & (rng.random(n) < 0.2)
    filed = end + pd.to_timedelta(rng.integers(1, 10 * 86400, n), unit="s")
    days = rng.uniform(1, 40, n)
    closed = appealed & (rng.random(n) < 0.9)
    won = rng.random(n) < np.where(sex == "male", 0.5, 0.25)
    nat = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
    log = pd.DataFrame({
        "case_id": [f"k{i}" for i in range(n)], "decided_at": decided, "model_name": "m", "model_version": "1",
        "score": score, "recommendation": rec, "case_type": case_type, "review_required": needed,
        "reviewer_1": np.where(reviewed, reviewer, None), "reviewer_2": np.where(reviewed & (case_type == "fraud"), second, None),
        "review_started_at": pd.Series(start).where(reviewed, nat), "review_ended_at": pd.Series(end).where(reviewed, nat),
        "final_decision": final, "appeal_filed": appealed,
        "appeal_filed_at": pd.Series(filed).where(appealed, nat),
        "appeal_outcome": np.where(closed, np.where(won, "overturned", "upheld"), None),
        "appeal_decided_at": (pd.Series(filed) + pd.to_timedelta(days, unit="D")).where(closed, nat),
        "sex": sex,
    })
    return log


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return random_log()


@pytest.fixture(scope="module")
def result(log):
    return OversightAuditor(policy=POLICY, sensitive_features=["sex"], n_resamples=200).assess(log)


def _finding(result, check: str, **evidence):
    hits = [f for f in result.findings if f.check == check and all(f.evidence.get(k) == v for k, v in evidence.items())]
    assert len(hits) == 1, [f.check for f in result.findings]
    return hits[0]


def _wilson(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    z = norm.ppf(0.5 + confidence / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def test_coverage_counts(log, result) -> None:
    needed = (log["recommendation"] == 0) | log["score"].between(0.4, 0.6) | (log["case_type"] == "fraud")
    missed = needed & log["reviewer_1"].isna()
    f = _finding(result, "oversight.review_coverage")
    assert f.evidence["required_decided"] == needed.sum()
    assert f.evidence["unreviewed"] == missed.sum() > 0
    assert f.value == pytest.approx(1 - missed.sum() / needed.sum())
    assert f.status is Status.FAIL
    per_month = log.loc[missed, "decided_at"].dt.strftime("%Y-%m").value_counts().to_dict()
    assert f.evidence["unreviewed_by_month"] == per_month
    table = result.case_tables[0].table
    assert sorted(table.loc[table["check"] == "oversight.review_coverage", "case_id"]) == sorted(log.loc[missed, "case_id"])


def test_two_person_rule_counts(log, result) -> None:
    fraud = log["case_type"] == "fraud"
    missing = fraud & (log["reviewer_1"].isna() | log["reviewer_2"].isna())
    f = _finding(result, "oversight.two_person_rule")
    assert f.evidence["missing_second_reviewer"] == missing.sum() > 0
    assert f.evidence["same_reviewer_twice"] == 0
    assert f.evidence["required_decided"] == fraud.sum()


def test_same_reviewer_twice_is_caught() -> None:
    log = random_log(600, seed=9)
    fraud_reviewed = log.index[(log["case_type"] == "fraud") & log["reviewer_1"].notna()][:3]
    log.loc[fraud_reviewed, "reviewer_2"] = log.loc[fraud_reviewed, "reviewer_1"]
    res = OversightAuditor(policy=POLICY).assess(log)
    f = _finding(res, "oversight.two_person_rule")
    assert f.evidence["same_reviewer_twice"] == 3
    assert sum(f.evidence["same_reviewer_twice_by_reviewer"].values()) == 3


def test_review_time_by_reviewer_matches_pandas(log, result) -> None:
    reviewed = log[log["reviewer_1"].notna()]
    seconds = (reviewed["review_ended_at"] - reviewed["review_started_at"]).dt.total_seconds()
    expected = (seconds < 60).groupby(reviewed["reviewer_1"]).agg(["sum", "size", "mean"])
    f = _finding(result, "oversight.review_time")
    rows = {r["reviewer"]: r for r in f.evidence["reviewers"]}
    for reviewer, row in expected.iterrows():
        assert rows[reviewer]["short_reviews"] == row["sum"] and rows[reviewer]["reviews"] == row["size"]
        assert rows[reviewer]["short_share"] == pytest.approx(row["mean"])
        assert rows[reviewer]["short_share_ci"] == pytest.approx(list(_wilson(int(row["sum"]), int(row["size"]))))
        assert rows[reviewer]["mean_seconds"] == pytest.approx(seconds[reviewed["reviewer_1"] == reviewer].mean())
    assert f.groups == ("R4",) and f.status is Status.FAIL


def test_rubber_stamping_names_the_reviewer_with_a_wilson_interval(log, result) -> None:
    reviewed = log[log["reviewer_1"].notna()]
    agree = (reviewed["final_decision"] == reviewed["recommendation"]).groupby(reviewed["reviewer_1"]).agg(["sum", "size"])
    f = _finding(result, "oversight.rubber_stamping")
    assert f.groups == ("R4",) and f.status is Status.FAIL
    rows = {r["reviewer"]: r for r in f.evidence["reviewers"]}
    for reviewer, row in agree.iterrows():
        assert rows[reviewer]["agreements"] == row["sum"] and rows[reviewer]["reviews"] == row["size"]
        assert rows[reviewer]["agreement_ci"] == pytest.approx(list(_wilson(int(row["sum"]), int(row["size"]))))
    assert rows["R4"]["agreement"] == 1.0 and rows["R4"]["agreement_ci"][0] > 0.97


def test_override_fairness_matches_pandas_and_scipy(log, result) -> None:
    reviewed = log[log["reviewer_1"].notna()].copy()
    reviewed["sex"] = reviewed["sex"].fillna("unknown")
    overridden = reviewed["final_decision"] != reviewed["recommendation"]
    rates = overridden.groupby(reviewed["sex"]).agg(["sum", "size", "mean"])
    f = _finding(result, "oversight.override_fairness", feature="sex")
    rows = {r["group"]: r for r in f.evidence["groups"]}
    for group, row in rates.iterrows():
        assert rows[group]["cases"] == row["size"]
        if row["size"] >= 10:
            assert rows[group]["events"] == row["sum"]
            assert rows[group]["override_rate"] == pytest.approx(row["mean"])
    assert rows["unknown"]["compared"] is False  # missing sex: reported, kept out of the gap
    known = rates.drop(index="unknown")
    assert f.value == pytest.approx(known["mean"].max() - known["mean"].min())
    table = [[known.loc[g, "sum"], known.loc[g, "size"] - known.loc[g, "sum"]] for g in ("female", "male")]
    p = chi2_contingency(table, correction=False).pvalue  # equals the pooled two-proportion z test
    assert f.evidence["test"]["p_value"] == pytest.approx(p)
    assert f.groups == ("male", "female") and f.status is Status.FAIL  # 8% vs 15% by construction


def test_appeal_rates_and_success_match_pandas(log, result) -> None:
    refused = log[log["final_decision"] == 0].assign(sex=lambda d: d["sex"].fillna("unknown"))
    rate = refused.groupby("sex")["appeal_filed"].mean()
    f = _finding(result, "oversight.appeal_fairness", feature="sex", rate="appeal_rate")
    got = {r["group"]: r.get("appeal_rate") for r in f.evidence["groups"] if "appeal_rate" in r}
    for group, value in rate.items():
        if group in got:
            assert got[group] == pytest.approx(value)
    decided = log[log["appeal_outcome"].notna()].assign(sex=lambda d: d["sex"].fillna("unknown"))
    success = (decided["appeal_outcome"] == "overturned").groupby(decided["sex"]).mean()
    f = _finding(result, "oversight.appeal_fairness", feature="sex", rate="appeal_success_rate")
    rows = {r["group"]: r for r in f.evidence["groups"]}
    assert rows["male"]["appeal_success_rate"] == pytest.approx(success["male"])
    assert f.value == pytest.approx(abs(success["male"] - success["female"]))
    assert f.status is Status.FAIL and f.groups == ("female", "male")


def test_appeal_timeliness_counts(log, result) -> None:
    filed = log["appeal_filed"]
    days = (log["appeal_decided_at"] - log["appeal_filed_at"]).dt.total_seconds() / 86400
    late_closed = filed & (days > 30)
    as_of = max(log[c].max() for c in log.columns if str(log[c].dtype).startswith("datetime64"))
    open_days = (as_of - log["appeal_filed_at"]).dt.total_seconds() / 86400
    late_open = filed & log["appeal_decided_at"].isna() & (open_days > 30)
    f = _finding(result, "oversight.appeal_timeliness")
    assert f.evidence["appeals"] == filed.sum()
    assert f.evidence["late_decided"] == late_closed.sum() > 0
    assert f.evidence["late_open"] == late_open.sum()
    assert f.value == pytest.approx((late_closed | late_open).sum() / filed.sum())


def test_automation_drift_by_month_matches_pandas(log, result) -> None:
    month = log["decided_at"].dt.strftime("%Y-%m")
    share = log["reviewer_1"].isna().groupby(month).mean()
    f = _finding(result, "oversight.automation_drift")
    got = {r["month"]: r["share"] for r in f.evidence["months"]}
    assert got == pytest.approx(share.to_dict())
    assert f.value == pytest.approx(share.max())
    assert f.status is (Status.FAIL if share.max() > 0.5 else Status.PASS)


def test_nothing_individual_in_the_findings(log, result) -> None:
    text = " ".join(f.model_dump_json() for f in result.findings)
    assert re.findall(r"\bk\d+\b", text) == []  # no case id (k0, k1, ...) anywhere in a finding
    assert len(result.case_tables[0].table) > 0


def test_pending_cases_are_not_violations() -> None:
    log = random_log(300, seed=2)
    needed = log["review_required"] & log["reviewer_1"].isna()
    log.loc[needed, "final_decision"] = np.nan  # the unreviewed ones are still waiting
    res = OversightAuditor(policy=POLICY).assess(log)
    f = _finding(res, "oversight.review_coverage")
    assert f.status is Status.PASS and f.evidence["pending"] == needed.sum()


def test_policy_with_case_types_needs_the_column() -> None:
    with pytest.raises(ColumnError, match="routes by case type \\(fraud, fraud\\) but the decision log has no 'case_type'"):
        OversightAuditor(policy=POLICY).assess(random_log(100).drop(columns="case_type"))


def test_unknown_reviewer_is_an_input_error() -> None:
    with pytest.raises(InputDataError, match="'reviewer_1' names 1 reviewer id\\(s\\) not in the policy's roster"):
        OversightAuditor(policy={**POLICY, "reviewers": ["R1", "R2", "R3"]}).assess(random_log(400))


def test_config_rejects_typos_and_bad_bands() -> None:
    with pytest.raises(ValueError, match="extra"):
        OversightConfig.model_validate({"polcy": {}})
    with pytest.raises(ValueError, match="uncertainty_band must be"):
        OversightConfig.model_validate({"policy": {"uncertainty_band": [0.7, 0.2]}})


def test_follows_the_auditor_protocol() -> None:
    from sample_models.benefits_eligibility.decision_log import generate_decision_log

    # a clean log: no case breaks a rule, so run() returns its findings as a plain list
    subject = replace(example_subject(200), decision_log=generate_decision_log(3000, seed=1, bias=False))
    check_auditor(OversightAuditor, subject)
    assert OversightAuditor().run(example_subject(50))[0].status is Status.SKIPPED
