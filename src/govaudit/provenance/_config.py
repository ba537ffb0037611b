"""Configuration of the provenance auditor (the ``[auditors.provenance]`` spec section)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ProvenanceConfig"]


class ProvenanceConfig(BaseModel):
    """Settings of :class:`~govaudit.auditors.ProvenanceAuditor`.

    Parameters
    ----------
    as_of : date, optional
        The date freshness and retention are judged on (default: today, UTC). Fix it for
        reproducible audits and tests.
    max_age_days : int
        Data extracted (or, without an extract date, collected) longer ago than this fail freshness.
    label : str, optional
        Label column of the training table, for label base rates (default: the evaluation labels).
    favourable_label : str, int or bool
        The label value that is the favourable outcome.
    sensitive_features : tuple of str, optional
        Columns to check for differential missingness and base rates (default: the audit's
        sensitive features and the columns the manifest marks sensitive).
    max_missing_share : float
        A column with a larger share of missing values warns.
    min_missing_gap : float
        Differential missingness must also differ by at least this much between groups (practical
        significance) to warn.
    significance_level : float
        Level of every test (differential missingness uses Holm's correction across its tests).
    min_representation_ratio : float
        A group whose training share is below this fraction of its reference share is under-represented.
    min_base_rate_ratio : float
        Label base rates whose lowest-to-highest ratio is below this (and significant) warn.
    min_group_size : int
        Groups smaller than this stay out of base-rate ratios.
    suppress_below : int
        Disclosure control: rates of groups with fewer people than this are not recorded.
    max_duplicate_share : float
        A larger share of exactly repeated rows warns.
    leakage_key : str, optional
        Column identifying a case in both training and evaluation data (default: the manifest's
        ``primary_key``, else a hash of the whole row).
    max_overlap_rows : int
        Evaluation rows allowed to also appear in the training data.
    allow_personal_features : tuple of str
        Personal-data columns whose use as model inputs was reviewed and approved.
    identifier_sample : int
        Values sampled per undeclared column to look for identifier patterns.
    min_identifier_share : float
        Share of sampled values that must match an identifier pattern to warn.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: date | None = None
    max_age_days: int = Field(default=365, ge=1)
    label: str | None = None
    favourable_label: str | int | bool = 1
    sensitive_features: tuple[str, ...] | None = None
    max_missing_share: float = Field(default=0.05, ge=0.0, le=1.0)
    min_missing_gap: float = Field(default=0.02, ge=0.0, le=1.0)
    significance_level: float = Field(default=0.05, gt=0.0, lt=0.5)
    min_representation_ratio: float = Field(default=0.8, gt=0.0, le=1.0)
    min_base_rate_ratio: float = Field(default=0.8, gt=0.0, le=1.0)
    min_group_size: int = Field(default=30, ge=1)
    suppress_below: int = Field(default=10, ge=0)
    max_duplicate_share: float = Field(default=0.0, ge=0.0, le=1.0)
    leakage_key: str | None = None
    max_overlap_rows: int = Field(default=0, ge=0)
    allow_personal_features: tuple[str, ...] = ()
    identifier_sample: int = Field(default=1000, ge=10, le=100_000)
    min_identifier_share: float = Field(default=0.5, gt=0.0, le=1.0)
