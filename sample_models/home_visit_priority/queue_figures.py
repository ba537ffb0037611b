"""The queue's figures by group, computed by hand with numpy: share among the top k against share among all.

These are the figures a ranking audit (top-k shares, exposure) reads; the sample's README quotes
them for the capacities it documents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["top_k_shares"]


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def top_k_shares(groups: np.ndarray, rank: np.ndarray, k: int, need: np.ndarray | None = None) -> pd.DataFrame:
    """Per group: its share of all cases, of the top ``k`` ranks, their ratio, and (given) its share of needs found.

    Parameters
    ----------
    groups : numpy.ndarray
        The group of each case.
    rank : numpy.ndarray
        Each case's rank, 1 = first.
    k : int
        The capacity: cases ranked 1..k are acted on.
    need : numpy.ndarray, optional
        1 where the need was found; adds ``share_of_need`` and ``top_k_over_need``.
    """
    groups, rank = np.asarray(groups, dtype=object), np.asarray(rank)
    top = rank <= k
    labels = sorted(set(groups.tolist()))
    rows = []
    for g in labels:
        inside = groups == g
        row = {"group": g, "cases": int(inside.sum()), "share_all": float(inside.mean()),
               "share_top_k": float(inside[top].mean()) if top.any() else float("nan")}
        row["top_k_over_all"] = _ratio(row["share_top_k"], row["share_all"])
        if need is not None:
            found = np.asarray(need) == 1
            row["share_of_need"] = float(inside[found].mean()) if found.any() else float("nan")
            row["top_k_over_need"] = _ratio(row["share_top_k"], row["share_of_need"])
        rows.append(row)
    return pd.DataFrame(rows)
