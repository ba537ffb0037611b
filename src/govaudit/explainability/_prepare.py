"""Preparing an explanation: the inputs checked, the model's columns, strata, favourable class, explainer.

The explainer and its background are chosen once here and reused by :meth:`ExplainabilityAuditor.explain`
and :meth:`ExplainabilityAuditor.explain_case`, so a single case is explained exactly as in the audit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govaudit.core import AuditSubject
from govaudit.exceptions import InputDataError
from govaudit.explainability._columns import ModelInputs, model_inputs
from govaudit.explainability._config import ExplainabilityConfig
from govaudit.explainability._importance import StratifiedSample, reweight, strata_codes, stratified_sample
from govaudit.explainability._select import RowExplainer, explainer_kind, favourable_index, select_explainer

__all__ = ["Prepared", "prepare", "weighted"]

_MSG_UNKNOWN_DESCRIPTION = ("[auditors.explainability.descriptions] names {names}, which {verb} not among the "
                            "model's input columns: {have}")
_MSG_UNKNOWN_JUSTIFICATION = ("[auditors.explainability.justifications] names {names}, which {verb} neither a "
                              "sensitive feature nor a model input: {have}")
_MSG_LENGTH = "y_pred has {got} rows but the features have {expected}"

#: rows used to fit the k-means background of the model-agnostic explainer
_KMEANS_ROWS = 2_000


@dataclass(frozen=True)
class Prepared:
    """What explaining a subject needs: its inputs, explainer, strata codes, favourable class, background."""

    inputs: ModelInputs
    explainer: RowExplainer
    codes: np.ndarray
    fav: int
    background_rows: np.ndarray
    population: np.ndarray | None = None  # per row: its stratum's size in the whole data (sampled by a backend)
    total: int | None = None


def prepare(subject: AuditSubject, config: ExplainabilityConfig) -> Prepared:
    """Check ``subject`` against ``config`` and choose the explainer and its background.

    Raises
    ------
    InputDataError
        The decisions and the features differ in length, or ``config`` describes or justifies a
        column that is neither a model input nor a sensitive feature.
    """
    features = subject.features
    assert features is not None and subject.y_pred is not None
    if len(subject.y_pred) != len(features):
        raise InputDataError(_MSG_LENGTH.format(got=len(subject.y_pred), expected=len(features)))
    inputs = model_inputs(subject.model, features)
    unknown = sorted(set(config.descriptions) - set(inputs.columns))
    if unknown:
        raise InputDataError(_MSG_UNKNOWN_DESCRIPTION.format(
            names=", ".join(repr(u) for u in unknown), verb="is" if len(unknown) == 1 else "are",
            have=", ".join(inputs.columns)))
    sensitive = [str(c) for c in subject.sensitive_features.columns] if subject.sensitive_features is not None else []
    unknown = sorted(set(config.justifications) - set(sensitive) - set(inputs.columns))
    if unknown:
        raise InputDataError(_MSG_UNKNOWN_JUSTIFICATION.format(
            names=", ".join(repr(u) for u in unknown), verb="is" if len(unknown) == 1 else "are",
            have=", ".join(sensitive + inputs.columns)))
    n = len(features)
    codes = strata_codes(subject.sensitive_features, n)
    probe = np.arange(min(n, 2000))
    probe_x = inputs.matrix(features.iloc[probe])
    fav = favourable_index(inputs.estimator, config.favourable_class, X=probe_x,
                           y_score=subject.y_score[probe] if subject.y_score is not None else None,
                           y_pred=subject.y_pred[probe])
    kind = explainer_kind(inputs.estimator)
    bg_size = {"tree": 0, "linear": config.background_size, "kernel": _KMEANS_ROWS}[kind]
    bg_rows = stratified_sample(codes, bg_size, np.random.default_rng([config.seed, 1])).rows if bg_size else \
        np.zeros(0, dtype=np.int64)
    background = inputs.matrix(features.iloc[bg_rows]) if bg_size else np.zeros((0, 0))
    explainer = select_explainer(inputs.estimator, fav, background, k=config.background_size,
                                 n_samples=config.kernel_samples, seed=config.seed)
    return Prepared(inputs, explainer, codes, fav, bg_rows)


def weighted(prep: Prepared, sample: StratifiedSample) -> StratifiedSample:
    """A sample of rows that a backend sampled: weights back to the whole data, not to the rows in memory."""
    return sample if prep.population is None else reweight(sample, prep.population, prep.total or 0)
