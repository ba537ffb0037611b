"""The arithmetic of a control-sample comparison, on per-group counts of the two streams.

For each group ``g`` of a grouping, with ``x_m`` of the ``n_m`` model-selected cases and ``x_r`` of
the ``n_r`` random cases in ``g``:

- shares ``x_m / n_m`` and ``x_r / n_r``, each with a Wilson interval;
- their difference (model minus random) with Newcombe's hybrid score interval (Newcombe 1998,
  method 10), built from the two Wilson intervals;
- their ratio (model over random) with the log (Katz) interval, ``exp(log r +- z * se)`` where
  ``se^2 = 1/x_m - 1/n_m + 1/x_r - 1/n_r``. When ``x_m = 0`` the ratio is 0, its lower bound 0 and its
  upper bound the log interval's with 0.5 in place of the zero count; with ``x_r = 0`` (no random case
  in the group) the ratio is undefined (NaN);
- the test of equal shares: :func:`govaudit.metrics.two_proportion_test` (the pooled z test, or
  Fisher's exact test when a stream has fewer than 30 cases or an expected cell is below 5).

With outcomes, each stream's hit rate in the group (cases with an error found over cases checked),
with Wilson intervals, and the hit-rate ratio (model over random) with the same log interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govaudit.metrics import GroupEncoding, two_proportion_test, wilson_interval
from govaudit.metrics._ratio_tests import log_ratio_interval

__all__ = ["GroupingCounts", "count_streams", "log_ratio_interval", "measure", "newcombe_interval", "overall_hits"]


@dataclass(frozen=True)
class GroupingCounts:
    """Per-group counts of one grouping in the two streams (arrays indexed by group code)."""

    feature: str
    columns: tuple[str, ...]
    labels: tuple[str, ...]
    model: np.ndarray
    random: np.ndarray
    model_hits: np.ndarray | None
    random_hits: np.ndarray | None


def count_streams(feature: str, encoding: GroupEncoding, by_model: np.ndarray,
                  outcome: np.ndarray | None) -> GroupingCounts:
    """One ``bincount`` per stream (and per stream's hits) over the group codes."""
    size = len(encoding.labels)
    codes = encoding.codes

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(codes[mask], weights=w, minlength=size).astype(np.int64)

    random = ~by_model
    return GroupingCounts(
        feature=feature, columns=tuple(encoding.columns), labels=tuple(encoding.labels),
        model=count(by_model), random=count(random),
        model_hits=count(by_model, outcome) if outcome is not None else None,
        random_hits=count(random, outcome) if outcome is not None else None)


def newcombe_interval(x1: np.ndarray, n1: np.ndarray | int, x2: np.ndarray, n2: np.ndarray | int,
                      confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``p1 - p2`` with Newcombe's hybrid score interval (from the two Wilson intervals)."""
    x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    n1, n2 = np.broadcast_to(np.asarray(n1, dtype=np.float64), x1.shape), np.broadcast_to(
        np.asarray(n2, dtype=np.float64), x2.shape)
    l1, u1 = wilson_interval(x1, n1, confidence)
    l2, u2 = wilson_interval(x2, n2, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    return d, d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _tests(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> tuple[list, list, list]:
    methods, statistics, p_values = [], [], []
    for a, b, c, d in zip(x1.tolist(), n1.tolist(), x2.tolist(), n2.tolist()):
        test = two_proportion_test(int(a), int(b), int(c), int(d))
        methods.append(test.method)
        statistics.append(test.statistic)
        p_values.append(test.p_value)
    return methods, statistics, p_values


def measure(counts: GroupingCounts, confidence: float = 0.95) -> pd.DataFrame:
    """One row per group: counts, shares, difference, ratio, test (and hit rates with outcomes)."""
    n_m, n_r = int(counts.model.sum()), int(counts.random.sum())
    size = len(counts.labels)
    frame: dict[str, object] = {"group": list(counts.labels), "model_count": counts.model,
                                "random_count": counts.random}
    for stream, x, n in (("model", counts.model, n_m), ("random", counts.random, n_r)):
        low, high = wilson_interval(x, np.full(size, n), confidence)
        frame.update({f"{stream}_share": x / n, f"{stream}_share_low": low, f"{stream}_share_high": high})
    diff, d_low, d_high = newcombe_interval(counts.model, n_m, counts.random, n_r, confidence)
    ratio, r_low, r_high = log_ratio_interval(counts.model, n_m, counts.random, n_r, confidence)
    methods, statistics, p_values = _tests(counts.model, np.full(size, n_m), counts.random, np.full(size, n_r))
    frame.update(share_difference=diff, share_difference_low=d_low, share_difference_high=d_high,
                 share_ratio=ratio, share_ratio_low=r_low, share_ratio_high=r_high,
                 test_method=methods, test_statistic=statistics, p_value=p_values)
    if counts.model_hits is not None and counts.random_hits is not None:
        frame.update(_hit_columns(counts, confidence))
    return pd.DataFrame(frame)


def _hit_columns(counts: GroupingCounts, confidence: float) -> dict[str, object]:
    out: dict[str, object] = {"model_hits": counts.model_hits, "random_hits": counts.random_hits}
    for stream, x, n in (("model", counts.model_hits, counts.model), ("random", counts.random_hits, counts.random)):
        low, high = wilson_interval(x, n, confidence)
        with np.errstate(divide="ignore", invalid="ignore"):
            out.update({f"{stream}_hit_rate": np.where(n > 0, x / np.maximum(n, 1), np.nan),
                        f"{stream}_hit_rate_low": low, f"{stream}_hit_rate_high": high})
    ratio, low, high = log_ratio_interval(counts.model_hits, counts.model, counts.random_hits, counts.random,
                                          confidence)
    methods, _, p_values = _tests(counts.model_hits, counts.model, counts.random_hits, counts.random)
    out.update(hit_rate_ratio=ratio, hit_rate_ratio_low=low, hit_rate_ratio_high=high,
               hit_test_method=methods, hit_p_value=p_values)
    return out


def overall_hits(counts: GroupingCounts, confidence: float = 0.95) -> dict[str, object]:
    """Each stream's hit rate over all its cases, their ratio and its test (None without outcomes)."""
    assert counts.model_hits is not None and counts.random_hits is not None
    x_m, n_m = int(counts.model_hits.sum()), int(counts.model.sum())
    x_r, n_r = int(counts.random_hits.sum()), int(counts.random.sum())
    (lo_m,), (hi_m,) = wilson_interval(np.array([x_m]), np.array([n_m]), confidence)
    (lo_r,), (hi_r,) = wilson_interval(np.array([x_r]), np.array([n_r]), confidence)
    (ratio,), (r_lo,), (r_hi,) = log_ratio_interval(np.array([x_m]), n_m, np.array([x_r]), n_r, confidence)
    test = two_proportion_test(x_m, n_m, x_r, n_r)
    return {"model_cases": n_m, "random_cases": n_r, "model_hits": x_m, "random_hits": x_r,
            "model_hit_rate": x_m / n_m, "model_hit_rate_ci": [lo_m, hi_m],
            "random_hit_rate": x_r / n_r, "random_hit_rate_ci": [lo_r, hi_r],
            "hit_rate_ratio": ratio, "hit_rate_ratio_ci": [r_lo, r_hi],
            "test": {"method": test.method, "statistic": test.statistic, "p_value": test.p_value}}
