"""The oversight policy: which cases a person must decide, how, and how fast appeals are answered.

One pydantic model serves both halves of oversight: the runtime guard routes cases with it, and
the oversight auditor checks a decision log against it (the ``[auditors.oversight.policy]`` spec
table). :func:`route_cases` is the single place where the routing rules are applied, so a case the
guard sends to a person is exactly a case the auditor expects to find reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["OversightPolicy", "Routing", "route_cases"]

#: Review reasons as written in the log's ``review_reason`` column (joined with ";").
REASON_ADVERSE = "adverse"
REASON_UNCERTAIN = "uncertain"
REASON_CASE_TYPE = "case_type"


class OversightPolicy(BaseModel):
    """Human-oversight rules for an automated decision system.

    Parameters
    ----------
    review_adverse : bool
        A person must review every case the model recommends refusing (recommendation 0).
    uncertainty_band : (float, float) or None
        A person must review every case whose score lies in ``[low, high]`` (inclusive).
    review_case_types : tuple of str
        Case types (the log's ``case_type``) that always need a person, e.g. suspected fraud.
    two_person_case_types : tuple of str
        Case types that need two distinct reviewers (two-person verification).
    two_person_adverse : bool
        Every adverse recommendation needs two distinct reviewers.
    min_review_seconds : float
        A review shorter than this is too short to be a real review.
    max_unreviewed_share : float or None
        Largest share of cases in any calendar month that may be decided without a person
        (None: reported, not gated).
    appeal_deadline_days : float
        An appeal must be decided within this many days of being filed.
    reviewers : tuple of str or None
        Roster of authorised reviewer ids; a log naming anyone else is rejected (None: any id).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    review_adverse: bool = True
    uncertainty_band: tuple[float, float] | None = None
    review_case_types: tuple[str, ...] = ()
    two_person_case_types: tuple[str, ...] = ()
    two_person_adverse: bool = False
    min_review_seconds: float = Field(default=60.0, ge=0.0)
    max_unreviewed_share: float | None = Field(default=None, ge=0.0, le=1.0)
    appeal_deadline_days: float = Field(default=30.0, gt=0.0)
    reviewers: tuple[str, ...] | None = None

    @field_validator("uncertainty_band")
    @classmethod
    def _ordered_band(cls, band: tuple[float, float] | None) -> tuple[float, float] | None:
        if band is not None and not (0.0 <= band[0] <= band[1] <= 1.0):
            raise ValueError(f"uncertainty_band must be [low, high] with 0 <= low <= high <= 1; got {list(band)}")
        return band

    @model_validator(mode="after")
    def _roster_not_empty(self) -> "OversightPolicy":
        if self.reviewers is not None and not self.reviewers:
            raise ValueError("reviewers, when given, must name at least one reviewer id")
        return self

    @property
    def uses_case_types(self) -> bool:
        """Whether routing depends on the case type."""
        return bool(self.review_case_types or self.two_person_case_types)


@dataclass(frozen=True)
class Routing:
    """Which cases the policy sends to a person, and why (boolean arrays, one entry per case)."""

    adverse: np.ndarray
    uncertain: np.ndarray
    flagged_type: np.ndarray
    two_person: np.ndarray

    @property
    def required(self) -> np.ndarray:
        """Cases that need at least one reviewer."""
        return self.adverse | self.uncertain | self.flagged_type | self.two_person

    def reasons(self, index: Any = slice(None)) -> np.ndarray:
        """``review_reason`` strings (e.g. ``"adverse;uncertain"``) for the selected cases; "" when none."""
        text = np.char.add(np.char.add(np.where(self.adverse[index], REASON_ADVERSE + ";", ""),
                                       np.where(self.uncertain[index], REASON_UNCERTAIN + ";", "")),
                           np.where((self.flagged_type | self.two_person)[index], REASON_CASE_TYPE + ";", ""))
        return np.char.rstrip(text, ";")


def route_cases(policy: OversightPolicy, score: np.ndarray, recommendation: np.ndarray,
                case_type: np.ndarray | None = None) -> Routing:
    """Apply ``policy`` to cases, vectorised.

    Parameters
    ----------
    policy : OversightPolicy
    score : numpy.ndarray of float
        Model scores, higher = more favourable.
    recommendation : numpy.ndarray of 0/1
        The model's recommendation, 1 = favourable.
    case_type : numpy.ndarray of str, optional
        Case types; needed only when the policy names case types.

    Returns
    -------
    Routing
    """
    score = np.asarray(score, dtype=np.float64)
    rec = np.asarray(recommendation)
    adverse = (rec == 0) if policy.review_adverse else np.zeros(len(rec), dtype=bool)
    if policy.uncertainty_band is not None:
        low, high = policy.uncertainty_band
        uncertain = (score >= low) & (score <= high)
    else:
        uncertain = np.zeros(len(rec), dtype=bool)
    flagged = np.zeros(len(rec), dtype=bool)
    two = (rec == 0) if policy.two_person_adverse else np.zeros(len(rec), dtype=bool)
    if case_type is not None and policy.uses_case_types:
        types = pd.Series(case_type, copy=False)  # hash-based isin: fast on millions of strings
        if policy.review_case_types:
            flagged = types.isin(list(policy.review_case_types)).to_numpy(dtype=bool)
        if policy.two_person_case_types:
            two = two | types.isin(list(policy.two_person_case_types)).to_numpy(dtype=bool)
    return Routing(adverse=adverse, uncertain=uncertain, flagged_type=flagged, two_person=two)
