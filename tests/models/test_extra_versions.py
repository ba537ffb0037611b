"""An optional package older than its extra supports is one line naming the extra, never a traceback."""

from __future__ import annotations

import pytest

import govaudit
from govaudit.cli import main
from govaudit.models import OnnxModel, load_mlflow
from adapter_helpers import spec_for


def test_too_old_onnxruntime_is_one_line_naming_the_extra(model_files, monkeypatch, capsys) -> None:
    ort = pytest.importorskip("onnxruntime")
    monkeypatch.setattr(ort, "__version__", "1.17.3")
    with pytest.raises(govaudit.ModelLoadError, match=r"model\.onnx: onnxruntime 1\.17\.3 is too old \(the oldest "
                                                       r"supported is 1\.18\.0\); .*'govaudit\[onnx\]'"):
        OnnxModel(model_files["onnx"])
    code = main(["run", str(spec_for(model_files["root"], 'path = "model.onnx"', name="old_onnxruntime"))])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "pip install --upgrade 'govaudit[onnx]'" in err


def test_too_old_mlflow_is_one_line_naming_the_extra(model_files, monkeypatch) -> None:
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.setattr(mlflow, "__version__", "2.22.1")
    with pytest.raises(govaudit.ModelLoadError, match=r"mlflow-skinny 2\.22\.1 is too old .*'govaudit\[mlflow\]'"):
        load_mlflow(model_files["mlflow"])


def test_the_current_versions_are_accepted(model_files) -> None:
    pytest.importorskip("onnxruntime")
    assert OnnxModel(model_files["onnx"]).path == model_files["onnx"]
