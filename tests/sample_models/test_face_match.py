"""The face-match sample: documented FMR/FNMR effects, the threshold curve, and the audit with and without them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.cli import main
from sample_models.community_access_face_match.__main__ import main as build
from sample_models.community_access_face_match.curve import threshold_curve
from sample_models.community_access_face_match.decision_log import generate_decision_log
from sample_models.community_access_face_match.generate import (
    OPERATING_THRESHOLD,
    expected_rates,
    generate_attempts,
)

REPO = Path(__file__).resolve().parents[2]
NAME = "community_access_face_match"


def _audit(tmp_path: Path, *flags: str) -> tuple[int, govaudit.AuditRecord]:
    art = tmp_path / "artifacts"
    assert build(["--rows", "40000", "--out", str(art), *flags]) == 0
    text = (REPO / "audits" / f"{NAME}.toml").read_text()
    text = text.replace(f"../sample_models/{NAME}/artifacts/", "artifacts/").replace(f"../reports/{NAME}", "reports")
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    code = main(["run", str(spec), "--quiet"])
    return code, govaudit.AuditRecord.from_json((tmp_path / "reports" / "record.json").read_bytes())


def test_rates_match_the_documented_normal_model():
    frame = generate_attempts(200_000, seed=3)
    for (sex, band), part in frame.groupby(["sex", "age_band"]):
        fmr, fnmr = expected_rates(sex, band)
        imp, gen = part[part.genuine == 0], part[part.genuine == 1]
        assert imp["matched"].mean() == pytest.approx(fmr, abs=4 * np.sqrt(fmr / len(imp)) + 1e-3)
        assert 1 - gen["matched"].mean() == pytest.approx(fnmr, abs=4 * np.sqrt(fnmr / len(gen)) + 1e-3)
    assert expected_rates("female", "30-49")[0] > 2.5 * expected_rates("male", "30-49")[0]
    assert expected_rates("male", "65+")[1] > 5 * expected_rates("male", "30-49")[1]
    clean = {expected_rates(s, b, bias=False) for s in ("female", "male") for b in ("18-29", "65+")}
    assert len(clean) == 1


def test_threshold_curve_against_a_plain_count():
    frame = generate_attempts(5_000, seed=1)
    curve = threshold_curve(frame, [0.45, OPERATING_THRESHOLD, 0.6], "sex")
    for t in (0.45, OPERATING_THRESHOLD, 0.6):
        for sex in ("female", "male"):
            part = frame[frame.sex == sex]
            imp, gen = part[part.genuine == 0], part[part.genuine == 1]
            row = curve[(curve.threshold == t) & (curve.group == sex)].iloc[0]
            assert row.fmr == pytest.approx((imp.match_score >= t).sum() / len(imp))
            assert row.fnmr == pytest.approx((gen.match_score < t).sum() / len(gen))
    at = curve[curve.threshold == OPERATING_THRESHOLD]
    assert at.fmr_ratio.min() == pytest.approx(1.0)


def test_decision_log_two_person_rule_broken_only_with_bias():
    for bias, low, high in ((True, 0.15, 0.25), (False, 0.0, 0.0)):
        log = generate_decision_log(10_000, bias=bias)
        matches = log[log.case_type == "match"]
        assert (log.review_required == (log.case_type == "match")).all()
        single = matches.reviewer_2.isna().mean()
        assert low <= single <= high
        both = matches.dropna(subset=["reviewer_2"])
        assert len(both) and (both.reviewer_1 != both.reviewer_2).all()


def test_injected_effects_are_found(tmp_path):
    code, record = _audit(tmp_path)
    assert code == 1
    failed = {(f.check, f.evidence.get("feature")) for f in record.findings if f.status is govaudit.Status.FAIL}
    assert ("bias.equalized_odds_ratio", "sex") in failed
    assert ("bias.equal_opportunity_difference", "age_band") in failed
    assert ("oversight.two_person_rule", None) in failed
    [by_sex] = [f for f in record.findings if f.check == "bias.equalized_odds_ratio" and f.evidence["feature"] == "sex"]
    # the significance test compares the rate that sets the ratio: FPR, i.e. the false match rate
    assert by_sex.evidence["test"]["rate"] == "fpr"
    frame = pd.read_parquet(tmp_path / "artifacts" / "attempts.parquet")
    imp = frame[frame.genuine == 0].groupby("sex")["matched"].mean()
    assert by_sex.value == pytest.approx(imp.min() / imp.max(), abs=1e-9)
    assert set(by_sex.groups) == {"female", "male"}
    retention = [f for f in record.findings if f.check == "provenance.retention"]
    assert retention and all(f.status is govaudit.Status.PASS for f in retention)


def test_clean_variant_passes_every_gate(tmp_path):
    code, record = _audit(tmp_path, "--no-bias")
    assert code == 0
    assert not [f for f in record.findings if f.status in (govaudit.Status.FAIL, govaudit.Status.ERROR)]
