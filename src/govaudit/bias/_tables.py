"""The long-format disparity table: every rate of every group against its reference group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from govaudit.metrics import GroupingAnalysis
from govaudit.metrics._confusion import DISPARITY_RATES

__all__ = ["DISPARITY_COLUMNS", "contrast_table"]

#: columns of a disparity table, in order
DISPARITY_COLUMNS = ("group", "metric", "ratio", "ratio_low", "ratio_high", "difference", "difference_low",
                     "difference_high", "reference")


def contrast_table(analysis: GroupingAnalysis) -> pd.DataFrame:
    """One row per (group, rate), groups in table order and rates in :data:`DISPARITY_RATES` order.

    ``ratio`` is the group's rate over the reference group's, ``difference`` the group's minus the
    reference's; ``reference`` names the reference group of that rate (the same for every rate
    unless ``reference = "min_metric"``). NaN where undefined (a zero or undefined reference rate,
    no reference).
    """
    rates = analysis.selection
    assert rates is not None
    labels = analysis.encoding.labels
    metrics = [m for m in DISPARITY_RATES if f"{m}_ratio" in rates.contrasts]
    n_groups = len(labels)
    columns: dict[str, object] = {
        "group": np.repeat(np.asarray(labels, dtype=object), len(metrics)),
        "metric": np.tile(np.asarray(metrics, dtype=object), n_groups),
    }
    for kind in ("ratio", "difference"):
        for suffix in ("", "_low", "_high"):
            stacked = np.stack([np.asarray(rates.contrasts[f"{m}_{kind}{suffix}"], dtype=np.float64)
                                for m in metrics], axis=1) if metrics else np.empty((n_groups, 0))
            columns[f"{kind}{suffix}"] = stacked.reshape(-1)
    refs = [None if rates.references.get(m) is None else labels[rates.references[m]] for m in metrics]
    columns["reference"] = np.tile(np.asarray(refs, dtype=object), n_groups)
    return pd.DataFrame(columns, columns=list(DISPARITY_COLUMNS))
