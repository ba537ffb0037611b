"""Turn a model, a table, arrays and column names into a validated :class:`AuditSubject`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.core import AuditSubject
from govaudit.exceptions import ColumnError, InputDataError, first_line
from govaudit.metrics import as_binary

__all__ = ["build_subject", "sensitive_frame"]

_MSG_NO_COLUMN = "column {column!r} ({role}) not found in the data; available columns: {available}"
_MSG_LENGTH = "{name} has {got} rows but the data has {expected}"
_MSG_PREDICT_FAILED = "the model's {method}() failed on the data: {error}"
_MSG_FAV_NOT_A_CLASS = "favourable label {fav!r} is not one of the model's classes {classes}"
_MSG_NOTHING_TO_AUDIT = "nothing to audit: give a model with data, recorded decisions (y_pred), or scores"
_MSG_NO_PROBA = ("threshold = {threshold} needs the model's probabilities, but the model ({kind}) has no "
                 "predict_proba; remove the threshold to audit its predict() decisions, or give a model with probabilities")
_MSG_SCORE = "{name} must be numeric with no missing values"


def _available(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    return ", ".join(cols[:25]) + (f", ... ({len(cols)} in all)" if len(cols) > 25 else "")


def _column(frame: pd.DataFrame, column: str, role: str) -> pd.Series:
    if column not in frame.columns:
        raise ColumnError(_MSG_NO_COLUMN.format(column=column, role=role, available=_available(frame)))
    return frame[column]


def _check_length(values: Any, name: str, expected: int) -> None:
    got = len(values)
    if got != expected:
        raise InputDataError(_MSG_LENGTH.format(name=name, got=got, expected=expected))


def _given_or_column(values: Any, column: str | None, data: pd.DataFrame | None, key: str, role: str) -> Any:
    """Values given directly, else the named column of ``data``."""
    if values is not None or column is None:
        return values
    if data is None:
        raise InputDataError(f"{key} was given as a column name but no data table was given")
    return _column(data, column, role)


def _nullable_number(dtype: Any) -> bool:
    """A pandas extension dtype of numbers or booleans (``Int64``, ``boolean``, ``int64[pyarrow]``...)."""
    return (isinstance(dtype, pd.api.extensions.ExtensionDtype) and not isinstance(dtype, pd.CategoricalDtype)
            and (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)))


def _sensitive_frame(sensitive_features: Any, data: pd.DataFrame | None) -> pd.DataFrame:
    if isinstance(sensitive_features, str):
        sensitive_features = [sensitive_features]
    if isinstance(sensitive_features, pd.DataFrame):
        return sensitive_features.reset_index(drop=True)
    if isinstance(sensitive_features, pd.Series):
        return sensitive_features.reset_index(drop=True).to_frame(name=sensitive_features.name or "sensitive_feature")
    if (
        data is not None
        and isinstance(sensitive_features, Sequence)
        and sensitive_features
        and all(isinstance(c, str) for c in sensitive_features)
    ):
        names = list(dict.fromkeys(sensitive_features))
        for column in names:
            _column(data, column, "sensitive feature")
        # The columns as they are (dtype kept, no copy), except pandas' nullable numbers, read as numpy
        # values as they always were here (an Int64 column with missing values becomes float: its
        # groups read "1.0", as on the DuckDB and Spark engines, which read columns the same way).
        frame = data[names].reset_index(drop=True)
        nullable = [c for c in names if _nullable_number(frame[c].dtype)]
        return frame.assign(**{c: frame[c].to_numpy() for c in nullable}) if nullable else frame
    array = np.asarray(sensitive_features, dtype=object)
    if array.ndim == 1:
        return pd.DataFrame({"sensitive_feature": array})
    if array.ndim == 2:
        return pd.DataFrame(array, columns=[f"sensitive_feature_{i}" for i in range(array.shape[1])])
    raise InputDataError(f"sensitive_features must be 1-D or 2-D; got {array.ndim} dimensions")


def sensitive_frame(sensitive_features: Any, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sensitive features as a DataFrame: column names of ``data``, or the values (array, Series, DataFrame).

    Raises
    ------
    ColumnError
        A named column is not in ``data``.
    """
    return _sensitive_frame(sensitive_features, data)


def _model_features(model: Any, data: pd.DataFrame, features: Sequence[str] | None, exclude: set[str]) -> pd.DataFrame:
    if features is None:
        fitted = getattr(model, "feature_names_in_", None)
        features = [str(c) for c in fitted] if fitted is not None else [c for c in data.columns if c not in exclude]
    for column in features:
        _column(data, column, "model feature")
    return data[list(features)]


def _call(model: Any, method: str, features: pd.DataFrame) -> np.ndarray:
    from govaudit.models._threads import model_threads

    try:
        with model_threads(len(features)):
            return np.asarray(getattr(model, method)(features))
    except Exception as exc:  # a model may raise anything on unexpected input
        error = first_line(exc)
        raise InputDataError(_MSG_PREDICT_FAILED.format(method=method, error=error)) from None


def _favourable_column(model: Any, favourable: Any) -> int:
    classes = list(getattr(model, "classes_", [0, 1]))
    if favourable not in classes:
        raise InputDataError(_MSG_FAV_NOT_A_CLASS.format(fav=favourable, classes=classes))
    return classes.index(favourable)


def _scores(values: Any, name: str) -> np.ndarray:
    try:
        scores = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputDataError(_MSG_SCORE.format(name=name)) from None
    if scores.ndim != 1 or np.isnan(scores).any():
        raise InputDataError(_MSG_SCORE.format(name=name))
    return scores


def build_subject(
    *,
    model: Any = None,
    data: pd.DataFrame | None = None,
    label: str | None = None,
    sensitive_features: Any = None,
    features: Sequence[str] | None = None,
    y_true: Any = None,
    y_pred: Any = None,
    y_score: Any = None,
    prediction: str | None = None,
    score: str | None = None,
    favourable_label: Any = 1,
    threshold: float | None = None,
    name: str = "unnamed",
) -> AuditSubject:
    """Validate inputs and assemble the :class:`AuditSubject` auditors read.

    Decisions come, in order of preference, from ``y_pred``, the ``prediction`` column, the model
    (``predict``, or ``predict_proba >= threshold`` when a threshold is given), or recorded scores
    (``score >= threshold``). Labels and decisions are coded 1 for the favourable outcome
    (``favourable_label``); higher scores are more favourable.

    Raises
    ------
    ColumnError
        A named column is not in ``data``.
    InputDataError
        Lengths disagree, values are not binary, a score is not numeric, or there is nothing to audit.
    """
    if data is not None and len(data) == 0:
        raise InputDataError("the data has no rows")
    n_rows = len(data) if data is not None else None
    sensitive = _sensitive_frame(sensitive_features, data) if sensitive_features is not None else None
    if sensitive is not None and n_rows is not None:
        _check_length(sensitive, "sensitive_features", n_rows)
    y_true = _given_or_column(y_true, label, data, "label", "label")
    true_name = f"label column {label!r}" if label is not None else "y_true"
    y_true_arr = as_binary(y_true, true_name, positive=favourable_label) if y_true is not None else None
    feature_frame = None
    if model is not None and data is not None:
        feature_frame = _model_features(model, data, features, {c for c in (label, prediction, score) if c})
    y_pred_arr, y_score_arr = _decisions_and_scores(model, feature_frame, data, y_pred, y_score, prediction, score,
                                                    favourable_label, threshold)
    _check_lengths(n_rows, y_true=y_true_arr, y_pred=y_pred_arr, y_score=y_score_arr, sensitive_features=sensitive)
    return AuditSubject(model=model, features=feature_frame, y_true=y_true_arr, y_pred=y_pred_arr,
                        y_score=y_score_arr, sensitive_features=sensitive, name=name)


def _decisions_and_scores(model: Any, feature_frame: pd.DataFrame | None, data: pd.DataFrame | None, y_pred: Any,
                          y_score: Any, prediction: str | None, score: str | None, favourable: Any,
                          threshold: float | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Decisions coded 1 = favourable, and scores: given, recorded in ``data``, from the model, or scores >= threshold."""
    decided = _Decisions(_given_or_column(y_pred, prediction, data, "prediction", "recorded decision"),
                         f"column {prediction!r}" if prediction else "y_pred", favourable)
    y_score = _given_or_column(y_score, score, data, "score", "recorded score")
    if feature_frame is not None and (decided.values is None or y_score is None):
        decided, y_score = _model_outputs(model, feature_frame, decided, y_score, favourable, threshold)
    if decided.values is None and y_score is None:
        raise InputDataError(_MSG_NOTHING_TO_AUDIT)
    y_score_arr = _scores(y_score, f"column {score!r}" if score else "y_score") if y_score is not None else None
    if decided.values is None and y_score_arr is not None and threshold is not None:
        # recorded scores with a decision threshold: the decision is score >= threshold
        decided = _Decisions((y_score_arr >= threshold).astype(np.int8), "scores", None)
    y_pred_arr = None if decided.values is None else as_binary(decided.values, decided.name, positive=decided.positive)
    return y_pred_arr, y_score_arr


@dataclass(frozen=True)
class _Decisions:
    """Decisions before they are coded 0/1, how errors name them, and which value is favourable."""

    values: Any
    name: str
    positive: Any  # None: already coded 1 = favourable


def _model_outputs(model: Any, features: pd.DataFrame, decided: _Decisions, y_score: Any, favourable: Any,
                   threshold: float | None) -> tuple[_Decisions, Any]:
    """What the model gives where nothing was recorded: scores (probabilities, else the decision function),
    then decisions (probability >= threshold when one is given, else ``predict``)."""
    proba = _call(model, "predict_proba", features) if hasattr(model, "predict_proba") else None
    if decided.values is None and threshold is not None and proba is None:  # never ignore a threshold silently
        raise InputDataError(_MSG_NO_PROBA.format(threshold=threshold, kind=type(model).__name__))
    if y_score is None and proba is not None:
        y_score = proba[:, _favourable_column(model, favourable)]
    elif y_score is None and hasattr(model, "decision_function"):
        y_score = _call(model, "decision_function", features)
    if decided.values is None and threshold is not None and proba is not None:
        decided = _Decisions((proba[:, _favourable_column(model, favourable)] >= threshold).astype(np.int8),
                             f"model decisions (probability >= {threshold})", None)
    elif decided.values is None:
        decided = _Decisions(_call(model, "predict", features), "model predictions", decided.positive)
    return decided, y_score


def _check_lengths(n_rows: int | None, **arrays: Any) -> None:
    """Every input given has one value per row of the data (or, without data, as many as the others)."""
    present = {k: len(v) for k, v in arrays.items() if v is not None}
    expected = n_rows if n_rows is not None else next(iter(present.values()))
    if any(length != expected for length in present.values()):
        raise InputDataError(
            "inputs have different lengths: " + ", ".join(f"{k}={v}" for k, v in present.items())
            + (f", data={n_rows}" if n_rows is not None else "")
        )
