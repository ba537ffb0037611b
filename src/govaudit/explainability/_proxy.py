"""Proxy detection: how well each model input, on its own, predicts membership of a sensitive group.

For a feature f and a group g of a sensitive feature s, the feature is cut into bins (its categories,
or quantile bins when numeric), each bin is scored by the share of group g in it, and the score's
ROC AUC against "is in g" measures how much f reveals about s. The bin shares are learnt on one half
of the rows and scored on the other (two-fold cross-fitting), so a feature with many rare categories
does not look predictive by memorising them. An AUC of 0.5 means f says nothing about s; 1.0 that
it encodes it exactly.

A sensitive feature that is a function of an input is not a proxy of it but the input itself,
coarsened: an age band is a binning of age (each band an interval of the ages), a region a recoding
of a district code (each district in one region). :func:`derivation` finds such pairs; the
auditor reports them as direct use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ProxyStrength", "binned_codes", "count_auc", "derivation", "proxy_strength"]

#: groups smaller than this are not tested one-vs-rest (their AUC would be noise)
MIN_GROUP = 30
#: smoothing towards the overall share, in pseudo-rows, for bins seen rarely in the other fold
_PRIOR_ROWS = 10.0


@dataclass(frozen=True)
class ProxyStrength:
    """The best one-vs-rest AUC of one feature for one sensitive feature.

    ``derived`` says how the sensitive feature is a function of the feature, if it is one:
    ``"binning"`` (each group an interval of the feature's values) or ``"recoding"`` (each of the
    feature's values in one group); see :func:`derivation`.
    """

    feature: str
    sensitive: str
    auc: float
    group: str | None
    derived: str | None = None


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


def derivation(values: pd.Series, groups: pd.Series) -> str | None:
    """How ``groups`` is a function of ``values`` on the rows where both are known, or None.

    ``"binning"``: ``values`` is numeric and the groups occupy disjoint intervals of it (age bands of
    an age). ``"recoding"``: ``values`` repeats (fewer distinct values than half the rows, so that an
    identifier does not qualify) and each of its values falls in one group only. At least two groups
    must be present.
    """
    known = values.notna().to_numpy() & groups.notna().to_numpy()
    x, g = values[known], groups[known].astype(str)
    if g.nunique() < 2:
        return None
    if pd.api.types.is_numeric_dtype(x):
        x = x.astype(np.float64)  # booleans and integers compare as numbers
        ranges = x.groupby(g.to_numpy()).agg(["min", "max"]).sort_values("min")
        if bool((ranges["max"].to_numpy()[:-1] < ranges["min"].to_numpy()[1:]).all()):
            return "binning"
    if x.nunique() <= len(x) // 2 and bool((g.groupby(x.to_numpy()).nunique() == 1).all()):
        return "recoding"
    return None


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
            derived = derivation(features[c], values) if str(c) != str(s) else None
            out.append(ProxyStrength(str(c), str(s), best, best_group, derived))
    return out
