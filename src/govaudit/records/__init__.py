"""Accountability records: the schema of one audit run, its hashes, its environment, and the ledger."""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.records._attestation import VerifiedAttestation, attest, attestation_statement, verify_attestation
    from govaudit.records._canonical import canonical_json
    from govaudit.records._environment import capture_environment
    from govaudit.records._hashing import sha256_bytes, sha256_file, sha256_text
    from govaudit.records._keys import (
        KeyPairFiles,
        generate_keypair,
        load_public_key,
        load_signing_key,
        passphrase_from_env,
    )
    from govaudit.records._ledger import Ledger
    from govaudit.records._ledger_entry import EntryKind, LedgerEntry
    from govaudit.records._ledger_incremental import TrustedCheckpoint
    from govaudit.records._ledger_jsonl import verify_ledger_file
    from govaudit.records._ledger_proofs import check_proof
    from govaudit.records._ledger_state import AuditStatus, GateDecision, gate_decision
    from govaudit.records._ledger_summary import summarize_entries
    from govaudit.records._ledger_target import LedgerTarget, prepare_ledger
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
    from govaudit.records._record_file import load_record_file
    from govaudit.records._schema import record_json_schema
    from govaudit.records._signing import PublicKey, SigningKey
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.records._attestation": ("VerifiedAttestation", "attest", "attestation_statement", "verify_attestation"),
        "govaudit.records._canonical": ("canonical_json",),
        "govaudit.records._environment": ("capture_environment",),
        "govaudit.records._hashing": ("sha256_bytes", "sha256_file", "sha256_text"),
        "govaudit.records._keys": (
            "KeyPairFiles", "generate_keypair", "load_public_key", "load_signing_key", "passphrase_from_env",
        ),
        "govaudit.records._ledger": ("Ledger",),
        "govaudit.records._ledger_entry": ("EntryKind", "LedgerEntry"),
        "govaudit.records._ledger_incremental": ("TrustedCheckpoint",),
        "govaudit.records._ledger_jsonl": ("verify_ledger_file",),
        "govaudit.records._ledger_proofs": ("check_proof",),
        "govaudit.records._ledger_state": ("AuditStatus", "GateDecision", "gate_decision"),
        "govaudit.records._ledger_summary": ("summarize_entries",),
        "govaudit.records._ledger_target": ("LedgerTarget", "prepare_ledger"),
        "govaudit.records._ledger_verify": ("Checkpoint", "VerifyReport"),
        "govaudit.records._record": (
            "RECORD_SCHEMA_VERSION", "ArtifactIdentity", "AuditorInfo", "AuditRecord", "EnvironmentInfo",
            "ResponsibleParties", "Verdict", "coverage", "verdict_of",
        ),
        "govaudit.records._record_file": ("load_record_file",),
        "govaudit.records._schema": ("record_json_schema",),
        "govaudit.records._signing": ("PublicKey", "SigningKey"),
    }, globals())

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
    "LedgerTarget",
    "PublicKey",
    "ResponsibleParties",
    "SigningKey",
    "TrustedCheckpoint",
    "Verdict",
    "VerifiedAttestation",
    "VerifyReport",
    "attest",
    "canonical_json",
    "capture_environment",
    "check_proof",
    "coverage",
    "gate_decision",
    "generate_keypair",
    "load_public_key",
    "load_record_file",
    "load_signing_key",
    "passphrase_from_env",
    "prepare_ledger",
    "record_json_schema",
    "sha256_bytes",
    "sha256_file",
    "sha256_text",
    "summarize_entries",
    "attestation_statement",
    "verdict_of",
    "verify_attestation",
    "verify_ledger_file",
]
