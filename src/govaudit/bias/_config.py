"""Configuration of the bias auditor: what to compare and which gates apply."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from govaudit.metrics._confusion import DISPARITY_RATES
from govaudit.bias._score_config import ScoreAudit

__all__ = ["COMBINATIONS", "GATE_METRICS", "BiasConfig", "Gate", "GateMetric"]

#: the summary disparities and impact ratios gated since the first release
LEGACY_GATES: tuple[str, ...] = (
    "impact_ratio",
    "scoring_impact_ratio",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
)
#: named combinations -> the per-group ratios that must all lie inside the gate's band
COMBINATIONS: dict[str, tuple[str, ...]] = {
    "demographic_parity": ("selection_rate_ratio",),
    "equalized_odds_parity": ("fpr_ratio", "fnr_ratio"),
    "predictive_parity": ("precision_ratio", "npv_ratio"),
    "equal_opportunity_parity": ("tpr_ratio",),
}
#: per-group contrasts against the reference group, ``<rate>_ratio`` and ``<rate>_difference``
CONTRAST_GATES: tuple[str, ...] = tuple(f"{rate}_{kind}" for rate in DISPARITY_RATES
                                        for kind in ("ratio", "difference"))
GATE_METRICS: tuple[str, ...] = LEGACY_GATES + CONTRAST_GATES + tuple(COMBINATIONS)
GateMetric = Literal[GATE_METRICS]  # type: ignore[valid-type]


class Gate(BaseModel):
    """A band a metric must stay in: ``{ min = 0.8 }``, ``{ max = 0.1 }`` or ``{ min = 0.8, max = 1.25 }``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _a_bound(self) -> "Gate":
        if self.min is None and self.max is None:
            raise ValueError("a gate needs 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"a gate's 'min' ({self.min:g}) must not exceed its 'max' ({self.max:g})")
        return self

    @property
    def two_sided(self) -> bool:
        """Whether the gate has both a floor and a ceiling."""
        return self.min is not None and self.max is not None

    @property
    def operator(self) -> str:
        """``">="`` for a floor (also the floor of a band), ``"<="`` for a ceiling."""
        return ">=" if self.min is not None else "<="

    @property
    def threshold(self) -> float:
        """The floor, else the ceiling."""
        return float(self.min if self.min is not None else self.max)  # type: ignore[arg-type]

    def binding(self, value: float) -> tuple[str, float]:
        """The side of the band that ``value`` is judged against: the one it crosses, else the nearer one."""
        if self.min is None or self.max is None:
            return self.operator, self.threshold
        if value == value and (value > self.max or (value >= self.min and self.max - value < value - self.min)):
            return "<=", float(self.max)
        return ">=", float(self.min)

    def passes(self, value: float) -> bool:
        """Whether ``value`` meets the gate (a NaN never does)."""
        if value != value:  # NaN
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def flipped(self) -> "Gate":
        """The same rule read from the other side: ``{min = 0.8}`` becomes ``{max = 1.25}``."""
        def inverse(bound: float | None) -> float | None:
            return None if bound is None else (float("inf") if bound == 0 else 1.0 / bound)
        return Gate(min=inverse(self.max), max=inverse(self.min))

    def describe(self) -> str:
        """``">= 0.8"``, ``"<= 0.1"`` or ``"within [0.8, 1.25]"``."""
        if self.two_sided:
            return f"within [{self.min:g}, {self.max:g}]"
        return f"{self.operator} {self.threshold:g}"

    def band(self) -> dict[str, float | None]:
        """The bounds as evidence."""
        return {"min": self.min, "max": self.max}

    def __repr__(self) -> str:
        return f"Gate({self.describe()})"


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
    decision : {"favourable", "adverse"}
        What a positive decision (``y_pred = 1``) is. ``"favourable"`` (granted, selected) is the
        default. ``"adverse"``: it is a burden (flagged, investigated, detained) and ``y_true = 1`` the
        outcome looked for (e.g. an irregularity found); rates keep their names (FPR = share of people
        without the outcome who were flagged), the most favoured group is the least flagged, and
        impact-ratio gates are read the adverse way (see ``gates``).
    reference : {"most_favoured", "largest", "min_metric"}
        Reference group of ratios and differences when none is named: the most favoured group (the
        most selected, or the least flagged), the largest, or per rate the group with the lowest
        value (``"min_metric"``, as aequitas does).
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
        Metric -> :class:`Gate`. Default: the four-fifths rule, ``impact_ratio >= 0.8``. Metrics: the
        summary disparities (``demographic_parity_difference`` ...), ``impact_ratio`` and
        ``scoring_impact_ratio``, every ``<rate>_ratio`` and ``<rate>_difference`` against the reference
        group, and the combinations in :data:`COMBINATIONS`. An impact-ratio gate is written as the
        four-fifths floor (the less favoured group over the more favoured one); when the reference is
        the least favoured group (``decision = "adverse"``, or ``reference = "min_metric"``) it is
        applied flipped, ``{min = 0.8}`` as ``impact_ratio <= 1.25``.
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
    decision: Literal["favourable", "adverse"] = "favourable"
    reference: Literal["most_favoured", "largest", "min_metric"] = "most_favoured"
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
