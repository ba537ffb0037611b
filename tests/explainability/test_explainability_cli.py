"""The explainability auditor from a spec: `govaudit run` writes reason codes beside the record (never
into it), and `govaudit explain SPEC --case ID` prints one person's reasons."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from govaudit.cli import main
from sample_models.welfare_fraud_risk import __main__ as welfare_cli

SPEC = Path(__file__).resolve().parents[2] / "audits" / "welfare_fraud_risk.toml"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("welfare")
    with threadpool_limits(1):
        assert welfare_cli.main(["--rows", "4000", "--seed", "3", "--out", str(root / "artifacts")]) == 0
    text = SPEC.read_text(encoding="utf-8")
    text = text.replace("../sample_models/welfare_fraud_risk/artifacts/", "artifacts/")
    text = text.replace('dir = "../reports/welfare_fraud_risk"', 'dir = "reports"')
    text = text.replace("n_resamples = 1000", "n_resamples = 100")
    spec = root / "audit.toml"
    spec.write_text(text, encoding="utf-8")
    with threadpool_limits(1):
        code = main(["run", str(spec), "--quiet"])
    return root, spec, code


def test_the_sample_spec_flags_the_proxy_and_writes_reason_codes_outside_the_record(project):
    root, spec, code = project
    assert code == 1  # the proxy gate fails
    record = json.loads((root / "reports" / "record.json").read_text())
    proxy = [f for f in record["findings"] if f["check"] == "explainability.proxy_risk"
             and f["evidence"]["sensitive_feature"] == "migration_background"]
    assert proxy[0]["status"] == "fail" and proxy[0]["groups"] == ["language_proficiency"]
    reasons_path = root / "reports" / "reason_codes.parquet"
    assert stat.S_IMODE(reasons_path.stat().st_mode) == 0o600
    reasons = pd.read_parquet(reasons_path)
    assert list(reasons.columns) == ["case_id", "rank", "feature", "value", "contribution", "sentence"]
    assert reasons["case_id"].str.startswith("WR-").all()
    assert "WR-" not in (root / "reports" / "record.json").read_text()  # no case id in the record
    coverage = next(f for f in record["findings"] if f["check"] == "explainability.coverage")
    assert coverage["evidence"]["case_file"] == "reason_codes"
    assert coverage["evidence"]["case_file_rows"] == len(reasons)


def test_explain_prints_the_same_reasons_as_the_case_file(project, capsys):
    root, spec, _ = project
    reasons = pd.read_parquet(root / "reports" / "reason_codes.parquet")
    case = reasons["case_id"].iloc[0]
    capsys.readouterr()
    with threadpool_limits(1):
        assert main(["explain", str(spec), "--case", case]) == 0
    out = capsys.readouterr().out
    assert f"Case {case}: the decision was adverse (being flagged for investigation)." in out
    for sentence in reasons.loc[reasons["case_id"] == case].sort_values("rank")["sentence"]:
        assert sentence in out
    assert "Proficiency in the official language" in out or "Reason 1:" in out


def test_explain_a_favourable_decision(project, capsys):
    root, spec, _ = project
    evaluation = pd.read_parquet(root / "artifacts" / "eval.parquet")
    flagged = set(pd.read_parquet(root / "reports" / "reason_codes.parquet")["case_id"])
    case = next(c for c in evaluation["case_id"] if c not in flagged)
    capsys.readouterr()
    with threadpool_limits(1):
        assert main(["explain", str(spec), "--case", case]) == 0
    assert "the decision was favourable" in capsys.readouterr().out


def test_unknown_case_is_one_line_and_exit_2(project, capsys):
    _, spec, _ = project
    capsys.readouterr()
    assert main(["explain", str(spec), "--case", "WR-9999999"]) == 2
    err = capsys.readouterr().err
    assert "WR-9999999" in err and "not found" in err and len(err.strip().splitlines()) == 1


def test_spec_without_case_id_is_exit_2(project, capsys):
    root, spec, _ = project
    other = root / "no_case_id.toml"
    other.write_text(spec.read_text().replace('case_id = "case_id"\n', ""), encoding="utf-8")
    capsys.readouterr()
    assert main(["explain", str(other), "--case", "WR-0000001"]) == 2
    assert "case_id" in capsys.readouterr().err


def test_unknown_key_in_the_explainability_section_is_a_spec_error(project, capsys):
    root, spec, _ = project
    other = root / "typo.toml"
    other.write_text(spec.read_text().replace("top_k = 4", "topk = 4"), encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(other)]) == 2
    assert "auditors.explainability.topk" in capsys.readouterr().err


def test_description_of_an_unknown_feature_is_exit_2(project, capsys):
    root, spec, _ = project
    other = root / "bad_description.toml"
    other.write_text(spec.read_text() + 'salary = "Monthly salary"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(other)]) == 2
    assert "'salary'" in capsys.readouterr().err
