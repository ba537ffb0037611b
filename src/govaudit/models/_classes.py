"""Which probability column belongs to which class, told from a model's own answers."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["infer_classes"]


def infer_classes(labels: np.ndarray, proba: np.ndarray) -> np.ndarray | None:
    """Class labels in probability-column order, or ``None`` when the answers cannot tell.

    Column ``j`` belongs to the label the model gives wherever column ``j`` is the largest. A binary
    model that only ever gives 0 or 1 is taken to use scikit-learn's order ``[0, 1]``.
    """
    by_column: dict[int, set[Any]] = {}
    for j, label in zip(np.argmax(proba, axis=1).tolist(), np.asarray(labels).tolist()):
        by_column.setdefault(int(j), set()).add(label)
    if len(by_column) == proba.shape[1] and all(len(v) == 1 for v in by_column.values()):
        return np.asarray([next(iter(by_column[j])) for j in range(proba.shape[1])])
    seen = set(np.asarray(labels).tolist())
    if proba.shape[1] == 2 and seen <= {0, 1}:
        return np.asarray([0, 1])
    return None
