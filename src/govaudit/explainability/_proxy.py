"""Proxy detection: how well each model input, on its own, predicts membership of a sensitive group.

For a feature f and a group g of a sensitive feature s, the feature is cut into bins (its categories,
or quantile bins when numeric), each bin is scored by the share of group g in it, and the score's
ROC AUC against "is in g" measures how much f reveals about s. The bin shares are learnt on one half
of the rows and scored on the other (two-fold cross-fitting), so a feature with many rare categories
does not look predictive by memorising them. An AUC of 0.5 means f says nothing about s; 1.0 that
it encodes it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ProxyStrength", "binned_codes", "count_auc", "proxy_strength"]

#: groups smaller than this are not tested one-vs-rest (their AUC would be noise)
MIN_GROUP = 30
#: smoothing towards the overall share, in pseudo-rows, for bins seen rarely in the other fold
_PRIOR_ROWS = 10.0


@dataclass(frozen=True)
class ProxyStrength:
    """The best one-vs-rest AUC of one feature for one sensitive feature."""

    feature: str
    sensitive: str
    auc: float
    group: str | None


def binned_codes(values: pd.Series, bins: int) -> np.ndarray:
    """Integer codes: categories as they are, numeric columns with many values in quantile bins; missing is a code."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) and values.nunique() > bins:
        x = values.to_numpy(dtype=np.float64)
        finite = x[np.isfinite(x)]
        edges = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1])) if len(finite) else np.array([])
        codes = np.searchsorted(edges, x, side="right")
        return np.where(np.isnan(x), len(edges) + 1, codes).astype(np.int64)
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return np.where(codes < 0, codes.max(initial=0) + 1, codes).astype(np.int64)


def count_auc(score: np.ndarray, target: np.ndarray) -> float:
    """ROC AUC of ``score`` for the boolean ``target`` (ties count one half), from counts per distinct score."""
    uniq, inv = np.unique(score, return_inverse=True)
    pos = np.bincount(inv, weights=target.astype(np.float64), minlength=len(uniq))
    neg = np.bincount(inv, minlength=len(uniq)) - pos
    n_pos, n_neg = pos.sum(), neg.sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    below = np.cumsum(neg) - neg
    return float(np.sum(pos * (below + 0.5 * neg)) / (n_pos * n_neg))


def _cross_fit_auc(codes: np.ndarray, target: np.ndarray, fold: np.ndarray) -> float:
    n_codes = int(codes.max()) + 1
    score = np.empty(len(codes))
    for f in (0, 1):
        learn, apply = fold != f, fold == f
        base = target[learn].mean() if learn.any() else target.mean()
        hits = np.bincount(codes[learn], weights=target[learn].astype(np.float64), minlength=n_codes)
        rows = np.bincount(codes[learn], minlength=n_codes)
        rate = (hits + _PRIOR_ROWS * base) / (rows + _PRIOR_ROWS)
        score[apply] = rate[codes[apply]]
    return count_auc(score, target)


def proxy_strength(features: pd.DataFrame, sensitive: pd.DataFrame, bins: int,
                   rng: np.random.Generator) -> list[ProxyStrength]:
    """For every (feature, sensitive feature) pair, the largest one-vs-rest cross-fitted AUC and its group."""
    n = len(features)
    fold = rng.permutation(n) % 2
    codes = {c: binned_codes(features[c], bins) for c in features.columns}
    out = []
    for s in sensitive.columns:
        values = sensitive[s]
        known = values.notna().to_numpy()
        groups = values[known].astype(str)
        counts = groups.value_counts()
        candidates = [g for g, c in counts.items() if c >= MIN_GROUP and known.sum() - c >= MIN_GROUP]
        if len(candidates) == 2:  # binary: one side's AUC is the other's
            candidates = candidates[1:]
        labels = np.full(n, None, dtype=object)
        labels[known] = groups.to_numpy()
        for c in features.columns:
            best, best_group = float("nan"), None
            for g in candidates:
                target = labels[known] == g
                auc = _cross_fit_auc(codes[c][known], target, fold[known])
                if auc == auc and not best >= auc:
                    best, best_group = auc, g
            out.append(ProxyStrength(str(c), str(s), best, best_group))
    return out
