"""ONNX models through onnxruntime, with their inputs checked against the data before scoring.

Two input layouts are understood, the two skl2onnx writes: one input per column (``[None, 1]``, named
after the column: what ``skl2onnx.to_onnx`` makes from a DataFrame of mixed types), or one 2-D tensor
``[None, n_features]`` (from an array), whose columns are then the ``features`` named in the spec.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit._extras import too_old
from govaudit.exceptions import ModelLoadError, first_line
from govaudit.models._classes import infer_classes

__all__ = ["OnnxModel"]

_MSG_NO_RUNTIME = "{path}: ONNX models need onnxruntime; install it with: pip install 'govaudit[onnx]'"
_MSG_BAD_FILE = "{path}: not a loadable ONNX model: {error}"
_MSG_MISSING = "{path}: the ONNX model's input {name!r} ({type}) has no column in the data; available: {available}"
_MSG_TYPE = "{path}: the ONNX model's input {name!r} expects {type} but column {column!r} holds {dtype} values"
_MSG_WIDTH = ("{path}: the ONNX model's input {name!r} expects {width} columns ({type}) but {got} features "
              "were given ({features}); name them with [data] features")
_MSG_NO_NAMES = ("{path}: the ONNX model's input {name!r} is one {width}-column tensor without column names; "
                 "name its columns, in order, with [data] features")
_MSG_OUTPUTS = "{path}: the ONNX model has no label output (outputs: {outputs})"

_NUMERIC = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
            "tensor(int32)": np.int32, "tensor(float16)": np.float16, "tensor(bool)": np.bool_}


def _class_labels(path: Path) -> list[Any] | None:
    """The class labels stored in the classifier node (``classlabels_*``), read without running anything."""
    try:
        import onnx
        from onnx import helper
    except ImportError:  # onnx is optional: onnxruntime alone can score
        return None
    graph = onnx.load(str(path), load_external_data=False).graph
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.name in ("classlabels_int64s", "classlabels_strings", "classlabels_ints"):
                values = helper.get_attribute_value(attribute)
                return [v.decode() if isinstance(v, bytes) else int(v) for v in values]
    return None


class OnnxModel:
    """An ONNX classifier with the scikit-learn duck type (``predict``, ``predict_proba``, ``classes_``).

    Parameters
    ----------
    path : str or Path
        The ``.onnx`` file.
    features : sequence of str, optional
        Column names of a single 2-D input tensor, in order (ignored when inputs are named per column).
    reference : object, optional
        Another form of the same model (e.g. the ``.skops`` it was converted from) that the
        ``deployment`` auditor compares with this one.

    Raises
    ------
    ModelLoadError
        onnxruntime is not installed, the file is not ONNX, or it has no label output.
    """

    kind = "onnx"

    def __init__(self, path: str | Path, *, features: Sequence[str] | None = None, reference: Any = None) -> None:
        try:
            import onnxruntime as ort
        except ImportError:
            raise ModelLoadError(_MSG_NO_RUNTIME.format(path=path)) from None
        old = too_old("onnxruntime", ort.__version__, str(path))
        if old:
            raise ModelLoadError(old)
        self.path = Path(path)
        self.reference_model = reference
        try:
            self._session = ort.InferenceSession(str(self.path), providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            first = first_line(exc)
            raise ModelLoadError(_MSG_BAD_FILE.format(path=self.path, error=first)) from None
        self._inputs = self._session.get_inputs()
        outputs = self._session.get_outputs()
        labels = [o for o in outputs if o.name == "label"] or [o for o in outputs if len(o.shape or ()) == 1]
        if not labels:
            raise ModelLoadError(_MSG_OUTPUTS.format(path=self.path, outputs=", ".join(o.name for o in outputs)))
        self._label = labels[0].name
        probas = [o for o in outputs if o.name != self._label]
        self._proba = probas[0].name if probas else None
        self._features = list(features) if features is not None else None
        stored = _class_labels(self.path)
        self._classes = np.asarray(stored) if stored is not None else None

    @property
    def classes_(self) -> np.ndarray:
        """Class labels in probability-column order (from the graph, or told from the first answers)."""
        if self._classes is None:
            raise AttributeError("the ONNX model's class labels are not known yet")
        return self._classes

    @property
    def _one_tensor(self) -> bool:
        shape = self._inputs[0].shape
        return len(self._inputs) == 1 and len(shape) == 2 and shape[1] != 1

    @property
    def feature_names_in_(self) -> np.ndarray | None:
        """Input column names: the input names, or the spec's ``features`` for a single 2-D tensor."""
        if self._one_tensor:
            return np.asarray(self._features, dtype=object) if self._features is not None else None
        return np.asarray([i.name for i in self._inputs], dtype=object)

    @property
    def predict_proba(self):  # a property so that hasattr() is False for a model without probabilities
        """Class probabilities, one column per class in ``classes_`` order."""
        if self._proba is None:
            raise AttributeError("this ONNX model has no probability output")
        return lambda X: self._run(X)[1]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Decisions, one per row of ``X``."""
        return self._run(X)[0]

    def check_inputs(self, X: pd.DataFrame) -> None:
        """Raise :class:`ModelLoadError` naming the input when ``X`` does not fit the model's inputs."""
        self._feeds(X)

    def _feeds(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        if not isinstance(X, pd.DataFrame):  # e.g. an explainer's perturbed rows
            X = pd.DataFrame(np.asarray(X), columns=self.feature_names_in_).infer_objects()
        if self._one_tensor:
            spec = self._inputs[0]
            width = spec.shape[1]
            if self._features is None and not isinstance(width, int):
                raise ModelLoadError(_MSG_NO_NAMES.format(path=self.path, name=spec.name, width="n"))
            if isinstance(width, int) and X.shape[1] != width:
                raise ModelLoadError(_MSG_WIDTH.format(path=self.path, name=spec.name, width=width, type=spec.type,
                                                       got=X.shape[1], features=", ".join(map(str, X.columns[:10]))))
            for column in X.columns:
                self._check_type(spec.name, spec.type, column, X[column])
            return {spec.name: X.to_numpy(dtype=_NUMERIC.get(spec.type, np.float32))}
        feeds = {}
        for spec in self._inputs:
            if spec.name not in X.columns:
                raise ModelLoadError(_MSG_MISSING.format(path=self.path, name=spec.name, type=spec.type,
                                                         available=", ".join(map(str, X.columns[:25]))))
            column = X[spec.name]
            self._check_type(spec.name, spec.type, spec.name, column)
            if spec.type == "tensor(string)":
                values = column.astype(str).to_numpy(dtype=object)
            else:
                values = column.to_numpy(dtype=_NUMERIC[spec.type])
            feeds[spec.name] = values.reshape(-1, 1) if len(spec.shape) == 2 else values
        return feeds

    def _check_type(self, name: str, onnx_type: str, column: Any, values: pd.Series) -> None:
        numeric = pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
        ok = (not numeric) if onnx_type == "tensor(string)" else numeric and onnx_type in _NUMERIC
        if ok and onnx_type in ("tensor(int64)", "tensor(int32)") and pd.api.types.is_float_dtype(values):
            ok = bool(np.all(np.mod(values.to_numpy(), 1) == 0))
        if not ok:
            raise ModelLoadError(_MSG_TYPE.format(path=self.path, name=name, type=onnx_type, column=column,
                                                  dtype=values.dtype))

    def _run(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        names = [self._label] + ([self._proba] if self._proba else [])
        results = self._session.run(names, self._feeds(X))
        labels = np.asarray(results[0]).ravel()
        proba = None
        if self._proba is not None:
            proba = results[1]
            if isinstance(proba, list):  # a ZipMap output: one {class: probability} dict per row
                keys = list(self._classes) if self._classes is not None else sorted(proba[0])
                proba = np.asarray([[row[k] for k in keys] for row in proba])
            proba = np.asarray(proba, dtype=float)
            if self._classes is None and len(labels):
                self._classes = infer_classes(labels, proba)
        return labels, proba
