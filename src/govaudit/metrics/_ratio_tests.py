"""Ratios of two groups' shares or means: the log (Katz) interval, and one-sided tests against a bound.

A gate on a ratio is tested against its own bound, not against equality: the evidence that a group's
mean is below ``0.9`` times the reference's is the one-sided Welch test of ``m_g - 0.9 m_r >= 0``, and
for a share ratio the one-sided z test of ``log r`` against ``log 0.9`` with the Katz standard error.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from govaudit.metrics._intervals import _z

__all__ = ["log_ratio_interval", "mean_ratio_bound_test", "share_ratio_bound_test"]


def log_ratio_interval(x1: np.ndarray | float, n1: np.ndarray | float, x2: np.ndarray | float,
                       n2: np.ndarray | float, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x1/n1) / (x2/n2)`` with the log (Katz) interval, element-wise over arrays that broadcast.

    Parameters
    ----------
    x1, n1 : array-like
        Cases counted and cases in each compared group.
    x2, n2 : array-like or float
        The same of the reference: one reference for all (scalars), or one per group (arrays).
    confidence : float
        Level of the interval.

    Returns
    -------
    ratio, low, high : numpy.ndarray
        NaN where undefined (no reference case counted, or an empty group). ``se^2 = 1/x1 - 1/n1 +
        1/x2 - 1/n2``; when ``x1 = 0`` the ratio and its lower bound are 0 and the upper bound uses 0.5
        in place of the zero count.
    """
    x1, n1, x2, n2 = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x1, n1, x2, n2)))
    z = _z(confidence)
    defined = (x2 > 0) & (n1 > 0) & (n2 > 0)
    a = np.where(x1 > 0, x1, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero gives NaN/inf, masked below
        ratio = (x1 / n1) / (x2 / n2)
        shifted = (a / n1) / (x2 / n2)
        se = np.sqrt(1.0 / a - 1.0 / n1 + 1.0 / x2 - 1.0 / n2)
        low = np.where(x1 > 0, shifted * np.exp(-z * se), 0.0)
        high = shifted * np.exp(z * se)
    return np.where(defined, ratio, np.nan), np.where(defined, low, np.nan), np.where(defined, high, np.nan)


def mean_ratio_bound_test(group: tuple[float, float, int], reference: tuple[float, float, int], bound: float,
                          operator: str) -> float:
    """One-sided p-value of "the ratio of means meets the bound", from (mean, sd, n) of the group and reference.

    ``operator`` ``">="`` (a lower bound) tests ``H0: m_g - bound * m_r >= 0`` against ``< 0``; ``"<="``
    the reverse. Welch's t with the Welch-Satterthwaite degrees of freedom. NaN below 2 cases a side.
    """
    from scipy.stats import t

    (mg, sg, ng), (mr, sr, nr) = group, reference
    if ng < 2 or nr < 2:
        return float("nan")
    a, b = sg * sg / ng, bound * bound * sr * sr / nr
    gap = mg - bound * mr
    if a + b == 0:
        return float("nan") if gap == 0 else float((gap < 0) == (operator == ">="))
    df = (a + b) ** 2 / (a * a / (ng - 1) + b * b / (nr - 1))
    stat = gap / np.sqrt(a + b)
    return float(t.cdf(stat, df) if operator == ">=" else t.sf(stat, df))


def share_ratio_bound_test(x: int, n: int, xr: int, nr: int, bound: float, operator: str) -> float:
    """One-sided p-value of "the share ratio ``(x/n) / (xr/nr)`` meets the bound" (z test on the log scale).

    The Katz standard error ``sqrt(1/x - 1/n + 1/xr - 1/nr)``, with 0.5 in place of a zero ``x``. NaN
    when the reference has no case above the cut.
    """
    if xr <= 0 or n <= 0 or nr <= 0:
        return float("nan")
    a = x if x > 0 else 0.5
    se = np.sqrt(1.0 / a - 1.0 / n + 1.0 / xr - 1.0 / nr)
    if se == 0:
        return float("nan")
    z = (np.log((a / n) / (xr / nr)) - np.log(bound)) / se
    cdf = NormalDist().cdf(float(z))
    return float(cdf if operator == ">=" else 1.0 - cdf)
