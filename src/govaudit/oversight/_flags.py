"""What the oversight checks read about each case, as flags, whichever engine held the log.

In memory there is one entry per case (``weights`` is None); on a backend there is one entry per
distinct combination of flags the engine counted, with its number of cases in ``weights``. The
checks compute every count, rate and sum from these flags with the helpers below, so the same code
gives the same findings from rows and from a backend's aggregated table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govaudit.oversight._config import OversightConfig
from govaudit.oversight._log_times import US_PER_DAY, US_PER_SECOND
from govaudit.oversight._log_validation import DecisionLog
from govaudit.oversight._policy import Routing, route_cases

__all__ = ["AppealFlags", "CaseFlags", "count", "count_by", "flags_from_log", "sum_by"]


@dataclass(frozen=True)
class AppealFlags:
    """Appeals: filed, decided (closed), late, their durations and filing months.

    ``decision_us`` is the time from filing to decision in microseconds (summed over the entry's
    cases on a backend; 0 where not closed).
    """

    filed: np.ndarray
    closed: np.ndarray
    late_closed: np.ndarray
    late_open: np.ndarray
    decision_us: np.ndarray
    month: np.ndarray
    as_of: np.datetime64


@dataclass(frozen=True)
class CaseFlags:
    """The per-case facts the oversight checks need, one entry per case or per counted combination.

    Attributes
    ----------
    weights : numpy.ndarray or None
        Cases per entry (a backend's counts); None when each entry is one case.
    month : numpy.ndarray
        Calendar month of the decision in the log's zone (sorts chronologically; ``str`` gives ``YYYY-MM``).
    decided, reviewed, review_required : numpy.ndarray of bool
    recommendation : numpy.ndarray of 0/1
    final_decision : numpy.ndarray of float
        0/1, NaN while pending.
    routing : Routing
        What the policy requires of each entry.
    reviewer : pandas.Series
        Primary reviewer id (None when no person reviewed).
    has_second, same_reviewer : numpy.ndarray of bool
        A second reviewer is logged; it is the primary reviewer again.
    short : numpy.ndarray of bool
        A review shorter than the policy's minimum (meaningful where reviewed and decided).
    review_us : numpy.ndarray of int64
        Review duration in microseconds (summed over the entry's cases on a backend).
    appeals : AppealFlags or None
        None when the log has no appeal columns.
    timezone : str
        Zone of the log's times.
    """

    weights: np.ndarray | None
    month: np.ndarray
    decided: np.ndarray
    reviewed: np.ndarray
    review_required: np.ndarray
    recommendation: np.ndarray
    final_decision: np.ndarray
    routing: Routing
    reviewer: pd.Series
    has_second: np.ndarray
    same_reviewer: np.ndarray
    short: np.ndarray
    review_us: np.ndarray
    appeals: AppealFlags | None
    timezone: str


def count(flags: CaseFlags, mask: np.ndarray) -> int:
    """Number of cases selected by ``mask``."""
    if flags.weights is None:
        return int(np.count_nonzero(mask))
    return int(flags.weights[mask].sum())


def count_by(flags: CaseFlags, codes: np.ndarray, n_groups: int, mask: np.ndarray,
             event: np.ndarray | None = None) -> np.ndarray:
    """Cases per group among ``mask`` (with ``event`` as well, when given); exact integers.

    ``codes`` hold the group of each entry selected by ``mask``.
    """
    keep = slice(None) if event is None else event[mask]
    if flags.weights is None:
        return np.bincount(codes[keep], minlength=n_groups).astype(np.int64)
    out = np.zeros(n_groups, dtype=np.int64)
    np.add.at(out, codes[keep], flags.weights[mask][keep])
    return out


def sum_by(codes: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """Exact integer sum of ``values`` per group code."""
    out = np.zeros(n_groups, dtype=np.int64)
    np.add.at(out, codes, values.astype(np.int64))
    return out


def _duration_us(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """``later - earlier`` in whole microseconds; 0 where either is missing."""
    both = ~np.isnat(later) & ~np.isnat(earlier)
    return np.where(both, (later - earlier).astype("timedelta64[us]").astype(np.int64), 0)


def flags_from_log(log: DecisionLog, routing: Routing | None, config: OversightConfig) -> CaseFlags:
    """The flags of a validated in-memory log, one entry per case."""
    policy = config.policy
    routing = routing if routing is not None else route_cases(policy, log.score, log.recommendation, log.case_type)
    review_us = _duration_us(log.review_ended_at, log.review_started_at)
    short = review_us < policy.min_review_seconds * US_PER_SECOND
    has_first = log.reviewer_1.notna().to_numpy()
    if log.reviewer_2 is not None:
        has_second = log.reviewer_2.notna().to_numpy()
        same = has_first & has_second & (log.reviewer_1.to_numpy(dtype=object) == log.reviewer_2.to_numpy(dtype=object))
    else:
        has_second = same = np.zeros(log.n, dtype=bool)
    appeals = None
    if log.has_appeals:
        assert log.appeal_filed is not None and log.appeal_filed_at is not None and log.appeal_decided_at is not None
        assert log.appeal_month is not None
        deadline_us = policy.appeal_deadline_days * US_PER_DAY
        filed = log.appeal_filed
        closed = filed & ~np.isnat(log.appeal_decided_at)
        decision_us = np.where(closed, _duration_us(log.appeal_decided_at, log.appeal_filed_at), 0)
        waited_us = _duration_us(np.full(log.n, log.as_of), log.appeal_filed_at)
        appeals = AppealFlags(
            filed=filed, closed=closed, late_closed=closed & (decision_us > deadline_us),
            late_open=filed & ~closed & ~np.isnat(log.appeal_filed_at) & (waited_us > deadline_us),
            decision_us=decision_us, month=log.appeal_month, as_of=log.as_of)
    return CaseFlags(
        weights=None, month=log.month, decided=log.decided, reviewed=log.reviewed,
        review_required=log.review_required, recommendation=log.recommendation, final_decision=log.final_decision,
        routing=routing, reviewer=log.reviewer_1, has_second=has_second, same_reviewer=same, short=short,
        review_us=review_us, appeals=appeals, timezone=log.timezone)
