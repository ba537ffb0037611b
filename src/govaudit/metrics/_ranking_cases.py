"""What each case of a ranked queue contributes at a capacity ``k``: its place in the top k and its exposure.

A queue is acted on from the top: the cases ranked 1..k are seen (inspected, visited), the rest are
not. Ties are resolved as if broken uniformly at random, and every measure is the expectation over
that tie-break, so the figures never depend on the order rows happen to come in:

- a case with ``a`` cases strictly ahead of it and ``t`` cases tied with it (itself included) holds
  one of the positions ``a + 1 .. a + t``, each with probability ``1 / t``;
- its membership of the top k is ``clip((k - a) / t, 0, 1)``: a tie block straddling the cut shares
  the remaining places in proportion, so the top k always holds exactly ``k`` cases in expectation;
- its exposure at depth k is the mean of the position discount ``d(j)`` over its block's positions
  up to k (positions beyond k are not acted on and give 0): ``(C(min(a + t, k)) - C(min(a, k))) / t``
  with ``C(m) = d(1) + ... + d(m)``. The discount is ``d(j) = 1 / log2(1 + j)`` (``"log"``, the
  discount of DCG) or ``d(j) = 1`` (``"none"``, when exposure is membership of the top k). The total
  exposure at depth k is ``C(k)`` whatever the ranking, ties or not; with the log discount and no ties,
  a group's exposure at depth k is scikit-learn's ``dcg_score`` at ``k`` of a ranking whose gains mark
  the group's members.

The per-case figures are sums over cases, so the same columns summed per group come out of a backend's
GROUP BY (:mod:`govaudit.ranking._backend`) and out of :func:`case_columns` here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["DISCOUNTS", "RELEVANT", "ROWS", "block_columns", "case_columns", "column_names", "cumulative_discount",
           "depth_grid", "group_sums", "resolve_capacities", "tie_blocks"]

DISCOUNTS = ("log", "none")
#: Column of the number of cases a row stands for (1 per case in memory; a block's count from a backend).
ROWS = "__n"
#: Column of the number of relevant cases (relevance 1) a row stands for.
RELEVANT = "__relevant"
#: Depths at which each group's share is drawn (as shares of all cases), besides the capacities.
_DEPTH_POINTS = 20


def resolve_capacities(capacities: Sequence[int | float], n: int) -> tuple[int, ...]:
    """The capacities as numbers of cases among ``n``: a whole number is a count, a fraction a share.

    ``0.1`` is 10 % of the cases (rounded, at least 1); a count above ``n`` is ``n`` (everyone is acted on).
    """
    out = []
    for c in capacities:
        k = int(c) if isinstance(c, (int, np.integer)) else max(1, int(round(float(c) * n)))
        out.append(min(max(k, 1), n))
    return tuple(out)


def depth_grid(n: int, capacities: Sequence[int] = ()) -> tuple[int, ...]:
    """Depths of the share-by-depth curve: 20 even steps through the queue and the capacities, ascending."""
    steps = {max(1, int(round(n * j / _DEPTH_POINTS))) for j in range(1, _DEPTH_POINTS + 1)}
    return tuple(sorted(steps | {int(k) for k in capacities if 1 <= k <= n}))


def tie_blocks(priority: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per case: how many cases rank strictly ahead (higher priority), and how many share its priority."""
    values = np.asarray(priority, dtype=np.float64)
    _, inverse, counts = np.unique(-values, return_inverse=True, return_counts=True)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return start[inverse].astype(np.int64), counts[inverse].astype(np.int64)


def cumulative_discount(upto: int, discount: str, power: int = 1) -> np.ndarray:
    """``C(0..upto)``: the running sum of the position discount (or of its square, ``power=2``)."""
    if discount not in DISCOUNTS:
        raise ValueError(f"discount must be one of {DISCOUNTS}; got {discount!r}")
    d = np.ones(upto) if discount == "none" else 1.0 / np.log2(np.arange(2, upto + 2, dtype=np.float64))
    return np.concatenate([[0.0], np.cumsum(d ** power)])


def column_names(i: int) -> tuple[str, str, str]:
    """Names of depth ``i``'s columns: top-k membership, relevant members and exposure."""
    return f"top_{i}", f"rtop_{i}", f"exp_{i}"


def block_columns(before: np.ndarray, tied: np.ndarray, relevant: np.ndarray | None, depths: Sequence[int],
                  discount: str, count: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The per-depth columns of rows that each stand for ``count`` cases sharing ``before`` and ``tied``.

    ``relevant`` is the number of relevant cases among them (None without relevance); ``count``
    defaults to 1 per row (one row per case).
    """
    a = np.asarray(before, dtype=np.int64)
    t = np.asarray(tied, dtype=np.int64)
    m = np.ones(a.size) if count is None else np.asarray(count, dtype=np.float64)
    top_depth = max(depths) if len(depths) else 0
    c1 = cumulative_discount(top_depth, discount)
    out: dict[str, np.ndarray] = {ROWS: m}
    if relevant is not None:
        out[RELEVANT] = np.asarray(relevant, dtype=np.float64)
    for i, k in enumerate(depths):
        top, rtop, exp = column_names(i)
        share = np.clip((k - a) / t, 0.0, 1.0)
        hi, lo = np.minimum(a + t, k), np.minimum(a, k)
        out[top] = m * share
        out[exp] = m * (c1[hi] - c1[lo]) / t
        if relevant is not None:
            out[rtop] = out[RELEVANT] * share
    return out


def case_columns(priority: np.ndarray, relevance: np.ndarray | None, depths: Sequence[int],
                 discount: str) -> dict[str, np.ndarray]:
    """One value per case and column (see :func:`block_columns`), from priorities (higher is seen first)."""
    before, tied = tie_blocks(priority)
    return block_columns(before, tied, relevance, depths, discount)


def group_sums(columns: Mapping[str, np.ndarray], codes: np.ndarray, size: int) -> dict[str, np.ndarray]:
    """Each column summed per group code (rows are cases, or blocks of cases from a backend)."""
    return {name: np.bincount(codes, weights=np.asarray(values, dtype=np.float64), minlength=size)
            for name, values in columns.items()}
