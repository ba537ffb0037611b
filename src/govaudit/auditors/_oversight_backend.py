"""The oversight auditor on a backend: its rate checks from a decision log aggregated where it is stored.

Override, appeal and appeal-success rates by group, automation drift by month and each reviewer's
agreement with the model are computed from :class:`~govaudit.backends.LogCounts` with the same
finding builders as in memory, so the findings are the same. The per-case checks (review coverage,
the two-person rule, review time, appeal timeliness) compare each case with the policy and list the
cases that broke it, which needs the rows: on a backend they are reported as skipped, saying so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govaudit.auditors._oversight_checks import (
    _MAX_REVIEWERS,
    AUDITOR,
    _HUMAN,
    REF_AUTOMATION_BIAS,
    REF_DADM,
    REF_NIST_MANAGE,
    REF_OMB,
    REF_OVERSIGHT,
    _no_reviews,
    drift_finding,
    rate_table_from_counts,
    rubber_stamping_finding,
)
from govaudit.auditors._oversight_config import OversightConfig
from govaudit.auditors._oversight_fairness import GroupRate, rate_findings_for
from govaudit.backends import LogCounts
from govaudit.core import Finding, Severity, Status
from govaudit.metrics import GroupEncoding, encode_groups

__all__ = ["PER_CASE_CHECKS", "counts_findings"]

#: Checks that compare each case with the policy; they need the rows in memory.
PER_CASE_CHECKS = ("oversight.review_coverage", "oversight.two_person_rule", "oversight.review_time")
_MSG_PER_CASE = ("Not checked on the {backend} backend: this check compares each case with the policy and lists the "
                 "cases that broke it, which needs the rows; audit the log with backend = \"memory\" for it.")


def _counts(codes: np.ndarray, n_groups: int, event: np.ndarray, weights: np.ndarray) -> np.ndarray:
    flat = np.zeros(n_groups * 2, dtype=np.int64)
    np.add.at(flat, codes * 2 + event.astype(np.int64), weights)  # exact integer sums
    return flat.reshape(n_groups, 2)


def _skipped(check: str, backend: str) -> Finding:
    return Finding(auditor=AUDITOR, check=check, status=Status.SKIPPED, severity=Severity.INFO,
                   message=_MSG_PER_CASE.format(backend=backend), evidence={"backend": backend},
                   principles=_HUMAN, references=(REF_OVERSIGHT,))


def _rubber_stamping(counts: LogCounts, config: OversightConfig) -> Finding:
    """Each reviewer's agreement with the model, from the reviewed, decided compressed rows."""
    t, w = counts.table, counts.weights
    mask = (t["reviewed"] & t["decided"]).to_numpy()
    if not mask.any():
        return _no_reviews("oversight.rubber_stamping", (REF_AUTOMATION_BIAS, REF_OVERSIGHT, REF_NIST_MANAGE)).finding
    encoding = encode_groups(pd.Series(t["reviewer"].to_numpy()[mask], name="reviewer"), max_levels=_MAX_REVIEWERS)
    agree = (t["final_decision"] == t["recommendation"]).to_numpy()[mask]
    table = rate_table_from_counts(encoding.labels, _counts(encoding.codes, encoding.n_groups, agree, w[mask]),
                                   config.confidence)
    overall = float(np.sum(w[mask] * agree) / np.sum(w[mask]))
    return rubber_stamping_finding(table, overall, config)


def _drift(counts: LogCounts, config: OversightConfig) -> Finding:
    """Share of decided cases without a person, per month."""
    t, w = counts.table, counts.weights
    decided = t["decided"].to_numpy()
    labels, codes = np.unique(t["month"].to_numpy(dtype=str)[decided], return_inverse=True)
    unreviewed = ~t["reviewed"].to_numpy()[decided]
    table = rate_table_from_counts(tuple(str(m) for m in labels),
                                   _counts(codes.astype(np.int64), len(labels), unreviewed, w[decided]),
                                   config.confidence)
    return drift_finding(table, counts.timezone, config)


def _group_rates(counts: LogCounts) -> list[GroupRate]:
    """:func:`~govaudit.auditors._oversight_fairness.group_rates` on the compressed rows."""
    t = counts.table
    decided, final, rec = t["decided"].to_numpy(), t["final_decision"].to_numpy(), t["recommendation"].to_numpy()
    rates = [GroupRate("oversight.override_fairness", "override_rate", "reviewers override the model",
                       "reviewed cases", t["reviewed"].to_numpy() & decided, final != rec)]
    if counts.has_appeals:
        overturned = t["appeal_overturned"].to_numpy(dtype=float)
        rates += [
            GroupRate("oversight.appeal_fairness", "appeal_rate", "people refused appeal", "refused cases",
                      decided & (final == 0), t["appeal_filed"].to_numpy(dtype=bool)),
            GroupRate("oversight.appeal_fairness", "appeal_success_rate", "appeals succeed", "decided appeals",
                      ~np.isnan(overturned), overturned == 1),
        ]
    return rates


def counts_findings(counts: LogCounts, config: OversightConfig) -> list[Finding]:
    """The oversight findings from a backend's aggregated decision log, in the in-memory order.

    Parameters
    ----------
    counts : LogCounts
        From :func:`~govaudit.backends.duckdb_log_counts` (or the spark / narwhals variants).
    config : OversightConfig
        The auditor's configuration; its ``sensitive_features`` must have been aggregated.
    """
    t = counts.table

    def encode(feature: str) -> GroupEncoding:
        # as numpy arrays, as the compressed keys of the bias backends: the same labels as in memory
        return encode_groups(pd.DataFrame({feature: t[feature].to_numpy()}), [feature])

    appeal = (Finding(auditor=AUDITOR, check="oversight.appeal_timeliness", status=Status.SKIPPED,
                      severity=Severity.INFO, message="The decision log has no appeal columns.", principles=_HUMAN,
                      references=(REF_OMB, REF_NIST_MANAGE, REF_DADM))
              if not counts.has_appeals else _skipped("oversight.appeal_timeliness", counts.backend))
    findings = [*(_skipped(c, counts.backend) for c in PER_CASE_CHECKS), _rubber_stamping(counts, config),
                appeal, _drift(counts, config)]
    return findings + rate_findings_for(_group_rates(counts), encode, counts.weights, config)
