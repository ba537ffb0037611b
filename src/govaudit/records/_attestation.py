"""Signed attestations of an audit: an in-toto Statement v1 with the ``test-result`` predicate, in a DSSE envelope.

The statement's subject is the audited model file (its sha256 from the record); the predicate says
``PASSED``, ``WARNED`` or ``FAILED`` (the verdict; an error or an inconclusive gate fails closed) and
lists the checks by outcome; its ``configuration`` names the audit spec (sha256), the govaudit version
and auditors that ran, and the record itself (sha256 of its canonical JSON, id, verdict). The envelope
(payload type ``application/vnd.in-toto+json``) is signed with the ledger's Ed25519 key; its ``keyid``
is the key's fingerprint, as in ledger entries. Formats: in-toto attestation framework v1
(``spec/v1/statement.md``, ``spec/predicates/test-result.md``) and DSSE v1 (``protocol.md``,
``envelope.md``); the envelope, its pre-authentication encoding and signature checks are
securesystemslib's (``securesystemslib.dsse``).
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import Signature, Signer, SSlibKey

from govaudit.core import Finding, Status
from govaudit.exceptions import AttestationError, InputDataError, read_input_file
from govaudit.records._canonical import canonical_json, record_payload
from govaudit.records._hashing import sha256_bytes, sha256_file
from govaudit.records._record import AuditRecord, Verdict
from govaudit.records._signing import PublicKey, SigningKey

__all__ = ["PAYLOAD_TYPE", "PREDICATE_TYPE", "STATEMENT_TYPE", "VerifiedAttestation", "attest", "attestation_statement",
           "verify_attestation"]

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://in-toto.io/attestation/test-result/v0.1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"

MSG_NO_MODEL = ("record {record} has no model hash: an attestation's subject is the model file's sha256 "
                "(audit a [model] with a path)")
MSG_MALFORMED = "{source} is not a DSSE envelope of an in-toto statement: {reason}"
MSG_SIGNATURE = ("{source}: no signature by key {keyid} verifies (the payload or a signature was changed, "
                 "or the envelope was signed by another key)")
MSG_SUBJECT = "{source}: {model} (sha256 {digest}) is not the attested subject ({subjects})"

_RESULT = {Verdict.PASS: "PASSED", Verdict.WARN: "WARNED"}  # fail, error, inconclusive: FAILED (fail closed)
_RESULTS = ("PASSED", "WARNED", "FAILED")
_TEST_LISTS = ("passedTests", "warnedTests", "failedTests")


def _test_name(finding: Finding) -> str:
    evidence = finding.evidence or {}
    about = evidence.get("feature") or evidence.get("columns")
    if isinstance(about, (list, tuple)):
        about = " & ".join(str(c) for c in about)
    return f"{finding.check} [{about}]" if about else finding.check


def _tests(record: AuditRecord) -> dict[str, list[str]]:
    tests: dict[str, list[str]] = {name: [] for name in _TEST_LISTS}
    for finding in record.findings:
        status = finding.status
        if status is Status.PASS:
            tests["passedTests"].append(_test_name(finding))
        elif status is Status.WARN or (status is Status.INCONCLUSIVE and finding.accepted):
            tests["warnedTests"].append(_test_name(finding))
        elif status in (Status.FAIL, Status.ERROR, Status.INCONCLUSIVE):
            tests["failedTests"].append(_test_name(finding))
    return tests  # reported statistics and skipped checks are no tests


def attestation_statement(record: AuditRecord, *, url: str | None = None) -> dict[str, Any]:
    """The in-toto statement (a plain JSON object) that attests ``record``'s audit of its model.

    Raises
    ------
    InputDataError
        The record has no model hash.
    """
    if record.model is None:
        raise InputDataError(MSG_NO_MODEL.format(record=record.record_id))
    from govaudit._version import __version__

    model = record.model
    configuration: list[dict[str, Any]] = []
    if record.spec_sha256:
        configuration.append({"name": "audit spec", "digest": {"sha256": record.spec_sha256},
                              "mediaType": "application/toml"})
    configuration.append({"name": "govaudit", "uri": f"pkg:pypi/govaudit@{record.govaudit_version}",
                          "annotations": {"auditors": {a.name: a.version for a in record.auditors},
                                          "attested_with": __version__}})
    configuration.append({"name": "audit record", "mediaType": "application/json",
                          "digest": {"sha256": sha256_bytes(record_payload(record))},
                          "annotations": {"record_id": record.record_id, "audit_name": record.audit_name,
                                          "verdict": record.verdict.value,
                                          "created_at": record.created_at.isoformat()}})
    predicate: dict[str, Any] = {"result": _RESULT.get(record.verdict, "FAILED"), "configuration": configuration}
    if url:
        predicate["url"] = url
    predicate.update(_tests(record))
    subject = {"name": Path(model.path).name if model.path else model.name, "digest": {"sha256": model.sha256}}
    if model.version:
        subject["annotations"] = {"model_name": model.name, "model_version": model.version}
    return {"_type": STATEMENT_TYPE, "subject": [subject], "predicateType": PREDICATE_TYPE, "predicate": predicate}


def _sslib_key(public: PublicKey) -> SSlibKey:
    return SSlibKey(public.fingerprint, "ed25519", "ed25519", {"public": public.raw.hex()})


class _LedgerKeySigner(Signer):
    """securesystemslib's signer interface over a govaudit :class:`SigningKey` (the key stays in govaudit)."""

    def __init__(self, key: SigningKey) -> None:
        self._key = key
        self._public = _sslib_key(key.public_key)

    @property
    def public_key(self) -> SSlibKey:
        return self._public

    @classmethod
    def from_priv_key_uri(cls, priv_key_uri: str, public_key: Any, secrets_handler: Any = None) -> "Signer":
        raise NotImplementedError("govaudit loads keys from PEM files (govaudit.records.load_signing_key)")

    def sign(self, payload: bytes) -> Signature:
        return Signature(self._public.keyid, self._key.sign(payload).hex())


def attest(record: AuditRecord, key: SigningKey, *, url: str | None = None) -> dict[str, Any]:
    """Sign an in-toto test-result statement about ``record`` into a DSSE envelope (a JSON object).

    Parameters
    ----------
    record : AuditRecord
        The audit; it must hold the model's sha256.
    key : SigningKey
        The ledger's Ed25519 key.
    url : str, optional
        Where the audit run can be seen (the predicate's ``url``), e.g. a CI run.

    Returns
    -------
    dict
        ``{"payload": base64, "payloadType": "application/vnd.in-toto+json", "signatures": [{"keyid", "sig"}]}``.
    """
    payload = canonical_json(attestation_statement(record, url=url), what="statement")
    envelope = Envelope(payload=payload, payload_type=PAYLOAD_TYPE, signatures={})
    envelope.sign(_LedgerKeySigner(key))
    return envelope.to_dict()


@dataclass(frozen=True)
class VerifiedAttestation:
    """What a verified envelope attests: the statement, the key that signed it, and the subject."""

    statement: dict[str, Any]
    keyid: str
    subject_name: str
    subject_sha256: str
    result: str
    model_checked: bool


def _envelope(data: Any, source: str) -> Envelope:
    try:
        envelope = Envelope.from_dict(copy.deepcopy(data))  # from_dict pops keys: keep the caller's dict whole
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AttestationError(MSG_MALFORMED.format(source=source, reason=f"{type(exc).__name__}: {exc}"),
                               problem="malformed") from None
    if envelope.payload_type != PAYLOAD_TYPE:
        raise AttestationError(MSG_MALFORMED.format(source=source, reason=f"payloadType is "
                                                    f"{envelope.payload_type!r}, not {PAYLOAD_TYPE!r}"),
                               problem="malformed")
    return envelope


def _statement(payload: bytes, source: str) -> dict[str, Any]:
    def bad(reason: str) -> AttestationError:
        return AttestationError(MSG_MALFORMED.format(source=source, reason=reason), problem="malformed")

    try:
        statement = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise bad("the payload is not JSON") from None
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        raise bad(f"the payload's _type is not {STATEMENT_TYPE}")
    if statement.get("predicateType") != PREDICATE_TYPE:
        raise bad(f"the predicateType is {statement.get('predicateType')!r}, not {PREDICATE_TYPE}")
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects or not all(
            isinstance(s, dict) and isinstance(s.get("digest"), dict) and "sha256" in s["digest"] for s in subjects):
        raise bad("the statement has no subject with a sha256 digest")
    if not all(isinstance(s["digest"]["sha256"], str) for s in subjects):
        raise bad("a subject's sha256 digest is not a string")
    predicate = statement.get("predicate")
    if not isinstance(predicate, dict):
        raise bad(f"the predicate is not an object (got {type(predicate).__name__})")
    if predicate.get("result") not in _RESULTS:
        raise bad(f"the predicate's result is {predicate.get('result')!r}, not one of {', '.join(_RESULTS)}")
    listed = [k for k in _TEST_LISTS if k in predicate and not isinstance(predicate[k], list)]
    if listed:
        raise bad(f"the predicate's {listed[0]} is not a list")
    return statement


def _read(envelope: str | os.PathLike[str] | dict[str, Any]) -> tuple[Any, str]:
    if isinstance(envelope, dict):
        return envelope, "<envelope>"
    path = Path(envelope)
    raw = read_input_file(path, "attestation file")
    try:
        return json.loads(raw), str(path)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise AttestationError(MSG_MALFORMED.format(source=path, reason="not JSON"), problem="malformed") from None


def verify_attestation(envelope: str | os.PathLike[str] | dict[str, Any], public_key: PublicKey, *,
                       model: str | os.PathLike[str] | None = None) -> VerifiedAttestation:
    """Check a DSSE envelope's signature by ``public_key``, and its subject against a model file if given.

    Raises
    ------
    AttestationError
        ``problem`` is ``malformed``, ``signature_invalid`` (tampered payload or signature, or
        another key) or ``subject_mismatch`` (the model file is not the attested subject).
    InputDataError
        The envelope or the model file cannot be read.
    """
    data, source = _read(envelope)
    parsed = _envelope(data, source)
    key = _sslib_key(public_key)
    try:
        parsed.verify([key], 1)
    except VerificationError:
        raise AttestationError(MSG_SIGNATURE.format(source=source, keyid=key.keyid), problem="signature_invalid") from None
    statement = _statement(parsed.payload, source)
    subjects = statement["subject"]
    checked = False
    if model is not None:
        digest = sha256_file(model)
        if digest not in {s["digest"]["sha256"] for s in subjects}:
            shown = ", ".join(f"{s.get('name')} {s['digest']['sha256']}" for s in subjects)
            raise AttestationError(MSG_SUBJECT.format(source=source, model=model, digest=digest, subjects=shown),
                                   problem="subject_mismatch")
        checked = True
    first = subjects[0]
    return VerifiedAttestation(statement=statement, keyid=key.keyid, subject_name=str(first.get("name", "")),
                               subject_sha256=first["digest"]["sha256"],
                               result=statement["predicate"]["result"], model_checked=checked)
