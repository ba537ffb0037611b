"""Discrimination and score distributions per group: AUC with DeLong's interval, KS against the rest.

The scores are sorted once per audit (:func:`score_order`, shared by every grouping); each grouping
then costs one stable sort of its small integer codes in that order, after which every group's rows
lie together in score order and rows of equal (group, score) collapse into cells. Counts of lower
scores within each group give the Mann–Whitney AUC and DeLong's placement values (its variance), and
the group's and the whole sample's cumulative counts the two-sample Kolmogorov–Smirnov statistic of
the group against everyone else. Everything after the sort is per cell, not per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

__all__ = ["KS_EXACT_MAX", "KS_KOLMOGOROV_FROM", "ScoreCells", "ScoreOrder", "discrimination", "score_cells",
           "score_order"]

#: below this many people on each side, the KS p-value is scipy's exact one (as ``ks_2samp`` chooses)
KS_EXACT_MAX = 10_000
#: from this effective sample size, the limiting (Kolmogorov) distribution gives the KS p-value
KS_KOLMOGOROV_FROM = 50_000


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
class ScoreCells:
    """The rows of one grouping collapsed to cells of equal (group, score), in group then score order.

    Attributes
    ----------
    code, score, count : numpy.ndarray
        Group, score and number of rows of each cell.
    positives : numpy.ndarray or None
        Rows of the cell with ``y_true == 1`` (None without outcomes).
    before : numpy.ndarray
        Rows of the same group with a lower score.
    le, lt : numpy.ndarray
        Rows of the whole sample with a score at or below, and strictly below, the cell's.
    n : numpy.ndarray
        Rows per group.
    """

    code: np.ndarray
    score: np.ndarray
    count: np.ndarray
    positives: np.ndarray | None
    before: np.ndarray
    le: np.ndarray
    lt: np.ndarray
    n: np.ndarray

    @property
    def starts(self) -> np.ndarray:
        """Index of each group's first cell (that of the next group for an empty one)."""
        return np.searchsorted(self.code, np.arange(len(self.n)))


def _small_codes(codes: np.ndarray, n_groups: int) -> np.ndarray:
    """The codes in the narrowest integer type: numpy's stable sort is then a radix sort."""
    for dtype in (np.uint8, np.uint16):
        if n_groups <= np.iinfo(dtype).max + 1:
            return codes.astype(dtype)
    return codes


def score_cells(codes: np.ndarray, n_groups: int, y_true: np.ndarray | None, scores: np.ndarray,
                order: ScoreOrder) -> ScoreCells:
    """Order the rows by group, then score (one stable sort of the codes), and collapse ties into cells."""
    small = _small_codes(codes, n_groups)
    perm = order.order[np.argsort(small[order.order], kind="stable")]
    c, s = small[perm], scores[perm]
    size = c.size
    new = np.empty(size, dtype=bool)
    new[:1] = True
    new[1:] = (c[1:] != c[:-1]) | (s[1:] != s[:-1])
    first = np.flatnonzero(new)
    count = np.diff(np.append(first, size))
    code = c[first].astype(np.int64)
    n = np.bincount(code, weights=count, minlength=n_groups).astype(np.int64)
    group_start = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(n[:-1], out=group_start[1:])
    positives = None
    if y_true is not None and size:
        positives = np.add.reduceat(y_true[perm], first, dtype=np.int64)
    rows = perm[first]
    return ScoreCells(code=code, score=s[first], count=count, positives=positives, before=first - group_start[code],
                      le=order.le[rows], lt=order.lt[rows], n=n)


def _ks_p_values(ks: np.ndarray, n: np.ndarray, total: int, scores: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Two-sided p-values as ``scipy.stats.ks_2samp`` gives them: exact for small samples, else Smirnov's
    distribution of the statistic for ``n1 * n2 / (n1 + n2)`` observations (beyond
    :data:`KS_KOLMOGOROV_FROM` of them, its limit, Kolmogorov's, which scipy's takes far longer to approach)."""
    from scipy.stats import kstwo, kstwobign, ks_2samp

    p = np.full(ks.shape, np.nan)
    for g in np.flatnonzero(~np.isnan(ks)):
        m, rest = int(n[g]), total - int(n[g])
        if max(m, rest) <= KS_EXACT_MAX:
            # small samples (the whole sample is then under 20 000 rows): scipy's exact distribution
            inside = codes == g
            p[g] = float(ks_2samp(scores[inside], scores[~inside]).pvalue)
            continue
        big, small = max(m, rest), min(m, rest)
        en = np.round(big * small / (big + small))
        p[g] = float(kstwo.sf(ks[g], en) if en <= KS_KOLMOGOROV_FROM else kstwobign.sf(ks[g] * np.sqrt(en)))
    return p


def discrimination(codes: np.ndarray, n_groups: int, y_true: np.ndarray | None, scores: np.ndarray,
                   order: ScoreOrder, confidence: float = 0.95, cells: ScoreCells | None = None) -> pd.DataFrame:
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
    cells : ScoreCells, optional
        :func:`score_cells` of the same rows, when already formed.

    Returns
    -------
    pandas.DataFrame
        One row per group code: ``count``, ``label_pos``, ``label_neg``, ``auc``, ``auc_se``,
        ``auc_low``, ``auc_high`` (normal interval from DeLong's variance, clipped to [0, 1]),
        ``ks_statistic`` and ``ks_p_value`` (the group against all other rows). The AUC is NaN when
        the group lacks either outcome, its interval when either has fewer than two people; the KS
        columns are NaN for an empty group or one holding every row.
    """
    cells = cells if cells is not None else score_cells(codes, n_groups, y_true, scores, order)
    n = cells.n.astype(np.float64)
    total = int(codes.size)
    rest = total - n
    # KS: the group's and the rest's empirical distributions, at and just below each of the group's scores
    with np.errstate(divide="ignore", invalid="ignore"):
        n_c, rest_c = n[cells.code], rest[cells.code]
        upto = cells.before + cells.count
        right = np.abs(upto / n_c - (cells.le - upto) / rest_c)
        left = np.abs(cells.before / n_c - (cells.lt - cells.before) / rest_c)
    gap = np.maximum(right, left)
    ks = np.full(n_groups, np.nan)
    present = np.flatnonzero(n > 0)
    if present.size:
        ks[present] = np.maximum.reduceat(gap, cells.starts[present])
    ks[rest == 0] = np.nan
    table = {"count": cells.n, "ks_statistic": ks, "ks_p_value": _ks_p_values(ks, n, total, scores, codes)}
    table.update(_auc(cells, n_groups, confidence))
    return pd.DataFrame(table)


def _auc(cells: ScoreCells, n_groups: int, confidence: float) -> dict[str, np.ndarray]:
    """Mann–Whitney AUC per group and DeLong's (1988) variance from the placement values, on the cells."""
    nan = np.full(n_groups, np.nan)
    if cells.positives is None:
        return {"label_pos": nan, "label_neg": nan, "auc": nan, "auc_se": nan, "auc_low": nan, "auc_high": nan}
    pos = cells.positives.astype(np.float64)
    neg = cells.count - pos
    code = cells.code

    def per_group(weights: np.ndarray) -> np.ndarray:
        return np.bincount(code, weights=weights, minlength=n_groups)

    n1, n0 = per_group(pos), per_group(neg)
    # positives of the same group in earlier cells: a running sum restarted at each group
    running = np.cumsum(pos) - pos
    pos_before = running - np.concatenate([[0.0], np.cumsum(n1)[:-1]])[code]
    neg_before = cells.before - pos_before
    with np.errstate(divide="ignore", invalid="ignore"):
        # placements: a positive's share of the group's negatives scored below it (ties count half),
        # a negative's share of the positives scored above it
        v10 = (neg_before + 0.5 * neg) / n0[code]
        v01 = (n1[code] - pos_before - pos + 0.5 * pos) / n1[code]
        auc = per_group(pos * v10) / n1
        s10 = _weighted_variance(per_group(pos * v10), per_group(pos * v10 * v10), n1)
        s01 = _weighted_variance(per_group(neg * v01), per_group(neg * v01 * v01), n0)
        se = np.sqrt(s10 / n1 + s01 / n0)
    defined = (n1 > 0) & (n0 > 0)
    auc = np.where(defined, auc, np.nan)
    se = np.where(defined & (n1 > 1) & (n0 > 1), se, np.nan)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    return {"label_pos": n1.astype(np.int64), "label_neg": n0.astype(np.int64), "auc": auc, "auc_se": se,
            "auc_low": np.clip(auc - z * se, 0.0, 1.0), "auc_high": np.clip(auc + z * se, 0.0, 1.0)}


def _weighted_variance(total: np.ndarray, squares: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sample variance (denominator n - 1) from the sum and sum of squares of n values."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(squares - total * total / n, 0.0) / (n - 1)
