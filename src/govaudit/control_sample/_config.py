"""Configuration of the control-sample auditor: which groups, how small is too small, and the gates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from govaudit.metrics._bands import RatioBand

__all__ = ["ControlSampleConfig", "ControlSampleGates", "DifferenceGate", "RatioBand"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DifferenceGate(_Frozen):
    """A ceiling on the absolute share difference, in proportions: ``{ max = 0.30 }`` is 30 percentage points."""

    max: float = Field(gt=0.0, le=1.0)

    def passes(self, value: float) -> bool:
        """Whether ``|value|`` is at most the ceiling (a NaN never passes)."""
        return value == value and abs(value) <= self.max


class ControlSampleGates(_Frozen):
    """The rules a group's shares must meet; a gate left out of a ``gates`` table that is given is not applied."""

    share_ratio: RatioBand | None = Field(
        default=None, description="The group's share among model-selected cases over its share among random cases.")
    share_difference: DifferenceGate | None = Field(
        default=None, description="The absolute difference of the two shares (proportions: 0.30 = 30 percentage points).")


class ControlSampleConfig(_Frozen):
    """Settings of :class:`~govaudit.auditors.ControlSampleAuditor` (the ``[auditors.control_sample]`` section).

    Parameters
    ----------
    sensitive_features : tuple of str, optional
        Which of the control sample's sensitive features to compare (default: all).
    intersections : tuple of tuple of str
        Combinations compared as intersectional groups, e.g. ``[["sex", "migration_background"]]``.
    intersectional : bool
        Shorthand for the intersection of all compared features.
    min_random_cases : int
        A group with fewer random cases than this cannot be judged: its gates are ``inconclusive``
        (with the counts named), never ``pass``.
    suppress_below : int
        Disclosure control: a group with fewer cases than this (both streams together) has its counts
        published but no shares, ratios or hit rates; a stream of a group with fewer cases than this
        has no hit rate published. 0 publishes everything.
    confidence : float
        Level of every interval.
    require_significance : bool
        A gate fails only when the one-sided test against the gate's bound (not the test of equal
        shares) is significant after Holm's correction across all of the audit's significance-gated
        tests; otherwise a missed gate is inconclusive.
    significance_level : float
        Level of the tests.
    gates : ControlSampleGates
        ``share_ratio`` (a band) and ``share_difference`` (a ceiling on the absolute difference).
        Default, when no ``gates`` are given: ``share_ratio`` within [0.5, 2] and ``share_difference``
        at most 0.30; a ``gates`` table that is given replaces both (a gate it leaves out is not applied).
    """

    sensitive_features: tuple[str, ...] | None = None
    intersections: tuple[tuple[str, ...], ...] = ()
    intersectional: bool = False
    min_random_cases: int = Field(default=30, ge=1)
    suppress_below: int = Field(default=10, ge=0)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    require_significance: bool = True
    significance_level: float = Field(default=0.05, gt=0.0, lt=0.5)
    gates: ControlSampleGates = Field(default_factory=lambda: ControlSampleGates(
        share_ratio=RatioBand(min=0.5, max=2.0), share_difference=DifferenceGate(max=0.30)))

    @model_validator(mode="after")
    def _intersections_have_two(self) -> "ControlSampleConfig":
        for combo in self.intersections:
            if len(combo) < 2 or len(set(combo)) != len(combo):
                raise ValueError(f"an intersection needs two or more distinct features; got {list(combo)}")
        return self
