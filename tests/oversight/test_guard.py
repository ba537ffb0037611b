"""The runtime guard: scikit-learn compatible, routes by the policy, logs everything; its log audits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from govaudit import Status
from govaudit.oversight._auditor import OversightAuditor
from govaudit.exceptions import InputDataError
from govaudit.oversight import OversightGuard, OversightPolicy

T0 = datetime(2025, 2, 3, 9, 0, tzinfo=timezone.utc)
POLICY = {"uncertainty_band": [0.35, 0.65], "review_case_types": ["fraud"], "two_person_case_types": ["fraud"],
          "min_review_seconds": 60, "reviewers": ["A", "B", "C"], "appeal_deadline_days": 30}


@pytest.fixture(scope="module")
def model_and_data() -> tuple[LogisticRegression, pd.DataFrame]:
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"income": rng.normal(size=500), "household": rng.integers(1, 6, 500)})
    y = (X["income"] + 0.3 * X["household"] + rng.normal(scale=0.8, size=500) > 0.5).astype(int)
    return LogisticRegression().fit(X, y), X


def test_is_a_scikit_learn_estimator(model_and_data, tmp_path: Path) -> None:
    model, X = model_and_data
    guard = OversightGuard(model, POLICY, log=tmp_path / "log.sqlite", model_name="m", model_version="2")
    params = guard.get_params(deep=False)
    assert params["model"] is model and params["model_version"] == "2" and params["threshold"] == 0.5
    twin = clone(guard)
    assert twin.get_params(deep=False)["policy"] == POLICY and twin.model is not model  # clone copies the model
    guard.set_params(threshold=0.7, model__C=0.5)
    assert guard.threshold == 0.7 and model.C == 0.5 and guard.get_params()["model__C"] == 0.5
    with pytest.raises(ValueError, match="invalid parameter 'thresold' for OversightGuard"):
        guard.set_params(thresold=0.1)
    np.testing.assert_array_equal(guard.predict(X), model.predict(X))
    np.testing.assert_array_equal(guard.predict_proba(X), model.predict_proba(X))
    assert len(guard.log_) == 0  # predict never logs


def test_decide_routes_like_the_policy_and_logs_every_case(model_and_data, tmp_path: Path) -> None:
    model, X = model_and_data
    guard = OversightGuard(model, POLICY, log=tmp_path / "log.sqlite")
    types = np.where(np.arange(len(X)) % 50 == 0, "fraud", "standard")
    out = guard.decide(X, [f"c{i}" for i in range(len(X))], case_types=types, decided_at=T0)
    score = model.predict_proba(X)[:, 1]
    expected = (score < 0.5) | ((score >= 0.35) & (score <= 0.65)) | (types == "fraud")
    np.testing.assert_array_equal(out["review_required"].to_numpy(), expected)
    np.testing.assert_allclose(out["score"], score)
    assert out.loc[~expected, "final_decision"].tolist() == [1] * int((~expected).sum())
    assert out.loc[expected, "final_decision"].isna().all()
    log = guard.read_log()
    assert len(log) == len(X) and log["review_required"].sum() == expected.sum()
    assert set(log.loc[types == "fraud", "review_reason"].str.contains("case_type")) == {True}
    with pytest.raises(InputDataError, match="already in the decision log: c0"):
        guard.decide(X.iloc[:2], ["c0", "new"], decided_at=T0)
    assert len(guard.log_) == len(X)
    with pytest.raises(InputDataError, match="case_ids has 1 entries but X has 2 rows"):
        guard.decide(X.iloc[:2], ["x"], decided_at=T0)


def test_record_review_refuses_bad_reviews(model_and_data, tmp_path: Path) -> None:
    model, X = model_and_data
    guard = OversightGuard(model, POLICY, log=tmp_path / "log.sqlite")
    out = guard.decide(X.iloc[:50], [f"c{i}" for i in range(50)], decided_at=T0)
    queued = out.loc[out["review_required"], "case_id"].tolist()
    with pytest.raises(InputDataError, match="reviewer 'Z' is not in the policy's roster"):
        guard.record_review(queued[0], "Z", 1, started_at=T0)
    with pytest.raises(InputDataError, match="second reviewer must be a different person"):
        guard.record_review(queued[0], "A", 1, started_at=T0, second_reviewer="A")
    with pytest.raises(InputDataError, match="is before started_at"):
        guard.record_review(queued[0], "A", 1, started_at=T0, ended_at=T0 - timedelta(seconds=1))
    with pytest.raises(InputDataError, match="decision must be 0 or 1"):
        guard.record_review(queued[0], "A", 2, started_at=T0)
    guard.record_review(queued[0], "A", 1, "documents checked", started_at=T0, ended_at=T0 + timedelta(minutes=4))
    with pytest.raises(InputDataError, match="already has a final decision"):
        guard.record_review(queued[0], "B", 0, started_at=T0)


def test_guard_end_to_end_then_audit(model_and_data, tmp_path: Path) -> None:
    """Run the guard, let three reviewers work (C rubber-stamps, one fraud case gets one reviewer,
    some queued cases are still waiting), file appeals, then audit the exported log."""
    model, X = model_and_data
    rng = np.random.default_rng(11)
    guard = OversightGuard(model, POLICY, log=tmp_path / "log.sqlite", model_name="benefits", model_version="3")
    sex = rng.choice(["female", "male"], len(X))
    types = np.where(np.arange(len(X)) % 40 == 0, "fraud", "standard")
    out = guard.decide(X, [f"c{i:04d}" for i in range(len(X))], case_types=types,
                       sensitive_features={"sex": sex}, decided_at=T0)
    queued = out[out["review_required"]].reset_index(drop=True)
    skipped = set(queued["case_id"][::25])  # still in the queue: pending, not violations
    hand = {"reviews": 0, "short": 0, "c_agree": 0, "c_reviews": 0, "fraud_single": 0}
    first_fraud = next(c for c in queued["case_id"] if types[int(c[1:])] == "fraud" and c not in skipped)
    c_cases = []
    for i, row in queued.iterrows():
        if row.case_id in skipped:
            continue
        reviewer = "ABC"[i % 3]
        rec = int(row.recommendation)
        if reviewer == "C":  # rubber stamp: 20 seconds, always agrees
            decision, seconds = rec, 20
            hand["c_agree"] += 1
            hand["c_reviews"] += 1
            hand["short"] += 1
            c_cases.append(row.case_id)
        else:
            decision = 1 - rec if rng.random() < 0.2 else rec
            seconds = 300
        fraud = types[int(row.case_id[1:])] == "fraud"
        second = None
        if fraud:
            second = "B" if reviewer != "B" else "A"
            if row.case_id == first_fraud:
                second = None  # the first fraud case gets only one reviewer
                hand["fraud_single"] += 1
        start = T0 + timedelta(hours=2 + i % 7)
        guard.record_review(row.case_id, reviewer, decision, "checked", started_at=start,
                            ended_at=start + timedelta(seconds=seconds), second_reviewer=second)
        hand["reviews"] += 1
    final = guard.read_log()
    refused = final.loc[final["final_decision"] == 0, "case_id"].tolist()
    assert len(refused) >= 60
    for j, case in enumerate(refused[:60]):
        filed = T0 + timedelta(days=3)
        guard.record_appeal(case, filed)
        if j < 50:
            guard.record_appeal_outcome(case, "overturned" if j % 2 else "upheld",
                                        filed + timedelta(days=45 if j < 5 else 10))
    path = guard.export_log(tmp_path / "decision_log.parquet")

    auditor = OversightAuditor(policy=POLICY, sensitive_features=["sex"], min_reviews=50, n_resamples=100,
                              rubber_stamp_agreement=0.9)
    result = auditor.assess(pd.read_parquet(path))
    by_check = {}
    for f in result.findings:
        by_check.setdefault(f.check, f)
    coverage = by_check["oversight.review_coverage"]
    # the guard never lets a queued case take effect without a person: waiting cases are pending
    assert coverage.status is Status.PASS and coverage.evidence["unreviewed"] == 0
    assert coverage.evidence["pending"] == len(skipped)
    assert coverage.evidence["required_decided"] == len(queued) - len(skipped) == hand["reviews"]
    two = by_check["oversight.two_person_rule"]
    assert two.status is Status.FAIL and two.evidence["missing_second_reviewer"] == hand["fraud_single"] == 1
    review_time = by_check["oversight.review_time"]
    assert review_time.groups == ("C",) and review_time.evidence["short_reviews"] == hand["short"]
    rubber = by_check["oversight.rubber_stamping"]
    assert rubber.status is Status.FAIL and rubber.groups == ("C",)
    c_row = next(r for r in rubber.evidence["reviewers"] if r["reviewer"] == "C")
    assert c_row["reviews"] == hand["c_reviews"] and c_row["agreement"] == 1.0
    late = by_check["oversight.appeal_timeliness"]
    assert late.status is Status.FAIL and late.evidence["late_decided"] == 5 and late.evidence["appeals"] == 60
    # the ids of the violating cases are in the case table, never in a finding
    table = result.case_tables[0].table
    assert set(table.loc[table["check"] == "oversight.review_time", "case_id"]) == set(c_cases)
    assert table.loc[table["check"] == "oversight.two_person_rule", "case_id"].tolist() == [first_fraud]
    text = " ".join(f.model_dump_json() for f in result.findings)
    assert not any(case in text for case in c_cases + [first_fraud])


def test_default_policy_and_bad_policy(model_and_data, tmp_path: Path) -> None:
    model, X = model_and_data
    assert OversightGuard(model, log=tmp_path / "l.sqlite").policy_ == OversightPolicy()
    with pytest.raises(InputDataError, match="policy must be an OversightPolicy or a mapping"):
        OversightGuard(model, policy=3, log=tmp_path / "l.sqlite").decide(X.iloc[:1], ["a"])
    with pytest.raises(InputDataError, match="OversightGuard needs a decision log"):
        OversightGuard(model).decide(X.iloc[:1], ["a"])
