"""The shipped demo end to end: generate, train, audit with the shipped spec; the injected bias is found."""

from __future__ import annotations

from pathlib import Path

import pytest

import govaudit
from govaudit.cli import main
from sample_models.benefits_eligibility.__main__ import main as build_sample
from sample_models.benefits_eligibility.generate import INJECTED_EFFECT

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_spec(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    artifacts = root / "artifacts"
    assert build_sample(["--rows", "50000", "--seed", "0", "--out", str(artifacts)]) == 0
    text = (REPO / "audits" / "benefits_eligibility.toml").read_text()
    text = text.replace("../sample_models/benefits_eligibility/artifacts/", "artifacts/")
    text = text.replace('dir = "../reports/benefits_eligibility"', 'dir = "reports"')
    spec = root / "benefits_eligibility.toml"
    spec.write_text(text)
    return spec


@pytest.mark.slow
def test_demo_finds_the_injected_bias_as_a_failed_gate(demo_spec, capsys):
    assert main(["run", str(demo_spec), "--quiet"]) == 1
    record = govaudit.AuditRecord.from_json((demo_spec.parent / "reports" / "record.json").read_bytes())
    assert record.verdict is govaudit.Verdict.FAIL
    [finding] = [f for f in record.findings if f.check == "bias.impact_ratio"
                 and f.evidence["feature"] == INJECTED_EFFECT["feature"]
                 and f.groups[0] == INJECTED_EFFECT["disadvantaged_group"]]
    assert finding.status is govaudit.Status.FAIL
    assert finding.evidence["reference"] == INJECTED_EFFECT["reference_group"]
    low, high = INJECTED_EFFECT["impact_ratio_range"]
    assert low <= finding.value <= high, (finding.value, (low, high))
    assert finding.evidence["test"]["significant"]
    # the interval is informative and contains the measured value
    ci_low, ci_high = finding.evidence["ci"]
    assert ci_low < finding.value < ci_high and ci_high - ci_low < 0.15
    # no disparity by sex was injected, and none is found
    sex = [f for f in record.findings if f.check == "bias.impact_ratio" and f.evidence["feature"] == "sex"]
    assert sex and all(f.status is govaudit.Status.PASS for f in sex)
