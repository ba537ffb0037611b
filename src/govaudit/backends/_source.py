"""A counts source: per-group counts for any grouping, from one aggregation over the rows.

The bias auditor asks a :class:`CountsSource` for the counts table of each sensitive feature and
intersection instead of reading rows. Group labels come from the same encoder the in-memory path
uses (:func:`govaudit.metrics.encode_groups`), applied to the compressed table's keys, so labels,
their order and the ``unknown`` group for missing values are the same as in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.metrics import GroupCounts, GroupEncoding, as_binary, encode_groups

from ._aggregate import ABOVE_MEDIAN, COUNT, DECIDED, compress

__all__ = ["CountsSource", "counts_source_from_frame"]

_MSG_MISSING = "{name} has {n} missing value(s) (None/NaN); every row needs a 0/1 value"
_MSG_NOTHING = "nothing to audit: name a prediction column or a score column (or an amount column, for the amounts auditor)"


@dataclass(frozen=True)
class CountsSource:
    """Counts per group, precomputed by a backend, for data that is not held in memory.

    Attributes
    ----------
    table : pandas.DataFrame
        The compressed table: one row per distinct combination of the sensitive features and
        coded outcomes present in the data, with its row count in ``"__n"``. Aggregate only.
    sensitive_features : tuple of str
        The sensitive feature columns.
    has_labels : bool
        Whether observed outcomes (``"__y_true"``, 0/1) are in the table.
    has_decisions : bool
        Whether decisions (``"__y_pred"``, 0/1) are in the table.
    has_scores : bool
        Whether the score-above-median flag (``"__above_median"``) is in the table.
    backend : str
        The engine that aggregated the rows (``"memory"``, ``"duckdb"`` or ``"spark"``).
    """

    table: pd.DataFrame
    sensitive_features: tuple[str, ...]
    has_labels: bool
    has_decisions: bool
    has_scores: bool
    backend: str
    median_score: float | None = None

    @property
    def n_rows(self) -> int:
        """Number of rows aggregated."""
        return int(self.table[COUNT].sum())

    def label_classes(self) -> tuple[int, ...]:
        """The observed outcome values present (0 and/or 1); empty without labels."""
        if not self.has_labels:
            return ()
        return tuple(int(v) for v in sorted(self.table["__y_true"].unique()))

    def encoding(self, columns: Sequence[str]) -> GroupEncoding:
        """Group codes of the compressed table's rows for ``columns`` (their intersection if several).

        The codes index the compressed rows, not the data rows; labels are what the in-memory
        encoder gives on the full data.
        """
        # as numpy arrays, as build_subject passes sensitive features: the same dtypes give the same labels
        # (a nullable integer column becomes float, so its groups read "1.0" in memory and here alike)
        frame = pd.DataFrame({c: self.table[c].to_numpy() for c in columns})
        return encode_groups(frame, list(columns))

    def group_counts(self, encoding: GroupEncoding, outcome: str = "decisions") -> GroupCounts:
        """The counts table for a grouping, as :func:`govaudit.metrics.group_counts` builds it in memory.

        Parameters
        ----------
        encoding : GroupEncoding
            From :meth:`encoding`.
        outcome : {"decisions", "scores"}
            ``"decisions"``: ``[TN, FP, FN, TP]`` (or ``[not selected, selected]`` without labels);
            ``"scores"``: ``[not above, above]`` the median score.
        """
        if outcome == "scores":
            width, cell = 2, self.table[ABOVE_MEDIAN].to_numpy(dtype=np.int64)
        else:
            pred = self.table["__y_pred"].to_numpy(dtype=np.int64)
            width = 4 if self.has_labels else 2
            cell = pred + 2 * self.table["__y_true"].to_numpy(dtype=np.int64) if self.has_labels else pred
        g = encoding.n_groups
        weights = self.table[COUNT].to_numpy(dtype=np.int64)
        flat = np.zeros(g * width, dtype=np.int64)
        np.add.at(flat, encoding.codes * width + cell, weights)  # exact integer sums
        return GroupCounts(labels=encoding.labels, counts=flat.reshape(g, width))


def _code(table: pd.DataFrame, column: str, name: str, positive: Any) -> np.ndarray:
    """Code a raw outcome key as 0/1 with the in-memory rules (checked on its distinct values)."""
    values = table[column]
    missing = values.isna().to_numpy()
    if missing.any():
        raise InputDataError(_MSG_MISSING.format(name=name, n=int(table.loc[missing, COUNT].sum())))
    return as_binary(values.reset_index(drop=True), name, positive=positive)


def counts_source_from_frame(
    native: Any,
    *,
    sensitive_features: Sequence[str],
    label: str | None = None,
    prediction: str | None = None,
    score: str | None = None,
    favourable_label: Any = 1,
    threshold: float | None = None,
    backend: str = "memory",
) -> CountsSource:
    """Aggregate rows held by any engine narwhals reads into a :class:`CountsSource`.

    Decisions come from the ``prediction`` column, else from ``score >= threshold``; labels and
    decisions are coded 1 for ``favourable_label``, as :func:`govaudit.build_subject` does.

    Raises
    ------
    ColumnError
        A named column is not in the data.
    InputDataError
        There are no decisions or scores, or an outcome is missing or not binary.
    """
    if prediction is None and score is None:
        raise InputDataError(_MSG_NOTHING)
    sensitive = tuple(sensitive_features)
    keys = [(c, "sensitive feature") for c in sensitive]
    keys += [(label, "label")] if label else []
    keys += [(prediction, "recorded decision")] if prediction else []
    table, median = compress(native, keys, score=score,
                             threshold=threshold if prediction is None else None)
    out = table.loc[:, [*sensitive, COUNT]].copy()
    if label:
        out["__y_true"] = _code(table, label, f"label column {label!r}", favourable_label)
    if prediction:
        out["__y_pred"] = _code(table, prediction, f"column {prediction!r}", favourable_label)
    elif threshold is not None:
        out["__y_pred"] = table[DECIDED].to_numpy(dtype=np.int8)
    if score:
        out[ABOVE_MEDIAN] = table[ABOVE_MEDIAN].to_numpy(dtype=np.int8)
    return CountsSource(table=out, sensitive_features=sensitive, has_labels=bool(label),
                        has_decisions="__y_pred" in out, has_scores=bool(score), backend=backend,
                        median_score=median)
