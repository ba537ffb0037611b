"""Discrimination and score distributions per group: AUC with DeLong's interval, KS against the rest.

The scores are sorted once per audit (:func:`score_order`, shared by every grouping); each grouping
then costs one stable sort of its small integer codes in that order, after which every group's rows
lie together in score order. Mid-ranks within each group give the Mann–Whitney AUC, DeLong's
placement values give its variance, and the group's and the whole sample's cumulative counts give
the two-sample Kolmogorov–Smirnov statistic of the group against everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

__all__ = ["KS_EXACT_MAX", "ScoreOrder", "discrimination", "score_order"]

#: below this many people on each side, the KS p-value is scipy's exact one (as ``ks_2samp`` chooses)
KS_EXACT_MAX = 10_000


@dataclass(frozen=True)
class ScoreOrder:
    """The scores sorted once: the order, and per row how many scores are ``<=`` and ``<`` it."""

    order: np.ndarray
    le: np.ndarray
    lt: np.ndarray


def score_order(scores: np.ndarray) -> ScoreOrder:
    """Sort the scores and count, for every row, the scores at or below it and strictly below it."""
    order = np.argsort(scores, kind="stable")
    ranked = scores[order]
    n = ranked.size
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=new[1:])
    first = np.flatnonzero(new)
    last = np.append(first[1:], n) - 1
    run = np.cumsum(new) - 1
    le = np.empty(n, dtype=np.int64)
    lt = np.empty(n, dtype=np.int64)
    le[order] = last[run] + 1
    lt[order] = first[run]
    return ScoreOrder(order=order, le=le, lt=lt)


@dataclass(frozen=True)
class _Runs:
    """Rows in (group, score) order: the position of each row's tie run within its group."""

    first: np.ndarray  # 0-based position in the group of the run's first row
    last: np.ndarray  # ... and of its last row

    @property
    def midrank(self) -> np.ndarray:
        return (self.first + self.last) / 2.0 + 1.0


def _runs(codes: np.ndarray, scores: np.ndarray, n_groups: int) -> _Runs:
    """Tie runs of rows already ordered by group, then score."""
    n = codes.size
    if n == 0:
        return _Runs(np.empty(0), np.empty(0))
    start = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=n_groups)[:-1], out=start[1:])
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = (codes[1:] != codes[:-1]) | (scores[1:] != scores[:-1])
    first = np.flatnonzero(new)
    last = np.append(first[1:], n) - 1
    run = np.cumsum(new) - 1
    offset = start[codes]
    return _Runs(first=first[run] - offset, last=last[run] - offset)


def _small_codes(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """The codes in the narrowest integer type: numpy's stable sort is then a radix sort."""
    for dtype in (np.uint8, np.uint16):
        if n_groups <= np.iinfo(dtype).max + 1:
            return codes.astype(dtype)
    return codes


def _ks_p_values(ks: np.ndarray, n: np.ndarray, total: int, scores: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Two-sided p-values as ``scipy.stats.ks_2samp`` gives them: exact for small samples, else Smirnov's
    asymptotic distribution."""
    from scipy.stats import kstwo, ks_2samp

    p = np.full(ks.shape, np.nan)
    for g in np.flatnonzero(~np.isnan(ks)):
        m, rest = int(n[g]), total - int(n[g])
        if max(m, rest) <= KS_EXACT_MAX:
            # small samples (the whole sample is then under 20 000 rows): scipy's exact distribution
            inside = codes == g
            p[g] = float(ks_2samp(scores[inside], scores[~inside]).pvalue)
        else:
            big, small = max(m, rest), min(m, rest)
            p[g] = float(kstwo.sf(ks[g], np.round(big * small / (big + small))))
    return p


def discrimination(codes: np.ndarray, n_groups: int, y_true: np.ndarray | None, scores: np.ndarray,
                   order: ScoreOrder, confidence: float = 0.95) -> pd.DataFrame:
    """Per group: AUC with DeLong's standard error and interval, and the KS statistic against the rest.

    Parameters
    ----------
    codes : numpy.ndarray
        Group code of each row.
    n_groups : int
        Number of groups.
    y_true : numpy.ndarray or None
        Observed outcomes, 0/1 (without them only the KS columns are defined).
    scores : numpy.ndarray
        Scores (any real values; higher = more likely ``y_true == 1``).
    order : ScoreOrder
        :func:`score_order` of ``scores``.
    confidence : float, default 0.95
        Level of the AUC interval.

    Returns
    -------
    pandas.DataFrame
        One row per group code: ``count``, ``label_pos``, ``label_neg``, ``auc``, ``auc_se``,
        ``auc_low``, ``auc_high`` (normal interval from DeLong's variance, clipped to [0, 1]),
        ``ks_statistic`` and ``ks_p_value`` (the group against all other rows). The AUC is NaN when
        the group lacks either outcome, its interval when either has fewer than two people; the KS
        columns are NaN for an empty group or one holding every row.
    """
    codes = _small_codes(codes, n_groups)
    perm = order.order[np.argsort(codes[order.order], kind="stable")]
    c = codes[perm]
    s = scores[perm]
    runs = _runs(c, s, n_groups)
    n = np.bincount(c, minlength=n_groups).astype(np.float64)
    total = int(codes.size)
    # KS: the group's and the rest's empirical distributions, at and just below each of the group's scores
    rest = total - n
    with np.errstate(divide="ignore", invalid="ignore"):
        n_c, rest_c = n[c], rest[c]
        right = np.abs((runs.last + 1) / n_c - (order.le[perm] - runs.last - 1) / rest_c)
        left = np.abs(runs.first / n_c - (order.lt[perm] - runs.first) / rest_c)
    gap = np.maximum(right, left)
    ks = np.full(n_groups, np.nan)
    present = np.flatnonzero(n > 0)
    if present.size:
        starts = np.zeros(n_groups, dtype=np.int64)
        np.cumsum(n[:-1].astype(np.int64), out=starts[1:])
        ks[present] = np.maximum.reduceat(gap, starts[present]) if gap.size else np.nan
    ks[rest == 0] = np.nan
    table = {"count": n.astype(np.int64), "ks_statistic": ks,
             "ks_p_value": _ks_p_values(ks, n, total, scores, codes)}
    table.update(_auc(c, s, y_true[perm] if y_true is not None else None, runs, n_groups, confidence))
    return pd.DataFrame(table)


def _auc(c: np.ndarray, s: np.ndarray, y: np.ndarray | None, runs: _Runs, n_groups: int,
         confidence: float) -> dict[str, np.ndarray]:
    """Mann–Whitney AUC per group and DeLong's (1988) variance from the placement values."""
    nan = np.full(n_groups, np.nan)
    if y is None:
        return {"label_pos": nan, "label_neg": nan, "auc": nan, "auc_se": nan, "auc_low": nan, "auc_high": nan}
    pos = y.astype(bool)
    n1 = np.bincount(c[pos], minlength=n_groups).astype(np.float64)
    n0 = np.bincount(c[~pos], minlength=n_groups).astype(np.float64)
    mid = runs.midrank
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (np.bincount(c[pos], weights=mid[pos], minlength=n_groups) - n1 * (n1 + 1) / 2.0) / (n1 * n0)
        # placements: a positive's share of the group's negatives scored below it (ties count half),
        # a negative's share of the positives scored above it
        v10 = (mid[pos] - _runs(c[pos], s[pos], n_groups).midrank) / n0[c[pos]]
        v01 = 1.0 - (mid[~pos] - _runs(c[~pos], s[~pos], n_groups).midrank) / n1[c[~pos]]
        s10 = _group_variance(c[pos], v10, n1, n_groups)
        s01 = _group_variance(c[~pos], v01, n0, n_groups)
        se = np.sqrt(s10 / n1 + s01 / n0)
    defined = (n1 > 0) & (n0 > 0)
    auc = np.where(defined, auc, np.nan)
    se = np.where(defined & (n1 > 1) & (n0 > 1), se, np.nan)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    return {"label_pos": n1.astype(np.int64), "label_neg": n0.astype(np.int64), "auc": auc, "auc_se": se,
            "auc_low": np.clip(auc - z * se, 0.0, 1.0), "auc_high": np.clip(auc + z * se, 0.0, 1.0)}


def _group_variance(c: np.ndarray, v: np.ndarray, n: np.ndarray, n_groups: int) -> np.ndarray:
    """Sample variance (denominator n - 1) of ``v`` within each group."""
    total = np.bincount(c, weights=v, minlength=n_groups)
    squares = np.bincount(c, weights=v * v, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(squares - total * total / n, 0.0) / (n - 1)
