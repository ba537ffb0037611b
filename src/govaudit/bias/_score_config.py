"""Settings of the bias audit of risk scores (the ``[auditors.bias.scores]`` spec section)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ScoreAudit"]


class ScoreAudit(BaseModel):
    """How risk scores are audited per group: calibration, discrimination, score distributions.

    The score must be the probability of the observed outcome ``y_true == 1`` as the subject codes
    it (a model's ``predict_proba`` column of that class, or a recorded score column), whatever the
    orientation of the decisions.

    Parameters
    ----------
    enabled : bool
        Audit the scores when scores and observed outcomes are given.
    n_bins : int
        Number of score bins of the calibration curve.
    binning : {"uniform", "quantile"}
        Equal-width bins on [0, 1], or bins at quantiles of all the scores.
    fairness_tradeoff : bool, optional
        Add ``bias.fairness_tradeoff``: error-rate balance next to predictive parity and calibration,
        for every grouping with decisions and observed outcomes. Default (None): when scores are audited.
    max_ece : float, optional
        Gate: every compared group's expected calibration error at most this.
    max_auc_difference : float, optional
        Gate: highest minus lowest AUC among compared groups at most this.
    max_calibration_in_the_large_difference : float, optional
        Gate: highest minus lowest calibration-in-the-large (observed − mean score) at most this.
    max_ks_statistic : float, optional
        Gate: every compared group's KS statistic against the rest at most this.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    n_bins: int = Field(default=10, ge=2, le=100)
    binning: Literal["uniform", "quantile"] = "uniform"
    fairness_tradeoff: bool | None = None
    max_ece: float | None = Field(default=None, ge=0.0, le=1.0)
    max_auc_difference: float | None = Field(default=None, ge=0.0, le=1.0)
    max_calibration_in_the_large_difference: float | None = Field(default=None, ge=0.0, le=1.0)
    max_ks_statistic: float | None = Field(default=None, ge=0.0, le=1.0)

    @property
    def gates(self) -> dict[str, float]:
        """The gates configured: name -> ceiling."""
        names = ("max_ece", "max_auc_difference", "max_calibration_in_the_large_difference", "max_ks_statistic")
        return {name: float(getattr(self, name)) for name in names if getattr(self, name) is not None}
