"""Reason codes: the top-k features pushing each decision toward its outcome, worded for people."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["REASON_COLUMNS", "format_value", "reason_table", "top_k"]

#: Columns of the ``reason_codes`` case table, in order.
REASON_COLUMNS: tuple[str, ...] = ("case_id", "rank", "feature", "value", "contribution", "sentence")


def top_k(toward: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of the ``k`` largest entries of each row, largest first.

    ``np.argpartition`` selects them in O(p) per row; only those ``k`` are then sorted.
    """
    n, p = toward.shape
    k = min(k, p)
    if k < p:
        part = np.argpartition(-toward, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(p), (n, p)).copy()
    vals = np.take_along_axis(toward, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


def format_value(value: object) -> str:
    """A feature value as a person reads it: ``1200``, ``1234.56``, ``limited``, ``missing``."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return "missing"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.2f}"
    return str(value)


def _column_strings(values: pd.Series) -> np.ndarray:
    uniques = pd.unique(values)
    if len(uniques) <= max(1000, len(values) // 10):  # categorical-like: format each value once
        lookup = {u: format_value(u) for u in uniques if not (isinstance(u, float) and u != u)}
        return values.map(lambda v: lookup.get(v, "missing") if v == v else "missing").to_numpy(dtype=object)
    return np.array([format_value(v) for v in values.to_numpy(dtype=object)], dtype=object)


def reason_table(case_ids: np.ndarray, features: pd.DataFrame, columns: Sequence[str], cols: np.ndarray,
                 vals: np.ndarray, descriptions: Mapping[str, str], wording: str) -> pd.DataFrame:
    """One row per (case, reason) for the reasons with a positive contribution.

    Parameters
    ----------
    case_ids : numpy.ndarray
        One id per explained case.
    features : pandas.DataFrame
        The explained cases' original feature values, one row per case (same order as ``case_ids``).
    columns : sequence of str
        Original feature names, indexed by ``cols``.
    cols, vals : numpy.ndarray
        (cases, k) feature indices and contributions toward the outcome, largest first.
    descriptions : mapping
        Data dictionary: feature -> wording.
    wording : str
        The outcome, e.g. ``"being flagged for investigation"``.
    """
    n, k = cols.shape
    keep = vals > 0
    case_pos, rank_pos = np.nonzero(keep)
    feature_idx = cols[case_pos, rank_pos]
    names = np.asarray(list(columns), dtype=object)
    described = np.asarray([descriptions.get(c, c) for c in columns], dtype=object)
    value_text = np.empty(len(case_pos), dtype=object)
    for j in np.unique(feature_idx):
        at = feature_idx == j
        value_text[at] = _column_strings(features.iloc[case_pos[at], j].reset_index(drop=True))
    ranks = rank_pos + 1
    # one pass building each final sentence: chained array concatenation would hold several
    # intermediate copies of every string at once
    tail = f" toward {wording}."
    sentence = [f"Reason {r}: {d} was {v}; this {'weighed most' if r == 1 else 'also weighed'}{tail}"
                for r, d, v in zip(ranks.tolist(), described[feature_idx].tolist(), value_text.tolist())]
    return pd.DataFrame({
        "case_id": np.asarray(case_ids)[case_pos],
        "rank": ranks.astype(np.int16),
        "feature": pd.array(names[feature_idx], dtype="string"),
        "value": pd.array(value_text, dtype="string"),
        "contribution": vals[case_pos, rank_pos].astype(np.float64),
        "sentence": pd.array(sentence, dtype="string"),
    }, columns=list(REASON_COLUMNS))
