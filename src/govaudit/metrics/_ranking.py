"""Per-group figures of a ranked queue acted on to each capacity ``k``, against the queue as a whole.

From the group sums of :mod:`govaudit.metrics._ranking_cases` (a group's ``n_g`` cases, its expected
count ``x_g`` in the top k, its exposure ``E_g`` and, with relevance, its relevant cases ``r_g`` and
expected relevant cases in the top k ``q_g``), among ``N`` cases in all:

- ``top_share = x_g / k`` (the group's share of the top k) beside ``population_share = n_g / N``;
  their ratio ``top_share_ratio = (x_g / n_g) / (k / N)`` is the group's rate of reaching the top k
  over everyone's. ``k / N`` is fixed by the capacity, so the interval is the Wilson interval of
  ``x_g / n_g`` divided by ``k / N``, and ``top_p_value`` is the two-sided z test of ``x_g`` against a
  random queue, whose count in the top k is hypergeometric (variance ``n_g p (1 - p) (N - n_g) / (N - 1)``,
  ``p = k / N``);
- ``mean_exposure = E_g / n_g`` and ``exposure_ratio`` over everyone's mean exposure ``C(k) / N``
  (fixed by the capacity and the discount); ``exposure_share = E_g / C(k)``. The interval and the
  two-sided ``exposure_p_value`` use the spread of exposure over a random queue's positions
  (``sd`` of the ``N`` values ``d(1) .. d(k), 0, .., 0``), which stays honest when a small group has
  no case in the top k (a group's own spread would then be zero);
- with relevance (1 = the case needed acting on): ``merit_ratio = exposure_share / relevance_share``
  (exposure relative to merit: 1 when a group's exposure matches its share of relevant cases),
  ``precision = q_g / x_g`` (precision at k within the group) with its Wilson interval, and
  ``precision_ratio``: the group's precision over the other cases' in the top k, with the log (Katz)
  interval and the z test on the log scale (``precision_p_value``).

Counts in the top k are expectations over random tie-breaks, so they may be fractional; the intervals
and tests take them as they are. A gate is tested against its own bound, one-sided, so a
group is failed only on evidence that it is beyond the bound: an exact binomial test for the share
(:func:`top_share_bound_test`), Bernstein's inequality for exposure (:func:`exposure_bound_test`) and
for precision the larger p-value of the Katz z test and an exact binomial test
(:func:`precision_bound_test`). Each errs towards not failing where small counts would make a normal
approximation cry wolf.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from govaudit.metrics._ratio_tests import log_ratio_interval, share_ratio_bound_test
from govaudit.metrics._intervals import wilson_interval
from govaudit.metrics._ranking_cases import RELEVANT, ROWS, column_names, cumulative_discount

__all__ = ["exposure_bound_test", "precision_bound_test", "ranking_table", "share_curve", "top_share_bound_test"]

_NAN = float("nan")


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _one_sided(z: float, operator: str) -> float:
    """P-value of "the bound is met": small when ``z`` is far on the wrong side of it."""
    cdf = NormalDist().cdf(z)
    return float(cdf if operator == ">=" else 1.0 - cdf)


def top_share_bound_test(x: float, n: int, k: int, total: int, bound: float, operator: str) -> float:
    """One-sided p-value of "``(x / n) / (k / total)`` meets the bound": the exact binomial test of ``x`` of ``n``
    against the rate ``bound * k / total`` (``x`` rounded when ties make it fractional).

    Binomial draws vary more than a queue's (hypergeometric) ones, so the test errs towards not failing;
    a normal approximation would not, in the upper tail of small groups. NaN when undefined (no case, or
    a lower bound no rate can reach).
    """
    from scipy.stats import binom

    p0 = bound * k / total
    if n <= 0 or total <= 0:
        return _NAN
    if p0 >= 1.0:  # an upper bound at or above a rate of 1 always holds; a lower one cannot be reached
        return 1.0 if operator == "<=" else _NAN
    count = int(round(x))
    return float(binom.cdf(count, n, p0) if operator == ">=" else binom.sf(count - 1, n, p0))


def exposure_bound_test(mean: float, n: int, mean_all: float, sd_all: float, bound: float, operator: str) -> float:
    """One-sided p-value of "``mean / mean_all`` meets the bound", from Bernstein's inequality.

    A case's exposure lies in [0, 1]; with the spread ``sd_all`` of a random queue's exposures,
    ``P(gap >= t) <= exp(-n t^2 / (2 sd_all^2 + 2 t / 3))`` for the gap ``t`` between the group's mean and
    ``bound * mean_all`` on the side the gate is missed. Unlike a normal approximation it holds whatever
    the shape: a small group with one case at the very top is not taken as evidence. NaN when undefined.
    """
    if n <= 0 or sd_all <= 0 or mean_all <= 0:
        return _NAN
    gap = (bound * mean_all - mean) if operator == ">=" else (mean - bound * mean_all)
    if gap <= 0:
        return 1.0
    return float(min(1.0, np.exp(-n * gap * gap / (2.0 * sd_all * sd_all + 2.0 * gap / 3.0))))


def precision_bound_test(q: float, x: float, rest_q: float, rest_x: float, bound: float, operator: str) -> float:
    """One-sided p-value of "the precision ratio ``(q / x) / (rest_q / rest_x)`` meets the bound".

    The larger of the z test on the log scale with the Katz standard error and the exact binomial test
    of ``q`` of ``x`` against ``bound`` times the rest's precision (counts rounded when ties make them
    fractional): the Katz approximation alone is far too confident when a group has few cases in the
    top k. NaN when undefined.
    """
    from scipy.stats import binom

    if x < 1 or rest_x < 1:  # under one case in the top k on a side: nothing to compare
        return _NAN
    katz = share_ratio_bound_test(q, x, rest_q, rest_x, bound, operator)  # type: ignore[arg-type]
    trials, hits = int(round(x)), int(round(q))
    if katz != katz:
        return _NAN
    p0 = bound * rest_q / rest_x
    if p0 >= 1.0:
        exact = 1.0 if operator == "<=" else _NAN
    else:
        exact = float(binom.cdf(hits, trials, p0) if operator == ">=" else binom.sf(hits - 1, trials, p0))
    return max(katz, exact)


def _two_sided(z: np.ndarray) -> np.ndarray:
    from scipy.stats import norm

    return 2.0 * norm.sf(np.abs(z))


def _top_columns(sums: Mapping[str, np.ndarray], i: int, k: int, total: int, confidence: float) -> dict:
    n = sums[ROWS]
    x = np.minimum(sums[column_names(i)[0]], n)
    p = k / total
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, x / np.maximum(n, 1), np.nan)
        low, high = wilson_interval(x, n, confidence)
        spread = np.sqrt(n * p * (1 - p) * (total - n) / max(total - 1, 1))
        z = np.where(spread > 0, (x - n * p) / spread, np.where(np.isclose(x, n * p), 0.0, np.inf))
    return {"in_top": x, "top_share": x / k, "population_share": n / total, "selection_rate": rate,
            "top_share_ratio": rate / p, "top_share_ratio_low": low / p, "top_share_ratio_high": high / p,
            "top_p_value": np.where(n > 0, _two_sided(z), np.nan)}


def _exposure_columns(sums: Mapping[str, np.ndarray], i: int, k: int, total: int, discount: str,
                      confidence: float) -> dict:
    n = sums[ROWS]
    exp = sums[column_names(i)[2]]
    c1, c2 = cumulative_discount(k, discount)[k], cumulative_discount(k, discount, 2)[k]
    mean_all = c1 / total
    sd_all = float(np.sqrt(max(c2 / total - mean_all ** 2, 0.0)))
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, exp / np.maximum(n, 1), np.nan)
        half = z * sd_all / np.sqrt(n)
        stat = (mean - mean_all) / (sd_all / np.sqrt(n)) if sd_all > 0 else np.zeros(n.size)
    return {"exposure": exp, "exposure_share": exp / c1, "mean_exposure": mean, "exposure_ratio": mean / mean_all,
            "exposure_ratio_low": np.maximum(mean - half, 0.0) / mean_all,
            "exposure_ratio_high": (mean + half) / mean_all,
            "exposure_p_value": np.where(n > 0, _two_sided(stat), np.nan), "mean_exposure_all": mean_all,
            "sd_exposure_all": sd_all}


def _merit_columns(sums: Mapping[str, np.ndarray], i: int, k: int, discount: str, confidence: float) -> dict:
    """Exposure relative to merit and precision at k (only with relevance)."""
    top, rtop, exp = column_names(i)
    x, q, r = sums[top], np.minimum(sums[rtop], sums[top]), sums[RELEVANT]
    c1 = cumulative_discount(k, discount)[k]
    rest_x, rest_q = x.sum() - x, q.sum() - q
    low, high = wilson_interval(q, x, confidence)
    # each group against the rest of the top k (a different comparison for every group)
    parts = np.array([[v[0] for v in log_ratio_interval(np.array([q[g]]), np.array([x[g]]), float(rest_q[g]),
                                                         float(rest_x[g]), confidence)]
                      if x[g] >= 1 and rest_x[g] >= 1 else [np.nan] * 3 for g in range(x.size)])
    ratio, r_low, r_high = parts.reshape(-1, 3).T
    p_values = np.array([2.0 * min(p, 1.0 - p) if p == p else np.nan for p in
                         (share_ratio_bound_test(q[g], x[g], rest_q[g], rest_x[g], 1.0, ">=")  # type: ignore[arg-type]
                          if x[g] >= 1 and rest_x[g] >= 1 else np.nan for g in range(x.size))])
    with np.errstate(divide="ignore", invalid="ignore"):
        relevance_share = r / r.sum() if r.sum() > 0 else np.full(r.size, np.nan)
        return {"relevant": r, "relevance_share": relevance_share,
                "merit_ratio": np.where(r > 0, (sums[exp] / c1) / relevance_share, np.nan),
                "in_top_relevant": q, "precision": np.where(x > 0, q / x, np.nan), "precision_low": low,
                "precision_high": high, "rest_in_top": rest_x, "rest_in_top_relevant": rest_q,
                "precision_ratio": ratio, "precision_ratio_low": r_low, "precision_ratio_high": r_high,
                "precision_p_value": p_values}


def ranking_table(sums: Mapping[str, np.ndarray], labels: Sequence[str], capacities: Sequence[str],
                  ks: Sequence[int], depths: Sequence[int], *, discount: str = "log",
                  confidence: float = 0.95) -> pd.DataFrame:
    """One row per capacity and group with the figures of the module docstring.

    Parameters
    ----------
    sums : mapping of str to numpy.ndarray
        The per-group sums of :func:`govaudit.metrics._ranking_cases.group_sums` (one value per group).
    labels : sequence of str
        One label per group.
    capacities : sequence of str
        The capacities as the audit named them (e.g. ``"100"``, ``"10 %"``), one per entry of ``ks``.
    ks : sequence of int
        The capacities as numbers of cases (at most the number of cases).
    depths : sequence of int
        The depths the sums were taken at; each ``k`` is among them.
    discount : {"log", "none"}
        The position discount of exposure.
    confidence : float
        Level of the intervals.
    """
    total = int(round(float(sums[ROWS].sum())))
    frames = []
    for name, k in zip(capacities, ks):
        i = list(depths).index(k)
        cols: dict = {"capacity": name, "k": k, "group": list(labels), "count": sums[ROWS].astype(np.int64),
                      "total": total, **_top_columns(sums, i, k, total, confidence),
                      **_exposure_columns(sums, i, k, total, discount, confidence)}
        if RELEVANT in sums:
            cols.update(_merit_columns(sums, i, k, discount, confidence))
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def share_curve(sums: Mapping[str, np.ndarray], depths: Sequence[int]) -> np.ndarray:
    """Each group's share of the top d cases for every depth d (rows: depths; columns: groups)."""
    return np.vstack([sums[column_names(i)[0]] / d for i, d in enumerate(depths)])
