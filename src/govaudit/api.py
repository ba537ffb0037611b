"""The Python entry points: ``audit()`` for data scientists, ``run_plan()`` for specs.

Both assemble the subject in :mod:`govaudit.assembly`, run the auditors with :mod:`govaudit.runner`
and return the record it builds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.assembly import AuditInputs, Columns, EngineSettings, assemble, assemble_plan
from govaudit.profiles._coverage import coverage_for_plan
from govaudit.records import AuditRecord, ResponsibleParties
from govaudit.registry import AuditorRegistry, load_registry
from govaudit.runner import build_record, run_configured
from govaudit.spec import AuditPlan
from govaudit.timings import phase

__all__ = ["audit", "run_plan"]

#: ``engine``'s settings, still accepted one by one as keywords of ``audit()``.
_ENGINE_KEYWORDS = ("backend", "duckdb", "spark")


# long: the numpydoc of two dozen parameters; the body is a dozen lines
def audit(
    model: Any = None,
    data: pd.DataFrame | str | Path | None = None,
    *,
    label: str | None = None,
    sensitive_features: Any = None,
    auditors: Mapping[str, Any] | Sequence[str] | None = None,
    name: str = "unnamed",
    description: str | None = None,
    responsible: ResponsibleParties | Mapping[str, str] | None = None,
    # how decisions are read: the model's inputs, recorded decisions and scores, the favourable outcome
    features: Sequence[str] | None = None,
    prediction: str | None = None,
    score: str | None = None,
    favourable_label: Any = 1,
    threshold: float | None = None,
    amount: str | None = None,
    amount_true: str | None = None,
    rank: str | None = None,
    priority_score: str | None = None,
    relevance: str | None = None,
    capacities: Sequence[int | float] | None = None,
    class_prediction: str | None = None,
    class_label: str | None = None,
    # outcomes, decisions, scores and case ids given as arrays instead
    y_true: Any = None,
    y_pred: Any = None,
    y_score: Any = None,
    case_ids: Any = None,
    y_amount: Any = None,
    y_amount_true: Any = None,
    y_rank: Any = None,
    y_priority_score: Any = None,
    y_relevance: Any = None,
    y_class_pred: Any = None,
    y_class_true: Any = None,
    # what the oversight and provenance auditors read
    decision_log: pd.DataFrame | str | Path | None = None,
    manifest: str | Path | None = None,
    control_sample: Any = None,
    # where the rows are aggregated, which model files may load, where auditors are found
    engine: EngineSettings | Mapping[str, Any] | str | None = None,
    trusted_types: Sequence[str] = (),
    trust_pickle: bool = False,
    registry: AuditorRegistry | None = None,
    **engine_settings: Any,
) -> AuditRecord:
    """Audit a model (or recorded decisions) and return the accountability record.

    Parameters
    ----------
    model : estimator or path, optional
        Anything with ``predict`` (scikit-learn duck type), or a model file (``.skops``, ``.onnx``, ...),
        MLflow URI or endpoint URL.
    data : DataFrame, path or Spark DataFrame, optional
        The evaluation table (CSV or Parquet when a path; a glob for several files).
    label : str, optional
        Column of observed outcomes; without it only selection-based metrics apply.
    sensitive_features : list of str, or array-like
        Column names in ``data``, or the values themselves (array, Series, DataFrame).
    auditors : mapping or list, optional
        Auditor name -> settings (default: ``{"bias": {}}``).
    name, description : str
        What system is audited.
    responsible : ResponsibleParties or mapping, optional
        Owner, auditor and approver.
    features : list of str, optional
        Model input columns (default: the columns the model was fitted on).
    prediction, score : str, optional
        Columns of ``data`` holding recorded decisions and scores.
    favourable_label : default 1
        The label/decision value that is the favourable outcome (e.g. benefit granted).
    threshold : float, optional
        Decide favourably when the favourable-class probability (or, without a model, the score) is at least this.
    amount, amount_true : str, optional
        Columns of ``data`` holding an amount per case (benefit paid, sum awarded) and the correct
        amount, for the ``amounts`` auditor (name it in ``auditors``; on duckdb/spark aggregated where the
        rows are, without the distribution distances).
    rank, priority_score, relevance : str, optional
        Columns of ``data`` ordering a queue acted on from the top, for the ``ranking`` auditor (name it in
        ``auditors``, e.g. ``{"ranking": {"capacities": [100, 500]}}``): a rank (1 = seen first) or a
        priority score (higher = seen first), and optionally the relevance (1 where the case needed acting on).
    capacities : sequence of int or float, optional
        How many cases of the queue are acted on (counts, or shares such as ``0.1``): shorthand for the
        ranking auditor's ``capacities``, adding it to ``auditors`` (alone when ``auditors`` is not given).
    class_prediction, class_label : str, optional
        Columns of ``data`` holding the class (track) each case was decided into and the class it truly
        belongs to, for the ``multiclass`` auditor (name it in ``auditors`` with its ``adverse_class``).
    y_true, y_pred, y_score : array-like, optional
        Outcomes, decisions and scores given directly instead of through ``data`` and ``model``.
    y_amount, y_amount_true : array-like, optional
        Amounts and correct amounts given directly instead of as columns of ``data``.
    y_rank, y_priority_score, y_relevance : array-like, optional
        A queue's ranks or priority scores, and relevance, given directly instead of as columns of ``data``.
    y_class_pred, y_class_true : array-like, optional
        Classes decided and true classes given directly instead of as columns of ``data``.
    case_ids : array-like, optional
        One identifier per row of ``data``, used to name cases in case-level outputs.
    decision_log : DataFrame, Spark DataFrame or path, optional
        Logged decisions and their human review, for the oversight auditor. A glob (or a duckdb/spark
        ``engine``) aggregates files where they are; a Spark DataFrame is aggregated by Spark.
    manifest : path, optional
        The data manifest (TOML), for the provenance auditor.
    control_sample : ControlSample or mapping, optional
        Cases the model selected beside cases selected at random, for the ``control_sample`` auditor
        (name it in ``auditors``): :func:`govaudit.inputs.control_sample`'s result, or its keyword
        arguments with ``table`` a DataFrame or a CSV/Parquet path, e.g. ``{"table": df, "method":
        "selection", "sensitive_features": ["sex"], "outcome": "error_found"}``.
    engine : EngineSettings, mapping or str, optional
        Where the rows of ``data`` (and of a ``decision_log`` path) are aggregated: ``backend`` (default
        memory; duckdb for a glob, spark for a Spark DataFrame) with ``duckdb`` and ``spark`` settings; a
        string names the backend alone. What a backend audits and refuses: :class:`~govaudit.assembly.EngineSettings`.
    trusted_types : list of str
        Extra types trusted when ``model`` is a ``.skops`` path.
    trust_pickle : bool
        Allow a pickle/joblib ``model`` path (executes code on load).
    registry : AuditorRegistry, optional
        Where auditor names are looked up (default: built-ins and plugins).

    Other Parameters
    ----------------
    backend, duckdb, spark
        ``engine``'s settings given one by one, as before they were grouped (``backend="duckdb"``,
        ``duckdb=DuckDBSettings(...)``, ``spark=SparkSettings(...)``); not together with ``engine``.

    Returns
    -------
    AuditRecord
        Findings, verdict, hashes and provenance of this run.
    """
    columns = Columns(sensitive_features=sensitive_features, label=label, features=features, prediction=prediction,
                      score=score, favourable_label=favourable_label, threshold=threshold, amount=amount,
                      amount_true=amount_true, rank=rank, priority_score=priority_score, relevance=relevance,
                      class_prediction=class_prediction, class_label=class_label)
    assembled = assemble(AuditInputs(
        name=name, model=model, data=data, columns=columns, y_true=y_true, y_pred=y_pred, y_score=y_score,
        case_ids=case_ids, y_amount=y_amount, y_amount_true=y_amount_true,
        y_rank=y_rank, y_priority_score=y_priority_score, y_relevance=y_relevance,
        y_class_pred=y_class_pred, y_class_true=y_class_true, decision_log=decision_log,
        manifest=manifest, control_sample=control_sample,
        engine=_engine(engine, engine_settings), trusted_types=trusted_types, trust_pickle=trust_pickle))
    run = run_configured(assembled.subject, _with_capacities(auditors, capacities), registry or load_registry())
    if isinstance(responsible, Mapping):
        responsible = ResponsibleParties(**responsible)
    return build_record(audit_name=name, description=description, findings=run.findings, auditors=run.auditors,
                        model=assembled.model, data=assembled.data, responsible=responsible,
                        case_tables=run.case_tables)


def _engine(engine: Any, settings: dict[str, Any]) -> EngineSettings:
    """``engine=``, or its settings given one by one (``backend=``, ``duckdb=``, ``spark=``)."""
    unknown = [key for key in settings if key not in _ENGINE_KEYWORDS]
    if unknown:
        raise TypeError(f"audit() got an unexpected keyword argument {unknown[0]!r}")
    given = {key: value for key, value in settings.items() if value is not None}
    if engine is not None and given:
        raise TypeError(f"audit() takes the engine settings once: give {', '.join(given)} inside engine= "
                        "(e.g. engine={'backend': 'duckdb'}), or without engine=")
    return EngineSettings.of(engine if engine is not None else given)


def run_plan(plan: AuditPlan, *, registry: AuditorRegistry | None = None,
             progress: Callable[[str], None] | None = None) -> AuditRecord:
    """Run a validated spec: load its model, data, decision log and manifest, run its auditors, return the record.

    Case-level tables the auditors produce travel with the returned record (``record.case_tables``)
    but are never part of its JSON. ``progress``, when given, is told the name of each step as it
    begins (reading the data, loading the model, running it, each auditor), e.g. to draw progress.
    """
    spec = plan.spec
    assembled = assemble_plan(plan, progress=progress)
    run = run_configured(assembled.subject, plan.auditor_configs, registry or load_registry(),
                         accepted=spec.accepted_inconclusive, progress=progress)
    if progress is not None:
        progress("Assembling the record")
    with phase("record"):
        matrix = coverage_for_plan(plan.profiles, run.findings, auditors_run=[a.name for a, _ in run.auditors],
                                   decision_log=assembled.subject.decision_log)
        return build_record(audit_name=spec.audit.name, description=spec.audit.description, findings=run.findings,
                            auditors=run.auditors, spec_sha256=plan.spec_sha256, model=assembled.model,
                            data=assembled.data, responsible=spec.responsible, case_tables=run.case_tables,
                            coverage_matrix=matrix)


def _with_capacities(auditors: Mapping[str, Any] | Sequence[str] | None,
                     capacities: Sequence[int | float] | None) -> Mapping[str, Any] | Sequence[str] | None:
    """``auditors`` with the ranking auditor's capacities set (unchanged when no capacities are given)."""
    if capacities is None:
        return auditors
    chosen: dict[str, Any] = {} if auditors is None else (
        dict(auditors) if isinstance(auditors, Mapping) else {name: {} for name in auditors})
    settings = chosen.get("ranking") or {}
    if not isinstance(settings, Mapping):  # a RankingConfig given as is
        settings = settings.model_dump()
    chosen["ranking"] = {**settings, "capacities": list(capacities)}
    return chosen
