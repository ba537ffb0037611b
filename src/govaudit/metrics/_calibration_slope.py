"""Calibration slope and intercept of every group at once: logistic regression of y on logit(score).

For each group ``g`` the model ``P(y = 1) = expit(a_g + b_g * logit(score))`` is fitted by maximum
likelihood (no penalty). A calibrated score has ``b = 1`` (and ``a = 0``); ``b < 1`` means the scores
are too extreme for that group, ``b > 1`` too timid. Newton's method runs on all groups together:
each step is five weighted ``np.bincount`` over the rows, so the cost does not grow with the
number of groups. Rows of equal (group, score) may be collapsed into weighted cells first, which
leaves the fit unchanged. Scores of exactly 0 or 1 are clipped to ``[1e-6, 1 - 1e-6]`` before the logit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CLIP", "CalibrationSlopes", "calibration_slopes"]

#: scores are clipped to [CLIP, 1 - CLIP] so that their logit is finite
CLIP = 1e-6
_MAX_ITER = 50
_TOL = 1e-10
#: a slope beyond this means the outcomes are (nearly) separated by the score: no finite maximum
_MAX_SLOPE = 1e3


@dataclass(frozen=True)
class CalibrationSlopes:
    """Fitted intercepts and slopes per group (NaN where undefined) and why they are undefined.

    Attributes
    ----------
    intercept, slope : numpy.ndarray
        Shape ``(G,)``.
    reason : tuple of str or None
        Per group, why the fit is undefined (None when defined).
    iterations : int
        Newton steps taken.
    """

    intercept: np.ndarray
    slope: np.ndarray
    reason: tuple[str | None, ...]
    iterations: int


def _undefined_before_fit(n: np.ndarray, positives: np.ndarray, x_var: np.ndarray) -> list[str | None]:
    reasons: list[str | None] = []
    for g in range(len(n)):
        if n[g] == 0:
            reasons.append("the group is empty")
        elif positives[g] == 0 or positives[g] == n[g]:
            reasons.append("only one observed outcome in the group")
        elif not x_var[g] > 1e-12:
            reasons.append("every score in the group is the same")
        else:
            reasons.append(None)
    return reasons


def calibration_slopes(codes: np.ndarray, n_groups: int, y_true: np.ndarray, scores: np.ndarray,
                       counts: np.ndarray | None = None) -> CalibrationSlopes:
    """Fit ``y ~ a + b * logit(score)`` by maximum likelihood in every group.

    Parameters
    ----------
    codes : numpy.ndarray
        Group code of each row (or cell).
    n_groups : int
        Number of groups.
    y_true : numpy.ndarray
        Observed outcomes, 0/1; with ``counts``, the number of outcomes 1 of each cell.
    scores : numpy.ndarray
        Scores in [0, 1].
    counts : numpy.ndarray, optional
        Rows of each cell, when rows of equal (group, score) were collapsed (e.g.
        :func:`govaudit.metrics.score_cells`): the likelihood, so the fit, is the same, at the
        cost of the cells instead of the rows.

    Returns
    -------
    CalibrationSlopes
    """
    clipped = np.clip(scores, CLIP, 1.0 - CLIP)
    x = np.log(clipped) - np.log1p(-clipped)
    y = y_true.astype(np.float64)
    m = np.ones(len(y)) if counts is None else counts.astype(np.float64)

    def per_group(weights: np.ndarray | None) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n_groups)

    n = per_group(m)
    positives = per_group(y)
    sx = per_group(m * x)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_var = per_group(m * x * x) / n - (sx / n) ** 2
    reasons = _undefined_before_fit(n, positives, x_var)
    active = np.array([r is None for r in reasons])
    a = np.zeros(n_groups)
    b = np.ones(n_groups)  # start from a calibrated score: few steps when it nearly is
    steps = 0
    converged = ~active
    for steps in range(1, _MAX_ITER + 1):
        eta = a[codes] + b[codes] * x
        with np.errstate(over="ignore"):  # exp overflows to inf for very negative eta: p is then 0, as it should
            p = 1.0 / (1.0 + np.exp(-eta))
        w = m * p * (1.0 - p)
        r = y - m * p
        g0, g1 = per_group(r), per_group(r * x)
        wx = w * x
        h00, h01, h11 = per_group(w), per_group(wx), per_group(wx * x)
        with np.errstate(divide="ignore", invalid="ignore"):
            det = h00 * h11 - h01 * h01
            da = (h11 * g0 - h01 * g1) / det
            db = (h00 * g1 - h01 * g0) / det
        moving = active & ~converged & np.isfinite(da) & np.isfinite(db)
        a[moving] += da[moving]
        b[moving] += db[moving]
        converged |= active & (np.abs(da) < _TOL * (1 + np.abs(a))) & (np.abs(db) < _TOL * (1 + np.abs(b)))
        converged |= np.abs(b) > _MAX_SLOPE  # diverging: stop moving it
        if converged.all():
            break
    out_reasons = list(reasons)
    for g in np.flatnonzero(active):
        if not np.isfinite(b[g]) or abs(b[g]) > _MAX_SLOPE or not converged[g]:
            out_reasons[g] = "the outcomes are (nearly) separated by the score, so the fit has no finite slope"
    defined = np.array([r is None for r in out_reasons])
    return CalibrationSlopes(intercept=np.where(defined, a, np.nan), slope=np.where(defined, b, np.nan),
                             reason=tuple(out_reasons), iterations=steps)
