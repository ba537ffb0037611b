"""Configuration of the amounts auditor: which groups, the reference, the "above" cut, disclosure and the gates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from govaudit.metrics._bands import RatioBand

__all__ = ["AmountConfig", "AmountGates", "Band"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


#: A band a ratio must stay in: ``{ min = 0.9 }``, ``{ min = 0.8, max = 1.25 }``.
Band = RatioBand


class AmountGates(_Frozen):
    """The rules each group's amounts must meet; a gate left out of a ``gates`` table that is given is not applied."""

    mean_ratio: Band | None = Field(default=None, description="The group's mean amount over the reference's.")
    above_ratio: Band | None = Field(
        default=None, description="The group's share above the cut (``above``, default the overall median) over "
        "the reference's share.")
    max_group_mae: float | None = Field(
        default=None, gt=0.0, description="Ceiling on a group's mean absolute error against the correct amount.")
    max_underpaid_share: float | None = Field(
        default=None, gt=0.0, lt=1.0, description="Ceiling on a group's share under-paid by more than the tolerance.")


class AmountConfig(_Frozen):
    """Settings of :class:`~govaudit.auditors.AmountAuditor` (the ``[auditors.amounts]`` section).

    Parameters
    ----------
    sensitive_features : tuple of str, optional
        Which sensitive features to compare (default: all the subject has).
    intersections : tuple of tuple of str
        Combinations compared as intersectional groups, e.g. ``[["sex", "age_band"]]``.
    intersectional : bool
        Shorthand for the intersection of all compared features.
    reference : str
        The group the others are compared with: ``highest_mean`` (the most favoured), ``largest``, or a
        group's label (for the features and intersections that have that group; the others use
        ``highest_mean``). Only groups with at least ``min_group_size`` cases may be the reference.
    reference_groups : dict
        Feature (or ``"a & b"`` for an intersection) -> the group that grouping is compared with,
        overriding ``reference`` there (as the bias auditor's ``reference_groups``).
    above : float, optional
        The cut of the "share above" measure; default the overall median amount (every group's share
        above it is then 50 % when amounts do not depend on the group).
    underpaid_tolerance : float
        A case is under-paid when paid less than the correct amount by more than this.
    allow_negative : bool
        Accept negative amounts (e.g. net payments); by default a negative amount is an input error.
    min_group_size : int
        A group with fewer cases cannot be judged: its gates are ``inconclusive``, never ``pass``.
    suppress_below : int
        Disclosure control: a group with fewer cases than this has its count published but no mean,
        median, share or distance. 0 publishes everything.
    confidence : float
        Level of every interval.
    require_significance : bool
        A gate fails only when its test is significant after Holm's correction across all of the
        audit's significance-gated tests; otherwise a missed gate is ``inconclusive``.
    significance_level : float
        Level of the tests.
    gates : AmountGates
        Default, when no ``gates`` are given: ``mean_ratio >= 0.9`` and ``above_ratio >= 0.8``; a
        ``gates`` table that is given replaces both.
    """

    sensitive_features: tuple[str, ...] | None = None
    intersections: tuple[tuple[str, ...], ...] = ()
    intersectional: bool = False
    reference: str = "highest_mean"
    reference_groups: dict[str, str] = Field(default_factory=dict)
    above: float | None = None
    underpaid_tolerance: float = Field(default=0.0, ge=0.0)
    allow_negative: bool = False
    min_group_size: int = Field(default=30, ge=2)
    suppress_below: int = Field(default=10, ge=0)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    require_significance: bool = True
    significance_level: float = Field(default=0.05, gt=0.0, lt=0.5)
    gates: AmountGates = Field(default_factory=lambda: AmountGates(mean_ratio=Band(min=0.9),
                                                                   above_ratio=Band(min=0.8)))

    @model_validator(mode="after")
    def _intersections_have_two(self) -> "AmountConfig":
        for combo in self.intersections:
            if len(combo) < 2 or len(set(combo)) != len(combo):
                raise ValueError(f"an intersection needs two or more distinct features; got {list(combo)}")
        return self
