"""The Python entry points: ``audit()`` for data scientists, ``run_plan()`` for specs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

import glob

from govaudit.backends import CountsSource, DuckDBSettings, RowSource, SparkSettings, counts_source_from_frame, duckdb_counts_source, expand_paths, spark_counts_source
from govaudit.oversight import DecisionLogSource
from govaudit.backends._duckdb import connect
from govaudit.data import load_table
from govaudit.core import AuditSubject, CaseTable
from govaudit.exceptions import ColumnError, InputDataError, SpecError, first_line
from govaudit.models import model_identity, open_model, open_spec_model
from govaudit.records import ArtifactIdentity, AuditRecord, ResponsibleParties, sha256_bytes, sha256_file
from govaudit.profiles._coverage import coverage_for_plan
from govaudit.registry import AuditorRegistry, load_registry
from govaudit.runner import build_record, run_auditors
from govaudit.spec import AuditPlan, format_validation_error
from govaudit.subject import build_subject

__all__ = ["audit", "run_plan"]


def _file_identity(role: str, path: Path, name: str | None = None, **extra: Any) -> ArtifactIdentity:
    return ArtifactIdentity(role=role, name=name or path.name, sha256=sha256_file(path), path=str(path),
                            size_bytes=path.stat().st_size, **extra)


def _frame_identity(frame: pd.DataFrame) -> ArtifactIdentity:
    # content hash of an in-memory table: row hashes plus column names and dtypes
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    header = "|".join(f"{c}:{t}" for c, t in frame.dtypes.astype(str).items()).encode()
    return ArtifactIdentity(role="data", name="in-memory table", sha256=sha256_bytes(header + rows), rows=len(frame))


def _instantiate(
    auditors: Mapping[str, Any] | Sequence[str] | None, registry: AuditorRegistry
) -> list[tuple[Any, BaseModel, str]]:
    if auditors is None:
        auditors = {"bias": {}}
    if not isinstance(auditors, Mapping):
        auditors = {name: {} for name in auditors}
    chosen = []
    for name, settings in auditors.items():
        entry = registry.get(name)
        config_model = entry.auditor_class.Config  # type: ignore[union-attr]
        try:
            config = settings if isinstance(settings, BaseModel) else config_model.model_validate(dict(settings))
        except ValidationError as exc:
            raise SpecError(format_validation_error(exc, "audit()", prefix=("auditors", name))) from None
        chosen.append((registry.create(name, config), config, entry.package))
    return chosen


def audit(
    model: Any = None,
    data: pd.DataFrame | str | Path | None = None,
    *,
    label: str | None = None,
    sensitive_features: Any = None,
    features: Sequence[str] | None = None,
    y_true: Any = None,
    y_pred: Any = None,
    y_score: Any = None,
    favourable_label: Any = 1,
    threshold: float | None = None,
    auditors: Mapping[str, Any] | Sequence[str] | None = None,
    name: str = "unnamed",
    description: str | None = None,
    responsible: ResponsibleParties | Mapping[str, str] | None = None,
    trusted_types: Sequence[str] = (),
    trust_pickle: bool = False,
    decision_log: pd.DataFrame | str | Path | None = None,
    manifest: str | Path | None = None,
    case_ids: Any = None,
    registry: AuditorRegistry | None = None,
    backend: str | None = None,
    prediction: str | None = None,
    score: str | None = None,
    duckdb: DuckDBSettings | None = None,
    spark: SparkSettings | None = None,
) -> AuditRecord:
    """Audit a model (or recorded decisions) and return the accountability record.

    Parameters
    ----------
    model : estimator or path, optional
        Anything with ``predict`` (scikit-learn duck type), or a ``.skops`` file.
    data : DataFrame, path or Spark DataFrame, optional
        The evaluation table (CSV or Parquet when a path; a glob for several files).
    label : str, optional
        Column of observed outcomes; without it only selection-based metrics apply.
    sensitive_features : list of str, or array-like
        Column names in ``data``, or the values themselves (array, Series, DataFrame).
    features : list of str, optional
        Model input columns (default: the columns the model was fitted on).
    y_true, y_pred, y_score : array-like, optional
        Outcomes, decisions and scores given directly instead of through ``data`` and ``model``.
    favourable_label : default 1
        The label/decision value that is the favourable outcome (e.g. benefit granted).
    threshold : float, optional
        Decide favourably when the favourable-class probability (or, without a model, the score
        ``y_score``) is at least this.
    auditors : mapping or list, optional
        Auditor name -> settings (default: ``{"bias": {}}``).
    name, description : str
        What system is audited.
    responsible : ResponsibleParties or mapping, optional
        Owner, auditor and approver.
    trusted_types : list of str
        Extra types trusted when ``model`` is a ``.skops`` path.
    trust_pickle : bool
        Allow a pickle/joblib ``model`` path (executes code on load).
    decision_log : DataFrame, Spark DataFrame or path, optional
        Logged decisions and their human review, for the oversight auditor. A glob (or ``backend``
        duckdb/spark) aggregates files where they are; a Spark DataFrame is aggregated by Spark.
    manifest : path, optional
        The data manifest (TOML), for the provenance auditor.
    case_ids : array-like, optional
        One identifier per row of ``data``, used to name cases in case-level outputs.
    registry : AuditorRegistry, optional
        Where auditor names are looked up (default: built-ins and plugins).
    backend : {"memory", "duckdb", "spark"}, optional
        Where the rows of ``data`` (and of a ``decision_log`` path or glob) are aggregated; default
        memory, duckdb for a glob, spark for a Spark DataFrame. ``"duckdb"`` with a pandas DataFrame
        runs DuckDB over it. With duckdb or spark the rows are never loaded: name the recorded
        ``prediction`` (or ``score`` with ``threshold``) column, which the bias auditor audits; a
        ``model`` is then run only on the stratified sample of rows the explainability auditor
        draws through the backend. No ``case_ids``.
    prediction, score : str, optional
        Columns of ``data`` holding recorded decisions and scores.
    duckdb, spark : DuckDBSettings, SparkSettings, optional
        Memory limit and spill folder for DuckDB; the session settings for Spark.

    Returns
    -------
    AuditRecord
        Findings, verdict, hashes and provenance of this run.
    """
    registry = registry or load_registry()
    if backend not in (None, "memory", "duckdb", "spark"):
        raise InputDataError(_MSG_BACKEND.format(backend=backend))
    data_ids: list[ArtifactIdentity] = []
    model_id = None
    engine = _data_engine(backend, data)
    rows_at: Any = None  # where the backend holds the rows: files, or the DataFrame given
    if engine != "memory":
        _check_backend_inputs(engine, model, case_ids, prediction, score, threshold)
        if isinstance(sensitive_features, str):
            sensitive_features = [sensitive_features]
        roles = dict(sensitive_features=list(sensitive_features or ()), label=label, prediction=prediction,
                     score=score, favourable_label=favourable_label, threshold=threshold)
        if isinstance(data, pd.DataFrame):  # duckdb over the frame: the same engine and results as over files
            source, rows_at = _duckdb_frame_source(data, duckdb, roles), data
            data_ids.append(_frame_identity(data))
        elif hasattr(data, "sparkSession"):
            source, rows_at = spark_counts_source(data, **roles), data
            data_ids.append(_spark_identity(data, source))
        else:
            files = expand_paths(data)
            source = (spark_counts_source(files, settings=spark, **roles) if engine == "spark"
                      else duckdb_counts_source(files, settings=duckdb, **roles))
            data_ids.extend(_file_identity("data", f, **({"rows": source.n_rows} if len(files) == 1 else {}))
                            for f in files)
            rows_at = tuple(files)
        data = None
    if isinstance(data, (str, Path)):
        path = Path(data)
        data = load_table(path)
        data_ids.append(_file_identity("data", path, rows=len(data)))
    elif isinstance(data, pd.DataFrame):
        data_ids.append(_frame_identity(data))
    table = data if isinstance(data, pd.DataFrame) else None
    if isinstance(model, (str, Path)):
        loaded = open_model(model, trusted_types=trusted_types, trust_pickle=trust_pickle, table=table,
                            features=features)
        model, model_id = loaded.model, loaded.identity
    elif model is not None:
        model_id = model_identity(model, table=table, features=features)
    files: dict[str, Path] = {}
    if model_id is not None and model_id.path:
        files["model"] = Path(model_id.path)
    if data_ids and data_ids[0].path:
        files["data"] = Path(data_ids[0].path)
    if engine != "memory":
        sample = None if model is None else RowSource(
            rows_at, engine, _model_columns(model, features, engine), tuple(sensitive_features or ()), label=label,
            prediction=prediction, score=score, favourable_label=favourable_label, threshold=threshold,
            duckdb=duckdb, spark=spark)
        subject = AuditSubject(name=name, counts_source=source, model=model, row_sample=sample)
        files.update({"data": Path(data_ids[0].path)} if len(data_ids) == 1 and data_ids[0].path else {})
    elif data is None and model is None and y_pred is None and y_score is None:
        subject = AuditSubject(name=name)  # e.g. a decision log or a manifest alone
    else:
        subject = build_subject(model=model, data=data, label=label, sensitive_features=sensitive_features,
                                features=features, y_true=y_true, y_pred=y_pred, y_score=y_score,
                                favourable_label=favourable_label, threshold=threshold, name=name,
                                prediction=prediction, score=score)
    if case_ids is not None:
        case_ids = np.asarray(case_ids)
        if subject.y_pred is not None and len(case_ids) != len(subject.y_pred):
            raise InputDataError(f"case_ids has {len(case_ids)} rows but the data has {len(subject.y_pred)}")
    log_source = None
    if isinstance(decision_log, (str, Path)) and _engine(backend, decision_log) != "memory":
        log_files = expand_paths(decision_log)
        log_source = DecisionLogSource(tuple(log_files), _engine(backend, decision_log), duckdb=duckdb, spark=spark)
        data_ids.extend(_file_identity("decision_log", f) for f in log_files)
        files.update({"decision_log": log_files[0]} if len(log_files) == 1 else {})
        decision_log = None
    elif isinstance(decision_log, (str, Path)):
        files["decision_log"] = Path(decision_log)
        decision_log = load_table(Path(decision_log))
        data_ids.append(_file_identity("decision_log", files["decision_log"], rows=len(decision_log)))
    elif hasattr(decision_log, "sparkSession"):  # a Spark DataFrame: aggregated by Spark
        log_source = DecisionLogSource((), "spark", spark=spark, frame=decision_log)
        data_ids.append(ArtifactIdentity(role="decision_log", name="Spark DataFrame (schema)",
                                         sha256=sha256_bytes(decision_log.schema.json().encode())))
        decision_log = None
    elif isinstance(decision_log, pd.DataFrame):
        data_ids.append(_frame_identity(decision_log).model_copy(update={"role": "decision_log"}))
    manifest_path = Path(manifest) if manifest is not None else None
    if manifest_path is not None:
        if not manifest_path.is_file():
            raise InputDataError(f"data manifest not found: {manifest_path}")
        files["manifest"] = manifest_path
        data_ids.append(_file_identity("manifest", manifest_path))
    subject = replace(subject, case_ids=case_ids, decision_log=decision_log, manifest_path=manifest_path,
                      files=files, decision_log_source=log_source)
    chosen = _instantiate(auditors, registry)
    case_tables: list[CaseTable] = []
    findings = run_auditors(subject, [(a, c) for a, c, _ in chosen], case_tables=case_tables)
    if isinstance(responsible, Mapping):
        responsible = ResponsibleParties(**responsible)
    return build_record(audit_name=name, description=description, findings=findings,
                        auditors=[(a, p) for a, _, p in chosen], model=model_id, data=data_ids,
                        responsible=responsible, case_tables=case_tables)


_MSG_BACKEND = 'backend must be "memory", "duckdb" or "spark"; got {backend!r}'
_MSG_BACKEND_ROWS = ('backend = "{backend}" aggregates the rows without loading them: give the recorded prediction '
                     '(or score) column; case_ids need backend = "memory"')
_MSG_BACKEND_MODEL = ('a model with backend = "{backend}" needs the recorded decisions: prediction=, or score= with '
                      'threshold= (bias audits them through the backend; the model is explained on a sample of rows)')
_MSG_BACKEND_REFERENCE = ('a model with a registered artifact to compare needs the rows in memory (both models score '
                          'the same rows); it cannot be used with backend = "{backend}"')
_MSG_SPARK_FRAME = 'a Spark DataFrame is aggregated by Spark: use backend = "spark" (or leave backend out); got {backend!r}'
_MSG_PANDAS_SPARK = ('backend = "spark" takes files or a Spark DataFrame, not a pandas DataFrame '
                     '(use backend = "duckdb" to aggregate a pandas DataFrame out of pandas, or "memory")')
_MSG_NO_INPUTS = ("the model does not record its input columns: name them with features= ([data] features in a "
                  "spec); on a {backend} backend they are read from the data files")
_MSG_DUCKDB_FRAME = "the DataFrame cannot be aggregated by DuckDB: {error}"


def _data_engine(backend: str | None, data: Any) -> str:
    """The backend for ``data``: spark for a Spark DataFrame; duckdb over a pandas DataFrame when asked; else :func:`_engine`."""
    if hasattr(data, "sparkSession"):  # a pyspark DataFrame: chosen from the input type
        if backend not in (None, "spark"):
            raise InputDataError(_MSG_SPARK_FRAME.format(backend=backend))
        return "spark"
    if isinstance(data, pd.DataFrame):
        if backend == "spark":
            raise InputDataError(_MSG_PANDAS_SPARK)
        return backend or "memory"
    return _engine(backend, data)


def _check_backend_inputs(engine: str, model: Any, case_ids: Any, prediction: str | None, score: str | None,
                          threshold: float | None) -> None:
    """What a backend cannot take: case ids (per row), or a model without recorded decisions or with an artifact."""
    if case_ids is not None:
        raise InputDataError(_MSG_BACKEND_ROWS.format(backend=engine))
    if model is not None and prediction is None and (score is None or threshold is None):
        raise InputDataError(_MSG_BACKEND_MODEL.format(backend=engine))
    if getattr(model, "reference_model", None) is not None:
        raise InputDataError(_MSG_BACKEND_REFERENCE.format(backend=engine))


def _model_columns(model: Any, features: Sequence[str] | None, backend: str = "duckdb/spark") -> tuple[str, ...]:
    """The model's input columns: those named, else those it was fitted on."""
    if features is not None:
        return tuple(features)
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        raise InputDataError(_MSG_NO_INPUTS.format(backend=backend))
    return tuple(str(c) for c in names)


def _duckdb_frame_source(frame: pd.DataFrame, settings: DuckDBSettings | None, roles: dict[str, Any]) -> CountsSource:
    """Counts of a pandas DataFrame aggregated by DuckDB (which reads the frame in place)."""
    import duckdb as _duckdb

    con = connect(settings)
    try:
        return counts_source_from_frame(con.from_df(frame), backend="duckdb", **roles)
    except _duckdb.Error as exc:
        raise InputDataError(_MSG_DUCKDB_FRAME.format(error=first_line(exc))) from None
    finally:
        con.close()


def _spark_identity(frame: Any, source: CountsSource) -> ArtifactIdentity:
    # hashing every row would be another pass over data that may span a cluster: the schema and the
    # per-group counts identify what was audited
    content = frame.schema.json().encode() + source.table.to_csv(index=False).encode()
    return ArtifactIdentity(role="data", name="Spark DataFrame (schema and per-group counts)",
                            sha256=sha256_bytes(content), rows=source.n_rows)


def _engine(backend: str | None, data: Any) -> str:
    """The backend named, else duckdb for a glob and memory otherwise (as in a spec)."""
    if backend is not None:
        return backend if isinstance(data, (str, Path)) or backend == "memory" else "memory"
    return "duckdb" if isinstance(data, (str, Path)) and glob.has_magic(str(data)) else "memory"


def _case_ids(table: pd.DataFrame, column: str | None) -> Any:
    if column is None:
        return None
    if column not in table.columns:
        raise ColumnError(f"column {column!r} ([data] case_id) not found in the data")
    ids = table[column]
    if ids.isna().any() or ids.duplicated().any():
        raise InputDataError(f"column {column!r} ([data] case_id) must identify each row: "
                             "it has missing or repeated values")
    return ids.to_numpy()


def _backend_subject(plan: AuditPlan) -> tuple[AuditSubject, list[Path]]:
    """A subject whose counts DuckDB or Spark aggregated from the data file(s), with the files read."""
    data = plan.spec.data
    assert data is not None
    files = expand_paths(plan.resolve(data.path))
    roles = dict(sensitive_features=data.sensitive_features, label=data.label, prediction=data.prediction,
                 score=data.score, favourable_label=data.favourable_label, threshold=data.threshold)
    if data.engine == "spark":
        source = spark_counts_source(files, settings=data.spark, **roles)
    else:
        source = duckdb_counts_source(files, settings=_duckdb_settings(plan), **roles)
    return AuditSubject(name=plan.spec.audit.name, counts_source=source), files


def _duckdb_settings(plan: AuditPlan) -> DuckDBSettings:
    """``[data.duckdb]`` with its spill folder resolved against the spec's folder."""
    assert plan.spec.data is not None
    settings = plan.spec.data.duckdb
    if settings.temp_directory is not None:
        settings = settings.model_copy(update={"temp_directory": plan.resolve(settings.temp_directory)})
    return settings


def _backend_model(plan: AuditPlan, subject: AuditSubject, files: list[Path]) -> tuple[AuditSubject, Any]:
    """Open the spec's model and give the subject the rows it is explained on: a sample the backend draws."""
    data, model_spec = plan.spec.data, plan.spec.model
    assert data is not None and model_spec is not None
    loaded = open_spec_model(model_spec, resolve=plan.resolve, features=data.features)
    sample = RowSource(tuple(files), data.engine, _model_columns(loaded.model, data.features, data.engine),
                       data.sensitive_features, label=data.label, prediction=data.prediction, score=data.score,
                       favourable_label=data.favourable_label, threshold=data.threshold, case_id=data.case_id,
                       duckdb=_duckdb_settings(plan), spark=data.spark)
    return replace(subject, model=loaded.model, row_sample=sample), loaded


def _log_engine(spec: Any) -> str:
    """``[decision_log] backend``, else the one of ``[data]`` when it is not memory, else duckdb for a glob."""
    log = spec.decision_log
    if log.backend is not None:
        return log.backend
    if spec.data is not None and spec.data.engine != "memory":
        return spec.data.engine
    return "duckdb" if glob.has_magic(str(log.path)) else "memory"


def _log_source(plan: AuditPlan) -> DecisionLogSource:
    """The decision-log files and the backend settings ([decision_log.duckdb], else [data.duckdb])."""
    spec = plan.spec
    log = spec.decision_log
    data = spec.data
    settings = log.duckdb or (data.duckdb if data is not None else DuckDBSettings())
    if settings.temp_directory is not None:
        settings = settings.model_copy(update={"temp_directory": plan.resolve(settings.temp_directory)})
    spark = log.spark or (data.spark if data is not None else SparkSettings())
    return DecisionLogSource(tuple(expand_paths(plan.resolve(log.path))), _log_engine(spec), duckdb=settings,
                             spark=spark, check_unique_ids=log.check_unique_ids)


def run_plan(plan: AuditPlan, *, registry: AuditorRegistry | None = None) -> AuditRecord:
    """Run a validated spec: load its model, data, decision log and manifest, run its auditors, return the record.

    Case-level tables the auditors produce travel with the returned record (``record.case_tables``)
    but are never part of its JSON.
    """
    registry = registry or load_registry()
    spec = plan.spec
    files: dict[str, Path] = {}
    identities: list[ArtifactIdentity] = []
    model = model_id = None
    if spec.data is not None and spec.data.engine != "memory":
        subject, data_files = _backend_subject(plan)
        rows = {"rows": subject.counts_source.n_rows} if len(data_files) == 1 else {}
        identities.extend(_file_identity("data", f, **rows) for f in data_files)
        files.update({"data": data_files[0]} if len(data_files) == 1 else {})
        if spec.model is not None:  # run only on the sample the explainability auditor draws
            subject, loaded = _backend_model(plan, subject, data_files)
            model, model_id = loaded.model, loaded.identity
            files.update({"model": loaded.file} if loaded.file is not None else {})
            identities.extend([loaded.artifact] if loaded.artifact is not None else [])
        if spec.data.training is not None:
            files["training_data"] = training = plan.resolve(spec.data.training)
            identities.append(_file_identity("training_data", training))
    elif spec.data is not None:
        files["data"] = data_path = plan.resolve(spec.data.path)
        table = load_table(data_path)
        identities.append(_file_identity("data", data_path, rows=len(table)))
        if spec.model is not None:  # after the data: inputs are checked and the probe set drawn from it
            loaded = open_spec_model(spec.model, resolve=plan.resolve, table=table, features=spec.data.features)
            model, model_id = loaded.model, loaded.identity
            files.update({"model": loaded.file} if loaded.file is not None else {})
            identities.extend([loaded.artifact] if loaded.artifact is not None else [])
        subject = build_subject(
            model=model, data=table, label=spec.data.label,
            sensitive_features=list(spec.data.sensitive_features),
            features=spec.data.features, prediction=spec.data.prediction, score=spec.data.score,
            favourable_label=spec.data.favourable_label,
            threshold=spec.model.threshold if spec.model is not None else spec.data.threshold,
            name=spec.audit.name,
        )
        subject = replace(subject, case_ids=_case_ids(table, spec.data.case_id))
        if spec.data.training is not None:
            files["training_data"] = training = plan.resolve(spec.data.training)
            identities.append(_file_identity("training_data", training))
    else:
        subject = AuditSubject(name=spec.audit.name)
    decision_log = log_source = None
    if spec.decision_log is not None and _log_engine(spec) != "memory":
        log_source = _log_source(plan)
        identities.extend(_file_identity("decision_log", f) for f in log_source.files)
        files.update({"decision_log": log_source.files[0]} if len(log_source.files) == 1 else {})
    elif spec.decision_log is not None:
        files["decision_log"] = log_path = plan.resolve(spec.decision_log.path)
        decision_log = load_table(log_path)
        identities.append(_file_identity("decision_log", log_path, rows=len(decision_log)))
    manifest_path = None
    if spec.manifest is not None:
        files["manifest"] = manifest_path = plan.resolve(spec.manifest.path)
        if not manifest_path.is_file():
            raise InputDataError(f"data manifest not found: {manifest_path}")
        identities.append(_file_identity("manifest", manifest_path))
    subject = replace(subject, decision_log=decision_log, manifest_path=manifest_path, files=files,
                      decision_log_source=log_source)
    chosen = _instantiate(plan.auditor_configs, registry)
    case_tables: list[CaseTable] = []
    findings = run_auditors(subject, [(a, c) for a, c, _ in chosen], case_tables=case_tables)
    matrix = coverage_for_plan(plan.profiles, findings, auditors_run=[a.name for a, _, _ in chosen],
                               decision_log=decision_log)
    return build_record(audit_name=spec.audit.name, description=spec.audit.description, findings=findings,
                        auditors=[(a, p) for a, _, p in chosen], spec_sha256=plan.spec_sha256, model=model_id,
                        data=identities, responsible=spec.responsible, case_tables=case_tables,
                        coverage_matrix=matrix)
