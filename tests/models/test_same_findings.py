"""The same scikit-learn model as .skops, ONNX, MLflow and behind an endpoint gives the same findings."""

from __future__ import annotations

import math
from typing import Any

import pytest

import govaudit
from adapter_helpers import FEATURES, spec_for


def _same(a: Any, b: Any, path: str = "") -> None:
    """Equal JSON values, floats to 1e-9 (ONNX in double precision differs from scikit-learn by ~1e-16)."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def _findings(record: govaudit.AuditRecord) -> list[dict[str, Any]]:
    return [f.model_dump(mode="json") for f in record.findings]


@pytest.fixture(scope="module")
def skops_record(model_files):
    spec = spec_for(model_files["root"], 'path = "model.skops"', name="skops")
    return govaudit.run_plan(govaudit.load_spec(spec))


@pytest.mark.parametrize("model_section", [
    'kind = "onnx"\npath = "model.onnx"',
    'path = "model.onnx"',                       # kind inferred from the suffix
    'kind = "mlflow"\npath = "mlflow_model"',
    'path = "mlflow_model"',                     # a folder with an MLmodel file
])
def test_artifacts_give_identical_findings(model_files, skops_record, model_section: str) -> None:
    spec = spec_for(model_files["root"], model_section, name="other")
    record = govaudit.run_plan(govaudit.load_spec(spec))
    assert record.findings and any(f.check == "bias.impact_ratio" for f in record.findings)
    _same(_findings(record), _findings(skops_record))
    assert record.verdict == skops_record.verdict
    # the answers are the same, so the fingerprints on the same probe rows are too
    assert record.model.probe_sha256 == skops_record.model.probe_sha256
    assert record.model.fingerprint == skops_record.model.fingerprint
    assert record.model.kind in ("onnx", "mlflow") and skops_record.model.kind == "skops"


def test_endpoint_gives_identical_findings(model_files, skops_record, server) -> None:
    spec = spec_for(model_files["root"], f'kind = "http"\nurl = "{server.url}"\nbatch_size = 64', name="endpoint")
    record = govaudit.run_plan(govaudit.load_spec(spec))
    _same(_findings(record), _findings(skops_record))
    assert record.model.kind == "http" and record.model.uri == server.url
    assert record.model.sha256 == record.model.fingerprint == skops_record.model.fingerprint
    # 600 rows in batches of 64: 10 requests, plus 1 for the probe; probabilities and decisions come together
    assert server.requests == 11


def test_python_api_takes_every_kind(model_files, small_applications, logreg) -> None:
    base = govaudit.audit(logreg, data=small_applications, label="eligible", sensitive_features=["channel"],
                          features=FEATURES, auditors={"bias": {"n_resamples": 0}})
    for source in (model_files["skops"], model_files["onnx"], model_files["mlflow"]):
        record = govaudit.audit(source, data=small_applications, label="eligible", sensitive_features=["channel"],
                                features=FEATURES, auditors={"bias": {"n_resamples": 0}})
        _same(_findings(record), _findings(base))
        assert record.model.fingerprint == base.model.fingerprint
