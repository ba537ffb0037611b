"""Inputs as users pass them, made uniform: arrays, Series and DataFrames into an ``AuditSubject``,
a table file (CSV or Parquet) into a DataFrame, and a random control sample checked once.

This sits below the auditors, so an auditor used on its own (``BiasAuditor().assess(...)``) can
build its subject; :mod:`govaudit.assembly` uses it to assemble a subject from a spec or ``audit()``.
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.inputs._amounts import amount_values, amounts_from_data
    from govaudit.inputs._classes import class_values, classes_from_data
    from govaudit.inputs._control import ControlSample, control_sample
    from govaudit.inputs._subject import build_subject, sensitive_frame
    from govaudit.inputs._table import case_ids_from_column, load_table
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.inputs._amounts": ("amount_values", "amounts_from_data"),
        "govaudit.inputs._classes": ("class_values", "classes_from_data"),
        "govaudit.inputs._control": ("ControlSample", "control_sample"),
        "govaudit.inputs._subject": ("build_subject", "sensitive_frame"),
        "govaudit.inputs._table": ("case_ids_from_column", "load_table"),
    }, globals())

__all__ = ["ControlSample", "amount_values", "amounts_from_data", "build_subject", "case_ids_from_column", "class_values", "classes_from_data", "control_sample", "load_table", "sensitive_frame"]
