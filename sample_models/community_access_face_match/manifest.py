"""The face-match sample's data manifest: biometric data declared as such, with a retention period.

Declares the two tables the audit reads: ``attempts.parquet`` (verification attempts with their
match scores, derived from biometric templates) and ``decision_log.parquet`` (the gate's decisions
and their two-person verification). ``match_score`` and ``template_id`` are declared as personal
data of category ``biometric`` (GDPR Art. 9(1): special category); the attempts are kept for
:data:`RETENTION_DAYS` days and the log for :data:`LOG_RETENTION_DAYS`. Written with
:func:`govaudit.provenance.manifest_toml`; hashes and row counts are read from the files.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.provenance import manifest_toml
from govaudit.records import sha256_file

from .generate import AGE_BANDS, SEXES

__all__ = ["LOG_RETENTION_DAYS", "RETENTION_DAYS", "build_manifest", "write_manifest"]

RETENTION_DAYS = 90
LOG_RETENTION_DAYS = 400
_OWNER = "City Housing Corporation, Estate Security"
_BASIS = ("Residents' explicit consent to face verification, GDPR Art. 9(2)(a); building access "
          "by fob remains available without it")
_BIO = "biometric"


def _col(name: str, kind: str, text: str, *, category: str | None = None, sensitive: bool = False,
         allowed: list[Any] | None = None, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    return {"name": name, "type": kind, "description": text, "allowed_values": allowed, "min": low, "max": high,
            "personal_data": category is not None or None, "personal_category": category,
            "sensitive": sensitive or None}


_DEMOGRAPHIC = [
    _col("sex", "string", "Sex as recorded at enrolment", category="demographic", sensitive=True, allowed=list(SEXES)),
    _col("age_band", "string", "Age band at enrolment", category="demographic", sensitive=True,
         allowed=list(AGE_BANDS)),
]
ATTEMPT_COLUMNS = [
    _col("attempt_id", "string", "Verification attempt reference", category="identifier"),
    _col("template_id", "string", "Pseudonymous reference of the enrolled face template", category=_BIO),
    *_DEMOGRAPHIC,
    _col("genuine", "integer", "Ground truth: 1 = the person is the enrolled resident", low=0, high=1),
    _col("match_score", "float", "Similarity of the live face image and the enrolled template", category=_BIO,
         low=0, high=1),
    _col("matched", "integer", "The gate's decision at the operating threshold (1 = match)", low=0, high=1),
]

LOG_COLUMNS = [
    _col("case_id", "string", "Verification attempt reference", category="identifier"),
    _col("decided_at", "datetime", "When the gate decided"),
    _col("model_name", "string", "Matcher name"),
    _col("model_version", "string", "Matcher version"),
    _col("score", "float", "Matcher similarity score", category=_BIO, low=0, high=1),
    _col("recommendation", "integer", "The gate's decision (1 = match)", low=0, high=1),
    _col("case_type", "string", "match or no_match", allowed=["match", "no_match"]),
    _col("review_required", "boolean", "Whether the policy required verification"),
    _col("review_reason", "string", "Why verification was required"),
    _col("reviewer_1", "string", "Pseudonymous id of the first verifier", category="identifier"),
    _col("reviewer_2", "string", "Pseudonymous id of the second verifier", category="identifier"),
    _col("review_started_at", "datetime", "When verification began"),
    _col("review_ended_at", "datetime", "When verification ended"),
    _col("final_decision", "integer", "Decision that took effect (1 = access granted and recorded)", low=0, high=1),
    _col("overridden", "boolean", "Whether the verifiers rejected the gate's match"),
    _col("reason", "string", "The verifiers' note"),
    *_DEMOGRAPHIC,
]


def _table(folder: Path, file: str) -> dict[str, Any]:
    path = folder / file
    return {"path": file, "format": "parquet", "sha256": sha256_file(path), "rows": len(pd.read_parquet(path))}


def build_manifest(folder: Path, as_of: date) -> dict[str, Any]:
    """The manifest mapping for ``attempts.parquet`` and ``decision_log.parquet`` in ``folder``."""
    approval = {"by": "Data Protection Officer, City Housing Corporation", "date": as_of - timedelta(days=10)}
    common = {"owner": _OWNER, "legal_basis": _BASIS, "approval": approval}
    return {
        "manifest_version": 1,
        "name": "community_access_face_match",
        "description": "Data behind the residential face-verification gate (synthetic sample).",
        "sources": {
            "verification_attempts": {
                "description": "Face-verification attempts at the estate's entry gates, with the matcher's "
                               "similarity score and the ground truth from the fob holder's confirmation.",
                **common, "supplier": "Gate vendor (matcher scores exported from the gate controller)",
                "licence": "Processing agreement PA-2025-031 between the Corporation and the vendor",
                "collection_method": "Gate controller export",
                "collection_period": {"start": as_of - timedelta(days=60), "end": as_of - timedelta(days=8)},
                "extracted": as_of - timedelta(days=7), "retention_days": RETENTION_DAYS,
                **_table(folder, "attempts.parquet"), "primary_key": "attempt_id", "columns": ATTEMPT_COLUMNS},
            "gate_decision_log": {
                "description": "Every gate decision and the security desk's verification of matches.",
                **common, "collection_method": "Written by the gate controller and the security desk's console",
                "collection_period": {"start": as_of - timedelta(days=360), "end": as_of - timedelta(days=8)},
                "extracted": as_of - timedelta(days=7), "retention_days": LOG_RETENTION_DAYS,
                **_table(folder, "decision_log.parquet"), "primary_key": "case_id",
                "columns": LOG_COLUMNS},
        },
    }


def write_manifest(folder: Path, *, as_of: date | None = None) -> Path:
    """Write ``manifest.toml`` into ``folder`` (beside the two tables)."""
    as_of = as_of or date.today()
    path = folder / "manifest.toml"
    header = ("# Data manifest of the face-match sample, written by "
              "`python -m sample_models.community_access_face_match`.")
    path.write_text(manifest_toml(build_manifest(folder, as_of), header=header), encoding="utf-8")
    return path
