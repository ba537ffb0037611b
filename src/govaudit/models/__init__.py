"""Models as they are deployed: files (skops, ONNX, pickle on request), MLflow models and HTTP
endpoints, loaded safely, given the scikit-learn duck type, and identified for the record."""

from govaudit.models._adapters import KINDS, LoadedModel, infer_kind, model_identity, open_model, open_spec_model
from govaudit.models._http import EndpointError, EndpointModel
from govaudit.models._identity import answer_fingerprint, probe_rows, sha256_tree
from govaudit.models._loading import PICKLE_SUFFIXES, SKOPS_SUFFIXES, load_model
from govaudit.models._mlflow import MlflowModel, load_mlflow
from govaudit.models._onnx import OnnxModel

__all__ = [
    "KINDS",
    "PICKLE_SUFFIXES",
    "SKOPS_SUFFIXES",
    "EndpointError",
    "EndpointModel",
    "LoadedModel",
    "MlflowModel",
    "OnnxModel",
    "answer_fingerprint",
    "infer_kind",
    "load_mlflow",
    "load_model",
    "model_identity",
    "open_model",
    "open_spec_model",
    "probe_rows",
    "sha256_tree",
]
