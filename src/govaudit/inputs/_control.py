"""A random control sample, checked once: which cases the model selected, which were drawn at random.

Public bodies test a risk model by checking, beside the cases the model selected, cases selected
uniformly at random (the method of the published audits of municipal welfare fraud models). The
table has one row per checked case: the selection method, the sensitive features, and optionally
the outcome of the check (1 = an error or irregularity was found). Every problem is a typed error
naming the column and what was expected; nothing is guessed or dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import ColumnError, InputDataError

__all__ = ["ControlSample", "control_sample"]

_MSG_NOT_TABLE = "the control sample must be a pandas DataFrame (or a CSV/Parquet file); got {what}"
_MSG_EMPTY = "the control sample has no rows"
_MSG_COLUMN = "column {column!r} ({role}) not found in the control sample; its columns: {have}"
_MSG_MISSING = "column {column!r} ({role}) of the control sample has {n} missing value(s); every case needs one"
_MSG_SAME = "model_value and random_value must differ; both are {value!r}"
_MSG_OTHER = ("column {column!r} (method_column) of the control sample holds {values}, which is neither the "
              "model's value {model!r} nor the random sample's {random!r}")
_MSG_NO_STREAM = ("the control sample has no case selected {how} ({column} == {value!r}); a comparison needs "
                  "cases selected by the model and cases selected at random")
_MSG_NO_FEATURES = "the control sample needs at least one sensitive feature"
_MSG_OUTCOME = ("column {column!r} (outcome_column) of the control sample must hold 0/1 or true/false "
                "(1 = an error was found); it holds {values}")
_MSG_ROLE_CLASH = "column {column!r} cannot be both the {first} and the {second} of the control sample"


@dataclass(frozen=True)
class ControlSample:
    """A validated control sample: one entry per checked case.

    Attributes
    ----------
    by_model : numpy.ndarray of bool
        True for a case the model selected, False for one selected at random.
    sensitive : pandas.DataFrame
        One column per sensitive feature, values as text, none missing.
    outcome : numpy.ndarray of int64 or None
        1 when the check found an error, 0 when not; None when no outcome column was given.
    method_column, model_value, random_value, outcome_column : str, Any, Any, str or None
        Where the method and the outcome were read, and the two method values (for messages and the record).
    """

    by_model: np.ndarray
    sensitive: pd.DataFrame
    outcome: np.ndarray | None
    method_column: str
    model_value: Any
    random_value: Any
    outcome_column: str | None = None

    @property
    def n_model(self) -> int:
        """Cases the model selected."""
        return int(self.by_model.sum())

    @property
    def n_random(self) -> int:
        """Cases selected at random."""
        return int(self.by_model.size - self.by_model.sum())


def _column(table: pd.DataFrame, column: str, role: str) -> pd.Series:
    if column not in table.columns:
        have = ", ".join(map(str, table.columns[:20])) + (", ..." if table.shape[1] > 20 else "")
        raise ColumnError(_MSG_COLUMN.format(column=column, role=role, have=have))
    values = table[column]
    missing = int(values.isna().sum())
    if missing:
        raise InputDataError(_MSG_MISSING.format(column=column, role=role, n=missing))
    return values


def _text(values: pd.Series) -> np.ndarray:
    """Values as text, whole-number floats without ``.0`` (a CSV integer column read as float is the same value)."""
    if values.dtype.kind == "f" and bool(np.all(np.mod(values.to_numpy(), 1) == 0)):
        values = values.astype(np.int64)
    return values.astype(str).to_numpy(dtype=object)


def _methods(values: pd.Series, column: str, model_value: Any, random_value: Any) -> np.ndarray:
    if str(model_value) == str(random_value):
        raise InputDataError(_MSG_SAME.format(value=model_value))
    text = _text(values)
    by_model, by_random = text == str(model_value), text == str(random_value)
    other = ~(by_model | by_random)
    if other.any():
        found = sorted(set(text[other].tolist()))
        shown = ", ".join(repr(v) for v in found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise InputDataError(_MSG_OTHER.format(column=column, values=shown, model=model_value, random=random_value))
    for mask, how, value in ((by_model, "by the model", model_value), (by_random, "at random", random_value)):
        if not mask.any():
            raise InputDataError(_MSG_NO_STREAM.format(how=how, column=column, value=value))
    return by_model


def _outcomes(values: pd.Series, column: str) -> np.ndarray:
    if values.dtype.kind == "b":
        return values.to_numpy(dtype=np.int64)
    found = pd.unique(values)
    text = {str(v).strip().lower() for v in found}
    if not text <= {"0", "1", "0.0", "1.0", "true", "false"}:
        shown = ", ".join(repr(v) for v in list(found)[:5])
        raise InputDataError(_MSG_OUTCOME.format(column=column, values=shown))
    return np.isin(values.astype(str).str.strip().str.lower().to_numpy(), ["1", "1.0", "true"]).astype(np.int64)


def control_sample(
    table: pd.DataFrame,
    *,
    method: str,
    sensitive_features: Sequence[str],
    outcome: str | None = None,
    model_value: Any = "model",
    random_value: Any = "random",
) -> ControlSample:
    """Check a control-sample table and keep what the control-sample auditor reads.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per checked case.
    method : str
        Column saying how each case was selected.
    sensitive_features : sequence of str
        Columns of the groups to compare.
    outcome : str, optional
        Column of the check's outcome: 1 (or true) when an error or irregularity was found.
    model_value, random_value : default "model", "random"
        The values of ``method`` that mean "selected by the model" and "selected at random"
        (compared as text, so ``1`` matches a column of integers or of strings).

    Returns
    -------
    ControlSample

    Raises
    ------
    ColumnError
        A named column is not in the table.
    InputDataError
        The table is empty; a column has missing values; ``method`` holds another value than the
        two declared, or lacks one of them; the outcome is not 0/1.
    """
    if not isinstance(table, pd.DataFrame):
        raise InputDataError(_MSG_NOT_TABLE.format(what=type(table).__name__))
    if len(table) == 0:
        raise InputDataError(_MSG_EMPTY)
    features = [sensitive_features] if isinstance(sensitive_features, str) else list(sensitive_features)
    if not features:
        raise InputDataError(_MSG_NO_FEATURES)
    roles = {method: "method_column"}
    for column, role in [(c, "sensitive feature") for c in features] + ([(outcome, "outcome_column")] if outcome else []):
        if column in roles:
            raise InputDataError(_MSG_ROLE_CLASH.format(column=column, first=roles[column], second=role))
        roles[column] = role
    by_model = _methods(_column(table, method, "method_column"), method, model_value, random_value)
    sensitive = pd.DataFrame({str(c): _text(_column(table, c, "sensitive feature")) for c in features})
    outcomes = _outcomes(_column(table, outcome, "outcome_column"), outcome) if outcome is not None else None
    return ControlSample(by_model=by_model, sensitive=sensitive, outcome=outcomes, method_column=method,
                         model_value=model_value, random_value=random_value, outcome_column=outcome)
