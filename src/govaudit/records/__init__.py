"""Accountability records: the schema of one audit run, its hashes and its environment."""

from govaudit.records._environment import capture_environment
from govaudit.records._hashing import sha256_bytes, sha256_file, sha256_text
from govaudit.records._record import (
    RECORD_SCHEMA_VERSION,
    ArtifactIdentity,
    AuditorInfo,
    AuditRecord,
    EnvironmentInfo,
    ResponsibleParties,
    Verdict,
    coverage,
    verdict_of,
)
from govaudit.records._schema import record_json_schema

__all__ = [
    "RECORD_SCHEMA_VERSION",
    "ArtifactIdentity",
    "AuditRecord",
    "AuditorInfo",
    "EnvironmentInfo",
    "ResponsibleParties",
    "Verdict",
    "capture_environment",
    "coverage",
    "record_json_schema",
    "sha256_bytes",
    "sha256_file",
    "sha256_text",
    "verdict_of",
]
