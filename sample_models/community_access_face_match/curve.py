"""The operating threshold's effect curve: false match and false non-match rates by group per threshold.

A face-verification gate trades false matches (an impostor let in) against false non-matches (a
resident kept out) through one number. This table shows, for each candidate threshold, both rates
for each group, so the owner can see what moving the threshold does to whom. It is aggregate only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["threshold_curve"]


def threshold_curve(attempts: pd.DataFrame, thresholds: Sequence[float], by: str, *,
                    score: str = "match_score", genuine: str = "genuine") -> pd.DataFrame:
    """False match rate (FMR) and false non-match rate (FNMR) of each group of ``by`` at each threshold.

    Parameters
    ----------
    attempts : pandas.DataFrame
        One row per verification attempt, with ``score``, ``genuine`` (1 = genuine pair) and ``by``.
    thresholds : sequence of float
        Candidate thresholds; an attempt matches when its score is at least the threshold.
    by : str
        The grouping column.

    Returns
    -------
    pandas.DataFrame
        Columns ``threshold``, ``group``, ``impostor_n``, ``genuine_n``, ``fmr``, ``fnmr``, plus
        ``fmr_ratio`` (the group's FMR over the lowest group's at that threshold).
    """
    s = attempts[score].to_numpy(dtype=float)
    g = attempts[genuine].to_numpy() == 1
    groups = attempts[by].astype("string").to_numpy(dtype=object)
    rows = []
    for label in sorted(pd.unique(groups)):
        in_group = groups == label
        imp, gen = np.sort(s[in_group & ~g]), np.sort(s[in_group & g])
        for t in thresholds:
            # scores >= t match: count via sorted search, one pass per group
            false_matches = len(imp) - np.searchsorted(imp, t, side="left")
            false_non = np.searchsorted(gen, t, side="left")
            rows.append({"threshold": float(t), "group": label, "impostor_n": len(imp), "genuine_n": len(gen),
                         "fmr": false_matches / len(imp) if len(imp) else np.nan,
                         "fnmr": false_non / len(gen) if len(gen) else np.nan})
    table = pd.DataFrame(rows).sort_values(["threshold", "group"], ignore_index=True)
    lowest = table.groupby("threshold")["fmr"].transform("min")
    table["fmr_ratio"] = np.where(lowest > 0, table["fmr"] / lowest.where(lowest > 0, 1), np.nan)
    return table
