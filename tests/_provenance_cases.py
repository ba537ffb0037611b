"""The small case table the provenance tests build their projects from."""

from __future__ import annotations

import numpy as np
import pandas as pd


def case_frame(n: int = 400, seed: int = 0, start: int = 0) -> pd.DataFrame:
    """``n`` cases with ids from ``start``: group b exactly every fourth row, income, household size, a label."""
    rng = np.random.default_rng(seed)
    group = np.where(np.arange(n) % 4 == 0, "b", "a")  # exactly 25% b
    return pd.DataFrame({
        "case_id": [f"K{i:05d}" for i in range(start, start + n)],
        "group": group,
        "income": rng.normal(2000, 200, n).round(2),
        "size": rng.integers(1, 5, n),
        "label": (rng.random(n) < np.where(group == "a", 0.5, 0.3)).astype(int),
    })
