"""Configuration of the explainability auditor (the ``[auditors.explainability]`` spec section)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ExplainabilityConfig"]


class ExplainabilityConfig(BaseModel):
    """Settings of :class:`~govaudit.auditors.ExplainabilityAuditor`.

    Parameters
    ----------
    adverse : {"unfavourable", "favourable"}
        Which decision is adverse and gets reason codes: by default the unfavourable one
        (``y_pred == 0``, e.g. benefit refused, case flagged for investigation).
    outcome_wording : str
        How reason-code sentences name the adverse decision, e.g. ``"being flagged for investigation"``.
    top_k : int
        Reasons per adverse decision (US adverse-action practice: up to four).
    descriptions : dict
        Data dictionary: feature -> plain wording used in reason codes. Every key must be a model
        input column (checked at run time).
    favourable_class : int, str or bool, optional
        The model class that is the favourable decision; by default inferred from the subject's
        scores and decisions.
    sample_size : int
        Rows (stratified by sensitive group) on which global importance and its bootstrap are computed.
    backend_sample_rows : int
        On data a backend holds (DuckDB, Spark): rows drawn through the engine, stratified by sensitive
        group, on which the model is explained (importance is weighted back to every row; reason
        codes cover the adverse decisions in this sample only).
    max_explained : int
        At most this many adverse decisions are explained by an exact (tree or linear) explainer.
    max_explained_sampled : int
        At most this many adverse decisions are explained by the sampled model-agnostic explainer.
    background_size : int
        Background rows (linear explainer) or k-means centres (model-agnostic explainer).
    kernel_samples : int
        Coalitions evaluated per row by the model-agnostic (Kernel SHAP) explainer.
    batch_size : int
        Rows explained at a time; bounds memory.
    n_resamples : int
        Bootstrap resamples for the global importance intervals (0 disables them).
    confidence : float
        Level of the bootstrap intervals.
    seed : int
        Seed of every random choice (samples, backgrounds, coalitions, bootstrap).
    additivity_tolerance : float
        Largest allowed |base value + sum of contributions - model output| on any explained row.
    stability_min : float
        Smallest allowed Spearman rank correlation of global importance between two independent
        samples (and, where the explainer uses one, two backgrounds) with different seeds.
    proxy_bins : int
        Quantile bins for numeric features in proxy detection.
    proxy_max_score : float
        Proxy gate: a feature fails when (2 * AUC - 1) x its share of model importance exceeds this,
        where AUC is how well the feature alone predicts a sensitive group, and the AUC is at least
        ``proxy_min_auc``.
    proxy_min_auc : float
        A feature predicting a sensitive group less well than this is never called a proxy, however
        important it is (weak associations are everywhere in social data).
    proxy_warn_auc : float
        A feature that predicts a sensitive group at least this well is named as a warning even when
        it carries little weight in the model.
    concentration_max : float
        Warn when the top feature carries more than this share of total importance.
    justifications : dict
        Sensitive feature or model input -> the reason, in words, why the model may use it. Without
        one, a sensitive feature among the model inputs fails ``explainability.direct_use`` and a
        proxy fails ``explainability.proxy_risk``; with one they are reported as justified (a warning
        for a proxy, so that it stays visible).
    top_features_recorded : int
        Features listed in the global-importance evidence.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    adverse: Literal["unfavourable", "favourable"] = "unfavourable"
    outcome_wording: str = Field(default="the adverse decision", min_length=1)
    top_k: int = Field(default=4, ge=1, le=20)
    descriptions: dict[str, str] = Field(default_factory=dict)
    favourable_class: int | str | bool | None = None
    sample_size: int = Field(default=5000, ge=50)
    backend_sample_rows: int = Field(default=20_000, ge=100)
    max_explained: int = Field(default=1_000_000, ge=1)
    max_explained_sampled: int = Field(default=1000, ge=1)
    background_size: int = Field(default=50, ge=5, le=10_000)
    kernel_samples: int = Field(default=300, ge=10, le=100_000)
    batch_size: int = Field(default=20_000, ge=100)
    n_resamples: int = Field(default=200, ge=0, le=10_000)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    seed: int = 0
    additivity_tolerance: float = Field(default=1e-6, gt=0.0)
    stability_min: float = Field(default=0.8, ge=-1.0, le=1.0)
    proxy_bins: int = Field(default=10, ge=2, le=100)
    proxy_max_score: float = Field(default=0.05, gt=0.0, le=1.0)
    proxy_min_auc: float = Field(default=0.7, ge=0.5, le=1.0)
    proxy_warn_auc: float = Field(default=0.8, gt=0.5, le=1.0)
    concentration_max: float = Field(default=0.5, gt=0.0, le=1.0)
    justifications: dict[str, str] = Field(default_factory=dict)
    top_features_recorded: int = Field(default=10, ge=1, le=100)
