"""Decisions into several classes (tracks): code the classes, count them per group, binarise one against the rest.

A multi-class decision (``no action``, ``letter``, ``interview``, ``investigation``) is counted once
into a ``(G, K, K)`` table of groups x true class x predicted class (or ``(G, K)`` predicted classes
when the true class is unknown). Every per-class measure is then the binary audit's arithmetic on
the one-vs-rest ``(G, 4)`` table of that class: "sent to this class" is the decision, "belongs to
this class" the outcome, so selection rates, TPR, FPR, precision, their Wilson intervals and the
counts bootstrap are the bias auditor's, unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.metrics._counts import GroupCounts

__all__ = ["ClassCounts", "class_counts", "class_text", "code_classes"]

_MSG_MISSING = "{name} has {n} missing value(s) (None/NaN); every case needs a class"
_MSG_UNKNOWN = "{name} holds class(es) not among the classes given ({given}): {found}"
_MSG_NOT_1D = "{name} must be one-dimensional; got shape {shape}"


def class_text(value: Any) -> str:
    """A class as text: ``2`` and ``"2"`` name the same class, and ``2.0`` is read as ``2``."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def code_classes(values: Any, name: str, classes: Sequence[str] | None = None,
                 weights: np.ndarray | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each value's class index, and the classes.

    Parameters
    ----------
    values : array-like
        One class per case (or per row of a compressed table), any type; compared as text
        (:func:`class_text`).
    name : str
        The input's name, for errors (e.g. ``"y_class_pred"``).
    classes : sequence of str, optional
        The classes in their order. Without it: the distinct values, sorted as text.
    weights : numpy.ndarray, optional
        Rows each value stands for (a compressed table's counts), for the count of missing values.

    Returns
    -------
    (numpy.ndarray, tuple of str)
        ``int64`` indices into the classes, and the classes.

    Raises
    ------
    InputDataError
        A value is missing, or not among ``classes``.
    """
    if isinstance(values, list):
        values = np.asarray(values, dtype=object)
    # before pandas sees it: a 2-D input would otherwise fail inside pd.Series with pandas' own ValueError
    shape = np.shape(values)
    if len(shape) != 1:
        raise InputDataError(_MSG_NOT_1D.format(name=name, shape=shape))
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    missing = series.isna().to_numpy()
    if missing.any():
        n = int(weights[missing].sum()) if weights is not None else int(missing.sum())
        raise InputDataError(_MSG_MISSING.format(name=name, n=n))
    # hash-based: values of mixed types (2 and "2") need no ordering
    inverse, uniques = pd.factorize(series.astype(object), use_na_sentinel=False)
    texts = [class_text(u) for u in uniques]
    found = tuple(sorted(set(texts)))
    order = tuple(str(c) for c in classes) if classes is not None else found
    unknown = [t for t in found if t not in order]
    if unknown:
        raise InputDataError(_MSG_UNKNOWN.format(name=name, given=", ".join(order),
                                                 found=", ".join(repr(u) for u in unknown)))
    position = {c: i for i, c in enumerate(order)}
    lookup = np.array([position[t] for t in texts], dtype=np.int64)
    return lookup[np.asarray(inverse, dtype=np.int64).reshape(-1)], order


@dataclass(frozen=True)
class ClassCounts:
    """Counts per group of each class decided (and each true class): the sufficient statistic of a multi-class audit.

    Attributes
    ----------
    labels : tuple of str
        One label per group.
    classes : tuple of str
        The classes, in their order.
    counts : numpy.ndarray
        ``int64``; with the true class, shape ``(G, K, K)`` indexed ``[group, true, predicted]``;
        without it, shape ``(G, K)`` indexed ``[group, predicted]``.
    """

    labels: tuple[str, ...]
    classes: tuple[str, ...]
    counts: np.ndarray

    @property
    def has_truth(self) -> bool:
        """Whether the table holds true x predicted classes."""
        return self.counts.ndim == 3

    @property
    def n(self) -> np.ndarray:
        """Group sizes, shape ``(G,)``."""
        return self.counts.reshape(len(self.labels), -1).sum(axis=1)

    @property
    def predicted(self) -> np.ndarray:
        """Cases decided into each class, shape ``(G, K)``."""
        return self.counts.sum(axis=1) if self.has_truth else self.counts

    @property
    def true(self) -> np.ndarray | None:
        """Cases truly of each class, shape ``(G, K)``; None without the true class."""
        return self.counts.sum(axis=2) if self.has_truth else None

    def at_least(self, k: int) -> np.ndarray:
        """Cases decided into class ``k`` or a later one (classes ordered from least to most adverse), shape ``(G,)``."""
        return self.predicted[:, k:].sum(axis=1)

    def one_vs_rest(self, k: int) -> GroupCounts:
        """The binary counts table of class ``k`` against the rest.

        With the true class: ``[TN, FP, FN, TP]`` per group, where a positive decision is "decided
        into class k" and a positive outcome "truly of class k"; without it ``[not k, k]``.
        """
        n = self.n
        if not self.has_truth:
            chosen = self.counts[:, k]
            return GroupCounts(labels=self.labels, counts=np.stack([n - chosen, chosen], axis=1))
        tp = self.counts[:, k, k]
        fp = self.counts[:, :, k].sum(axis=1) - tp
        fn = self.counts[:, k, :].sum(axis=1) - tp
        tn = n - tp - fp - fn
        return GroupCounts(labels=self.labels, counts=np.stack([tn, fp, fn, tp], axis=1))


def class_counts(codes: np.ndarray, labels: Sequence[str], classes: Sequence[str], predicted: np.ndarray,
                 true: np.ndarray | None = None, weights: np.ndarray | None = None) -> ClassCounts:
    """Count (group, true class, predicted class) in one pass.

    Parameters
    ----------
    codes : numpy.ndarray
        Group code of each row (:func:`govaudit.metrics.encode_groups`).
    labels : sequence of str
        The groups' labels.
    classes : sequence of str
        The classes.
    predicted, true : numpy.ndarray
        Class index of each row (:func:`code_classes`); ``true`` optional.
    weights : numpy.ndarray, optional
        Rows each row stands for (a backend's compressed table); default one each.

    Returns
    -------
    ClassCounts
    """
    g, k = len(labels), len(classes)
    if len(predicted) != len(codes) or (true is not None and len(true) != len(codes)):
        raise InputDataError(f"the classes decided ({len(predicted)}), the true classes "
                             f"({'-' if true is None else len(true)}) and the groups ({len(codes)}) differ in length")
    key = np.asarray(codes, dtype=np.int64) * k
    width = k
    if true is not None:
        key = (key + np.asarray(true, dtype=np.int64)) * k
        width = k * k
    key = key + np.asarray(predicted, dtype=np.int64)
    counted = np.bincount(key, weights=None if weights is None else np.asarray(weights, dtype=np.float64),
                          minlength=g * width)
    counts = np.rint(counted).astype(np.int64)  # weighted sums of whole counts stay whole
    return ClassCounts(labels=tuple(labels), classes=tuple(classes),
                       counts=counts.reshape((g, k, k) if true is not None else (g, k)))
