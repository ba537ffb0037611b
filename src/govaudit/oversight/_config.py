"""Configuration of the oversight auditor: the policy checked and the gates of each check."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from govaudit.oversight._policy import OversightPolicy

__all__ = ["OversightConfig"]


class OversightConfig(BaseModel):
    """Settings of :class:`~govaudit.auditors.OversightAuditor` (the ``[auditors.oversight]`` spec section).

    Parameters
    ----------
    policy : OversightPolicy
        The oversight rules the log is checked against (``[auditors.oversight.policy]``).
    sensitive_features : tuple of str
        Decision-log columns by which override, appeal and appeal-success rates are compared.
    min_review_coverage : float
        Smallest share of decided cases the policy marks for review that a person must have
        reviewed (1.0: every one).
    max_short_review_share : float
        Largest share of a reviewer's reviews that may be shorter than the policy's minimum.
    rubber_stamp_agreement : float
        A reviewer is flagged when the lower end of the interval of their agreement with the model
        is above this.
    min_reviews : int
        Reviewers with fewer reviews are listed but not judged on time or agreement.
    max_rate_gap : float
        Largest gap between groups' override, appeal or appeal-success rates.
    require_significance : bool
        A gap above ``max_rate_gap`` fails only when it is also statistically significant.
    significance_level : float
        Level of the significance tests.
    max_late_appeal_share : float
        Largest share of appeals decided (or still open) after the deadline.
    min_group_size : int
        Groups smaller than this are reported but kept out of gap gates.
    suppress_below : int
        For groups with fewer cases, only the count enters the record (no rates).
    confidence : float
        Level of all intervals.
    n_resamples : int
        Bootstrap resamples of the counts table for intervals on gaps.
    seed : int
        Seed of the bootstrap.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    policy: OversightPolicy = Field(default_factory=OversightPolicy)
    sensitive_features: tuple[str, ...] = ()
    min_review_coverage: float = Field(default=1.0, ge=0.0, le=1.0)
    max_short_review_share: float = Field(default=0.05, ge=0.0, le=1.0)
    rubber_stamp_agreement: float = Field(default=0.97, gt=0.0, lt=1.0)
    min_reviews: int = Field(default=100, ge=1)
    max_rate_gap: float = Field(default=0.05, ge=0.0, le=1.0)
    require_significance: bool = True
    significance_level: float = Field(default=0.05, gt=0.0, lt=0.5)
    max_late_appeal_share: float = Field(default=0.0, ge=0.0, le=1.0)
    min_group_size: int = Field(default=30, ge=1)
    suppress_below: int = Field(default=10, ge=0)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    n_resamples: int = Field(default=1000, ge=0, le=100_000)
    seed: int = 0
