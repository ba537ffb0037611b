"""Assemble an ``audit()`` call's inputs into an :class:`AuditSubject`, each input resolved once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from govaudit.assembly._columns import Columns
from govaudit.assembly._control import ControlSource, resolve_control_sample
from govaudit.assembly._data import DataSource, resolve_data
from govaudit.assembly._engine import EngineSettings, check_backend_inputs
from govaudit.assembly._files import FileSource, resolve_manifest
from govaudit.assembly._log import LogSource, resolve_decision_log
from govaudit.assembly._model import ModelSource, resolve_model
from govaudit.assembly._rows import subject_rows
from govaudit.core import AuditSubject
from govaudit.records import ArtifactIdentity

__all__ = ["Assembly", "AuditInputs", "assemble", "attach"]


@dataclass(frozen=True)
class AuditInputs:
    """What ``audit()`` was given to audit (see :func:`govaudit.audit` for each input)."""

    name: str = "unnamed"
    model: Any = None
    data: Any = None
    columns: Columns = field(default_factory=Columns)
    y_true: Any = None
    y_pred: Any = None
    y_score: Any = None
    case_ids: Any = None
    y_amount: Any = None
    y_amount_true: Any = None
    y_rank: Any = None
    y_priority_score: Any = None
    y_relevance: Any = None
    y_class_pred: Any = None
    y_class_true: Any = None
    decision_log: Any = None
    manifest: str | Path | None = None
    control_sample: Any = None
    engine: EngineSettings = field(default_factory=EngineSettings)
    trusted_types: Sequence[str] = ()
    trust_pickle: bool = False


@dataclass(frozen=True)
class Assembly:
    """An audit's subject, and the identities its record names.

    Attributes
    ----------
    subject : AuditSubject
        What the auditors read.
    model : ArtifactIdentity or None
        The record's ``model``.
    data : tuple of ArtifactIdentity
        The record's ``data``: every file or table read, in the order read.
    """

    subject: AuditSubject
    model: ArtifactIdentity | None
    data: tuple[ArtifactIdentity, ...]


def assemble(inputs: AuditInputs) -> Assembly:
    """Resolve each input once, data first (a model is checked against it), then the log and the manifest."""
    columns = inputs.columns
    engine = inputs.engine.for_data(inputs.data)
    if engine.backend != "memory":
        check_backend_inputs(engine.backend, inputs.model, inputs.case_ids, columns.prediction, columns.score,
                             columns.threshold)
    data = resolve_data(inputs.data, columns, engine)
    model = resolve_model(inputs.model, table=data.table if data is not None else None, features=columns.features,
                          trusted_types=inputs.trusted_types, trust_pickle=inputs.trust_pickle)
    subject = subject_rows(inputs.name, data, model, columns, y_true=inputs.y_true, y_pred=inputs.y_pred,
                           y_score=inputs.y_score, case_ids=inputs.case_ids,
                           amounts=(inputs.y_amount, inputs.y_amount_true),
                           ranking=(inputs.y_rank, inputs.y_priority_score, inputs.y_relevance),
                           classes=(inputs.y_class_pred, inputs.y_class_true))
    log = resolve_decision_log(inputs.decision_log, inputs.engine)
    return attach(subject, data=data, model=model, log=log, manifest=resolve_manifest(inputs.manifest),
                  control=resolve_control_sample(inputs.control_sample))


def attach(subject: AuditSubject, *, data: DataSource | None = None, model: ModelSource | None = None,
           training: FileSource | None = None, log: LogSource | None = None,
           manifest: FileSource | None = None, control: ControlSource | None = None) -> Assembly:
    """Give ``subject`` the decision log, the manifest, the control sample and every file read (by role); list
    what the record names.

    The record lists the identities in this order: the data, the model's registered artifact, the
    training data, the decision log, the manifest, the control sample.
    """
    sources = [s for s in (data, model, training, log, manifest, control) if s is not None]
    subject = replace(subject, files={role: path for s in sources for role, path in s.files.items()},
                      manifest_path=manifest.path if manifest is not None else None,
                      decision_log=log.frame if log is not None else None,
                      decision_log_source=log.held if log is not None else None,
                      control_sample=control.sample if control is not None else None)
    return Assembly(subject, model.identity if model is not None else None,
                    tuple(identity for s in sources for identity in s.identities))
