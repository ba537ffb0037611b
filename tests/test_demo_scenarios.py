"""The combined demo: five scenarios audited, appended to one verifiable ledger, one HTML report each."""

from __future__ import annotations

import pytest
from rich.console import Console

from govaudit.cli import main
from sample_models.demo import PLAIN, failed_checks, run_demo


def test_failed_checks_are_plain_words_each_once():
    record = {"findings": [
        {"check": "bias.impact_ratio", "status": "fail"}, {"check": "bias.impact_ratio", "status": "fail"},
        {"check": "oversight.two_person_rule", "status": "error"}, {"check": "provenance.freshness", "status": "pass"},
        {"check": "custom.some_check", "status": "fail"}]}
    assert failed_checks(record) == [PLAIN["bias.impact_ratio"], PLAIN["oversight.two_person_rule"], "some check"]


@pytest.mark.slow
def test_demo_runs_five_scenarios_into_one_ledger(tmp_path):
    rows = run_demo(quick=True, reports=tmp_path / "reports", workdir=tmp_path, console=Console(quiet=True))
    assert [r["verdict"] for r in rows] == ["fail"] * 5
    assert all(r["failed"] for r in rows)
    assert PLAIN["oversight.two_person_rule"] in rows[3]["failed"]
    assert PLAIN["provenance.lineage"] in rows[2]["failed"]
    assert PLAIN["oversight.rubber_stamping"] in rows[1]["failed"]
    assert PLAIN["amounts.underpaid_share"] in rows[4]["failed"]
    for name in ("benefits_full", "welfare_fraud_risk_full", "job_matching", "community_access_face_match",
                 "home_visit_priority"):
        assert (tmp_path / "reports" / name / "report.html").stat().st_size > 1000
    assert main(["ledger", "verify", str(tmp_path / "reports" / "ledger.sqlite")]) == 0


def _welfare(tmp_path, *flags: str) -> tuple[int, dict]:
    import json
    from pathlib import Path

    from sample_models.welfare_fraud_risk.__main__ import main as build
    from sample_models.welfare_fraud_risk.decision_log import main as build_log
    from sample_models.welfare_fraud_risk.manifest import main as build_manifest

    repo = Path(__file__).resolve().parents[1]
    art = tmp_path / "artifacts"
    assert build(["--rows", "8000", "--out", str(art), *flags]) == 0
    assert build_log(["--cases", "20000", "--out", str(art / "decision_log.parquet"), *flags]) == 0
    assert build_manifest(["--data-dir", str(art)]) == 0
    text = (repo / "audits" / "welfare_fraud_risk_full.toml").read_text()
    text = text.replace("../sample_models/welfare_fraud_risk/artifacts/", "artifacts/")
    text = text.replace('dir = "../reports/welfare_fraud_risk_full"', 'dir = "reports"')
    (tmp_path / "spec.toml").write_text(text)
    code = main(["run", str(tmp_path / "spec.toml"), "--quiet"])
    return code, json.loads((tmp_path / "reports" / "record.json").read_text())


@pytest.mark.slow
def test_welfare_full_finds_proxy_and_missing_review_and_clean_variant_passes(tmp_path):
    code, record = _welfare(tmp_path / "biased")
    assert code == 1
    failed = {f["check"] for f in record["findings"] if f["status"] == "fail"}
    assert {"explainability.proxy_risk", "oversight.review_coverage", "oversight.rubber_stamping",
            "oversight.review_time"} <= failed
    code, record = _welfare(tmp_path / "clean", "--no-bias")
    assert code == 0
    assert not [f for f in record["findings"] if f["status"] in ("fail", "error")]


def _benefits(tmp_path, *flags: str) -> tuple[int, dict]:
    import json
    from pathlib import Path

    from sample_models.benefits_eligibility.__main__ import main as build
    from sample_models.benefits_eligibility.decision_log import main as build_log
    from sample_models.benefits_eligibility.manifest import main as build_manifest
    from sample_models.demo import BENEFITS_OWNER, declare_decision_log

    repo = Path(__file__).resolve().parents[1]
    art = tmp_path / "artifacts"
    assert build(["--rows", "10000", "--out", str(art), *flags]) == 0
    assert build_log(["--cases", "20000", "--out", str(art / "decision_log.parquet"), *flags]) == 0
    assert build_manifest(["--data-dir", str(art)]) == 0
    declare_decision_log(art, owner=BENEFITS_OWNER)
    text = (repo / "audits" / "benefits_full.toml").read_text()
    text = text.replace("../sample_models/benefits_eligibility/artifacts/", "artifacts/")
    text = text.replace('dir = "../reports/benefits_full"', 'dir = "reports"')
    (tmp_path / "spec.toml").write_text(text)
    code = main(["run", str(tmp_path / "spec.toml"), "--quiet"])
    return code, json.loads((tmp_path / "reports" / "record.json").read_text())


@pytest.mark.slow
def test_benefits_full_finds_the_injected_effects_and_clean_variant_passes(tmp_path):
    code, record = _benefits(tmp_path / "biased")
    assert code == 1
    failed = {(f["check"], tuple(f.get("groups") or ())) for f in record["findings"] if f["status"] == "fail"}
    checks = {check for check, _ in failed}
    assert ("bias.impact_ratio", ("in_person", "online")) in failed  # the injected in-person denials
    assert {"explainability.direct_use", "oversight.review_coverage", "oversight.rubber_stamping",
            "oversight.two_person_rule", "oversight.review_time"} <= checks
    code, record = _benefits(tmp_path / "clean", "--no-bias")
    assert code == 0
    assert not [f for f in record["findings"] if f["status"] in ("fail", "error")]
    # age bands are still measured and reported, only not gated (README: "Clean variant")
    assert any(f["check"] == "bias.group_metrics" and "age_band" in f["message"] for f in record["findings"])
