"""What each column of the evaluation data means: a spec's ``[data]`` keys, ``audit()``'s keywords."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Columns"]


@dataclass(frozen=True)
class Columns:
    """The roles of the data's columns, and how decisions are read from them.

    Attributes
    ----------
    sensitive_features : list of str, or array-like
        Column names, or (in memory) the values themselves.
    label : str, optional
        Observed outcomes.
    features : sequence of str, optional
        The model's input columns (default: those it was fitted on).
    prediction, score : str, optional
        Recorded decisions and scores.
    favourable_label : object
        The label/decision value that is the favourable outcome.
    threshold : float, optional
        Decide favourably when the favourable-class probability (or a recorded score) is at least this.
    case_id : str, optional
        The column identifying each case.
    amount, amount_true : str, optional
        The amount per case (benefit paid, sum awarded) and the correct amount, for the amounts auditor.
    rank, priority_score, relevance : str, optional
        A queue's order (a rank, 1 first, or a priority score, higher first) and whether each case needed
        acting on, for the ranking auditor.
    class_prediction, class_label : str, optional
        The class (track) each case was decided into and the class it truly belongs to, for the
        multi-class auditor.
    """

    sensitive_features: Any = None
    label: str | None = None
    features: Sequence[str] | None = None
    prediction: str | None = None
    score: str | None = None
    favourable_label: Any = 1
    threshold: float | None = None
    case_id: str | None = None
    amount: str | None = None
    amount_true: str | None = None
    rank: str | None = None
    priority_score: str | None = None
    relevance: str | None = None
    class_prediction: str | None = None
    class_label: str | None = None

    @property
    def sensitive_names(self) -> tuple[str, ...]:
        """The sensitive features as column names (one name given alone becomes a one-name tuple)."""
        names = self.sensitive_features
        return (names,) if isinstance(names, str) else tuple(names or ())

    def class_roles(self) -> dict[str, Any]:
        """The roles a backend counts classes by (see :func:`govaudit.backends.class_source_from_frame`)."""
        return dict(sensitive_features=self.sensitive_names, class_prediction=self.class_prediction,
                    class_label=self.class_label)

    def roles(self) -> dict[str, Any]:
        """The roles a backend aggregates by (see :func:`govaudit.backends.counts_source_from_frame`)."""
        return dict(sensitive_features=self.sensitive_names, label=self.label, prediction=self.prediction,
                    score=self.score, favourable_label=self.favourable_label, threshold=self.threshold)
