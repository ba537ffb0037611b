"""The runtime guard: a model wrapper that sends the cases a policy names to a person and logs everything.

Deployment and audit share one vocabulary: the guard routes with the same :func:`route_cases`
the oversight auditor checks against, and writes the same decision-log format the auditor reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.oversight._log_store import SQLiteDecisionLog, now_utc
from govaudit.oversight._policy import OversightPolicy, route_cases

__all__ = ["OversightGuard"]

_MSG_NO_LOG = "OversightGuard needs a decision log: pass log='decisions.sqlite' (or a SQLiteDecisionLog)"
_MSG_LENGTH = "{name} has {got} entries but X has {n} rows; give one per case"
_MSG_NO_PREDICT = "the wrapped model has no predict(); OversightGuard wraps a fitted scikit-learn style model"
_MSG_REVIEWER = "reviewer {reviewer!r} is not in the policy's roster (reviewers)"
_MSG_SAME_REVIEWER = "the second reviewer must be a different person from the first; got {reviewer!r} twice"
_MSG_DECISION = "decision must be 0 or 1 (1 = favourable); got {decision!r}"
_MSG_ORDER = "ended_at ({end}) is before started_at ({start})"
_MSG_BAD_POLICY = "policy must be an OversightPolicy or a mapping of its fields; got {type}"
_MSG_BAD_PARAM = "invalid parameter {name!r} for OversightGuard; valid parameters: {valid}"
_PARAMS = ("model", "policy", "log", "model_name", "model_version", "threshold", "favourable_label")


class OversightGuard:
    """Wrap a fitted model so that a person decides the cases a policy names, and log every decision.

    Parameters
    ----------
    model : estimator
        A fitted model with ``predict`` (and ideally ``predict_proba``), scikit-learn style.
    policy : OversightPolicy or mapping, optional
        Which cases need a person (default: every adverse recommendation).
    log : str, Path or SQLiteDecisionLog
        Where decisions are appended (SQLite, crash-safe, safe for several processes at once).
    model_name, model_version : str
        Written with every decision so each can be traced to the model that made it.
    threshold : float
        Recommend the favourable outcome when its probability is at least this.
    favourable_label : default 1
        The class of ``model`` that is the favourable outcome.

    Examples
    --------
    >>> guard = OversightGuard(model, {"uncertainty_band": [0.4, 0.6]}, log="decisions.sqlite")  # doctest: +SKIP
    >>> queued = guard.decide(X, case_ids)                                # doctest: +SKIP
    >>> guard.record_review("case-17", "RV-03", decision=1, reason="income proof checked",
    ...                     started_at=start)                                # doctest: +SKIP
    >>> guard.export_log("decision_log.parquet")                          # doctest: +SKIP
    """

    def __init__(self, model: Any = None, policy: OversightPolicy | Mapping[str, Any] | None = None, *,
                 log: str | Path | SQLiteDecisionLog | None = None, model_name: str = "model",
                 model_version: str = "unversioned", threshold: float = 0.5, favourable_label: Any = 1) -> None:
        self.model = model
        self.policy = policy
        self.log = log
        self.model_name = model_name
        self.model_version = model_version
        self.threshold = threshold
        self.favourable_label = favourable_label

    # -- scikit-learn duck type (no inheritance: get_params/set_params as sklearn.base.clone expects) --
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (with ``deep``, also the wrapped model's as ``model__<name>``)."""
        params = {name: getattr(self, name) for name in _PARAMS}
        if deep and hasattr(self.model, "get_params"):
            params.update({f"model__{k}": v for k, v in self.model.get_params(deep=True).items()})
        return params

    def set_params(self, **params: Any) -> "OversightGuard":
        """Set parameters (``model__<name>`` reaches the wrapped model); returns self."""
        for key, value in params.items():
            name, _, inner = key.partition("__")
            if name not in _PARAMS or (inner and name != "model"):
                raise ValueError(_MSG_BAD_PARAM.format(name=key, valid=", ".join(_PARAMS)))
            if inner:
                self.model.set_params(**{inner: value})
            else:
                setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={getattr(self, k)!r}" for k in _PARAMS if k != "model")
        return f"OversightGuard({type(self.model).__name__}, {shown})"

    def predict(self, X: Any) -> np.ndarray:
        """The wrapped model's predictions (nothing is logged: use :meth:`decide` for real cases)."""
        return self.model.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """The wrapped model's class probabilities."""
        return self.model.predict_proba(X)

    def __sklearn_is_fitted__(self) -> bool:
        return self.model is not None and hasattr(self.model, "predict")

    # -- helpers ----------------------------------------------------------------------------------
    @property
    def policy_(self) -> OversightPolicy:
        """The validated policy."""
        if self.policy is None:
            return OversightPolicy()
        if isinstance(self.policy, OversightPolicy):
            return self.policy
        if isinstance(self.policy, Mapping):
            return OversightPolicy.model_validate(dict(self.policy))
        raise InputDataError(_MSG_BAD_POLICY.format(type=type(self.policy).__name__))

    @property
    def log_(self) -> SQLiteDecisionLog:
        """The decision log store."""
        if self.log is None:
            raise InputDataError(_MSG_NO_LOG)
        if isinstance(self.log, SQLiteDecisionLog):
            return self.log
        return SQLiteDecisionLog(self.log)

    def _scores(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        if not hasattr(self.model, "predict"):
            raise InputDataError(_MSG_NO_PREDICT)
        if hasattr(self.model, "predict_proba"):
            classes = list(getattr(self.model, "classes_", [0, 1]))
            column = classes.index(self.favourable_label) if self.favourable_label in classes else len(classes) - 1
            score = np.asarray(self.model.predict_proba(X))[:, column].astype(np.float64)
            return score, (score >= self.threshold).astype(np.int8)
        rec = (np.asarray(self.model.predict(X)) == self.favourable_label).astype(np.int8)
        return rec.astype(np.float64), rec

    @staticmethod
    def _per_case(values: Any, n: int, name: str) -> np.ndarray | None:
        if values is None:
            return None
        arr = np.asarray(values, dtype=object)
        if len(arr) != n:
            raise InputDataError(_MSG_LENGTH.format(name=name, got=len(arr), n=n))
        return arr

    # -- the two calls a deployment makes ---------------------------------------------------------
    def decide(self, X: Any, case_ids: Sequence[Any], *, case_types: Sequence[str] | None = None,
               sensitive_features: pd.DataFrame | Mapping[str, Sequence[Any]] | None = None,
               decided_at: datetime | None = None) -> pd.DataFrame:
        """Recommend, route, and log a batch of cases (one transaction: all are logged or none).

        Parameters
        ----------
        X : array-like or DataFrame
            Model inputs, one row per case.
        case_ids : sequence
            One unique id per row; the log refuses an id it already holds.
        case_types : sequence of str, optional
            Kind of each case, for policies that route by case type.
        sensitive_features : DataFrame or mapping, optional
            Columns kept in the log for group analysis of overrides and appeals (not model inputs).
        decided_at : datetime, optional
            Timezone-aware time of the decision (default: now, UTC).

        Returns
        -------
        pandas.DataFrame
            One row per case: ``case_id``, ``score``, ``recommendation``, ``review_required``,
            ``review_reason`` and ``final_decision`` (empty for cases queued for a person; for the
            others, the recommendation, which takes effect).
        """
        score, rec = self._scores(X)
        n = len(rec)
        ids = self._per_case(case_ids, n, "case_ids")
        assert ids is not None
        types = self._per_case(case_types, n, "case_types")
        routing = route_cases(self.policy_, score, rec, types)
        required = routing.required
        reasons = routing.reasons()
        sensitive = None
        if sensitive_features is not None:
            sensitive = pd.DataFrame(sensitive_features).reset_index(drop=True)
            if len(sensitive) != n:
                raise InputDataError(_MSG_LENGTH.format(name="sensitive_features", got=len(sensitive), n=n))
        when = decided_at or now_utc()
        confidence = np.maximum(score, 1.0 - score)
        extra = None if sensitive is None else [{k: _plain(v) for k, v in r.items()} for r in sensitive.to_dict("records")]
        rows = []
        for i in range(n):
            auto = not required[i]
            rows.append({
                "case_id": str(ids[i]), "decided_at": when, "model_name": self.model_name,
                "model_version": self.model_version, "score": float(score[i]), "recommendation": int(rec[i]),
                "confidence": float(confidence[i]), "case_type": None if types is None else types[i],
                "review_required": bool(required[i]), "review_reason": reasons[i] or None,
                "final_decision": int(rec[i]) if auto else None, "overridden": False if auto else None,
                "appeal_filed": False,
                "sensitive": None if extra is None else extra[i],
            })
        self.log_.append(rows)
        return pd.DataFrame({
            "case_id": [r["case_id"] for r in rows], "score": score, "recommendation": rec,
            "review_required": required, "review_reason": reasons,
            "final_decision": pd.array([r["final_decision"] for r in rows], dtype="Int8"),
        })

    def record_review(self, case_id: Any, reviewer: str, decision: int, reason: str | None = None, *,
                      started_at: datetime, ended_at: datetime | None = None,
                      second_reviewer: str | None = None) -> None:
        """Complete a queued case with a person's decision.

        Parameters
        ----------
        case_id : str
            A case :meth:`decide` queued.
        reviewer : str
            Pseudonymous id of the person who decided.
        decision : {0, 1}
            The final decision, 1 = favourable; it may differ from the model (an override).
        reason : str, optional
            The reason given (expected when overriding).
        started_at, ended_at : datetime
            Timezone-aware start and end of the review (end default: now).
        second_reviewer : str, optional
            A second, different person who verified the decision (two-person rule).

        Raises
        ------
        InputDataError
            Unknown case, a case already decided, a reviewer not in the roster, the same person twice,
            or an end before the start.
        """
        policy = self.policy_
        for person in (reviewer, second_reviewer):
            if person is not None and policy.reviewers is not None and person not in policy.reviewers:
                raise InputDataError(_MSG_REVIEWER.format(reviewer=person))
        if second_reviewer is not None and second_reviewer == reviewer:
            raise InputDataError(_MSG_SAME_REVIEWER.format(reviewer=reviewer))
        if decision not in (0, 1):
            raise InputDataError(_MSG_DECISION.format(decision=decision))
        ended_at = ended_at or now_utc()
        if pd.Timestamp(ended_at) < pd.Timestamp(started_at):
            raise InputDataError(_MSG_ORDER.format(start=started_at, end=ended_at))
        self.log_.complete_review(str(case_id), reviewer_1=reviewer, reviewer_2=second_reviewer,
                                  started_at=started_at, ended_at=ended_at, final_decision=int(decision),
                                  reason=reason)

    def record_appeal(self, case_id: Any, filed_at: datetime | None = None) -> None:
        """Record that the person affected appealed (default time: now)."""
        self.log_.record_appeal(str(case_id), filed_at or now_utc())

    def record_appeal_outcome(self, case_id: Any, outcome: str, decided_at: datetime | None = None) -> None:
        """Record an appeal's outcome, ``"overturned"`` or ``"upheld"`` (default time: now)."""
        self.log_.record_appeal_outcome(str(case_id), outcome, decided_at or now_utc())

    def read_log(self) -> pd.DataFrame:
        """The decision log in the documented format (what the oversight auditor reads)."""
        return self.log_.to_frame()

    def export_log(self, path: str | Path) -> Path:
        """Write the decision log to ``.parquet`` or ``.csv`` in the documented format."""
        return self.log_.export(path)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if not isinstance(value, (list, tuple, dict)) and pd.isna(value):
        return None
    return value
