"""Models as they are deployed: files (skops, ONNX, pickle on request), MLflow models and HTTP
endpoints, loaded safely, given the scikit-learn duck type, and identified for the record."""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.models._adapters import KINDS, LoadedModel, infer_kind, model_identity, open_model, open_spec_model
    from govaudit.models._http import EndpointError, EndpointModel
    from govaudit.models._identity import answer_fingerprint, probe_rows, sha256_tree
    from govaudit.models._loading import PICKLE_SUFFIXES, SKOPS_SUFFIXES, load_model
    from govaudit.models._mlflow import MlflowModel, load_mlflow
    from govaudit.models._onnx import OnnxModel
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.models._adapters": (
            "KINDS", "LoadedModel", "infer_kind", "model_identity", "open_model", "open_spec_model",
        ),
        "govaudit.models._http": ("EndpointError", "EndpointModel"),
        "govaudit.models._identity": ("answer_fingerprint", "probe_rows", "sha256_tree"),
        "govaudit.models._loading": ("PICKLE_SUFFIXES", "SKOPS_SUFFIXES", "load_model"),
        "govaudit.models._mlflow": ("MlflowModel", "load_mlflow"),
        "govaudit.models._onnx": ("OnnxModel",),
    }, globals())

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
