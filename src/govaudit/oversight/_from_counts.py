"""The oversight auditor on a backend: every check from a decision log aggregated where it is stored.

:class:`~govaudit.oversight.LogCounts` holds one row per combination of the flags the checks read,
with its number of cases; it becomes :class:`~govaudit.oversight._flags.CaseFlags` with
those counts as weights, and the same code as in memory computes the findings. The list of the
cases that broke a rule (the case-level file) is read back from the engine, one row per case, only
when it is written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govaudit.core import Finding
from govaudit.exceptions import InputDataError
from govaudit.metrics import GroupEncoding, encode_groups
from govaudit.oversight._checks import flag_findings
from govaudit.oversight._config import OversightConfig
from govaudit.oversight._engine_cases import LogCases
from govaudit.oversight._engine_counts import LogCounts
from govaudit.oversight._fairness import group_rates, rate_findings_for
from govaudit.oversight._flags import AppealFlags, CaseFlags
from govaudit.oversight._policy import Routing
from govaudit.oversight._violations import case_tables, violations_table

__all__ = ["case_violations", "counts_findings", "flags_from_counts"]

_MSG_POLICY = ("the decision log was aggregated with another oversight policy than the auditor's; aggregate it with "
               "policy=config.policy")


def flags_from_counts(counts: LogCounts) -> CaseFlags:
    """The compressed table as case flags, weighted by the cases each row stands for."""
    t = counts.table
    rec = t["recommendation"].to_numpy(dtype=np.int8)
    policy = counts.policy
    none = np.zeros(len(t), dtype=bool)
    adverse = rec == 0
    routing = Routing(adverse=adverse if policy.review_adverse else none,
                      uncertain=t["uncertain"].to_numpy(dtype=bool),
                      flagged_type=t["type_review"].to_numpy(dtype=bool),
                      two_person=(adverse if policy.two_person_adverse else none) | t["type_two"].to_numpy(dtype=bool))
    appeals = None
    if counts.has_appeals:
        appeals = AppealFlags(
            filed=t["appeal_filed"].to_numpy(dtype=bool), closed=t["appeal_closed"].to_numpy(dtype=bool),
            late_closed=t["late_closed"].to_numpy(dtype=bool), late_open=t["late_open"].to_numpy(dtype=bool),
            decision_us=t["appeal_us"].to_numpy(dtype=np.int64), month=t["appeal_month"].to_numpy(dtype=object),
            as_of=counts.as_of)
    return CaseFlags(
        weights=counts.weights, month=t["month"].to_numpy(dtype=object), decided=t["decided"].to_numpy(dtype=bool),
        reviewed=t["reviewed"].to_numpy(dtype=bool), review_required=t["review_required"].to_numpy(dtype=bool),
        recommendation=rec, final_decision=t["final_decision"].to_numpy(dtype=np.float64), routing=routing,
        reviewer=pd.Series(t["reviewer"].to_numpy(dtype=object), name="reviewer"),
        has_second=t["has_second"].to_numpy(dtype=bool), same_reviewer=t["same_reviewer"].to_numpy(dtype=bool),
        short=t["short"].to_numpy(dtype=bool), review_us=t["review_us"].to_numpy(dtype=np.int64),
        appeals=appeals, timezone=counts.timezone)


def counts_findings(counts: LogCounts, config: OversightConfig) -> list[Finding]:
    """The oversight findings from a backend's aggregated decision log, in the in-memory order.

    Parameters
    ----------
    counts : LogCounts
        From :func:`~govaudit.oversight.duckdb_log_counts` (or the spark / narwhals variants),
        aggregated with this configuration's policy and sensitive features.
    config : OversightConfig
        The auditor's configuration.
    """
    if counts.policy != config.policy:
        raise InputDataError(_MSG_POLICY)
    t = counts.table

    def encode(feature: str) -> GroupEncoding:
        # as numpy arrays, as the compressed keys of the bias backends: the same labels as in memory
        return encode_groups(pd.DataFrame({feature: t[feature].to_numpy()}), [feature])

    findings = flag_findings(flags_from_counts(counts), config)
    appeals = counts.has_appeals
    specs = group_rates(t["decided"].to_numpy(dtype=bool), t["reviewed"].to_numpy(dtype=bool),
                        t["final_decision"].to_numpy(dtype=float), t["recommendation"].to_numpy(),
                        t["appeal_filed"].to_numpy(dtype=bool) if appeals else None,
                        t["appeal_overturned"].to_numpy(dtype=float) if appeals else None)
    return findings + rate_findings_for(specs, encode, counts.weights, config)


def case_violations(cases: LogCases | None, config: OversightConfig) -> pd.DataFrame:
    """The case-level file's rows (``case_id``, ``check``, ``detail``) from cases read back from a backend."""
    if cases is None:
        return violations_table([])
    return violations_table(case_tables(cases.case_id, cases.appeal_filed_at, flags_from_counts(cases.counts), config))
