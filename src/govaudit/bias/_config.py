"""Configuration of the bias auditor: what to compare and which gates apply."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from govaudit.bias._score_config import ScoreAudit

__all__ = ["BiasConfig", "Gate", "GateMetric"]

GateMetric = Literal[
    "impact_ratio",
    "scoring_impact_ratio",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
]


class Gate(BaseModel):
    """A threshold a metric must meet: ``{ min = 0.8 }`` or ``{ max = 0.1 }``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Gate":
        if (self.min is None) == (self.max is None):
            raise ValueError("a gate needs exactly one of 'min' or 'max'")
        return self

    @property
    def operator(self) -> str:
        """``">="`` for a floor, ``"<="`` for a ceiling."""
        return ">=" if self.min is not None else "<="

    @property
    def threshold(self) -> float:
        """The bound."""
        return float(self.min if self.min is not None else self.max)  # type: ignore[arg-type]

    def passes(self, value: float) -> bool:
        """Whether ``value`` meets the gate (a NaN never does)."""
        if value != value:  # NaN
            return False
        return value >= self.threshold if self.min is not None else value <= self.threshold

    def __repr__(self) -> str:
        return f"Gate({self.operator} {self.threshold:g})"


class BiasConfig(BaseModel):
    """Settings of :class:`~govaudit.auditors.BiasAuditor` (the ``[auditors.bias]`` spec section).

    Parameters
    ----------
    sensitive_features : tuple of str, optional
        Which of the subject's sensitive features to audit (default: all).
    intersections : tuple of tuple of str
        Combinations to audit as intersectional groups, e.g. ``[["sex", "race"]]``.
    intersectional : bool
        Shorthand for the intersection of all audited sensitive features.
    reference : {"most_favoured", "largest"}
        Reference group for impact ratios when none is named.
    reference_groups : dict
        Feature (or ``"a & b"`` for an intersection) -> named reference group.
    min_group_size : int
        Groups smaller than this are reported with a warning and kept out of ratio gates.
    suppress_below : int
        Disclosure control: for groups with fewer people than this, the findings (and so the record)
        hold the count but no rates, so no individual's decision can be read off a published record.
        Such groups are also kept out of ratio gates. 0 publishes every rate.
    small_category_rule : {"none", "ll144"}
        ``"ll144"`` also excludes categories under ``small_category_share`` of the data from impact
        ratios, as NYC Local Law 144 allows (their count and rate are still reported).
    confidence : float
        Level of all intervals.
    n_resamples : int
        Bootstrap resamples of the counts table (0 disables bootstrap intervals).
    seed : int
        Seed of the bootstrap, recorded for reproducibility.
    require_significance : bool
        A gate fails only when the disparity is also statistically significant; otherwise it warns.
    significance_level : float
        Level of the significance tests.
    gates : dict
        Metric -> :class:`Gate`. Default: the four-fifths rule, ``impact_ratio >= 0.8``.
    gates_by_feature : dict
        Feature (or ``"a & b"`` for an intersection) -> gates that replace ``gates`` for it. For
        groups whose base rates legitimately differ (e.g. age bands of a need-based benefit) the
        four-fifths comparison of raw selection rates does not apply; ``{}`` reports the groups'
        rates without gating them.
    scores : ScoreAudit
        The audit of risk scores (``[auditors.bias.scores]``): calibration, AUC, score distributions.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sensitive_features: tuple[str, ...] | None = None
    intersections: tuple[tuple[str, ...], ...] = ()
    intersectional: bool = False
    reference: Literal["most_favoured", "largest"] = "most_favoured"
    reference_groups: dict[str, str] = Field(default_factory=dict)
    min_group_size: int = Field(default=30, ge=1)
    suppress_below: int = Field(default=10, ge=0)
    small_category_rule: Literal["none", "ll144"] = "none"
    small_category_share: float = Field(default=0.02, ge=0.0, lt=1.0)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    n_resamples: int = Field(default=1000, ge=0, le=100_000)
    seed: int = 0
    require_significance: bool = False
    significance_level: float = Field(default=0.05, gt=0.0, lt=0.5)
    gates: dict[GateMetric, Gate] = Field(default_factory=lambda: {"impact_ratio": Gate(min=0.8)})
    gates_by_feature: dict[str, dict[GateMetric, Gate]] = Field(default_factory=dict)
    scores: ScoreAudit = ScoreAudit()

    @model_validator(mode="after")
    def _intersections_have_two(self) -> "BiasConfig":
        for combo in self.intersections:
            if len(combo) < 2 or len(set(combo)) != len(combo):
                raise ValueError(f"an intersection needs two or more distinct features; got {list(combo)}")
        return self
