"""The deployment auditor: is the model the public meets the model that was audited and registered?

When the audited model (typically a live endpoint, or an ONNX conversion) carries the registered
artifact it should match (``[model.artifact]`` in a spec, ``reference=`` in Python), both score the
same sample of the evaluation data and any difference in decisions or probabilities is reported.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from govaudit.core import AuditorResult, AuditSubject, CaseTable, Finding, Principle, Requirement, Severity, Status
from govaudit._auditor_parts import ConfiguredAuditor

__all__ = ["DeploymentAuditor", "DeploymentConfig"]

_REFERENCES = ("EU AI Act Annex IV 2(g)", "EU AI Act Art. 15", "NIST AI RMF MEASURE 2.8")
_PRINCIPLES = (Principle.TRANSPARENCY, Principle.SHARED_RISK)


class DeploymentConfig(BaseModel):
    """``[auditors.deployment]``: how large a sample, and how much difference is tolerated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sample_size: int = Field(default=1000, ge=1, description="Rows of the evaluation data scored by both models.")
    seed: int = Field(default=0, description="Seed of the sample.")
    max_disagreement: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Largest share of sampled decisions that may differ."
    )
    score_tolerance: float = Field(
        default=1e-6, ge=0.0,
        description="Largest difference in any class probability before the scores count as different "
        "(float32 runtimes such as ONNX differ from scikit-learn by about 1e-7 on linear models).",
    )


def _name(model: Any) -> str:
    return str(getattr(model, "kind", None) or type(model).__name__)


def _proba(model: Any, rows: pd.DataFrame) -> tuple[np.ndarray | None, list[Any] | None]:
    if not hasattr(model, "predict_proba"):
        return None, None
    classes = getattr(model, "classes_", None)
    return np.asarray(model.predict_proba(rows), dtype=float), (list(classes) if classes is not None else None)


class DeploymentAuditor(ConfiguredAuditor):
    """Compare the audited model with the registered artifact it should be (check ``deployment.consistency``).

    Parameters
    ----------
    **settings
        Fields of :class:`DeploymentConfig`.
    """

    name: ClassVar[str] = "deployment"
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.MODEL.value, Requirement.FEATURES.value})
    Config: ClassVar[type[DeploymentConfig]] = DeploymentConfig
    config: DeploymentConfig

    def run(self, subject: AuditSubject, config: DeploymentConfig | None = None) -> list[Finding] | AuditorResult:
        """Score a sample with both models and report whether they answer the same.

        Cases decided differently are returned as the case table ``deployment_disagreements``.
        """
        config = config or self.config
        audited = subject.model
        reference = getattr(audited, "reference_model", None)
        if reference is None:
            return [Finding(
                auditor=self.name, check="deployment.consistency", status=Status.SKIPPED, severity=Severity.INFO,
                message="No registered artifact was given to compare the audited model with "
                        "(add a [model.artifact] section).",
                principles=_PRINCIPLES)]
        features = subject.features
        assert features is not None
        n = len(features)
        positions = np.sort(np.random.default_rng(config.seed).choice(n, size=min(config.sample_size, n),
                                                                      replace=False))
        rows = features.iloc[positions]
        got, want = np.asarray(audited.predict(rows)).ravel(), np.asarray(reference.predict(rows)).ravel()
        differ = got.astype(str) != want.astype(str)
        share = float(differ.mean())
        (p_got, c_got), (p_want, c_want) = _proba(audited, rows), _proba(reference, rows)
        max_score_diff = None
        if p_got is not None and p_want is not None and p_got.shape == p_want.shape:
            if c_got is not None and c_want is not None and sorted(map(str, c_got)) == sorted(map(str, c_want)):
                order = [list(map(str, c_want)).index(str(c)) for c in c_got]
                p_want = p_want[:, order]
            max_score_diff = float(np.max(np.abs(p_got - p_want))) if len(rows) else 0.0
        evidence = {
            "audited": _name(audited), "artifact": _name(reference), "sampled": int(len(rows)),
            "decisions_differ": int(differ.sum()), "disagreement": share,
            "max_probability_difference": max_score_diff, "score_tolerance": config.score_tolerance,
        }
        who = f"the {_name(audited)} model and its registered {_name(reference)} artifact"
        if share > config.max_disagreement:
            status, severity = Status.FAIL, Severity.HIGH
            message = (f"{who.capitalize()} decided {int(differ.sum())} of {len(rows)} sampled cases differently: "
                       "the model in use is not the model that was audited.")
        elif max_score_diff is not None and max_score_diff > config.score_tolerance:
            status, severity = Status.WARN, Severity.MEDIUM
            message = (f"{who.capitalize()} made the same {len(rows)} sampled decisions, but their probabilities "
                       f"differ by up to {max_score_diff:.2g}.")
        else:
            status, severity = Status.PASS, Severity.INFO
            message = f"{who.capitalize()} answered the same on all {len(rows)} sampled cases."
        finding = Finding(auditor=self.name, check="deployment.consistency", status=status, severity=severity,
                          value=share, threshold=config.max_disagreement, operator="<=", evidence=evidence,
                          message=message, principles=_PRINCIPLES, references=_REFERENCES)
        if not differ.any():
            return [finding]
        ids = subject.case_ids[positions] if subject.case_ids is not None else positions
        table = CaseTable("deployment_disagreements",
                          pd.DataFrame({"case": ids[differ], "audited_decision": got[differ],
                                        "artifact_decision": want[differ]}),
                          "one row per sampled case the audited model and its artifact decided differently")
        return AuditorResult((finding,), (table,))
