"""Assemble a spec's sections into an :class:`AuditSubject`, with the same resolvers as ``audit()``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from govaudit.timings import phase
from govaudit.assembly._assemble import Assembly, attach
from govaudit.assembly._columns import Columns
from govaudit.assembly._control import resolve_control_sample
from govaudit.assembly._data import resolve_data
from govaudit.assembly._engine import EngineSettings
from govaudit.assembly._files import resolve_manifest, resolve_training
from govaudit.assembly._log import resolve_decision_log
from govaudit.assembly._model import resolve_spec_model
from govaudit.assembly._rows import subject_rows
from govaudit.backends import DuckDBSettings, SparkSettings

if TYPE_CHECKING:
    from govaudit.spec import AuditPlan, AuditSpec

__all__ = ["assemble_plan"]


def assemble_plan(plan: AuditPlan, *, progress: Callable[[str], None] | None = None) -> Assembly:
    """Resolve the spec's ``[data]``, ``[model]``, ``[decision_log]``, ``[manifest]`` and ``[control_sample]`` once
    each, paths resolved.

    ``progress``, when given, is told each step as it begins.
    """
    step = progress if progress is not None else _quiet
    spec = plan.spec
    columns = _columns(spec)
    data = None
    if spec.data is not None:
        step("Reading the data")
        with phase("loading data"):
            data = resolve_data(plan.resolve(spec.data.path), columns, _data_engine(plan))
    model = None
    if spec.model is not None:  # after the data: inputs are checked and the probe set drawn from it
        step("Loading the model")
        with phase("loading the model"):
            model = resolve_spec_model(spec.model, plan.resolve, table=data.table if data is not None else None,
                                       features=columns.features)
    step("Running the model on the data" if model is not None and data is not None else "Preparing the data")
    with phase("prediction"):
        subject = subject_rows(spec.audit.name, data, model, columns)
    training = None
    if spec.data and spec.data.training:
        step("Reading the training data")
        with phase("loading data"):
            training = resolve_training(plan.resolve(spec.data.training))
    log = None
    if spec.decision_log is not None:
        step("Reading the decision log")
        with phase("loading the decision log"):
            log = resolve_decision_log(plan.resolve(spec.decision_log.path), _log_engine(plan),
                                       check_unique_ids=spec.decision_log.check_unique_ids)
    manifest = None
    if spec.manifest is not None:
        step("Reading the manifest")
        with phase("loading the manifest"):
            manifest = resolve_manifest(plan.resolve(spec.manifest.path))
    control = None
    if spec.control_sample is not None:
        step("Reading the control sample")
        section = spec.control_sample
        with phase("loading the control sample"):
            control = resolve_control_sample({
                "table": plan.resolve(section.path), "method": section.method_column,
                "sensitive_features": list(section.sensitive_features), "outcome": section.outcome_column,
                "model_value": section.model_value, "random_value": section.random_value})
    return attach(subject, data=data, model=model, training=training, log=log, manifest=manifest, control=control)


def _quiet(step: str) -> None:
    """No progress wanted."""


def _columns(spec: AuditSpec) -> Columns:
    """``[data]``'s columns. In memory a ``[model]`` decides, with its own threshold; on a backend the recorded
    decisions are audited, with ``[data] threshold``."""
    data = spec.data
    if data is None:
        return Columns()
    in_memory_model = spec.model is not None and data.engine == "memory"
    return Columns(sensitive_features=list(data.sensitive_features), label=data.label, features=data.features,
                   prediction=data.prediction, score=data.score, favourable_label=data.favourable_label,
                   threshold=spec.model.threshold if in_memory_model else data.threshold,  # type: ignore[union-attr]
                   case_id=data.case_id, amount=data.amount, amount_true=data.amount_true,
                   rank=data.rank, priority_score=data.priority_score, relevance=data.relevance,
                   class_prediction=data.class_prediction, class_label=data.class_label)


def _data_engine(plan: AuditPlan) -> EngineSettings:
    """``[data] backend`` (chosen by the spec) with ``[data.duckdb]`` and ``[data.spark]``."""
    data = plan.spec.data
    assert data is not None
    return EngineSettings(data.engine, _spill_resolved(plan, data.duckdb), data.spark)


def _log_engine(plan: AuditPlan) -> EngineSettings:
    """``[decision_log] backend``, else ``[data]``'s when not memory (else a glob's duckdb, as for a path);
    ``[decision_log.duckdb]``/``.spark``, else ``[data]``'s."""
    log, data = plan.spec.decision_log, plan.spec.data
    assert log is not None
    backend = log.backend or (data.engine if data is not None and data.engine != "memory" else None)
    duckdb = log.duckdb or (data.duckdb if data is not None else DuckDBSettings())
    spark = log.spark or (data.spark if data is not None else SparkSettings())
    return EngineSettings(backend, _spill_resolved(plan, duckdb), spark)


def _spill_resolved(plan: AuditPlan, settings: DuckDBSettings) -> DuckDBSettings:
    """DuckDB settings with the spill folder resolved against the spec's folder."""
    if settings.temp_directory is None:
        return settings
    return settings.model_copy(update={"temp_directory": plan.resolve(settings.temp_directory)})
