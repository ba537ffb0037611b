"""Stratified samples, global importance (mean |SHAP|) with bootstrap intervals, and its stability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from govaudit.backends._sample import allocate as _allocate

__all__ = ["GlobalImportance", "StratifiedSample", "global_importance", "rank_correlation", "reweight", "stratified_sample", "strata_codes"]


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


def reweight(sample: StratifiedSample, population_per_row: np.ndarray, total: int) -> StratifiedSample:
    """The same rows weighted back to a larger population: ``N_s / m_s`` with ``N_s`` the stratum's size there.

    Used when the rows sampled from were themselves a stratified sample of a larger table (drawn by a
    backend): ``population_per_row[i]`` is the size, in that table, of row ``i``'s stratum.
    """
    taken = np.bincount(sample.strata, minlength=int(sample.strata.max()) + 1 if sample.size else 0)
    weights = population_per_row[sample.rows] / taken[sample.strata]
    return StratifiedSample(sample.rows, sample.strata, weights.astype(np.float64), int(total))


class GlobalImportance(NamedTuple):
    """Mean |contribution| per feature with its interval, and the interval of its share of the total."""

    importance: np.ndarray
    low: np.ndarray
    high: np.ndarray
    share_low: np.ndarray
    share_high: np.ndarray


def global_importance(abs_phi: np.ndarray, sample: StratifiedSample, n_resamples: int, confidence: float,
                      rng: np.random.Generator) -> GlobalImportance:
    """Weighted mean |contribution| per feature, its share of the total, and their stratified bootstrap intervals.

    The bootstrap resamples rows within each stratum (multinomial counts), keeping stratum sizes,
    and recomputes the weighted means as one matrix product: O(resamples x rows x features). Each
    resample's shares are its means over its total, so the share interval comes from the same
    resamples (it is not the interval of the mean divided by the point total).

    Returns
    -------
    GlobalImportance
        ``importance, low, high, share_low, share_high``: one value per feature each (the intervals
        are NaN without resamples).
    """
    w = sample.weights
    importance = (w @ abs_phi) / w.sum()
    p = abs_phi.shape[1]
    if n_resamples == 0 or sample.size < 2:
        return GlobalImportance(importance, *(np.full(p, np.nan) for _ in range(4)))
    counts = np.zeros((n_resamples, sample.size))
    for s in np.unique(sample.strata):
        idx = np.flatnonzero(sample.strata == s)
        counts[:, idx] = rng.multinomial(len(idx), np.full(len(idx), 1.0 / len(idx)), size=n_resamples)
    bw = counts * w
    boot = (bw @ abs_phi) / bw.sum(axis=1, keepdims=True)
    totals = boot.sum(axis=1, keepdims=True)
    shares = np.divide(boot, totals, out=np.zeros_like(boot), where=totals > 0)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha], axis=0)
    share_low, share_high = np.quantile(shares, [alpha, 1 - alpha], axis=0)
    return GlobalImportance(importance, low, high, share_low, share_high)


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of two importance vectors (1.0 when both are constant)."""
    if len(a) < 2:
        return 1.0
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return 1.0
    from scipy.stats import spearmanr  # scipy.stats is slow to import: only when it is used

    rho = spearmanr(a, b).statistic
    return float(rho) if rho == rho else 0.0
