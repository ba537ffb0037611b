"""The cases behind the oversight findings: the case-level file, never the record.

For coverage, the two-person rule, review time and appeal timeliness, the cases that broke the rule
are listed (``case_id``, ``check``, ``detail``) from the same per-case flags the checks count: all
rows of an in-memory log, or the cases a backend reads back (``_engine_cases``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govaudit.core import Finding
from govaudit.oversight._checks import flag_findings, two_person_masks
from govaudit.oversight._config import OversightConfig
from govaudit.oversight._flags import CaseFlags, flags_from_log
from govaudit.oversight._log_times import US_PER_DAY
from govaudit.oversight._log_validation import DecisionLog
from govaudit.oversight._policy import Routing

__all__ = ["CheckResult", "case_tables", "run_checks", "violations_table"]


@dataclass(frozen=True)
class CheckResult:
    """A check's finding and the violating cases (``case_id``, ``check``, ``detail``), if any."""

    finding: Finding
    violations: pd.DataFrame | None = None


def _violations(case_id: pd.Series, mask: np.ndarray, check: str, detail: Any) -> pd.DataFrame | None:
    """The case table rows for ``mask``; ``detail`` is one string, or one per selected case."""
    if not mask.any():
        return None
    idx = np.flatnonzero(mask)
    return pd.DataFrame({"case_id": case_id.iloc[idx].to_numpy(dtype=object), "check": check,
                         "detail": detail if isinstance(detail, str) else np.asarray(detail, dtype=object)})


def case_tables(case_id: pd.Series, appeal_filed_at: np.ndarray | None, flags: CaseFlags,
                config: OversightConfig) -> list[pd.DataFrame | None]:
    """For coverage, two-person rule, review time and appeal timeliness: the cases that broke the rule.

    ``flags`` has one entry per case (no weights); ``case_id`` and ``appeal_filed_at`` (UTC) match it.
    """
    routing = flags.routing
    unreviewed = (routing.required | flags.review_required) & flags.decided & ~flags.reviewed
    coverage = _violations(case_id, unreviewed, "oversight.review_coverage",
                           [f"review required ({r}) but decided without a person" for r in routing.reasons(unreviewed)])
    two = None
    if config.policy.two_person_case_types or config.policy.two_person_adverse:
        _, missing, same = two_person_masks(flags)
        bad = missing | same
        who = flags.reviewer[bad].to_numpy(dtype=object)
        two = _violations(case_id, bad, "oversight.two_person_rule",
                          np.where(same[bad], [f"the same reviewer twice ({r})" for r in who], "fewer than two reviewers"))
    minimum = config.policy.min_review_seconds
    short = flags.reviewed & flags.decided & flags.short
    seconds = flags.review_us[short] / 1e6
    time = _violations(case_id, short, "oversight.review_time",
                       [f"review took {s:.0f} s (minimum {minimum:g} s) by {w}"
                        for s, w in zip(seconds, flags.reviewer[short].to_numpy(dtype=object))])
    appeal = None
    if flags.appeals is not None:
        a, deadline = flags.appeals, config.policy.appeal_deadline_days
        late = a.late_closed | a.late_open
        assert appeal_filed_at is not None
        waited = (a.as_of - appeal_filed_at[late]) / np.timedelta64(1, "D")
        detail = np.where(a.late_closed[late], [f"appeal decided after {d:.1f} days" for d in a.decision_us[late] / US_PER_DAY],
                          [f"appeal open for {d:.1f} days" for d in waited])
        appeal = _violations(case_id, late, "oversight.appeal_timeliness", [f"{d} (deadline {deadline:g})" for d in detail])
    return [coverage, two, time, appeal]


def violations_table(tables: list[pd.DataFrame | None]) -> pd.DataFrame:
    """The case-level file's rows from the per-check tables (``case_id`` as text, ``check``, ``detail``)."""
    present = [t for t in tables if t is not None]
    if not present:
        return pd.DataFrame({"case_id": pd.Series(dtype=object), "check": pd.Series(dtype=object),
                             "detail": pd.Series(dtype=object)})
    out = pd.concat(present, ignore_index=True)
    out["case_id"] = out["case_id"].astype(str)
    return out


def run_checks(log: DecisionLog, routing: Routing, config: OversightConfig) -> list[CheckResult]:
    """The checks on a validated in-memory log, with the cases that broke each rule."""
    flags = flags_from_log(log, routing, config)
    findings = flag_findings(flags, config)
    coverage, two, time, appeal = case_tables(log.case_id, log.appeal_filed_at, flags, config)
    tables = {"oversight.review_coverage": coverage, "oversight.two_person_rule": two,
              "oversight.review_time": time, "oversight.appeal_timeliness": appeal}
    return [CheckResult(f, tables.get(f.check)) for f in findings]
