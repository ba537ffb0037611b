"""Human oversight: the decision-log format, the oversight policy, and the runtime guard.

The rules say a person, not the model, decides (EU AI Act Art. 14; Canada's Directive on Automated
Decision-Making). This package holds what deployment and audit share:

- :class:`OversightPolicy`: which cases need a person, two-person verification, minimum review
  time, the most cases a month may decide without a person, appeal deadlines, the reviewer roster;
- :class:`OversightGuard`: wraps a model, sends the cases the policy names to a human queue, and
  appends every decision to a crash-safe :class:`SQLiteDecisionLog`;
- :func:`validate_decision_log` and :func:`decision_log_json_schema`: the log format (also printed
  by ``govaudit schema decision-log``), which the oversight auditor reads.
"""

from govaudit.oversight._guard import OversightGuard
from govaudit.oversight._log_schema import COLUMNS, DecisionLog, decision_log_json_schema, validate_decision_log
from govaudit.oversight._log_store import SQLiteDecisionLog
from govaudit.oversight._policy import OversightPolicy, Routing, route_cases

__all__ = [
    "COLUMNS",
    "DecisionLog",
    "OversightGuard",
    "OversightPolicy",
    "Routing",
    "SQLiteDecisionLog",
    "decision_log_json_schema",
    "route_cases",
    "validate_decision_log",
]
