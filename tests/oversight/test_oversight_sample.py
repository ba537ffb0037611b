"""The sample decision log: each injected effect is found by its named check; the clean log flags nothing."""

from __future__ import annotations

import json
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pandas as pd
import pytest

from govaudit import Status
from govaudit.oversight._auditor import OversightAuditor, OversightConfig
from govaudit.cli import main
from sample_models.benefits_eligibility import decision_log as sample

SPEC = Path(__file__).resolve().parents[2] / "audits" / "benefits_oversight.toml"


def _config() -> OversightConfig:
    """The sample spec's own [auditors.oversight] section, with fewer resamples for speed."""
    section = tomllib.loads(SPEC.read_text())["auditors"]["oversight"]
    return OversightConfig.model_validate({**section, "n_resamples": 200})


@pytest.fixture(scope="module")
def biased() -> tuple[pd.DataFrame, object]:
    frame = sample.generate_decision_log(200_000, seed=0)
    return frame, OversightAuditor().assess(frame, _config())


@pytest.fixture(scope="module")
def clean() -> tuple[pd.DataFrame, object]:
    frame = sample.generate_decision_log(200_000, seed=0, bias=False)
    return frame, OversightAuditor().assess(frame, _config())


def _one(findings, check: str, **evidence):
    hits = [f for f in findings if f.check == check and all(f.evidence.get(k) == v for k, v in evidence.items())]
    assert len(hits) == 1
    return hits[0]


def test_the_spec_policy_is_the_generators_policy() -> None:
    assert _config().policy == sample.SAMPLE_POLICY


def test_rubber_stamper_is_named(biased) -> None:
    _, result = biased
    f = _one(result.findings, "oversight.rubber_stamping")
    assert f.status is Status.FAIL and f.groups == (sample.RUBBER_STAMPER,)
    row = next(r for r in f.evidence["reviewers"] if r["reviewer"] == sample.RUBBER_STAMPER)
    assert row["agreement_ci"][0] <= 1 - sample.STAMPER_OVERRIDE <= row["agreement_ci"][1]
    t = _one(result.findings, "oversight.review_time")
    assert t.status is Status.FAIL and t.groups == (sample.RUBBER_STAMPER,)
    short = next(r for r in t.evidence["reviewers"] if r["reviewer"] == sample.RUBBER_STAMPER)["short_share"]
    assert short == pytest.approx(0.96, abs=0.01)  # P(lognormal(25 s, 0.5) < 60 s) = Φ(ln 2.4 / 0.5) = 0.960


def test_coverage_drop_month_is_found(biased) -> None:
    _, result = biased
    cov = _one(result.findings, "oversight.review_coverage")
    assert cov.status is Status.FAIL and set(cov.evidence["unreviewed_by_month"]) == {sample.SHORTAGE_MONTH}
    drift = _one(result.findings, "oversight.automation_drift")
    assert drift.status is Status.FAIL and drift.groups == (sample.SHORTAGE_MONTH,)
    july = next(m for m in drift.evidence["months"] if m["month"] == sample.SHORTAGE_MONTH)
    others = [m["share"] for m in drift.evidence["months"] if m["month"] != sample.SHORTAGE_MONTH]
    assert july["share"] > 0.45 > max(others)


def test_late_appeals_are_found(biased) -> None:
    _, result = biased
    f = _one(result.findings, "oversight.appeal_timeliness")
    assert f.status is Status.FAIL and set(f.evidence["late_by_filing_month"]) == {sample.SHORTAGE_MONTH}


def test_appeals_succeed_more_often_online(biased) -> None:
    frame, result = biased
    f = _one(result.findings, "oversight.appeal_fairness", feature="channel", rate="appeal_success_rate")
    assert f.status is Status.FAIL and f.groups == ("in_person", "online")
    rates = {r["group"]: r["appeal_success_rate"] for r in f.evidence["groups"]}
    decided = frame[frame["appeal_outcome"].notna()]
    by_pandas = (decided["appeal_outcome"] == "overturned").groupby(decided["channel"]).mean()
    assert rates == pytest.approx(by_pandas.to_dict())
    for group, p in sample.APPEAL_SUCCESS_BIASED.items():
        assert rates[group] == pytest.approx(p, abs=0.03)
    # overrides and appeal rates were not made to differ, and are not flagged
    for f in result.findings:
        if f.check == "oversight.override_fairness" or f.evidence.get("rate") == "appeal_rate":
            assert f.status is Status.PASS, f.message


def test_two_person_rule_breaks_are_found(biased) -> None:
    frame, result = biased
    f = _one(result.findings, "oversight.two_person_rule")
    fraud = frame["case_type"] == "fraud_suspected"
    same = fraud & (frame["reviewer_1"] == frame["reviewer_2"])
    assert f.status is Status.FAIL and f.evidence["same_reviewer_twice"] == same.sum() > 50


def test_violations_go_to_the_case_file_only(biased) -> None:
    _, result = biased
    table = result.case_tables[0].table
    assert set(table.columns) == {"case_id", "check", "detail"}
    counts = table["check"].value_counts()
    for f in result.findings:
        if "case_file" in f.evidence:
            assert f.evidence["rows"] == counts.get(f.check, 0)


def test_clean_log_flags_nothing(clean) -> None:
    _, result = clean
    assert isinstance(result, list)  # no case broke a rule: no case table
    flagged = [(f.check, f.status.value, f.message) for f in result if f.status is not Status.PASS]
    assert flagged == []


def test_generation_is_deterministic_and_documented() -> None:
    a = sample.generate_decision_log(2000, seed=3)
    b = sample.generate_decision_log(2000, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert set(sample.INJECTED_EFFECTS) == {
        "oversight.rubber_stamping", "oversight.review_time", "oversight.review_coverage",
        "oversight.automation_drift", "oversight.appeal_timeliness", "oversight.appeal_fairness",
        "oversight.two_person_rule"}


def test_spec_runs_from_the_command_line(tmp_path: Path) -> None:
    for bias, expected in ((True, 1), (False, 0)):
        folder = tmp_path / ("biased" if bias else "clean")
        folder.mkdir()
        argv = ["--cases", "20000", "--out", str(folder / "log.csv")] + ([] if bias else ["--no-bias"])
        assert sample.main(argv) == 0
        spec = SPEC.read_text().replace("../sample_models/benefits_eligibility/artifacts/decision_log.parquet",
                                        "log.csv").replace('"../reports/benefits_oversight"', '"out"')
        (folder / "audit.toml").write_text(spec)
        assert main(["run", str(folder / "audit.toml"), "--quiet"]) == expected
        assert (folder / "out" / "record.json").exists()
        assert (folder / "out" / "oversight_violations.parquet").exists() is bias
        assert "BEN-" not in (folder / "out" / "record.json").read_text()


def test_the_sample_spec_on_duckdb_gives_the_in_memory_record(tmp_path: Path) -> None:
    """The spec as shipped, with backend = "duckdb": the same findings, exit code and case file."""
    assert sample.main(["--cases", "50000", "--out", str(tmp_path / "log.parquet")]) == 0
    text = SPEC.read_text().replace("../sample_models/benefits_eligibility/artifacts/decision_log.parquet",
                                    "log.parquet").replace("n_resamples = 1000", "n_resamples = 200")
    outputs = {}
    for backend in ("memory", "duckdb"):
        spec = text.replace('"../reports/benefits_oversight"', f'"{backend}"').replace(
            'path = "log.parquet"', f'path = "log.parquet"\nbackend = "{backend}"')
        (tmp_path / f"{backend}.toml").write_text(spec)
        assert main(["run", str(tmp_path / f"{backend}.toml"), "--quiet"]) == 1
        record = json.loads((tmp_path / backend / "record.json").read_text())
        cases = pd.read_parquet(tmp_path / backend / "oversight_violations.parquet")
        outputs[backend] = (record["findings"], cases.sort_values(["check", "case_id"]).reset_index(drop=True))
    assert outputs["duckdb"][0] == outputs["memory"][0]
    pd.testing.assert_frame_equal(outputs["duckdb"][1], outputs["memory"][1])
    failed = {f["check"] for f in outputs["duckdb"][0] if f["status"] == "fail"}
    assert set(sample.INJECTED_EFFECTS) <= failed
