"""Map a model's inputs: validate the feature table, split off a pipeline's preprocessing, and map
each transformed column back to the original input column it came from.

A scikit-learn ``Pipeline(ColumnTransformer(...), ..., estimator)`` is explained on the matrix its
final estimator sees; contributions of the one-hot (or other) output columns are then summed per
original column, which keeps SHAP's additivity because a sum of sums is the same sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError, first_line

__all__ = ["ModelInputs", "model_inputs"]

_MSG_MISSING = "feature column(s) {missing} that the model was fitted on are missing from the features"
_MSG_ORDER = ("feature columns are in a different order than the model was fitted on: expected {expected}, "
              "got {got}")
_MSG_NON_NUMERIC = ("feature column(s) {columns} are not numeric ({dtypes}) and the model takes them as they are; "
                    "encode them, or audit a pipeline whose preprocessing encodes them")
_MSG_TRANSFORM = "the model's preprocessing failed on the features: {error}"
_MSG_TRANSFORMED_NOT_NUMERIC = "the model's preprocessing produced non-numeric values; the final estimator cannot be explained"
_MSG_UNMAPPED = ("cannot tell which input column the preprocessing output {name!r} (from step {step!r}) comes from; "
                 "use transformers whose get_feature_names_out names outputs after their input columns")
_MSG_WIDTH = ("preprocessing step {step!r} changes the number of columns ({before} -> {after}) and is not a "
              "ColumnTransformer, so its outputs cannot be traced to input columns")


@dataclass(frozen=True)
class ModelInputs:
    """A model split into preprocessing and final estimator, with the column map between them.

    Attributes
    ----------
    estimator : object
        The final estimator, explained on the transformed matrix.
    preprocess : object or None
        Everything before it (``pipeline[:-1]``), or None for a bare estimator.
    columns : list of str
        Original input columns, in model order.
    column_of : numpy.ndarray
        For each transformed column, the index of the original column it comes from.
    transformed_names : list of str
        Names of the transformed columns (for evidence).
    """

    estimator: Any
    preprocess: Any
    columns: list[str]
    column_of: np.ndarray
    transformed_names: list[str]

    def matrix(self, features: pd.DataFrame) -> np.ndarray:
        """The float64 matrix the final estimator sees for ``features``."""
        if self.preprocess is None:
            return np.asarray(features.to_numpy(dtype=np.float64))
        try:
            out = self.preprocess.transform(features)
        except Exception as exc:  # a fitted transformer may raise anything on unexpected input
            raise InputDataError(_MSG_TRANSFORM.format(error=first_line(exc))) from None
        if hasattr(out, "toarray"):
            out = out.toarray()
        try:
            return np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputDataError(_MSG_TRANSFORMED_NOT_NUMERIC) from None

    def to_original(self, phi: np.ndarray) -> np.ndarray:
        """Sum contributions of transformed columns per original column: (n, p_out) -> (n, p_in)."""
        if self.preprocess is None:
            return phi
        out = np.zeros((phi.shape[0], len(self.columns)), dtype=phi.dtype)
        for j, col in enumerate(self.column_of):
            out[:, col] += phi[:, j]
        return out


def _is_pipeline(model: Any) -> bool:
    return hasattr(model, "steps") and hasattr(model, "__getitem__") and len(getattr(model, "steps", ())) > 1


def _check_features(model: Any, features: pd.DataFrame) -> list[str]:
    columns = [str(c) for c in features.columns]
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is not None:
        expected = [str(c) for c in fitted]
        missing = [c for c in expected if c not in columns]
        if missing:
            raise ColumnError(_MSG_MISSING.format(missing=", ".join(repr(c) for c in missing)))
        if columns != expected:
            raise InputDataError(_MSG_ORDER.format(expected=expected, got=columns))
    return columns


def _names_to_indices(cols: Any, names: list[str]) -> list[int]:
    """A ColumnTransformer column selection (names, indices, mask or slice) as input indices."""
    if isinstance(cols, slice):
        return list(range(len(names)))[cols]
    values = list(np.atleast_1d(np.asarray(cols, dtype=object)))
    if values and all(isinstance(v, (bool, np.bool_)) for v in values):
        return [i for i, v in enumerate(values) if v]
    return [names.index(str(v)) if not isinstance(v, (int, np.integer)) else int(v) for v in values]


def _match(name: str, inputs: list[str]) -> str | None:
    """The input column an output name was made from: equal, or the longest ``<input>_`` prefix."""
    hits = [c for c in inputs if name == c or name.startswith(c + "_")]
    return max(hits, key=len) if hits else None


def _column_transformer_map(ct: Any, names: list[str], step: str) -> tuple[np.ndarray, list[str]]:
    width = sum(s.stop - s.start for s in ct.output_indices_.values())
    column_of = np.full(width, -1, dtype=np.int64)
    out_names = [""] * width
    for tname, transformer, cols in ct.transformers_:
        part = ct.output_indices_.get(tname)
        if part is None or part.stop == part.start or transformer == "drop":
            continue
        idx = _names_to_indices(cols, names)
        inputs = [names[i] for i in idx]
        n_out = part.stop - part.start
        if transformer == "passthrough":
            produced = inputs
        else:
            try:
                produced = [str(n) for n in transformer.get_feature_names_out(inputs)]
            except Exception:  # some transformers cannot name their outputs
                produced = inputs if n_out == len(inputs) else []
        if len(produced) != n_out:
            raise InputDataError(_MSG_UNMAPPED.format(name=tname, step=step))
        for k, out_name in enumerate(produced):
            source = inputs[0] if len(inputs) == 1 else _match(out_name, inputs)
            if source is None:
                if n_out == len(inputs):  # one-to-one transformer with its own names
                    source = inputs[k]
                else:
                    raise InputDataError(_MSG_UNMAPPED.format(name=out_name, step=f"{step}/{tname}"))
            column_of[part.start + k] = names.index(source)
            out_names[part.start + k] = out_name
    return column_of, out_names


def model_inputs(model: Any, features: pd.DataFrame) -> ModelInputs:
    """Validate ``features`` against ``model`` and build the transformed-to-original column map.

    Raises
    ------
    ColumnError
        A column the model was fitted on is missing.
    InputDataError
        Columns are in another order than at fit time, a bare model is given non-numeric columns,
        or a preprocessing output cannot be traced to an input column.
    """
    columns = _check_features(model, features)
    if not _is_pipeline(model):
        bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
        if bad:
            dtypes = ", ".join(f"{c}: {features[c].dtype}" for c in bad)
            raise InputDataError(_MSG_NON_NUMERIC.format(columns=", ".join(repr(str(c)) for c in bad), dtypes=dtypes))
        return ModelInputs(model, None, columns, np.arange(len(columns)), columns)
    steps = list(model.steps)
    estimator = steps[-1][1]
    preprocess = model[:-1]
    column_of = np.arange(len(columns))
    out_names = list(columns)
    for step_name, step in steps[:-1]:
        if step is None or step == "passthrough":
            continue
        if hasattr(step, "transformers_") and hasattr(step, "output_indices_"):
            inner, inner_names = _column_transformer_map(step, out_names, step_name)
            column_of, out_names = column_of[inner], inner_names
            continue
        try:
            after = [str(n) for n in step.get_feature_names_out(out_names)]
        except Exception:  # no names: only a width-preserving step can be traced
            after = list(out_names)
        width = getattr(step, "n_features_out_", None) or len(after)
        if width != len(out_names):
            raise InputDataError(_MSG_WIDTH.format(step=step_name, before=len(out_names), after=width))
        out_names = after
    return ModelInputs(estimator, preprocess, columns, column_of, out_names)
