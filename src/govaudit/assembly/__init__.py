"""Assembly: the one home for turning an audit's inputs into the :class:`~govaudit.core.AuditSubject`.

``audit()`` and ``run_plan()`` both come here. Each input is resolved once into a small frozen
source that holds what was loaded (or the backend's handle on it) and its identity for the record:

- :func:`resolve_data` -> :class:`DataSource`: a table in memory, or the counts DuckDB or Spark
  aggregated where the rows are (the backend chosen once, by :class:`EngineSettings`);
- :func:`resolve_model` / :func:`resolve_spec_model` -> :class:`ModelSource`: opened, identified,
  its inputs checked against the table;
- :func:`resolve_decision_log` -> :class:`LogSource`; :func:`resolve_manifest` and
  :func:`resolve_training` -> :class:`FileSource`; :func:`resolve_control_sample` -> :class:`ControlSource`.

:func:`subject_rows` builds the subject's rows from the data and the model (:func:`build_subject`
in memory), and :func:`attach` adds the other sources. :func:`assemble` does it all for an
``audit()`` call (:class:`AuditInputs`), :func:`assemble_plan` for a spec; both return an
:class:`Assembly`: the subject and the identities the record names.

:func:`build_subject` and :func:`load_table` (from :mod:`govaudit.inputs`, below the auditors) are re-exported here.
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.assembly._assemble import Assembly, AuditInputs, assemble, attach
    from govaudit.assembly._columns import Columns
    from govaudit.assembly._control import ControlSource, resolve_control_sample
    from govaudit.assembly._data import DataSource, resolve_data
    from govaudit.assembly._engine import BACKENDS, EngineSettings
    from govaudit.assembly._files import FileSource, resolve_manifest, resolve_training
    from govaudit.assembly._identity import frame_digest
    from govaudit.assembly._log import LogSource, resolve_decision_log
    from govaudit.assembly._model import ModelSource, resolve_model, resolve_spec_model
    from govaudit.assembly._plan import assemble_plan
    from govaudit.assembly._rows import subject_rows
    from govaudit.inputs._table import case_ids_from_column
    from govaudit.inputs._subject import build_subject
    from govaudit.inputs._table import TABLE_SUFFIXES, load_table
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.assembly._assemble": ("Assembly", "AuditInputs", "assemble", "attach"),
        "govaudit.assembly._columns": ("Columns",),
        "govaudit.assembly._control": ("ControlSource", "resolve_control_sample"),
        "govaudit.assembly._data": ("DataSource", "resolve_data"),
        "govaudit.assembly._engine": ("BACKENDS", "EngineSettings"),
        "govaudit.assembly._files": ("FileSource", "resolve_manifest", "resolve_training"),
        "govaudit.assembly._identity": ("frame_digest",),
        "govaudit.assembly._log": ("LogSource", "resolve_decision_log"),
        "govaudit.assembly._model": ("ModelSource", "resolve_model", "resolve_spec_model"),
        "govaudit.assembly._plan": ("assemble_plan",),
        "govaudit.assembly._rows": ("subject_rows",),
        "govaudit.inputs._table": ("case_ids_from_column", "TABLE_SUFFIXES", "load_table"),
        "govaudit.inputs._subject": ("build_subject",),
    }, globals())

__all__ = [
    "BACKENDS",
    "TABLE_SUFFIXES",
    "Assembly",
    "AuditInputs",
    "Columns",
    "ControlSource",
    "DataSource",
    "EngineSettings",
    "FileSource",
    "LogSource",
    "ModelSource",
    "assemble",
    "assemble_plan",
    "attach",
    "build_subject",
    "case_ids_from_column",
    "frame_digest",
    "load_table",
    "resolve_control_sample",
    "resolve_data",
    "resolve_decision_log",
    "resolve_manifest",
    "resolve_model",
    "resolve_spec_model",
    "resolve_training",
    "subject_rows",
]
