"""MLflow models (a model folder, or ``models:/name/version`` in a tracking store) through pyfunc.

Loading an MLflow model deserialises it, which runs code for every format but one: the sklearn
flavour saved with skops. So a model is loaded only when either its skops file holds no type beyond
skops' defaults and the spec's ``trusted_types`` (checked here, before MLflow opens it, whatever list
the model's own MLmodel file declares), or the spec says ``trust_pickle = true``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit._extras import too_old
from govaudit.exceptions import ModelLoadError, first_line

__all__ = ["MlflowModel", "load_mlflow"]

_MSG_NO_MLFLOW = "{uri}: MLflow models need mlflow; install it with: pip install 'govaudit[mlflow]'"
_MSG_UNKNOWN = "{uri}: no such MLflow model{where}: {error}"
_MSG_NOT_MODEL = "{uri}: not an MLflow model folder (no MLmodel file)"
_MSG_UNTRUSTED = ("{uri}: the model contains types that are not trusted: {types}; "
                  "review them and list them in [model] trusted_types to load it")
_MSG_PICKLED = ("{uri}: this MLflow model is stored as {what}, which executes code when loaded; "
                "save it with mlflow.sklearn.save_model(..., serialization_format='skops'), "
                "or set trust_pickle = true in [model] if you trust its origin")
_MSG_LOAD = "{uri}: MLflow could not load the model: {error}"


@contextlib.contextmanager
def _allow_deserialisation() -> Iterator[None]:
    # MLflow's own switch; govaudit has already decided (skops types reviewed, or trust_pickle).
    previous = os.environ.get("MLFLOW_ALLOW_PICKLE_DESERIALIZATION")
    os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", None)
        else:
            os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] = previous


def _local_copy(uri: str, tracking_uri: str | None) -> Path:
    """A local folder holding the model: the folder itself, or the registry's artifacts downloaded."""
    path = Path(uri)
    if "://" not in uri and not uri.startswith(("models:", "runs:")):
        if not (path / "MLmodel").is_file():
            raise ModelLoadError(_MSG_NOT_MODEL.format(uri=uri))
        return path
    import mlflow

    try:
        source = uri
        if uri.startswith("models:/"):
            # resolved in the named store: MLflow's default registry (a local SQLite file) is not it
            client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
            name, _, version = uri[len("models:/"):].rpartition("/")
            if "@" in version or not name:
                name, _, alias = uri[len("models:/"):].partition("@")
                version = client.get_model_version_by_alias(name, alias).version
            source = client.get_model_version_download_uri(name, version)
        return Path(mlflow.artifacts.download_artifacts(artifact_uri=source, tracking_uri=tracking_uri))
    except Exception as exc:  # MlflowException (RESOURCE_DOES_NOT_EXIST...) or an OSError
        where = f" in tracking store {tracking_uri}" if tracking_uri else ""
        raise ModelLoadError(_MSG_UNKNOWN.format(uri=uri, where=where, error=first_line(exc))) from None


def _check_safe(folder: Path, uri: str, trusted_types: Sequence[str], trust_pickle: bool) -> None:
    import yaml  # a dependency of mlflow

    meta = yaml.safe_load((folder / "MLmodel").read_text()) or {}
    flavors = meta.get("flavors") or {}
    sklearn = flavors.get("sklearn") or {}
    if sklearn.get("serialization_format") == "skops" and set(flavors) <= {"sklearn", "python_function"}:
        import skops.io as sio

        skops_file = folder / sklearn.get("pickled_model", "model.skops")
        try:
            found = sio.get_untrusted_types(file=skops_file)
        except Exception as exc:
            raise ModelLoadError(_MSG_LOAD.format(uri=uri, error=first_line(exc))) from None
        untrusted = [t for t in found if t not in set(trusted_types)]
        if untrusted and not trust_pickle:
            raise ModelLoadError(_MSG_UNTRUSTED.format(uri=uri, types=", ".join(untrusted)))
        return
    if not trust_pickle:
        fmt = sklearn.get("serialization_format", "pickle") if sklearn else None
        what = f"a {fmt} file" if fmt else "a " + "/".join(sorted(set(flavors) - {"python_function"}) or ["python_function"]) + " model"
        raise ModelLoadError(_MSG_PICKLED.format(uri=uri, what=what))


class MlflowModel:
    """An MLflow pyfunc model with the scikit-learn duck type.

    ``predict`` goes through pyfunc (MLflow's own input-schema enforcement); ``predict_proba`` and
    ``classes_`` come from the underlying model when it has them (the sklearn flavour).

    Parameters
    ----------
    pyfunc_model : mlflow.pyfunc.PyFuncModel
        What :func:`mlflow.pyfunc.load_model` returned.
    uri : str
        Where it came from (folder or ``models:/name/version``).
    reference : object, optional
        Another form of the same model for the ``deployment`` auditor to compare.
    folder : Path, optional
        The local folder it was loaded from (hashed for the record).
    """

    kind = "mlflow"

    def __init__(self, pyfunc_model: Any, *, uri: str, reference: Any = None, folder: Path | None = None) -> None:
        self._pyfunc = pyfunc_model
        self.uri, self.folder = uri, folder
        self.reference_model = reference
        try:
            self._raw = pyfunc_model.get_raw_model()
        except Exception:  # a python_function model without an underlying estimator
            self._raw = None
        names = None
        self._dtypes: dict[str, Any] = {}
        schema = pyfunc_model.metadata.get_input_schema() if pyfunc_model.metadata else None
        if schema is not None and schema.has_input_names():
            names = schema.input_names()
            try:
                self._dtypes = dict(zip(names, schema.numpy_types()))
            except Exception:  # a tensor-based or object schema: leave the values as given
                self._dtypes = {}
        elif getattr(self._raw, "feature_names_in_", None) is not None:
            names = list(self._raw.feature_names_in_)
        self.feature_names_in_ = np.asarray(names, dtype=object) if names is not None else None

    @property
    def classes_(self) -> np.ndarray:
        """Class labels of the underlying model."""
        classes = getattr(self._raw, "classes_", None)
        if classes is None:
            raise AttributeError("this MLflow model exposes no classes_")
        return np.asarray(classes)

    @property
    def predict_proba(self):  # a property so that hasattr() is False when the model has no probabilities
        """Class probabilities from the underlying model, in ``classes_`` order."""
        if not callable(getattr(self._raw, "predict_proba", None)):
            raise AttributeError("this MLflow model exposes no predict_proba")
        return lambda X: np.asarray(self._raw.predict_proba(self._frame(X)))

    def _frame(self, X: Any) -> Any:
        if isinstance(X, pd.DataFrame) or self.feature_names_in_ is None:
            return X
        frame = pd.DataFrame(np.asarray(X), columns=self.feature_names_in_).infer_objects()
        for name, dtype in self._dtypes.items():
            # an explainer's array is all float: give each column back the type the signature declares
            values = frame[name]
            if np.dtype(dtype).kind in "iu" and values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0):
                frame[name] = values.astype(dtype)
        return frame

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Decisions through ``PyFuncModel.predict``."""
        out = self._pyfunc.predict(self._frame(X))
        if isinstance(out, pd.DataFrame):
            out = out.iloc[:, 0]
        return np.asarray(out).ravel()


def load_mlflow(
    uri: str | Path,
    *,
    trusted_types: Sequence[str] = (),
    trust_pickle: bool = False,
    tracking_uri: str | None = None,
    reference: Any = None,
) -> MlflowModel:
    """Load an MLflow model safely (from a folder, or a URI resolved in ``tracking_uri``).

    Raises
    ------
    ModelLoadError
        mlflow is missing, the model is unknown, it would execute code without ``trust_pickle``,
        or MLflow fails to load it.
    """
    uri = str(uri)
    try:
        import mlflow.pyfunc
    except ImportError:
        raise ModelLoadError(_MSG_NO_MLFLOW.format(uri=uri)) from None
    old = too_old("mlflow-skinny", mlflow.__version__, uri)
    if old:
        raise ModelLoadError(old)
    folder = _local_copy(uri, tracking_uri)
    _check_safe(folder, uri, trusted_types, trust_pickle)
    try:
        with _allow_deserialisation():
            loaded = mlflow.pyfunc.load_model(str(folder))
    except Exception as exc:
        raise ModelLoadError(_MSG_LOAD.format(uri=uri, error=first_line(exc))) from None
    return MlflowModel(loaded, uri=uri, reference=reference, folder=folder)
