"""deployment.consistency: the model in use answers like the registered artifact, or the audit says so."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import govaudit
from govaudit.deployment._auditor import DeploymentAuditor
from govaudit.models import EndpointModel, OnnxModel
from govaudit.testing import check_auditor
from adapter_helpers import FEATURES, spec_for
from oip_server import OIPServer

DEPLOYMENT = "[auditors.bias]\nn_resamples = 0\n[auditors.deployment]\nsample_size = 200\n"


def test_conformance(model_files, small_applications, logreg) -> None:
    check_auditor(DeploymentAuditor)  # no artifact: a skipped finding
    onnx_model = OnnxModel(model_files["onnx"], features=FEATURES, reference=logreg)
    check_auditor(DeploymentAuditor, govaudit.build_subject(model=onnx_model, data=small_applications))


def test_endpoint_serving_the_artifact_passes(model_files, server) -> None:
    spec = spec_for(model_files["root"], f'kind = "http"\nurl = "{server.url}"\n[model.artifact]\npath = "model.skops"',
                    auditors=DEPLOYMENT, name="same")
    record = govaudit.run_plan(govaudit.load_spec(spec))
    (finding,) = record.findings_for("deployment")
    assert finding.check == "deployment.consistency" and finding.status is govaudit.Status.PASS
    assert finding.evidence["sampled"] == 200 and finding.evidence["decisions_differ"] == 0
    assert finding.evidence["max_probability_difference"] == 0.0
    assert not record.case_tables
    artifact = [d for d in record.data if d.role == "model_artifact"]
    assert artifact and artifact[0].sha256 == govaudit.records.sha256_file(model_files["skops"])
    assert artifact[0].fingerprint == record.model.fingerprint  # the same answers on the probe


def test_endpoint_serving_another_model_fails(model_files, small_applications) -> None:
    frame = small_applications
    other = LogisticRegression(C=1e-4, max_iter=500).fit(frame[FEATURES], frame["eligible"])  # a stale model
    registered = govaudit.load_model(model_files["skops"])
    x = frame[FEATURES]
    sample = x.iloc[np.sort(np.random.default_rng(0).choice(len(x), 200, replace=False))]
    expected = int((other.predict(sample) != registered.predict(sample)).sum())
    assert expected > 0
    with OIPServer(other, features=FEATURES) as srv:
        spec = spec_for(model_files["root"],
                        f'kind = "http"\nurl = "{srv.url}"\n[model.artifact]\npath = "model.skops"',
                        auditors=DEPLOYMENT, name="stale")
        plan = govaudit.load_spec(spec)
        record = govaudit.run_plan(plan)
    (finding,) = record.findings_for("deployment")
    assert finding.status is govaudit.Status.FAIL and finding.blocking
    assert finding.evidence["decisions_differ"] == expected
    assert finding.value == pytest.approx(expected / 200)
    assert "not the model that was audited" in finding.message
    (table,) = record.case_tables
    assert table.name == "deployment_disagreements" and len(table.table) == expected
    assert record.verdict is govaudit.Verdict.FAIL
    assert record.model.fingerprint != [d for d in record.data if d.role == "model_artifact"][0].fingerprint


def test_tolerance_for_float32_probabilities(model_files, logreg, small_applications, tmp_path) -> None:
    from skl2onnx import to_onnx

    path = tmp_path / "float32.onnx"
    path.write_bytes(to_onnx(logreg, small_applications[FEATURES].to_numpy(np.float32)[:1],
                             options={"zipmap": False}).SerializeToString())
    onnx_model = OnnxModel(path, features=FEATURES, reference=logreg)
    subject = govaudit.build_subject(model=onnx_model, data=small_applications, features=FEATURES)
    (strict,) = DeploymentAuditor(score_tolerance=0.0).run(subject)
    (loose,) = DeploymentAuditor(score_tolerance=1e-5).run(subject)
    gap = strict.evidence["max_probability_difference"]
    assert 0 < gap < 1e-5
    assert strict.status is govaudit.Status.WARN and "probabilities differ" in strict.message
    assert loose.status is govaudit.Status.PASS


def test_without_an_artifact_it_is_skipped(server, small_applications) -> None:
    endpoint = EndpointModel(server.url)
    subject = govaudit.build_subject(model=endpoint, data=small_applications)
    (finding,) = DeploymentAuditor().run(subject)
    assert finding.status is govaudit.Status.SKIPPED and "[model.artifact]" in finding.message
