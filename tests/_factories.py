"""Builders of realistic findings and records shared by the records and report tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from govaudit.core import Finding, Principle, Severity, Status
from govaudit.records import (
    ArtifactIdentity,
    AuditorInfo,
    AuditRecord,
    EnvironmentInfo,
    ResponsibleParties,
    Verdict,
    coverage,
    verdict_of,
)

MODEL_SHA = "ab" * 32
DATA_SHA = "cd" * 32
SPEC_SHA = "ef" * 32
RECORD_ID = "3f1c2b7e-9a4d-4c1e-8b2a-5d6e7f809a1b"
CREATED_AT = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc)


def group_metrics_evidence() -> dict[str, Any]:
    """Evidence of a ``bias.group_metrics`` finding with an undefined rate and a small group."""
    return {
        "feature": "channel",
        "reference": "online",
        "metrics": ["selection_rate", "tpr", "fpr"],
        "groups": [
            {
                "group": "online", "count": 1200, "share": 0.6,
                "selection_rate": 0.5, "selection_rate_ci": [0.41, 0.59],
                "tpr": 0.8, "tpr_ci": [0.7, 0.88], "fpr": 0.2, "fpr_ci": [0.1, 0.3],
                "impact_ratio": 1.0, "impact_ratio_ci": [1.0, 1.0], "status": "pass", "note": None,
            },
            {
                "group": "paper", "count": 788, "share": 0.394,
                "selection_rate": 0.31, "selection_rate_ci": [0.27, 0.35],
                "tpr": 0.55, "tpr_ci": [0.48, 0.61], "fpr": 0.09, "fpr_ci": [0.05, 0.13],
                "impact_ratio": 0.62, "impact_ratio_ci": [0.53, 0.71], "status": "fail", "note": None,
            },
            {
                "group": "in person", "count": 12, "share": 0.006,
                "selection_rate": 0.25, "selection_rate_ci": [0.09, 0.53],
                "tpr": None, "tpr_ci": None, "fpr": 0.25, "fpr_ci": [0.09, 0.53],
                "impact_ratio": None, "impact_ratio_ci": None, "status": "inconclusive",
                "note": "small group (n=12 < 30): excluded from ratio gates",
            },
        ],
    }


def sample_findings() -> list[Finding]:
    """One finding of every status, from three auditors."""
    return [
        Finding(
            auditor="bias", check="bias.group_metrics", status=Status.PASS, severity=Severity.INFO,
            groups=("channel",), evidence=group_metrics_evidence(),
            message="Selection rates, true and false positive rates by application channel.",
            principles=(Principle.FAIRNESS,),
        ),
        Finding(
            auditor="bias", check="bias.impact_ratio", status=Status.FAIL, severity=Severity.HIGH,
            value=0.62, threshold=0.8, operator=">=", groups=("paper",),
            message="Paper applicants are approved at 62% of the rate of online applicants; the rule requires at least 80%.",
            principles=(Principle.FAIRNESS,), references=("NYC LL144 §5-301", "EU AI Act Art. 10(2)(f)"),
        ),
        Finding(
            auditor="bias", check="bias.tpr_difference", status=Status.WARN, severity=Severity.MEDIUM,
            value=0.12, threshold=0.1, operator="<=", groups=("paper", "online"),
            message="Eligible paper applicants are recognised less often than eligible online applicants.",
            principles=(Principle.FAIRNESS,),
        ),
        Finding(
            auditor="provenance", check="provenance.hash_matches", status=Status.PASS,
            message="Every declared data file matches its registered hash.",
            principles=(Principle.TRANSPARENCY,),
        ),
        Finding(
            auditor="provenance", check="provenance.freshness", status=Status.SKIPPED, severity=Severity.LOW,
            message="No collection period was declared, so freshness could not be checked.",
        ),
        Finding(
            auditor="oversight", check="oversight.review_coverage", status=Status.ERROR, severity=Severity.HIGH,
            message="The decision log could not be read: column 'reviewed' is missing.",
            principles=(Principle.PEOPLE_ORIENTED,),
        ),
    ]


def make_record(
    findings: Sequence[Finding] | None = None,
    verdict: Verdict | str | None = None,
    **overrides: Any,
) -> AuditRecord:
    """A complete record; ``verdict`` defaults to the one the findings imply."""
    findings = tuple(sample_findings() if findings is None else findings)
    by_principle, by_reference = coverage(findings)
    fields: dict[str, Any] = {
        "record_id": RECORD_ID,
        "created_at": CREATED_AT,
        "audit_name": "Benefits eligibility screening",
        "description": "Pre-release audit of the eligibility model.",
        "govaudit_version": "0.1.0",
        "auditors": (
            AuditorInfo(name="bias", version="0.1.0", package="govaudit", config={"min_group_size": 30}),
            AuditorInfo(name="provenance", version="0.1.0", package="govaudit"),
            AuditorInfo(name="oversight", version="0.1.0", package="govaudit"),
        ),
        "environment": EnvironmentInfo(python="3.12.3", platform="Linux-6.8-x86_64", packages={"numpy": "2.1.0"}),
        "spec_sha256": SPEC_SHA,
        "model": ArtifactIdentity(role="model", name="eligibility-gbm", version="2.3.1", sha256=MODEL_SHA,
                                  path="models/eligibility.skops", size_bytes=52_113),
        "data": (ArtifactIdentity(role="data", name="evaluation", sha256=DATA_SHA, path="data/eval.parquet", rows=2000),),
        "findings": findings,
        "verdict": verdict_of(findings) if verdict is None else verdict,
        "responsible": ResponsibleParties(owner="Department of Social Services", auditor="Algorithm Review Office",
                                          approver="Chief Data Officer"),
        "principles": by_principle,
        "references": by_reference,
    }
    fields.update(overrides)
    return AuditRecord(**fields)
