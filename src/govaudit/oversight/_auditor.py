"""The oversight auditor: is a person, not the model, deciding? Checked on a decision log.

Checks (stable ids): ``oversight.review_coverage``, ``oversight.two_person_rule``,
``oversight.review_time``, ``oversight.rubber_stamping``, ``oversight.override_fairness``,
``oversight.appeal_fairness``, ``oversight.appeal_timeliness``, ``oversight.automation_drift``.
Findings hold counts, rates and pseudonymous reviewer ids; the ids of the cases that broke a rule
go to a case-level table (``oversight_violations``), written only when the spec asks for case files.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from govaudit.core import AuditSubject, AuditorResult, CaseTable, Finding, Requirement, Severity, Status
from govaudit._auditor_parts import ConfiguredAuditor
from govaudit.exceptions import ColumnError
from govaudit.oversight._checks import CASE_FILE
from govaudit.oversight._config import OversightConfig
from govaudit.oversight._engine_counts import LogCounts
from govaudit.oversight._fairness import rate_findings
from govaudit.oversight._from_counts import case_violations, counts_findings
from govaudit.oversight._log_messages import MSG_NO_CASE_TYPE
from govaudit.oversight._log_validation import DecisionLog, validate_decision_log
from govaudit.oversight._policy import OversightPolicy, route_cases
from govaudit.oversight._violations import CheckResult, run_checks, violations_table

__all__ = ["OversightAuditor", "OversightConfig", "OversightPolicy"]

_CASE_FILE_TEXT = "One row per case that broke an oversight rule: case id, check, what happened."
_MSG_NOT_AGGREGATED = ("the aggregated decision log has no counts by sensitive feature(s) {missing}; aggregate it "
                       "with the auditor's sensitive_features")


class OversightAuditor(ConfiguredAuditor):
    """Human oversight of automated decisions, audited on a decision log.

    Parameters
    ----------
    **settings
        Fields of :class:`OversightConfig`, e.g. ``policy={"uncertainty_band": [0.4, 0.6]}``,
        ``sensitive_features=["sex"]``.

    Examples
    --------
    >>> result = OversightAuditor(sensitive_features=["channel"]).assess(log_frame)  # doctest: +SKIP
    >>> [f.check for f in result.findings if f.status == "fail"]  # doctest: +SKIP
    """

    name: ClassVar[str] = "oversight"
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.DECISION_LOG.value})
    Config: ClassVar[type[OversightConfig]] = OversightConfig
    config: OversightConfig


    def run(self, subject: AuditSubject, config: OversightConfig | None = None) -> list[Finding] | AuditorResult:
        """Audit ``subject.decision_log``; returns an :class:`AuditorResult` when cases broke a rule."""
        if subject.decision_log is None and subject.decision_log_source is not None:
            config = config or self.config
            source = subject.decision_log_source
            counts = source.counts(config.sensitive_features, config.policy)
            findings = self.assess_counts(counts, config)
            if not any(f.evidence.get("case_file") == CASE_FILE and f.evidence.get("rows") for f in findings):
                return findings
            # the cases are read back from the engine only if the file is written (case_files = true)
            table = CaseTable(CASE_FILE, lambda: case_violations(source.cases(counts), config), _CASE_FILE_TEXT)
            return AuditorResult(tuple(findings), (table,))
        if subject.decision_log is None:
            return [Finding(auditor=self.name, check="oversight.requirements", status=Status.SKIPPED,
                            severity=Severity.INFO, message="The oversight auditor needs a decision log; none was given.")]
        path = subject.files.get("decision_log")
        return self.assess(subject.decision_log, config, source=str(path) if path else "decision log")

    def assess(self, decision_log: pd.DataFrame, config: OversightConfig | None = None, *,
               source: str = "decision log") -> list[Finding] | AuditorResult:
        """Audit a decision log given directly (a DataFrame in the documented format).

        Parameters
        ----------
        decision_log : pandas.DataFrame
            The log (see ``govaudit schema decision-log``).
        config : OversightConfig, optional
            Default: the auditor's own.
        source : str
            How error messages name the log.

        Returns
        -------
        list of Finding or AuditorResult
            The findings; with the ``oversight_violations`` case table when any case broke a rule.

        Raises
        ------
        InputDataError
            The log is malformed (the message names the column and the problem).
        """
        config = config or self.config
        log = validate_decision_log(decision_log, reviewers=config.policy.reviewers,
                                    sensitive_features=config.sensitive_features, source=source)
        results = self.check(log, config)
        findings = [r.finding for r in results] + rate_findings(log, config)
        tables = [r.violations for r in results if r.violations is not None]
        if not tables:
            return findings
        return AuditorResult(tuple(findings), (CaseTable(CASE_FILE, violations_table(tables), _CASE_FILE_TEXT),))

    def assess_counts(self, counts: LogCounts, config: OversightConfig | None = None) -> list[Finding]:
        """Audit a decision log aggregated by a backend (DuckDB, Spark), without its rows.

        Every check is computed and equals the in-memory finding. The cases that broke a rule are not
        listed (:meth:`run` on a subject with a ``decision_log_source`` reads them back when written).

        Parameters
        ----------
        counts : LogCounts
            From :func:`govaudit.oversight.duckdb_log_counts` (or ``spark_log_counts``), aggregated
            with at least this auditor's ``sensitive_features`` and with its ``policy``.
        config : OversightConfig, optional
            Default: the auditor's own.
        """
        config = config or self.config
        missing = [c for c in config.sensitive_features if c not in counts.sensitive_features]
        if missing:
            raise ColumnError(_MSG_NOT_AGGREGATED.format(missing=missing))
        return counts_findings(counts, config)

    @staticmethod
    def check(log: DecisionLog, config: OversightConfig) -> list[CheckResult]:
        """The per-case checks on a validated log (group comparisons are in :func:`rate_findings`)."""
        policy = config.policy
        if policy.uses_case_types and log.case_type is None:
            types = ", ".join(policy.review_case_types + policy.two_person_case_types)
            raise ColumnError(MSG_NO_CASE_TYPE.format(source="decision log", types=types))
        return run_checks(log, route_cases(policy, log.score, log.recommendation, log.case_type), config)
