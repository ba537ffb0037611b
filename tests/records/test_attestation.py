"""Signed attestations: the in-toto statement's structure, the DSSE envelope, and what fails verification."""

from __future__ import annotations

import base64
import json

import pytest
from _factories import make_record

from govaudit.cli import main
from govaudit.core import Finding, Status
from govaudit.exceptions import AttestationError, InputDataError
from govaudit.records import (
    SigningKey,
    attest,
    attestation_statement,
    generate_keypair,
    verify_attestation,
)
from govaudit.records._hashing import sha256_file


@pytest.fixture(scope="module")
def key():
    return SigningKey.generate()


@pytest.fixture()
def model_file(tmp_path):
    path = tmp_path / "eligibility.skops"
    path.write_bytes(b"model bytes")
    return path


@pytest.fixture()
def record(model_file):
    base = make_record()
    return base.model_copy(update={"model": base.model.model_copy(update={"sha256": sha256_file(model_file)})})


def _payload(envelope):
    return json.loads(base64.b64decode(envelope["payload"]))


def test_round_trip(record, key, model_file):
    envelope = attest(record, key, url="https://ci.example/run/7")
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    assert envelope["signatures"][0]["keyid"] == key.fingerprint
    verified = verify_attestation(envelope, key.public_key, model=model_file)
    assert verified.model_checked and verified.subject_sha256 == sha256_file(model_file)
    assert verified.result == "FAILED" and verified.statement == _payload(envelope)


def test_the_statement_follows_the_published_structure(record):
    statement = attestation_statement(record, url="https://ci.example/run/7")
    assert set(statement) == {"_type", "subject", "predicateType", "predicate"}
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://in-toto.io/attestation/test-result/v0.1"
    assert statement["subject"][0]["digest"] == {"sha256": record.model.sha256}
    predicate = statement["predicate"]
    assert set(predicate) <= {"result", "configuration", "url", "passedTests", "warnedTests", "failedTests"}
    # the sample record: pass, fail, warn, pass, skipped, error; the error fails closed, skipped is no test
    assert predicate["result"] == "FAILED"
    assert predicate["passedTests"] == ["bias.group_metrics [channel]", "provenance.hash_matches"]  # by feature
    assert predicate["warnedTests"] == ["bias.tpr_difference"]
    assert predicate["failedTests"] == ["bias.impact_ratio", "oversight.review_coverage"]
    spec, tool, rec = predicate["configuration"]
    assert spec["digest"] == {"sha256": record.spec_sha256}
    assert tool["uri"] == "pkg:pypi/govaudit@0.1.0" and tool["annotations"]["auditors"]["bias"] == "0.1.0"
    assert rec["annotations"]["record_id"] == record.record_id and len(rec["digest"]["sha256"]) == 64


def test_in_totos_own_bindings_accept_the_statement(record):
    pytest.importorskip("in_toto_attestation")
    from google.protobuf import json_format
    from in_toto_attestation.predicates.test_result.v0 import test_result_pb2
    from in_toto_attestation.v1 import statement_pb2
    from in_toto_attestation.v1.statement import Statement

    statement = attestation_statement(record, url="https://ci.example/run/7")
    parsed = Statement.copy_from_pb(json_format.ParseDict(statement, statement_pb2.Statement()))
    parsed.validate()  # raises on a missing field or a subject without a digest
    json_format.ParseDict(statement["predicate"], test_result_pb2.TestResult())  # unknown fields would raise


@pytest.mark.parametrize("verdict_findings, result", [
    ([Status.PASS], "PASSED"), ([Status.PASS, Status.WARN], "WARNED"), ([Status.INCONCLUSIVE], "FAILED")])
def test_the_result_follows_the_verdict(record, verdict_findings, result):
    findings = [Finding(auditor="bias", check=f"bias.c{i}", status=s, message="m")
                for i, s in enumerate(verdict_findings)]
    rec = make_record(findings=findings, model=record.model)
    assert attestation_statement(rec)["predicate"]["result"] == result


def test_pae_matches_the_dsse_specs_worked_example():
    from securesystemslib.dsse import Envelope

    envelope = Envelope(payload=b"hello world", payload_type="http://example.com/HelloWorld", signatures={})
    assert envelope.pae() == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"


def test_the_signature_is_over_the_pae(record, key):
    envelope = attest(record, key)
    payload = base64.b64decode(envelope["payload"])
    pae = b"DSSEv1 %d %s %d %s" % (len(envelope["payloadType"]), envelope["payloadType"].encode(), len(payload), payload)
    assert key.public_key.verify(base64.b64decode(envelope["signatures"][0]["sig"]), pae)


def _tampered_payload(envelope):
    statement = _payload(envelope)
    statement["predicate"]["result"] = "PASSED"
    return {**envelope, "payload": base64.b64encode(json.dumps(statement).encode()).decode()}


def _tampered_subject(envelope):
    statement = _payload(envelope)
    statement["subject"][0]["digest"]["sha256"] = "0" * 64
    return {**envelope, "payload": base64.b64encode(json.dumps(statement).encode()).decode()}


def _tampered_signature(envelope):
    sig = bytearray(base64.b64decode(envelope["signatures"][0]["sig"]))
    sig[0] ^= 1
    return {**envelope, "signatures": [{**envelope["signatures"][0], "sig": base64.b64encode(bytes(sig)).decode()}]}


@pytest.mark.parametrize("tamper", [_tampered_payload, _tampered_subject, _tampered_signature])
def test_tampering_fails_verification(record, key, tamper):
    with pytest.raises(AttestationError, match="no signature by key .* verifies") as caught:
        verify_attestation(tamper(attest(record, key)), key.public_key)
    assert caught.value.problem == "signature_invalid" and caught.value.exit_code == 1


def test_a_wrong_key_fails(record, key):
    with pytest.raises(AttestationError) as caught:
        verify_attestation(attest(record, key), SigningKey.generate().public_key)
    assert caught.value.problem == "signature_invalid"


def test_another_model_file_is_not_the_subject(record, key, tmp_path):
    other = tmp_path / "other.skops"
    other.write_bytes(b"another model")
    with pytest.raises(AttestationError, match="is not the attested subject") as caught:
        verify_attestation(attest(record, key), key.public_key, model=other)
    assert caught.value.problem == "subject_mismatch"


@pytest.mark.parametrize("envelope", [{"payload": "e30="}, {"payload": "e30=", "payloadType": "text/plain",
                                                             "signatures": []}])
def test_malformed_envelopes(key, envelope):
    with pytest.raises(AttestationError) as caught:
        verify_attestation(envelope, key.public_key)
    assert caught.value.problem == "malformed"


def test_a_record_without_a_model_cannot_be_attested(key):
    with pytest.raises(InputDataError, match="has no model hash"):
        attest(make_record(model=None), key)


def test_cli_round_trip_and_exit_codes(record, model_file, tmp_path, capsys):
    keys = generate_keypair(tmp_path / "keys")
    other = generate_keypair(tmp_path / "keys", name="other")
    (tmp_path / "record.json").write_text(record.to_json())
    env = tmp_path / "att.json"
    assert main(["attest", str(tmp_path / "record.json"), "--key", str(keys.private_key), "--out", str(env)]) == 0
    assert main(["attest", "verify", str(env), "--public-key", str(keys.public_key), "--model", str(model_file)]) == 0
    out = capsys.readouterr().out
    assert f"signed by key {keys.fingerprint}" in out and "matches the model file" in out
    assert "result: FAILED (2 passed, 1 warned, 2 failed)" in out
    assert main(["attest", "verify", str(env), "--public-key", str(other.public_key)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("govaudit: error: ") and len(err.strip().splitlines()) == 1
    env.write_text(json.dumps(_tampered_payload(json.loads(env.read_text()))))
    assert main(["attest", "verify", str(env), "--public-key", str(keys.public_key)]) == 1
    assert main(["attest", "verify", str(tmp_path / "none.json"), "--public-key", str(keys.public_key)]) == 2
    assert main(["attest", "sign", str(tmp_path / "record.json"), "--key", str(keys.public_key)]) == 2


def test_verifying_leaves_the_callers_envelope_as_it_was(record, key):
    envelope = attest(record, key)
    before = json.loads(json.dumps(envelope))
    first = verify_attestation(envelope, key.public_key)
    assert envelope == before  # securesystemslib's from_dict pops keys: it must work on a copy
    assert verify_attestation(envelope, key.public_key) == first


def _signed(statement, key):
    """A DSSE envelope of ``statement`` signed by ``key`` (built here, not by ``attest``)."""
    payload = json.dumps(statement).encode()
    ptype = b"application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(payload), payload)
    return {"payload": base64.b64encode(payload).decode(), "payloadType": ptype.decode(),
            "signatures": [{"keyid": key.fingerprint, "sig": base64.b64encode(key.sign(pae)).decode()}]}


def _statement_with(record, **changes):
    """The record's statement with ``digest``, ``predicate`` or a predicate key replaced (``_DROP``: removed)."""
    statement = attestation_statement(record)
    for where, value in changes.items():
        if where == "digest":
            statement["subject"][0]["digest"]["sha256"] = value
            continue
        holder, key = (statement, "predicate") if where == "predicate" else (statement["predicate"], where)
        if value is _DROP:
            del holder[key]
        else:
            holder[key] = value
    return statement


_DROP = object()
BAD_STATEMENTS = {
    "predicate not an object": ({"predicate": "PASSED"}, "the predicate is not an object"),
    "predicate a list": ({"predicate": ["PASSED"]}, "the predicate is not an object"),
    "no predicate": ({"predicate": _DROP}, "the predicate is not an object"),
    "no result": ({"result": _DROP}, "the predicate's result is None"),
    "unknown result": ({"result": "OK"}, "the predicate's result is 'OK', not one of PASSED, WARNED, FAILED"),
    "digest not a string": ({"digest": 12}, "a subject's sha256 digest is not a string"),
    "digest a list": ({"digest": ["ab"]}, "a subject's sha256 digest is not a string"),
    "tests not a list": ({"passedTests": 3}, "the predicate's passedTests is not a list"),
}


@pytest.mark.parametrize("case", BAD_STATEMENTS, ids=list(BAD_STATEMENTS))
def test_a_signed_statement_of_the_wrong_shape_is_malformed(record, key, model_file, case):
    changes, message = BAD_STATEMENTS[case]
    envelope = _signed(_statement_with(record, **changes), key)
    with pytest.raises(AttestationError, match=message) as caught:
        verify_attestation(envelope, key.public_key, model=model_file)
    assert caught.value.problem == "malformed"


@pytest.mark.parametrize("case", ["predicate not an object", "no predicate", "digest not a string"])
def test_the_cli_reports_a_malformed_signed_statement_with_exit_1(record, model_file, tmp_path, capsys, case):
    keys = generate_keypair(tmp_path / "keys")
    from govaudit.records import load_signing_key

    envelope = _signed(_statement_with(record, **BAD_STATEMENTS[case][0]), load_signing_key(keys.private_key))
    (tmp_path / "att.json").write_text(json.dumps(envelope))
    code = main(["attest", "verify", str(tmp_path / "att.json"), "--public-key", str(keys.public_key),
                 "--model", str(model_file)])
    captured = capsys.readouterr()
    assert code == 1 and "result: None" not in captured.out
    assert captured.err.startswith("govaudit: error: ") and "is not a DSSE envelope of an in-toto statement" in captured.err


def test_the_record_digest_is_the_ledgers_record_payload(record):
    from govaudit.records._canonical import record_payload
    from govaudit.records._hashing import sha256_bytes

    rec = attestation_statement(record)["predicate"]["configuration"][-1]
    assert rec["digest"]["sha256"] == sha256_bytes(record_payload(record))
