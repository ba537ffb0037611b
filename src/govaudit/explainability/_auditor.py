"""The explainability auditor: SHAP explanations, reason codes for adverse decisions, proxy detection.

What it does, in order:

1. splits a pipeline into preprocessing and final estimator, and maps transformed columns back to
   the original inputs (:mod:`._columns`);
2. picks the explainer: exact TreeExplainer or LinearExplainer where one exists, a bounded
   KernelExplainer with a weighted k-means background otherwise (:mod:`._select`, :mod:`._prepare`);
3. explains, in batches, every adverse decision (up to a limit) plus a sample stratified by
   sensitive group, checking additivity on every row;
4. keeps the top-k reasons of each adverse decision (``np.argpartition``) as a case-level table,
   and mean |SHAP| per feature with a stratified bootstrap (:mod:`._importance`);
5. compares the importance of two independent samples (with another background and seed where
   the explainer uses a background): stability (:mod:`._stability`);
6. measures how well each input predicts each sensitive group, crossed with its importance: proxies
   (:mod:`._proxy`); and reports direct use of sensitive features and concentration.

On data a backend holds (DuckDB, Spark), it first draws a stratified sample of rows through the
engine and explains that sample, weighting importance back to every row (:mod:`._sample`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from govaudit.explainability._config import ExplainabilityConfig
from govaudit.explainability._findings import (
    Measured,
    concentration_finding,
    coverage_finding,
    direct_use_finding,
    fidelity_finding,
    importance_finding,
    proxy_findings,
    stability_finding,
)
from govaudit.explainability._importance import global_importance, stratified_sample
from govaudit.explainability._prepare import prepare, weighted
from govaudit.explainability._proxy import proxy_strength
from govaudit.explainability._reasons import reason_table, top_k
from govaudit.explainability._sample import sample_subject
from govaudit.explainability._stability import sample_stability
from govaudit.core import AuditSubject, AuditorResult, CaseTable, Finding, Requirement, Severity, Status
from govaudit._auditor_parts import ConfiguredAuditor
from govaudit.exceptions import InputDataError

__all__ = ["CaseExplanation", "ExplainabilityAuditor", "ExplainabilityConfig", "ExplainabilityReport"]

_MSG_ROW = "case row {row} is outside the data (0 to {last})"
_MSG_CASE_ON_BACKEND = ("explaining one case needs the rows in memory; the data is held by the {backend} backend "
                        '(use backend = "memory" to explain a single decision)')

#: rows of the data used for proxy detection (a random subset beyond this)
_PROXY_ROWS = 200_000
_FAVOURABLE_WORDING = "the favourable decision"


@dataclass(frozen=True)
class ExplainabilityReport:
    """What the explainability auditor measured, for use from Python.

    Attributes
    ----------
    findings : list of Finding
    reason_codes : pandas.DataFrame
        One row per (adverse decision, reason): case_id, rank, feature, value, contribution, sentence.
        Individual-level: never part of a record.
    importance : pandas.DataFrame
        One row per original input column: mean |SHAP|, bootstrap interval, share; most important first.
    """

    findings: list[Finding]
    reason_codes: pd.DataFrame
    importance: pd.DataFrame


@dataclass(frozen=True)
class CaseExplanation:
    """One decision explained.

    Attributes
    ----------
    case_id : object
    adverse : bool
        Whether the decision was the adverse one.
    reasons : pandas.DataFrame
        Its top reasons (the ``reason_codes`` columns), strongest first, toward the decision taken.
    base_value, output : float
        The model's average output and this case's output, on the explained scale.
    explainer : dict
        How the explanation was made.
    """

    case_id: Any
    adverse: bool
    reasons: pd.DataFrame
    base_value: float
    output: float
    explainer: dict[str, Any]


class ExplainabilityAuditor(ConfiguredAuditor):
    """Why the model decides as it does: global importance, reason codes, fidelity, stability, proxies.

    Parameters
    ----------
    **settings
        Fields of :class:`ExplainabilityConfig`, e.g. ``top_k=4``,
        ``descriptions={"income": "Declared monthly income"}``.

    Examples
    --------
    >>> report = ExplainabilityAuditor(top_k=3).explain(subject)  # doctest: +SKIP
    >>> report.reason_codes.head()  # doctest: +SKIP
    """

    name: ClassVar[str] = "explainability"
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset(
        {Requirement.MODEL.value, Requirement.FEATURES.value, Requirement.Y_PRED.value})
    Config: ClassVar[type[ExplainabilityConfig]] = ExplainabilityConfig
    config: ExplainabilityConfig


    # -- protocol ---------------------------------------------------------------------------------
    def run(self, subject: AuditSubject, config: ExplainabilityConfig | None = None) -> AuditorResult:
        """Audit ``subject``: findings plus the ``reason_codes`` case table."""
        from govaudit.models._threads import model_threads

        rows = len(subject.features) if subject.features is not None else 0
        with model_threads(rows):  # the model answers at most the subject's rows, in small batches
            report = self.explain(subject, config)
        table = CaseTable("reason_codes", report.reason_codes,
                          "One row per reason of each adverse decision: case id, rank, feature, value, "
                          "contribution toward the decision, sentence.")
        return AuditorResult(tuple(report.findings), (table,))

    # -- standalone use ---------------------------------------------------------------------------
    def explain(self, subject: AuditSubject, config: ExplainabilityConfig | None = None) -> ExplainabilityReport:
        """Explain ``subject``'s model and return findings, reason codes and the importance table."""
        config = config or self.config
        drawn = None
        if subject.features is None and subject.row_sample is not None:
            sampled = sample_subject(subject, config)
            subject, drawn = sampled.subject, sampled.evidence
        prep = prepare(subject, config)
        if drawn is not None:
            prep = replace(prep, population=sampled.population_per_row, total=sampled.total)
        features = subject.features
        assert features is not None and subject.y_pred is not None
        inputs, explainer = prep.inputs, prep.explainer
        n, columns = len(features), prep.inputs.columns
        adverse_value = 0 if config.adverse == "unfavourable" else 1
        toward_sign = -1.0 if adverse_value == 0 else 1.0  # contributions are to the favourable output
        adverse_rows = np.flatnonzero(subject.y_pred == adverse_value)
        cap = config.max_explained if explainer.exact else config.max_explained_sampled
        explained = adverse_rows
        if len(adverse_rows) > cap:
            pick = stratified_sample(prep.codes[adverse_rows], cap, np.random.default_rng([config.seed, 2]))
            explained = adverse_rows[pick.rows]
        sample_size = config.sample_size if explainer.exact else min(config.sample_size, cap)
        sample = weighted(prep, stratified_sample(prep.codes, sample_size, np.random.default_rng([config.seed, 3])))

        is_adverse = np.zeros(n, dtype=bool)
        is_adverse[explained] = True
        sample_pos = np.full(n, -1, dtype=np.int64)
        sample_pos[sample.rows] = np.arange(sample.size)
        rows = np.union1d(explained, sample.rows)
        abs_sample = np.zeros((sample.size, len(columns)))
        top_cols = np.zeros((len(explained), min(config.top_k, len(columns))), dtype=np.int64)
        top_vals = np.zeros(top_cols.shape)
        adverse_pos = np.full(n, -1, dtype=np.int64)
        adverse_pos[explained] = np.arange(len(explained))
        errors = _ErrorTally(config.additivity_tolerance)
        for number, start in enumerate(range(0, len(rows), config.batch_size)):
            batch = rows[start:start + config.batch_size]
            phi, base, output = explainer.explain(inputs.matrix(features.iloc[batch]), number)
            errors.add(np.abs(base + phi.sum(axis=1) - output))
            phi = inputs.to_original(phi)
            adv = is_adverse[batch]
            if adv.any():
                cols, vals = top_k(toward_sign * phi[adv], config.top_k)
                at = adverse_pos[batch[adv]]
                top_cols[at], top_vals[at] = cols, vals
            in_sample = sample_pos[batch] >= 0
            abs_sample[sample_pos[batch[in_sample]]] = np.abs(phi[in_sample])

        importance, low, high, share_low, share_high = global_importance(
            abs_sample, sample, config.n_resamples, config.confidence, np.random.default_rng([config.seed, 4]))
        stability, stability_detail = sample_stability(subject, prep, config, sample, importance, abs_sample)
        ids = subject.case_ids[explained] if subject.case_ids is not None else explained
        reasons = reason_table(ids, features.iloc[explained], columns, top_cols, top_vals, config.descriptions,
                               config.outcome_wording)
        with_reason = top_vals[:, 0] > 0 if len(explained) else np.zeros(0, dtype=bool)
        first = pd.Series(np.asarray(columns, dtype=object)[top_cols[with_reason, 0]]).value_counts()
        measured = Measured(
            columns=columns, importance=importance, low=low, high=high, share_low=share_low, share_high=share_high,
            explainer={**explainer.evidence(), "transformed_columns": len(inputs.transformed_names),
                       "pipeline": inputs.preprocess is not None},
            sample={"rows": sample.size, "population": sample.population, "strata": int(len(np.unique(sample.strata))),
                    "stratified_by": list(subject.sensitive_features.columns)
                    if subject.sensitive_features is not None else [], "seed": config.seed,
                    **({"drawn_by_backend": drawn} if drawn is not None else {})},
            adverse_total=len(adverse_rows), adverse_explained=len(explained),
            adverse_with_reason=int(with_reason.sum()),
            first_reasons={str(k): int(v) for k, v in first.items()}, reason_rows=len(reasons),
            max_error=errors.max, mean_error=errors.mean, rows_checked=errors.rows, rows_over=errors.over,
            stability=stability, stability_detail=stability_detail, drawn=drawn,
        )
        findings = [importance_finding(measured, config), coverage_finding(measured, config),
                    fidelity_finding(measured, config), stability_finding(measured, config),
                    concentration_finding(measured, config)]
        findings.extend(self._sensitive_findings(subject, columns, measured, config))
        order = np.argsort(-importance, kind="stable")
        shares = measured.shares
        table = pd.DataFrame({"feature": [columns[j] for j in order], "mean_abs_contribution": importance[order],
                              "low": low[order], "high": high[order], "share": shares[order]})
        return ExplainabilityReport(findings, reasons, table)

    def explain_case(self, subject: AuditSubject, row: int,
                     config: ExplainabilityConfig | None = None) -> CaseExplanation:
        """Explain the decision on row ``row`` of ``subject``: its top reasons toward the decision taken.

        Uses the same explainer, background and seed as :meth:`explain`, so the reasons match the
        audit's ``reason_codes`` for an adverse decision.
        """
        config = config or self.config
        if subject.features is None and subject.row_sample is not None:
            raise InputDataError(_MSG_CASE_ON_BACKEND.format(backend=subject.row_sample.engine))
        assert subject.features is not None and subject.y_pred is not None
        if not 0 <= row < len(subject.features):
            raise InputDataError(_MSG_ROW.format(row=row, last=len(subject.features) - 1))
        prep = prepare(subject, config)
        adverse_value = 0 if config.adverse == "unfavourable" else 1
        adverse = bool(subject.y_pred[row] == adverse_value)
        toward_sign = (-1.0 if adverse_value == 0 else 1.0) * (1.0 if adverse else -1.0)
        phi, base, output = prep.explainer.explain(prep.inputs.matrix(subject.features.iloc[[row]]), 0)
        cols, vals = top_k(toward_sign * prep.inputs.to_original(phi), config.top_k)
        case_id = subject.case_ids[row] if subject.case_ids is not None else row
        reasons = reason_table(np.asarray([case_id]), subject.features.iloc[[row]], prep.inputs.columns, cols,
                               vals, config.descriptions,
                               config.outcome_wording if adverse else _FAVOURABLE_WORDING)
        return CaseExplanation(case_id, adverse, reasons, float(base[0]), float(output[0]),
                               prep.explainer.evidence())

    # -- helpers ----------------------------------------------------------------------------------
    def _sensitive_findings(self, subject: AuditSubject, columns: list[str], measured: Measured,
                            config: ExplainabilityConfig) -> list[Finding]:
        sensitive = subject.sensitive_features
        if sensitive is None or sensitive.shape[1] == 0:
            return [Finding(auditor=self.name, check="explainability.proxy_risk", status=Status.SKIPPED,
                            severity=Severity.INFO, message="Direct use and proxies of sensitive features were not "
                            "checked: the audit names no sensitive features.")]
        names = [str(c) for c in sensitive.columns]
        features = subject.features
        assert features is not None
        rows = np.arange(len(features))
        if len(rows) > _PROXY_ROWS:
            rows = np.sort(np.random.default_rng([config.seed, 7]).choice(rows, _PROXY_ROWS, replace=False))
        strengths = proxy_strength(features.iloc[rows].reset_index(drop=True),
                                   sensitive.iloc[rows].reset_index(drop=True), config.proxy_bins,
                                   np.random.default_rng([config.seed, 8]))
        return [direct_use_finding(columns, names, measured, config, strengths),
                *proxy_findings(strengths, measured, config, len(rows))]


class _ErrorTally:
    """Running max, mean and count over tolerance of additivity errors, batch by batch."""

    def __init__(self, tolerance: float) -> None:
        self.tolerance, self.max, self.total, self.rows, self.over = tolerance, 0.0, 0.0, 0, 0

    def add(self, errors: np.ndarray) -> None:
        if len(errors):
            self.max = max(self.max, float(errors.max()))
        self.total += float(errors.sum())
        self.rows += len(errors)
        self.over += int((errors > self.tolerance).sum())

    @property
    def mean(self) -> float:
        return self.total / self.rows if self.rows else 0.0
