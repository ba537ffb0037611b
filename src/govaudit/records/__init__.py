"""Accountability records: the schema of one audit run, its hashes, its environment, and the ledger."""

from govaudit.records._canonical import canonical_json
from govaudit.records._environment import capture_environment
from govaudit.records._hashing import sha256_bytes, sha256_file, sha256_text
from govaudit.records._keys import KeyPairFiles, generate_keypair, load_public_key, load_signing_key
from govaudit.records._ledger import Ledger
from govaudit.records._ledger_entry import EntryKind, LedgerEntry
from govaudit.records._ledger_jsonl import verify_ledger_file
from govaudit.records._ledger_proofs import check_proof
from govaudit.records._ledger_state import AuditStatus, GateDecision, gate_decision
from govaudit.records._ledger_verify import Checkpoint, VerifyReport
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
from govaudit.records._signing import PublicKey, SigningKey

__all__ = [
    "RECORD_SCHEMA_VERSION",
    "ArtifactIdentity",
    "AuditRecord",
    "AuditStatus",
    "AuditorInfo",
    "Checkpoint",
    "EntryKind",
    "EnvironmentInfo",
    "GateDecision",
    "KeyPairFiles",
    "Ledger",
    "LedgerEntry",
    "PublicKey",
    "ResponsibleParties",
    "SigningKey",
    "Verdict",
    "VerifyReport",
    "canonical_json",
    "capture_environment",
    "check_proof",
    "coverage",
    "gate_decision",
    "generate_keypair",
    "load_public_key",
    "load_signing_key",
    "record_json_schema",
    "sha256_bytes",
    "sha256_file",
    "sha256_text",
    "verdict_of",
    "verify_ledger_file",
]
