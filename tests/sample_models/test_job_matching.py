"""The job-matching sample: the vendor's ONNX model, LL144-style rates, and the incomplete manifest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.cli import main
from sample_models.job_matching.__main__ import main as build
from sample_models.job_matching.generate import FEATURES, generate_candidates, split_train_eval
from sample_models.job_matching.manifest import UNDECLARED_SOURCE
from sample_models.job_matching.train import export_onnx, train_model

REPO = Path(__file__).resolve().parents[2]
NAME = "job_matching"


def _audit(tmp_path: Path, *flags: str) -> tuple[int, govaudit.AuditRecord]:
    art = tmp_path / "artifacts"
    assert build(["--rows", "20000", "--out", str(art), *flags]) == 0
    text = (REPO / "audits" / f"{NAME}.toml").read_text()
    text = text.replace(f"../sample_models/{NAME}/artifacts/", "artifacts/").replace(f"../reports/{NAME}", "reports")
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    code = main(["run", str(spec), "--quiet"])
    return code, govaudit.AuditRecord.from_json((tmp_path / "reports" / "record.json").read_bytes())


def test_onnx_export_scores_like_the_scikit_learn_model(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    train, evaluation = split_train_eval(generate_candidates(3_000, seed=2))
    model = train_model(train)
    session = ort.InferenceSession(str(export_onnx(model, tmp_path / "m.onnx")))
    x = evaluation[list(FEATURES)].to_numpy(np.float32)
    onnx_proba = session.run(None, {session.get_inputs()[0].name: x})[1]
    np.testing.assert_allclose(onnx_proba[:, 1], model.predict_proba(x)[:, 1], atol=1e-4)


def test_categories_and_proxies_as_documented():
    frame = generate_candidates(100_000, seed=1)
    shares = frame["race_ethnicity"].value_counts(normalize=True)
    assert shares["Native Hawaiian or Other Pacific Islander"] < 0.02
    assert 0.05 < frame["sex"].eq("unknown").mean() < 0.07
    gap = frame.groupby("sex")["employment_gap_months"].mean()
    assert gap["female"] == pytest.approx(14, rel=0.05) and gap["male"] == pytest.approx(3, rel=0.05)
    clean = generate_candidates(100_000, seed=1, bias=False)
    assert clean.groupby("sex")["shortlisted"].mean().agg(lambda s: s.min() / s.max()) > 0.95


def test_injected_effects_are_found(tmp_path):
    code, record = _audit(tmp_path)
    assert code == 1
    failed = [f for f in record.findings if f.status is govaudit.Status.FAIL]
    ratio = {(f.check, f.evidence["feature"], f.groups[0]): f for f in failed if f.check.startswith("bias.")}
    assert ("bias.impact_ratio", "sex", "female") in ratio
    assert ("bias.scoring_impact_ratio", "sex", "female") in ratio
    assert ("bias.impact_ratio", "race_ethnicity", "Black or African American") in ratio
    # the impact ratio is the plain ratio of selection rates, recomputed from the model's own decisions
    evaluation = pd.read_parquet(tmp_path / "artifacts" / "eval.parquet")
    finding = ratio[("bias.impact_ratio", "sex", "female")]
    ref = finding.evidence["reference"]
    import onnxruntime as ort

    session = ort.InferenceSession(str(tmp_path / "artifacts" / "model.onnx"))
    p = session.run(None, {session.get_inputs()[0].name: evaluation[list(FEATURES)].to_numpy(np.float32)})[1][:, 1]
    rates = pd.Series(p >= 0.5).groupby(evaluation["sex"].to_numpy()).mean()
    assert finding.value == pytest.approx(rates["female"] / rates[ref], abs=1e-9)
    # LL144: the under-2 % category and "unknown" are reported but never the subject of a ratio gate
    gated = {f.groups[0] for f in record.findings if f.check == "bias.impact_ratio" and f.groups}
    assert "Native Hawaiian or Other Pacific Islander" not in gated and "unknown" not in gated
    small = [f for f in record.findings if f.check == "bias.small_groups" and f.evidence["feature"] == "race_ethnicity"]
    assert small and "Native Hawaiian or Other Pacific Islander" in small[0].groups
    lineage = [f for f in failed if f.check == "provenance.lineage"]
    assert lineage and UNDECLARED_SOURCE in lineage[0].message
    assert any(f.check == "provenance.declared" and "TODO" not in f.message and "legal_basis" in f.message
               for f in failed)


def test_clean_variant_passes_every_gate(tmp_path):
    code, record = _audit(tmp_path, "--no-bias")
    assert code == 0
    assert not [f for f in record.findings if f.status in (govaudit.Status.FAIL, govaudit.Status.ERROR)]
