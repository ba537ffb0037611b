"""Stratified samples, global importance (mean |SHAP|) with bootstrap intervals, and its stability."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

__all__ = ["StratifiedSample", "global_importance", "rank_correlation", "stratified_sample", "strata_codes"]


def strata_codes(sensitive: pd.DataFrame | None, n: int) -> np.ndarray:
    """One integer per row: the row's combination of sensitive-feature values (missing is its own value)."""
    if sensitive is None or sensitive.shape[1] == 0:
        return np.zeros(n, dtype=np.int64)
    keys = sensitive.astype(object).where(sensitive.notna(), "<missing>").astype(str)
    return keys.groupby(list(keys.columns), sort=True).ngroup().to_numpy(dtype=np.int64)


@dataclass(frozen=True)
class StratifiedSample:
    """Row indices drawn per stratum, and each row's weight back to the population.

    ``weights[i] = N_s / m_s`` for a row of stratum ``s`` (population count over sample count), so a
    weighted mean over the sample estimates the population mean even though rounding the allocation
    leaves small strata slightly over-represented.
    """

    rows: np.ndarray
    strata: np.ndarray
    weights: np.ndarray
    population: int

    @property
    def size(self) -> int:
        """Rows in the sample."""
        return int(len(self.rows))


def _allocate(counts: np.ndarray, size: int) -> np.ndarray:
    """Largest-remainder proportional allocation of ``size`` rows, at least one per non-empty stratum."""
    quota = size * counts / counts.sum()
    alloc = np.where(counts > 0, np.maximum(1, np.floor(quota)), 0).astype(np.int64)
    left = size - int(alloc.sum())
    if left > 0:
        room = np.flatnonzero(alloc < counts)
        order = room[np.argsort(-(quota - np.floor(quota))[room], kind="stable")]
        alloc[order[:left]] += 1
    while alloc.sum() > size and alloc.max() > 1:  # the minimum of one overshot: trim the largest
        alloc[np.argmax(alloc)] -= 1
    return np.minimum(alloc, counts)


def stratified_sample(codes: np.ndarray, size: int, rng: np.random.Generator,
                      exclude: np.ndarray | None = None) -> StratifiedSample:
    """Proportional allocation per stratum (largest remainders), at least one row from every non-empty stratum.

    Rows in ``exclude`` are not drawn when enough other rows remain (for an independent second sample).
    """
    n = len(codes)
    eligible = np.ones(n, dtype=bool)
    if exclude is not None and n - len(exclude) >= min(size, n):
        eligible[exclude] = False
    pool = np.flatnonzero(eligible)
    counts = np.bincount(codes, minlength=int(codes.max()) + 1 if n else 0)
    if len(pool) <= size:
        rows = pool
    else:
        pool_counts = np.bincount(codes[pool], minlength=len(counts))
        alloc = _allocate(pool_counts, size)
        order = pool[rng.permutation(len(pool))]
        order = order[np.argsort(codes[order], kind="stable")]  # shuffled within each stratum
        starts = np.concatenate([[0], np.cumsum(pool_counts)[:-1]])
        rows = np.concatenate([order[s:s + a] for s, a in zip(starts, alloc) if a > 0])
    rows = np.sort(rows)
    strata = codes[rows]
    taken = np.bincount(strata, minlength=len(counts))
    weights = counts[strata] / taken[strata]
    return StratifiedSample(rows, strata, weights.astype(np.float64), n)


def global_importance(abs_phi: np.ndarray, sample: StratifiedSample, n_resamples: int, confidence: float,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean |contribution| per feature and its stratified bootstrap interval.

    The bootstrap resamples rows within each stratum (multinomial counts), keeping stratum sizes,
    and recomputes the weighted means as one matrix product: O(resamples x rows x features).

    Returns
    -------
    importance, low, high : numpy.ndarray
        One value per feature (low/high are NaN without resamples).
    """
    w = sample.weights
    importance = (w @ abs_phi) / w.sum()
    p = abs_phi.shape[1]
    if n_resamples == 0 or sample.size < 2:
        return importance, np.full(p, np.nan), np.full(p, np.nan)
    counts = np.zeros((n_resamples, sample.size))
    for s in np.unique(sample.strata):
        idx = np.flatnonzero(sample.strata == s)
        counts[:, idx] = rng.multinomial(len(idx), np.full(len(idx), 1.0 / len(idx)), size=n_resamples)
    bw = counts * w
    boot = (bw @ abs_phi) / bw.sum(axis=1, keepdims=True)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha], axis=0)
    return importance, low, high


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of two importance vectors (1.0 when both are constant)."""
    if len(a) < 2:
        return 1.0
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return 1.0
    rho = spearmanr(a, b).statistic
    return float(rho) if rho == rho else 0.0
