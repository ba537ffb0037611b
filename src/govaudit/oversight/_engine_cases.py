"""The cases of a decision log that broke an oversight rule, read back from the engine holding it.

Only for the case-level file: another pass over the log, filtered in the engine by the condition
"broke review coverage, the two-person rule, review time or an appeal deadline", so only those
cases reach pandas. They come back in the aggregated log's format, one row per case, so the same
code lists them as in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.backends import COUNT, collect
from govaudit.oversight._engine_counts import LogCounts, RawCodes, compressed_counts
from govaudit.oversight._engine_prepare import PreparedLog, prepare_log
from govaudit.oversight._engine_times import EngineTimes
from govaudit.oversight._log_values import ids_as_text

__all__ = ["LogCases", "log_cases_from_frame"]


@dataclass(frozen=True)
class LogCases:
    """The cases of a decision log that broke an oversight rule, read back from its engine.

    Attributes
    ----------
    case_id : pandas.Series
        Their case ids.
    appeal_filed_at : numpy.ndarray or None
        When each filed its appeal (UTC, microseconds; NaT when none); None without appeal columns.
    counts : LogCounts
        Their flags, one row per case (weight 1), in the aggregated log's format.
    """

    case_id: pd.Series
    appeal_filed_at: np.ndarray | None
    counts: LogCounts


def _violation_condition(p: PreparedLog, codes: RawCodes) -> Any:
    """Engine condition: the case broke review coverage, the two-person rule, review time or an appeal deadline."""
    c, false = nw.col, nw.lit(False)

    def bit(name: str) -> Any:
        expr = p.bits.get(name)
        return expr.fill_null(False) if expr is not None else false

    def coded(column: str, value: int) -> Any:
        raws = codes[column][0 if value == 1 else 1]
        return c(column).is_in(list(raws)).fill_null(False) if raws else false

    policy = p.policy
    adverse = coded("recommendation", 0)
    two = (adverse if policy.two_person_adverse else false) | bit("type_two")
    required = ((adverse if policy.review_adverse else false) | bit("uncertain") | bit("type_review") | two
                | coded("review_required", 1))
    decided = ~c("final_decision").is_null()
    reviewed = ~c("reviewer_1").is_null() & bit("has_end")
    broke = (required & decided & ~reviewed) | (reviewed & decided & bit("short"))
    if policy.two_person_case_types or policy.two_person_adverse:
        broke = broke | (two & decided & (c("reviewer_1").is_null() | ~bit("has_second") | bit("same_reviewer")))
    if p.has_appeals:
        filed = coded("appeal_filed", 1)
        closed = filed & bit("has_appeal_decision")
        broke = broke | (closed & bit("late_closed")) | (filed & ~closed & bit("late_open"))
    return broke


def log_cases_from_frame(native: Any, counts: LogCounts) -> LogCases | None:
    """Read back the cases that broke a rule from a log aggregated into ``counts`` (None when there are none).

    Another pass over the log, filtered in the engine: only those cases reach pandas.
    """
    p = prepare_log(native, counts.sensitive_features, counts.policy, counts.backend, check_unique_ids=False)
    extra = {"case_id": nw.col("case_id")}
    if p.has_appeals:
        extra["__filed_us"] = EngineTimes.us("appeal_filed_at")
    rows = collect(p.frame.filter(_violation_condition(p, counts.raw_codes)).select(**extra, **p.keys, **p.sums))
    if len(rows) == 0:
        return None
    rows = rows.reset_index(drop=True)
    rows[COUNT] = 1
    filed = None
    if p.has_appeals:
        us = rows["__filed_us"]
        filed = np.where(us.isna(), np.datetime64("NaT", "us"),
                         us.fillna(0).to_numpy(dtype=np.int64).astype("datetime64[us]"))
    ids = ids_as_text(rows, "case_id").rename("case_id").reset_index(drop=True)
    return LogCases(case_id=ids, appeal_filed_at=filed, counts=compressed_counts(p, rows))
