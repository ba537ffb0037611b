"""The small case table the provenance tests build their projects from."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.provenance import profile_table
from govaudit.records import sha256_file


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


def source_entry(path: Path, columns: list[dict], as_of: date, **extra: Any) -> dict:
    """A manifest source declaring ``path`` completely (owner, basis, dates before ``as_of``, hash, columns)."""
    entry = {
        "description": path.stem, "owner": "Benefits Office", "legal_basis": "public task",
        "collection_method": "forms", "collection_period": {"start": as_of - timedelta(days=400),
                                                            "end": as_of - timedelta(days=40)},
        "extracted": as_of - timedelta(days=30), "approval": {"by": "DPO", "date": as_of - timedelta(days=10)},
        "retention_days": 1000, "path": path.name, "sha256": sha256_file(path), "rows": profile_table(path).rows,
        "primary_key": "case_id", "columns": columns,
    }
    entry.update(extra)
    return entry
