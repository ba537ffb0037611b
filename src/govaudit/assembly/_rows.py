"""The subject's rows: built in memory from the data and the model, or held by a backend, or none at all."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from govaudit.assembly._columns import Columns
from govaudit.assembly._data import DataSource
from govaudit.assembly._model import ModelSource, model_columns
from govaudit.inputs._amounts import amounts_from_data
from govaudit.inputs._ranking import ranking_from_data
from govaudit.inputs._classes import classes_from_data
from govaudit.inputs._subject import build_subject, sensitive_frame
from govaudit.inputs._table import case_ids_from_column
from govaudit.backends import AmountSource, RowSource
from govaudit.core import AuditSubject
from govaudit.exceptions import InputDataError

__all__ = ["subject_rows"]

_MSG_ROW_ARRAYS = ('{what} given as arrays ({arrays}) are per row: use backend = "memory", or name the columns '
                   '({columns}) for the {backend} backend to aggregate')
#: outcomes a backend aggregates from named columns only: (what, the arrays' names, the columns' names)
_BACKEND_COLUMNS_ONLY = (("queue", ("y_rank", "y_priority_score", "y_relevance"), "rank=, priority_score=, relevance="),
                         ("classes", ("y_class_pred", "y_class_true"), "class_prediction=, class_label="))
_MSG_AMOUNT_TRUE_ALONE = "correct amounts (amount_true) were given without the amounts (amount) to compare"


def subject_rows(name: str, data: DataSource | None, model: ModelSource | None, columns: Columns, *,
                 y_true: Any = None, y_pred: Any = None, y_score: Any = None, case_ids: Any = None,
                 amounts: tuple[Any, Any] = (None, None),
                 ranking: tuple[Any, Any, Any] = (None, None, None),
                 classes: tuple[Any, Any] = (None, None)) -> AuditSubject:
    """The subject's rows and decisions, before the other inputs (decision log, manifest) join them.

    On a backend: its counts, and the model with the sample of rows it is explained on. In memory:
    :func:`build_subject` over the table, the model and the arrays given, with the case ids. With
    nothing that decides (no data, model, decisions or scores): an empty subject, e.g. for a
    decision log or a manifest alone. Amounts, a queue (rank or priority score) or classes alone (no
    yes/no decisions) give a subject of sensitive features and those outcomes.
    """
    wants_amounts = columns.amount is not None or columns.amount_true is not None or any(a is not None for a in amounts)
    queue = (columns.rank, columns.priority_score, columns.relevance)
    wants_ranking = any(c is not None for c in queue) or any(r is not None for r in ranking)
    wants_classes = (columns.class_prediction is not None or columns.class_label is not None
                     or any(c is not None for c in classes))
    if data is not None and data.engine.backend in ("duckdb", "spark"):
        _no_row_arrays(data.engine.backend, ranking, classes)
        subject = _held_by_backend(name, data, model, columns)
        return replace(subject, amount_source=_amount_source(data, columns, amounts)) if wants_amounts else subject
    outcomes = wants_amounts or wants_ranking or wants_classes  # outcomes other than yes/no decisions
    table = data.table if data is not None else None
    decides = (model is not None or y_pred is not None or y_score is not None or columns.prediction is not None
               or columns.score is not None)
    if table is None and not decides and not outcomes:
        subject = AuditSubject(name=name)
    elif not decides and outcomes:
        subject = AuditSubject(name=name, sensitive_features=None if columns.sensitive_features is None else
                               sensitive_frame(columns.sensitive_features, table))
    else:
        subject = build_subject(model=model.model if model is not None else None, data=table, label=columns.label,
                                sensitive_features=columns.sensitive_features, features=columns.features,
                                y_true=y_true, y_pred=y_pred, y_score=y_score, prediction=columns.prediction,
                                score=columns.score, favourable_label=columns.favourable_label,
                                threshold=columns.threshold, name=name)
    if wants_amounts:
        subject = _with_amounts(subject, table, columns, amounts)
    if wants_ranking:
        subject = _with_queue(subject, table, queue, ranking)
    if wants_classes:
        subject = _with_classes(subject, table, columns, classes)
    if columns.case_id is not None:
        return replace(subject, case_ids=case_ids_from_column(table, columns.case_id))
    return replace(subject, case_ids=_given_case_ids(case_ids, subject))


def _row_count(subject: AuditSubject, table: Any) -> int | None:
    """How many rows the outcomes must have: the data table's, else the sensitive features'."""
    if table is not None:
        return len(table)
    return None if subject.sensitive_features is None else len(subject.sensitive_features)


def _with_amounts(subject: AuditSubject, table: Any, columns: Columns, amounts: tuple[Any, Any]) -> AuditSubject:
    """The subject with its amounts (and correct amounts), checked against its number of rows."""
    rows = _row_count(subject, table)
    paid = amounts_from_data(table, columns.amount, amounts[0], "amount", rows)
    true = amounts_from_data(table, columns.amount_true, amounts[1], "amount true", rows)
    if paid is None:
        raise InputDataError(_MSG_AMOUNT_TRUE_ALONE)
    if true is not None and true.size != paid.size:
        raise InputDataError(f"y_amount_true has {true.size} rows but y_amount has {paid.size}")
    # the auditor's own checks (negative amounts) then name the column, not y_amount
    metadata = {**subject.metadata, "amount_name": f"column {columns.amount!r}"} if columns.amount else subject.metadata
    return replace(subject, y_amount=paid, y_amount_true=true, metadata=metadata)


def _with_queue(subject: AuditSubject, table: Any, queue: tuple[Any, Any, Any],
                given: tuple[Any, Any, Any]) -> AuditSubject:
    """The subject with its queue's order (priorities, higher first) and relevance, checked against its rows."""
    rows = _row_count(subject, table)
    priority, relevance = ranking_from_data(table, queue, given, rows)
    return replace(subject, y_priority=priority, y_relevance=relevance)


def _with_classes(subject: AuditSubject, table: Any, columns: Columns, classes: tuple[Any, Any]) -> AuditSubject:
    """The subject with the classes decided (and true classes), checked against its number of rows."""
    rows = _row_count(subject, table)
    decided = classes_from_data(table, columns.class_prediction, classes[0], "class pred", rows)
    true = classes_from_data(table, columns.class_label, classes[1], "class true", rows)
    if decided is None:
        raise InputDataError("true classes (class_label) were given without the classes decided (class_prediction)")
    if true is not None and true.size != decided.size:
        raise InputDataError(f"y_class_true has {true.size} rows but y_class_pred has {decided.size}")
    return replace(subject, y_class_pred=decided, y_class_true=true)


def _no_row_arrays(backend: str, ranking: tuple[Any, ...], classes: tuple[Any, ...]) -> None:
    """A backend aggregates columns where the rows are: arrays given beside them would be dropped unseen."""
    for (what, names, columns), given in zip(_BACKEND_COLUMNS_ONLY, (ranking, classes)):
        arrays = [n for n, a in zip(names, given) if a is not None]
        if arrays:
            raise InputDataError(_MSG_ROW_ARRAYS.format(what=what, arrays=", ".join(arrays), columns=columns,
                                                        backend=backend))


def _amount_source(data: DataSource, columns: Columns, amounts: tuple[Any, Any]) -> AmountSource:
    """The amounts columns, for the amounts auditor to have their moments aggregated where the rows are."""
    if any(a is not None for a in amounts):
        raise InputDataError(_MSG_ROW_ARRAYS.format(what="amounts", arrays="y_amount, y_amount_true",
                                                    columns="amount=, amount_true=", backend=data.engine.backend))
    if columns.amount is None:
        raise InputDataError(_MSG_AMOUNT_TRUE_ALONE)
    engine = data.engine
    return AmountSource(data.rows, engine.backend, columns.amount, columns.sensitive_names,
                        amount_true=columns.amount_true, duckdb=engine.duckdb, spark=engine.spark)


def _held_by_backend(name: str, data: DataSource, model: ModelSource | None, columns: Columns) -> AuditSubject:
    """Counts the backend aggregated; a model is run only on the sample of rows the explainability auditor draws."""
    if model is None:
        return AuditSubject(name=name, counts_source=data.counts, ranking_source=data.ranking,
                            class_source=data.classes)
    engine = data.engine
    sample = RowSource(data.rows, engine.backend, model_columns(model.model, columns.features, engine.backend),
                       columns.sensitive_names, label=columns.label, prediction=columns.prediction,
                       score=columns.score, favourable_label=columns.favourable_label, threshold=columns.threshold,
                       case_id=columns.case_id, duckdb=engine.duckdb, spark=engine.spark)
    return AuditSubject(name=name, counts_source=data.counts, ranking_source=data.ranking, model=model.model,
                        row_sample=sample, class_source=data.classes)


def _given_case_ids(case_ids: Any, subject: AuditSubject) -> np.ndarray | None:
    if case_ids is None:
        return None
    ids = np.asarray(case_ids)
    if subject.y_pred is not None and len(ids) != len(subject.y_pred):
        raise InputDataError(f"case_ids has {len(ids)} rows but the data has {len(subject.y_pred)}")
    return ids
