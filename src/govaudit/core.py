"""Core types: what is audited, what an auditor reports, and the contract an auditor follows.

Everything here is a small frozen value (pydantic) except :class:`AuditSubject`, which holds arrays
and a model and is therefore a frozen dataclass.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "AuditSubject",
    "Auditor",
    "AuditorResult",
    "CaseTable",
    "Finding",
    "Principle",
    "Requirement",
    "Severity",
    "Status",
]


class Status(str, Enum):
    """Outcome of one check.

    ``error`` and ``fail`` block a release. ``inconclusive`` (a gate that could not be judged: its
    metric is undefined, or the measured gap is beyond the limit without the evidence to say so)
    blocks too, unless the spec accepts it with a written justification. ``warn`` blocks only with
    ``--strict``. ``reported`` is a statistic shown but not gated; ``skipped`` a check that did not apply.
    """

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"
    INCONCLUSIVE = "inconclusive"
    REPORTED = "reported"


class Severity(str, Enum):
    """How much a failed check matters to the people affected."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Principle(str, Enum):
    """The five governance principles a finding can give evidence for."""

    PEOPLE_ORIENTED = "people-oriented"
    TRANSPARENCY = "transparency"
    SHARED_RISK = "shared-risk"
    SUSTAINABILITY = "sustainability"
    FAIRNESS = "fairness-and-justice"


class Requirement(str, Enum):
    """Inputs an auditor may require from an :class:`AuditSubject`."""

    MODEL = "model"
    FEATURES = "features"
    Y_TRUE = "y_true"
    Y_PRED = "y_pred"
    Y_SCORE = "y_score"
    SENSITIVE_FEATURES = "sensitive_features"
    DECISION_LOG = "decision_log"
    MANIFEST = "manifest"
    CONTROL_SAMPLE = "control_sample"
    Y_AMOUNT = "y_amount"
    Y_PRIORITY = "y_priority"
    Y_CLASS = "y_class"


def _json_safe(value: Any) -> Any:
    """Convert numpy scalars/arrays and non-finite floats into plain JSON values."""
    kind = type(value)  # the common plain types first: evidence tables hold thousands of them
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is list:
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_json_safe(v) for v in value.tolist()]
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, str):  # a str subclass (an enum member, numpy's str_): its plain text
        return str.__str__(value)
    if isinstance(value, int):  # an int subclass, bool already handled
        return int(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class Finding(BaseModel):
    """One check's result.

    Parameters
    ----------
    auditor : str
        Name of the auditor that produced it.
    check : str
        Stable identifier such as ``bias.impact_ratio``; gates and rule packs refer to it.
    status : Status
        pass, warn, fail, error, inconclusive, reported or skipped.
    severity : Severity
        How much a failure matters.
    value, threshold : float or None
        The measured value and the gate it was compared with (``None`` when undefined).
    operator : str or None
        ``">="`` or ``"<="``: how ``value`` is compared with ``threshold``.
    groups : tuple of str
        The groups the finding is about.
    evidence : dict
        Small, aggregate, JSON-serialisable supporting numbers; never individual-level data.
    message : str
        One sentence a non-specialist understands.
    principles : tuple of Principle
        Governance principles the finding gives evidence for.
    references : tuple of str
        Legal or standard references, e.g. ``"EU AI Act Art. 10(2)(f)"``.
    accepted : str or None
        For an ``inconclusive`` finding the spec accepts (``[[accepted_inconclusive]]``): the written
        justification, recorded with it. Such a finding no longer blocks the release.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    auditor: str
    check: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    status: Status
    severity: Severity = Severity.MEDIUM
    value: float | None = None
    threshold: float | None = None
    operator: str | None = Field(default=None, pattern=r"^(>=|<=)$")
    groups: tuple[str, ...] = ()
    evidence: dict[str, Any] = Field(default_factory=dict)
    message: str
    principles: tuple[Principle, ...] = ()
    references: tuple[str, ...] = ()
    accepted: str | None = None

    @field_validator("value", "threshold", mode="before")
    @classmethod
    def _finite_or_none(cls, v: Any) -> Any:
        if v is None:
            return None
        v = float(v)
        return v if math.isfinite(v) else None

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence_is_json(cls, v: Any) -> Any:
        # converting is the check: what cannot become a plain JSON value raises, so no second pass
        try:
            return _json_safe(v or {})
        except TypeError as exc:  # pydantic reports ValueError as a validation error, not TypeError
            raise ValueError(f"evidence must be JSON-serialisable: {exc}") from exc

    @property
    def blocking(self) -> bool:
        """Whether this finding blocks a release without ``--strict``."""
        if self.status is Status.INCONCLUSIVE:
            return self.accepted is None
        return self.status in (Status.FAIL, Status.ERROR)


@dataclass(frozen=True)
class CaseTable:
    """Case-level output of an auditor (one row per case or violation), kept out of every record.

    Examples: the reason codes of each adverse decision, the case ids of unreviewed cases. It is
    individual-level, so it is written beside the report (as ``<name>.parquet``) only when the spec
    asks for it (``[output] case_files = true``); findings refer to it by name and row count.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"reason_codes"``.
    table : pandas.DataFrame or callable
        The rows, or a function returning them when the file is written: an auditor on a backend
        lists the cases (another pass over the data) only when they are asked for.
    description : str
        One sentence saying what a row is.
    """

    name: str
    table: pd.DataFrame | Callable[[], pd.DataFrame]
    description: str = ""

    def rows(self) -> pd.DataFrame:
        """The rows (produced now when :attr:`table` is a function)."""
        return self.table() if callable(self.table) else self.table


@dataclass(frozen=True)
class AuditorResult:
    """What an auditor's ``run`` may return instead of a plain list of findings.

    Use it when the auditor also produces :class:`CaseTable` outputs.
    """

    findings: tuple[Finding, ...]
    case_tables: tuple[CaseTable, ...] = ()


@dataclass(frozen=True)
class AuditSubject:
    """What is audited: a model, its evaluation data, and/or its decisions.

    Build it with :meth:`from_inputs`; auditors only read it. Any field may be absent; each auditor
    declares what it needs in ``requires``.

    Attributes
    ----------
    model : object or None
        Anything with ``predict`` (and optionally ``predict_proba``/``decision_function``).
    features : pandas.DataFrame or None
        The model's input columns.
    y_true : numpy.ndarray or None
        Observed outcomes coded 0/1 (1 = the favourable outcome).
    y_pred : numpy.ndarray or None
        Decisions coded 0/1 (1 = the favourable decision).
    y_score : numpy.ndarray or None
        Continuous scores, higher = more favourable.
    sensitive_features : pandas.DataFrame or None
        One column per sensitive feature, missing values kept as missing.
    name : str
        Name of the system audited.
    case_ids : numpy.ndarray or None
        One identifier per row of the evaluation data (from ``[data] case_id``), so that case-level
        outputs can name the case; never copied into a record.
    decision_log : pandas.DataFrame or None
        Logged decisions and their human review (see the oversight auditor for its columns).
    manifest_path : Path or None
        The data manifest declaring every source (see the provenance auditor).
    files : dict of str to Path
        Every file the audit reads, by role (``"model"``, ``"data"``, ``"training_data"``,
        ``"decision_log"``, ``"manifest"``), so that provenance can check each was declared.
    counts_source : CountsSource or None
        Per-group counts aggregated by a backend (e.g. DuckDB over files larger than memory) when
        the rows are not held in memory; the bias auditor reads its counts from it.
    decision_log_source : DecisionLogSource or None
        Decision-log file(s) the oversight auditor aggregates on a backend (DuckDB, Spark) instead
        of loading them.
    row_sample : RowSource or None
        Rows a backend holds (files read by DuckDB or Spark) from which an auditor that needs rows
        draws a stratified sample: the explainability auditor explains the model on it. Stands in
        for ``features`` and ``y_pred`` when they are not in memory.
    control_sample : ControlSample or None
        Cases the model selected for a check beside cases selected at random, with their groups and
        (optionally) the check's outcome (:func:`govaudit.inputs.control_sample`), for the
        control-sample auditor.
    y_amount : numpy.ndarray or None
        An amount per case (benefit paid, sum awarded), for the amounts auditor.
    y_amount_true : numpy.ndarray or None
        The correct amount per case, when known.
    y_priority : numpy.ndarray or None
        A ranked queue's order: one priority per case, higher seen first (a rank ``r`` is ``-r``), for the
        ranking auditor.
    y_relevance : numpy.ndarray or None
        With ``y_priority``: 1 where the case turned out to need acting on, else 0, when known.
    ranking_source : object or None
        The queue's per-group sums computed where the rows are held (DuckDB, Spark), instead of
        ``y_priority`` (:class:`govaudit.ranking.RankingSource`).
    y_class_pred : numpy.ndarray or None
        The class (track) each case was decided into, e.g. ``"letter"`` or ``"investigation"``, for
        the multi-class auditor.
    y_class_true : numpy.ndarray or None
        The class each case truly belongs to, when known.
    class_source : ClassSource or None
        Classes decided (and true classes) counted per group by a backend, when the rows are not
        held in memory; the multi-class auditor reads its counts from it.
    amount_source : AmountSource or None
        Amounts a backend holds (DuckDB, Spark): the amounts auditor has their per-group moments
        aggregated there instead of reading ``y_amount``.
    """

    model: Any = None
    features: pd.DataFrame | None = None
    y_true: np.ndarray | None = None
    y_pred: np.ndarray | None = None
    y_score: np.ndarray | None = None
    sensitive_features: pd.DataFrame | None = None
    name: str = "unnamed"
    metadata: dict[str, Any] = field(default_factory=dict)
    case_ids: np.ndarray | None = None
    decision_log: pd.DataFrame | None = None
    manifest_path: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    counts_source: Any = None
    decision_log_source: Any = None
    row_sample: Any = None
    control_sample: Any = None
    y_amount: np.ndarray | None = None
    y_amount_true: np.ndarray | None = None
    y_priority: np.ndarray | None = None
    y_relevance: np.ndarray | None = None
    ranking_source: Any = None
    y_class_pred: np.ndarray | None = None
    y_class_true: np.ndarray | None = None
    class_source: Any = None
    amount_source: Any = None

    def available(self) -> frozenset[Requirement]:
        """The requirements this subject can satisfy."""
        have = {
            Requirement.MODEL: self.model is not None,
            Requirement.FEATURES: self.features is not None or self.row_sample is not None,
            Requirement.Y_TRUE: self.y_true is not None,
            Requirement.Y_PRED: self.y_pred is not None or self.row_sample is not None,
            Requirement.Y_SCORE: self.y_score is not None,
            Requirement.SENSITIVE_FEATURES: (self.sensitive_features is not None
                                             and self.sensitive_features.shape[1] > 0)
            or any(_groups_by(s) for s in (self.counts_source, self.class_source, self.amount_source)),
            Requirement.DECISION_LOG: self.decision_log is not None or self.decision_log_source is not None,
            Requirement.MANIFEST: self.manifest_path is not None,
            Requirement.CONTROL_SAMPLE: self.control_sample is not None,
            Requirement.Y_AMOUNT: self.y_amount is not None or self.amount_source is not None,
            Requirement.Y_PRIORITY: self.y_priority is not None or self.ranking_source is not None,
            Requirement.Y_CLASS: self.y_class_pred is not None or self.class_source is not None,
        }
        return frozenset(r for r, ok in have.items() if ok)

    def missing(self, requires: frozenset[str] | set[str] | tuple[str, ...]) -> list[str]:
        """Names of the requirements in ``requires`` this subject lacks, sorted."""
        have = {r.value for r in self.available()}
        return sorted(str(Requirement(r).value) for r in requires if Requirement(r).value not in have)


def _groups_by(source: Any) -> bool:
    """Whether a backend source groups by at least one sensitive feature.

    A source built without sensitive features (``sensitive_features=()``) measures no group, so it
    must not count as having them: the auditor is then skipped rather than passing on nothing.
    """
    return source is not None and len(getattr(source, "sensitive_features", ())) > 0


@runtime_checkable
class Auditor(Protocol):
    """What a plug-in auditor provides.

    An auditor is a small object with one job. ``__init__`` only stores settings (so
    ``get_params()`` can write them into the record); ``run`` reads the subject and returns
    findings. It never writes files, talks to other auditors or renders anything.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    requires: ClassVar[frozenset[str]]
    Config: ClassVar[type[BaseModel]]

    def run(self, subject: AuditSubject, config: BaseModel | None = None) -> list[Finding] | AuditorResult:
        """Audit ``subject`` and return findings (with case-level tables, an :class:`AuditorResult`)."""
        ...

    def get_params(self) -> dict[str, Any]:
        """The auditor's configuration as plain JSON values."""
        ...
