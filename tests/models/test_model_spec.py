"""[model] in a spec: kind and settings validated at load time, one line naming what is missing."""

from __future__ import annotations

import pytest

import govaudit
from govaudit.spec import plan_from_dict

BASE = {"audit": {"name": "x"}, "data": {"path": "d.csv", "sensitive_features": ["sex"]}, "auditors": {"bias": {}}}


def _plan(model: dict):
    return plan_from_dict({**BASE, "model": model}, source="audit.toml")


@pytest.mark.parametrize(("model", "message"), [
    ({"kind": "http"}, r'audit.toml: \[model\] kind = "http" needs url = '),
    ({"kind": "mlflow"}, r'\[model\] kind = "mlflow" needs path = "<model folder>" or uri = "models:/NAME/VERSION"'),
    ({"kind": "onnx"}, r'\[model\] kind = "onnx" needs path = "<model file>"'),
    ({}, r'\[model\] \[model\] needs path = "<model file>"'),
    ({"kind": "tflite", "path": "m"}, r"\[model.kind\] Input should be 'skops', 'pickle', 'onnx', 'mlflow' or 'http'"),
    ({"kind": "http", "url": "http://h/infer", "auth_env": "Bearer abc.def"}, r"\[model.auth_env\] String should match"),
    ({"kind": "http", "url": "http://h/infer", "batch_size": 0}, r"\[model.batch_size\] Input should be greater"),
    ({"kind": "http", "url": "http://h/infer", "tokn": "x"}, r"\[model.tokn\] unknown key"),
    ({"kind": "http", "url": "http://h/infer", "artifact": {"kind": "http", "url": "http://h2/infer"}},
     r"\[model.artifact\] must be a model file or MLflow model"),
    ({"path": "m.skops", "artifact": {"path": "a.skops"}}, r'\[model.artifact\] is compared with a kind = "http"'),
])
def test_bad_model_sections(model: dict, message: str) -> None:
    with pytest.raises(govaudit.SpecError, match=message):
        _plan(model)


def test_good_sections() -> None:
    assert _plan({"path": "model.skops"}).spec.model.kind is None  # inferred when loaded, as before
    plan = _plan({"kind": "http", "url": "https://models.example/v2/models/b/infer", "auth_env": "BENEFITS_TOKEN",
                  "rate_limit": 5, "concurrency": 2, "artifact": {"path": "model.skops"}})
    assert plan.spec.model.artifact.path.name == "model.skops"
    assert _plan({"kind": "mlflow", "uri": "models:/benefits/3"}).spec.model.uri == "models:/benefits/3"
