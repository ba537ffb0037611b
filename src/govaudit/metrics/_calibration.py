"""Calibration of risk scores per group: binned observed rates, calibration-in-the-large, Brier, ECE.

A score is calibrated when, among the people given a score of about ``p``, a share ``p`` has the
observed outcome (``y_true == 1``). Everything here is arithmetic on a per-group, per-bin table
built with one ``np.bincount`` over the rows (key = group code × number of bins + bin); the only
per-row work besides is the bin of each score, found once per audit and shared by every grouping.
The calibration slope, which needs the rows, is in :mod:`._calibration_slope`.

Bins are right-closed, ``(edge_k, edge_k+1]`` with the first one also holding its lower edge, as
:func:`sklearn.calibration.calibration_curve` forms them, so the two give the same bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError

from ._intervals import wilson_interval

__all__ = ["CalibrationCounts", "ScoreBins", "calibration_bins", "calibration_counts", "calibration_summary",
           "scores_in_unit_interval", "score_bins"]

_MSG_BINS = "n_bins must be an integer of at least 2; got {n!r}"
_MSG_STRATEGY = "strategy must be 'uniform' or 'quantile'; got {s!r}"
_MSG_OUTSIDE = "scores must lie in [0, 1] to be calibrated against outcomes; got values from {lo:g} to {hi:g}"


def scores_in_unit_interval(scores: np.ndarray) -> str | None:
    """Why ``scores`` cannot be read as probabilities (None when every score is finite and in [0, 1])."""
    if scores.size == 0:
        return "there are no scores"
    lo, hi = float(np.min(scores)), float(np.max(scores))
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0.0 or hi > 1.0:
        return _MSG_OUTSIDE.format(lo=lo, hi=hi)
    return None


@dataclass(frozen=True)
class ScoreBins:
    """The bin of every score.

    Attributes
    ----------
    index : numpy.ndarray
        Bin of each row, ``0 .. n_bins - 1`` (smallest integer type that holds it).
    edges : numpy.ndarray
        ``n_bins + 1`` increasing edges, from 0 to 1 for uniform bins.
    strategy : {"uniform", "quantile"}
        How the edges were chosen.
    """

    index: np.ndarray
    edges: np.ndarray
    strategy: str

    @property
    def n_bins(self) -> int:
        """Number of bins."""
        return len(self.edges) - 1


def score_bins(scores: np.ndarray, n_bins: int = 10,
               strategy: Literal["uniform", "quantile"] = "uniform") -> ScoreBins:
    """Assign each score in [0, 1] to a bin.

    Parameters
    ----------
    scores : numpy.ndarray
        Scores in [0, 1] (see :func:`scores_in_unit_interval`).
    n_bins : int, default 10
        Number of bins.
    strategy : {"uniform", "quantile"}, default "uniform"
        Equal-width bins on [0, 1], or edges at quantiles of all the scores (so every grouping is
        binned alike); quantile edges that coincide are merged, so there may be fewer bins.

    Returns
    -------
    ScoreBins
    """
    if isinstance(n_bins, bool) or int(n_bins) != n_bins or n_bins < 2:
        raise InputDataError(_MSG_BINS.format(n=n_bins))
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, int(n_bins) + 1)
    elif strategy == "quantile":
        edges = np.unique(np.quantile(scores, np.linspace(0.0, 1.0, int(n_bins) + 1)))
        if edges.size < 2:  # every score equal: one bin around it
            edges = np.array([edges[0], edges[0]])
    else:
        raise InputDataError(_MSG_STRATEGY.format(s=strategy))
    inner = edges[1:-1]
    # side="left": a score on an inner edge belongs to the bin below it, as in calibration_curve
    index = np.searchsorted(inner, scores).astype(np.int8 if inner.size < 127 else np.int32)
    return ScoreBins(index=index, edges=edges, strategy=strategy)


@dataclass(frozen=True)
class CalibrationCounts:
    """Per group and bin: people, observed outcomes, summed scores and summed squared errors.

    Attributes
    ----------
    count, positives, score_sum, squared_error : numpy.ndarray
        Shape ``(G, B)``; ``squared_error`` sums ``(score - y_true) ** 2``.
    edges : numpy.ndarray
        The bins' edges.
    """

    count: np.ndarray
    positives: np.ndarray
    score_sum: np.ndarray
    squared_error: np.ndarray
    edges: np.ndarray

    @property
    def n(self) -> np.ndarray:
        """People per group."""
        return self.count.sum(axis=1)


def calibration_counts(codes: np.ndarray, n_groups: int, y_true: np.ndarray, scores: np.ndarray,
                       bins: ScoreBins) -> CalibrationCounts:
    """Count every group's bins in one pass (one key, one ``bincount`` per summed quantity).

    Parameters
    ----------
    codes : numpy.ndarray
        Group code of each row, ``0 .. n_groups - 1``.
    n_groups : int
        Number of groups.
    y_true : numpy.ndarray
        Observed outcomes, 0/1.
    scores : numpy.ndarray
        Scores in [0, 1], the predicted probability of ``y_true == 1``.
    bins : ScoreBins
        The bin of each score.
    """
    width = bins.n_bins
    key = codes.astype(np.int64) * width
    key += bins.index
    size = n_groups * width
    y = y_true.astype(np.float64)
    error = scores - y
    error *= error

    def summed(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(key, weights=weights, minlength=size).reshape(n_groups, width)

    return CalibrationCounts(count=summed(None).astype(np.int64), positives=np.rint(summed(y)).astype(np.int64),
                             score_sum=summed(scores), squared_error=summed(error), edges=bins.edges)


def calibration_summary(counts: CalibrationCounts, labels: tuple[str, ...]) -> pd.DataFrame:
    """Per group: observed and predicted rates, calibration-in-the-large, O/E ratio, Brier score, ECE and
    the Hosmer–Lemeshow statistic over the bins.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``count``, ``positives``, ``observed_rate``, ``mean_score``,
        ``calibration_in_the_large`` (observed − predicted), ``oe_ratio`` (observed / expected
        outcomes), ``brier``, ``ece`` (bin-weighted mean of ``|observed − mean score|``),
        ``hl_statistic``, ``hl_df`` and ``hl_p_value`` (chi-square with one degree of freedom per
        bin used: the scores are judged on data they were not fitted to). Undefined values are NaN.
    """
    from scipy.stats import chi2

    n = counts.n.astype(np.float64)
    positives = counts.positives.sum(axis=1).astype(np.float64)
    expected = counts.score_sum.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed_rate = positives / n
        mean_score = expected / n
        oe_ratio = np.where(expected > 0, positives / expected, np.nan)
        brier = counts.squared_error.sum(axis=1) / n
        ece = np.abs(counts.positives - counts.score_sum).sum(axis=1) / n
        # Hosmer–Lemeshow: (O - E)^2 / (E (1 - E / n)) per bin; a bin whose scores are all 0 or all 1
        # has no binomial variance and is left out
        variance = counts.score_sum * (1.0 - counts.score_sum / counts.count)
        used = (counts.count > 0) & (variance > 1e-12)
        terms = np.where(used, (counts.positives - counts.score_sum) ** 2 / np.where(used, variance, 1.0), 0.0)
    hl_df = used.sum(axis=1)
    hl = np.where(hl_df > 0, terms.sum(axis=1), np.nan)
    hl_p = np.where(hl_df > 0, chi2.sf(hl, np.maximum(hl_df, 1)), np.nan)
    return pd.DataFrame({
        "count": counts.n, "positives": positives.astype(np.int64), "observed_rate": observed_rate,
        "mean_score": mean_score, "calibration_in_the_large": observed_rate - mean_score, "oe_ratio": oe_ratio,
        "brier": brier, "ece": ece, "hl_statistic": hl, "hl_df": hl_df, "hl_p_value": hl_p,
    }, index=pd.Index(labels, name="group"))


def calibration_bins(counts: CalibrationCounts, labels: tuple[str, ...], confidence: float = 0.95) -> pd.DataFrame:
    """The calibration curve of every group: one row per (group, non-empty bin).

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``bin``, ``bin_low``, ``bin_high``, ``count``, ``positives``,
        ``mean_score``, ``observed_rate`` with its Wilson interval (``observed_low``,
        ``observed_high``) and ``gap`` (observed − mean score).
    """
    g, b = np.nonzero(counts.count)
    count = counts.count[g, b]
    positives = counts.positives[g, b]
    low, high = wilson_interval(positives, count, confidence)
    observed = positives / count
    mean_score = counts.score_sum[g, b] / count
    return pd.DataFrame({
        "group": np.asarray(labels, dtype=object)[g] if len(labels) else np.empty(0, dtype=object),
        "bin": b, "bin_low": counts.edges[b], "bin_high": counts.edges[b + 1], "count": count,
        "positives": positives, "mean_score": mean_score, "observed_rate": observed,
        "observed_low": np.asarray(low, dtype=float), "observed_high": np.asarray(high, dtype=float),
        "gap": observed - mean_score,
    })
