"""Human oversight: the decision-log format, the oversight policy, the runtime guard, and the auditor.

The rules say a person, not the model, decides (EU AI Act Art. 14; Canada's Directive on Automated
Decision-Making). This package holds what deployment and audit share:

- :class:`OversightPolicy`: which cases need a person, two-person verification, minimum review
  time, the most cases a month may decide without a person, appeal deadlines, the reviewer roster;
- :class:`OversightGuard`: wraps a model, sends the cases the policy names to a human queue, and
  appends every decision to a crash-safe :class:`SQLiteDecisionLog`;
- :func:`validate_decision_log` and :func:`decision_log_json_schema`: the log format (also printed
  by ``govaudit schema decision-log``), which the oversight auditor reads;
- :class:`OversightAuditor`: the checks on a decision log, in memory or from the counts that
  :func:`duckdb_log_counts` / :func:`spark_log_counts` aggregate where the log is stored.

Modules, by concern:

- the policy and the guard: ``_policy`` (routing cases to a person), ``_guard`` (the wrapped model),
  ``_log_store`` (the SQLite decision log);
- the log format: ``_log_schema`` (its columns and JSON Schema), ``_log_messages`` (its error
  messages, shared by memory and engines), ``_log_values`` and ``_log_times`` (reading a column
  of each kind), ``_log_validation`` (:func:`validate_decision_log`, :class:`DecisionLog`);
- the log in an engine (DuckDB, Spark, pandas via narwhals, on the generic :mod:`govaudit.backends`):
  ``_engine_times`` (times as microseconds since 1970, their bounds), ``_engine_rules`` (the
  format's rules, unique ids, the roster, errors naming a case), ``_engine_prepare`` (the grouping
  keys, flags and sums), ``_engine_counts`` (:class:`LogCounts`, the grouping pass),
  ``_engine_cases`` (:class:`LogCases`, the cases read back), ``_engine_source``
  (:func:`duckdb_log_counts`, :func:`spark_log_counts`, :class:`DecisionLogSource`);
- the auditor: ``_config`` (:class:`OversightConfig`), ``_flags`` (per-case flags, rows or
  counts), ``_checks`` (one finding per check), ``_fairness`` (override and appeal rates by group),
  ``_violations`` (the case-level file), ``_from_counts`` (findings from a backend's counts),
  ``_auditor`` (:class:`OversightAuditor`).
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.oversight._auditor import OversightAuditor, OversightConfig
    from govaudit.oversight._engine_cases import LogCases, log_cases_from_frame
    from govaudit.oversight._engine_counts import LogCounts, log_counts_from_frame
    from govaudit.oversight._engine_source import DecisionLogSource, duckdb_log_counts, spark_log_counts
    from govaudit.oversight._guard import OversightGuard
    from govaudit.oversight._log_schema import COLUMNS, decision_log_json_schema
    from govaudit.oversight._log_store import SQLiteDecisionLog
    from govaudit.oversight._log_validation import DecisionLog, validate_decision_log
    from govaudit.oversight._policy import OversightPolicy, Routing, route_cases
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.oversight._auditor": ("OversightAuditor", "OversightConfig"),
        "govaudit.oversight._engine_cases": ("LogCases", "log_cases_from_frame"),
        "govaudit.oversight._engine_counts": ("LogCounts", "log_counts_from_frame"),
        "govaudit.oversight._engine_source": ("DecisionLogSource", "duckdb_log_counts", "spark_log_counts"),
        "govaudit.oversight._guard": ("OversightGuard",),
        "govaudit.oversight._log_schema": ("COLUMNS", "decision_log_json_schema"),
        "govaudit.oversight._log_store": ("SQLiteDecisionLog",),
        "govaudit.oversight._log_validation": ("DecisionLog", "validate_decision_log"),
        "govaudit.oversight._policy": ("OversightPolicy", "Routing", "route_cases"),
    }, globals())

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
