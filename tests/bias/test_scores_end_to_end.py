"""The score audit through the public API, a spec run with a model's predict_proba, the HTML report and
a DuckDB backend (which has no rows, so says plainly that the scores were not evaluated)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.bias import BiasAuditor
from govaudit.core import AuditSubject, Status


def _frame(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(["p", "q"], n)
    risk = np.clip(rng.beta(2, 4, n) + 0.15 * (group == "q"), 0, 1)
    outcome = (rng.random(n) < risk).astype(int)
    return pd.DataFrame({"group": group, "score": risk, "outcome": outcome, "decision": (risk > 0.4).astype(int)})


def test_audit_api_records_score_findings_and_html_draws_the_calibration_plot():
    from govaudit.report import render_html

    frame = _frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        record = govaudit.audit(y_true=frame["outcome"], y_pred=frame["decision"], y_score=frame["score"],
                                sensitive_features=frame[["group"]], name="scores",
                                auditors={"bias": {"n_resamples": 50, "scores": {"max_ece": 0.1}}})
    checks = {f.check: f for f in record.findings}
    assert {"bias.score_calibration", "bias.score_discrimination", "bias.fairness_tradeoff",
            "bias.score_ece"} <= set(checks)
    assert checks["bias.score_ece"].status is Status.PASS
    html = render_html(record)
    assert "Calibration plot by group" in html and "perfect calibration" in html
    assert html.count("<svg") >= 2


def test_spec_run_audits_predict_proba_of_the_welfare_model(tmp_path):
    """The sample fraud-risk model's predict_proba reaches the bias auditor as scores of y_true = 1."""
    from govaudit.cli import main
    from sample_models.welfare_fraud_risk.__main__ import main as build

    art = tmp_path / "artifacts"
    assert build(["--rows", "3000", "--out", str(art)]) == 0
    repo = Path(__file__).resolve().parents[2]
    text = (repo / "audits" / "welfare_fraud_risk.toml").read_text()
    head = text.split("[auditors.explainability]")[0]  # the bias audit only
    head = head.replace("../sample_models/welfare_fraud_risk/artifacts/", "artifacts/")
    head = head.replace('dir = "../reports/welfare_fraud_risk"', 'dir = "reports"')
    head = head.replace('favourable_label = 0 ', 'label = "irregularity_found"\nfavourable_label = 0 ')
    head = head.replace("case_files = true", "case_files = false")
    (tmp_path / "spec.toml").write_text(head + "\n[auditors.bias.scores]\nn_bins = 5\n")
    code = main(["run", str(tmp_path / "spec.toml"), "--quiet", "--html", str(tmp_path / "report.html")])
    assert code in (0, 1)
    record = json.loads((tmp_path / "reports" / "record.json").read_text())
    calibration = [f for f in record["findings"] if f["check"] == "bias.score_calibration"]
    assert {f["evidence"]["feature"] for f in calibration} >= {"migration_background", "sex"}
    assert all(f["status"] == "reported" and f["evidence"]["n_bins"] == 5 for f in calibration)
    groups = calibration[0]["evidence"]["groups"]
    assert all(0.0 <= g["mean_score"] <= 1.0 for g in groups if g["mean_score"] is not None)
    # the score is P(no irregularity) = P(y_true = 1) with favourable_label = 0: the AUC is well above chance
    discrimination = next(f for f in record["findings"] if f["check"] == "bias.score_discrimination")
    assert all(g["auc"] > 0.6 for g in discrimination["evidence"]["groups"] if g["auc"] is not None)
    html = (tmp_path / "report.html").read_text()
    assert "Calibration plot by migration_background" in html


@pytest.mark.parametrize("gates", [{}, {"max_auc_difference": 0.1}])
def test_duckdb_backend_says_scores_were_not_evaluated(tmp_path, gates):
    from govaudit.backends import duckdb_counts_source

    frame = _frame()
    frame.to_parquet(tmp_path / "log.parquet", index=False)
    source = duckdb_counts_source(tmp_path / "log.parquet", sensitive_features=["group"], label="outcome",
                                  prediction="decision", score="score")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = BiasAuditor(n_resamples=0, scores=gates).analyse(AuditSubject(counts_source=source))
    [finding] = [f for f in report.findings if f.check == "bias.score_calibration"]
    assert finding.status is (Status.INCONCLUSIVE if gates else Status.SKIPPED)
    assert "DuckDB" in finding.message
    assert not [f for f in report.findings if f.check == "bias.score_discrimination"]
    # error-rate balance against predictive parity needs only counts: it is there
    assert [f for f in report.findings if f.check == "bias.fairness_tradeoff"]


def test_score_findings_are_worded_in_chinese():
    import re

    from govaudit.report._i18n import load_catalogue, localise_message

    frame = _frame()
    report = BiasAuditor(n_resamples=0, scores={"max_ece": 0.1, "max_auc_difference": 0.0}).assess(
        frame["outcome"], frame["decision"], sensitive_features=frame[["group"]], y_score=frame["score"])
    zh = load_catalogue("zh")
    checks = set()
    for finding in report.findings:
        text, original = localise_message(finding, zh)
        assert not original and re.search(r"[\u4e00-\u9fff]", text), finding.check
        checks.add(finding.check)
    assert {"bias.score_calibration", "bias.score_discrimination", "bias.fairness_tradeoff", "bias.score_ece",
            "bias.score_auc_difference"} <= checks
