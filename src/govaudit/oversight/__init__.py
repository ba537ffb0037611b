"""Human oversight: the decision-log format, the oversight policy, and the runtime guard.

The rules say a person, not the model, decides (EU AI Act Art. 14; Canada's Directive on Automated
Decision-Making). This package holds what deployment and audit share:

- :class:`OversightPolicy`: which cases need a person, two-person verification, minimum review
  time, the most cases a month may decide without a person, appeal deadlines, the reviewer roster;
- :class:`OversightGuard`: wraps a model, sends the cases the policy names to a human queue, and
  appends every decision to a crash-safe :class:`SQLiteDecisionLog`;
- :func:`validate_decision_log` and :func:`decision_log_json_schema`: the log format (also printed
  by ``govaudit schema decision-log``), which the oversight auditor reads;
- :class:`OversightAuditor`: the checks on a decision log (``_checks``, ``_fairness``, ``_flags``),
  in memory or from the counts that :func:`duckdb_log_counts` / :func:`spark_log_counts` aggregate
  where the log is stored (``_engine_*``, ``_from_counts``).
"""

from govaudit.oversight._auditor import OversightAuditor, OversightConfig
from govaudit.oversight._engine_cases import LogCases, log_cases_from_frame
from govaudit.oversight._engine_counts import LogCounts, log_counts_from_frame
from govaudit.oversight._engine_source import DecisionLogSource, duckdb_log_counts, spark_log_counts
from govaudit.oversight._guard import OversightGuard
from govaudit.oversight._log_schema import COLUMNS, decision_log_json_schema
from govaudit.oversight._log_store import SQLiteDecisionLog
from govaudit.oversight._log_validation import DecisionLog, validate_decision_log
from govaudit.oversight._policy import OversightPolicy, Routing, route_cases

__all__ = [
    "COLUMNS",
    "DecisionLog",
    "DecisionLogSource",
    "LogCases",
    "LogCounts",
    "OversightAuditor",
    "OversightConfig",
    "OversightGuard",
    "OversightPolicy",
    "Routing",
    "SQLiteDecisionLog",
    "decision_log_json_schema",
    "duckdb_log_counts",
    "log_cases_from_frame",
    "log_counts_from_frame",
    "route_cases",
    "spark_log_counts",
    "validate_decision_log",
]
