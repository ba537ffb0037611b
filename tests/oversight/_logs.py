"""Small hand-made decision logs for the oversight tests."""

from __future__ import annotations

import pandas as pd

T0 = pd.Timestamp("2025-03-03T09:00:00Z")


def minimal_log(n: int = 6) -> pd.DataFrame:
    """``n`` cases, all favourable and decided automatically (no review needed by the default policy)."""
    return pd.DataFrame({
        "case_id": [f"c{i}" for i in range(n)],
        "decided_at": [T0 + pd.Timedelta(minutes=i) for i in range(n)],
        "model_name": "m",
        "model_version": "1",
        "score": [0.9] * n,
        "recommendation": [1] * n,
        "review_required": [False] * n,
        "reviewer_1": pd.Series([None] * n, dtype=object),
        "review_started_at": pd.Series([pd.NaT] * n, dtype="datetime64[us, UTC]"),
        "review_ended_at": pd.Series([pd.NaT] * n, dtype="datetime64[us, UTC]"),
        "final_decision": [1] * n,
    })


def add_review(log: pd.DataFrame, i: int, reviewer: str, seconds: float, final: int, *, second: str | None = None) -> None:
    """Mark case ``i`` as reviewed by ``reviewer`` for ``seconds`` with ``final`` as the decision."""
    start = log.at[i, "decided_at"] + pd.Timedelta(hours=1)
    log.at[i, "reviewer_1"] = reviewer
    log.at[i, "review_started_at"] = start
    log.at[i, "review_ended_at"] = start + pd.Timedelta(seconds=seconds)
    log.at[i, "final_decision"] = final
    if second is not None:
        if "reviewer_2" not in log.columns:
            log["reviewer_2"] = pd.Series([None] * len(log), dtype=object)
        log.at[i, "reviewer_2"] = second
