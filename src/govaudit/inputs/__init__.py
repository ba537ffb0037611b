"""Inputs as users pass them, made uniform: arrays, Series and DataFrames into an ``AuditSubject``,
and a table file (CSV or Parquet) into a DataFrame.

This sits below the auditors, so an auditor used on its own (``BiasAuditor().assess(...)``) can
build its subject; :mod:`govaudit.assembly` uses it to assemble a subject from a spec or ``audit()``.
"""

from govaudit.inputs._subject import build_subject
from govaudit.inputs._table import case_ids_from_column, load_table

__all__ = ["build_subject", "case_ids_from_column", "load_table"]
