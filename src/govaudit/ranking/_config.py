"""Configuration of the ranking auditor: which groups, the capacities, the discount, disclosure and the gates."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from govaudit.metrics._bands import RatioBand

__all__ = ["Band", "RankingConfig", "RankingGates", "capacity_name"]

#: A band a ratio must stay in: ``{ min = 0.8 }``, ``{ min = 0.8, max = 1.25 }``.
Band = RatioBand


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def capacity_name(capacity: int | float) -> str:
    """A capacity as the audit names it: ``100`` (cases) or ``10 %`` (a share of the cases)."""
    return str(capacity) if isinstance(capacity, int) else f"{100 * capacity:g} %"


class RankingGates(_Frozen):
    """The rules each group must meet at every capacity; a gate left out of a ``gates`` table that is given is
    not applied."""

    top_k_share_ratio: Band | None = Field(
        default=None, description="The group's share of the top k over its share of all cases.")
    exposure_ratio: Band | None = Field(
        default=None, description="The group's mean exposure per case over everyone's (position-discounted).")
    precision_at_k_ratio: Band | None = Field(
        default=None, description="The group's precision at k over that of the other cases in the top k "
        "(needs [data] relevance).")


def _default_gates() -> RankingGates:
    band = Band(min=0.8, max=1.25)
    return RankingGates(top_k_share_ratio=band, exposure_ratio=band)


class RankingConfig(_Frozen):
    """Settings of :class:`~govaudit.auditors.RankingAuditor` (the ``[auditors.ranking]`` section).

    Parameters
    ----------
    capacities : tuple of int or float
        How many cases are acted on from the top of the queue: a whole number is a count of cases
        (``100``), a fraction in (0, 1] a share of them (``0.1`` = the top 10 %). A count above the
        number of cases means everyone is acted on. Default: the top 10 %.
    discount : {"log", "none"}
        Position discount of exposure: ``log`` weighs position j by ``1 / log2(1 + j)`` (attention
        falls off down the queue, as in DCG); ``none`` weighs every position within the capacity alike.
    sensitive_features : tuple of str, optional
        Which sensitive features to compare (default: all the subject has).
    intersections : tuple of tuple of str
        Combinations compared as intersectional groups, e.g. ``[["sex", "age_band"]]``.
    intersectional : bool
        Shorthand for the intersection of all compared features.
    min_group_size : int
        A group with fewer cases cannot be judged: its gates are ``inconclusive``, never ``pass``.
    suppress_below : int
        Disclosure control: a group with fewer cases than this has its count published but no share,
        exposure or precision. 0 publishes everything.
    confidence : float
        Level of every interval.
    require_significance : bool
        A gate fails only when its one-sided test against the bound is significant after Holm's
        correction across all of the audit's significance-gated tests; otherwise ``inconclusive``.
    significance_level : float
        Level of the tests.
    gates : RankingGates
        Default, when no ``gates`` are given: ``top_k_share_ratio`` and ``exposure_ratio`` within
        [0.8, 1.25]; a ``gates`` table that is given replaces both.
    """

    capacities: tuple[int | float, ...] = Field(default=(0.1,), min_length=1)
    discount: Literal["log", "none"] = "log"
    sensitive_features: tuple[str, ...] | None = None
    intersections: tuple[tuple[str, ...], ...] = ()
    intersectional: bool = False
    min_group_size: int = Field(default=30, ge=2)
    suppress_below: int = Field(default=10, ge=0)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    require_significance: bool = True
    significance_level: float = Field(default=0.05, gt=0.0, lt=0.5)
    gates: RankingGates = Field(default_factory=_default_gates)

    @field_validator("capacities", mode="before")
    @classmethod
    def _capacities(cls, value: object) -> object:
        values = [value] if isinstance(value, (int, float)) else list(value)  # type: ignore[call-overload]
        # numpy numbers as Python's (a count stays a count, a share a share)
        values = [c.item() if isinstance(c, (np.integer, np.floating)) else c for c in values]
        for c in values:
            if isinstance(c, bool) or not isinstance(c, (int, float)):
                raise ValueError(f"a capacity is a number of cases (e.g. 100) or a share (e.g. 0.1); got {c!r}")
            if isinstance(c, int) and c < 1:
                raise ValueError(f"a capacity counted in cases must be at least 1; got {c}")
            if isinstance(c, float) and not 0.0 < c <= 1.0:
                raise ValueError(f"a capacity given as a share must be in (0, 1]; got {c} (write a count "
                                 "of cases as a whole number)")
        return tuple(dict.fromkeys(values))

    @model_validator(mode="after")
    def _intersections_have_two(self) -> "RankingConfig":
        for combo in self.intersections:
            if len(combo) < 2 or len(set(combo)) != len(combo):
                raise ValueError(f"an intersection needs two or more distinct features; got {list(combo)}")
        return self
