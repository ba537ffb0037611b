"""Canonical JSON (RFC 8785), the entry header, Ed25519 keys and key files."""

from __future__ import annotations

import json
import os
import stat

import pytest
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from _factories import make_record
from govaudit.exceptions import InputDataError
from govaudit.records import (
    AuditRecord,
    PublicKey,
    SigningKey,
    canonical_json,
    generate_keypair,
    load_public_key,
    load_signing_key,
)
from govaudit.records._canonical import record_payload
from govaudit.records._ledger_entry import header_bytes, header_dict


def test_canonical_json_matches_the_rfc_8785_example():
    # RFC 8785 §3.2.2 / appendix example: sorted keys, ECMAScript numbers, minimal string escapes.
    value = json.loads(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = ('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
                '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}').encode("utf-8")
    assert canonical_json(value) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 2**60, {1: "x"}, {"a": object()}])
def test_canonical_json_refuses_values_with_no_single_form(bad):
    with pytest.raises(InputDataError, match="canonical JSON"):
        canonical_json({"v": bad} if not isinstance(bad, dict) else bad)


def test_a_record_reserialises_to_the_same_bytes_and_hash():
    record = make_record()
    payload = record_payload(record)
    # parse and re-serialise (as any verifier would) -> identical bytes, identical hash
    assert canonical_json(json.loads(payload)) == payload
    assert record_payload(AuditRecord.from_json(payload)) == payload
    assert record_payload(AuditRecord.from_json(record.to_json(indent=4))) == payload
    # floats have one spelling: 0.62 and 1.0 exactly as ECMAScript prints them
    assert b'"value":0.62' in payload and b'"impact_ratio":1,' in payload
    # the same record built twice serialises to the same bytes
    assert len(payload) == len(record_payload(make_record()))
    assert payload == record_payload(make_record())


def test_the_header_template_is_the_rfc_8785_form():
    fields = dict(seq=12, kind="approval", created_at="2026-01-02T03:04:05.123456Z", fmt=1,
                  payload_sha256="a" * 64, prev="0" * 64, public_key="b" * 64, signer="c" * 64)
    assert header_bytes(**fields) == rfc8785.dumps(header_dict(**fields))


def test_signatures_verify_with_the_public_key_only():
    key = SigningKey.generate()
    signature = key.sign(b"statement")
    assert key.public_key.verify(signature, b"statement")
    assert not key.public_key.verify(signature, b"statemenT")
    assert not SigningKey.generate().public_key.verify(signature, b"statement")
    # independent check with the library's own objects
    raw = key.public_key.raw
    assert len(raw) == 32 and len(signature) == 64
    assert key.fingerprint == __import__("hashlib").sha256(raw).hexdigest()
    assert "PRIVATE" not in repr(key)


def test_generate_writes_a_0600_private_key_and_a_public_key(tmp_path):
    files = generate_keypair(tmp_path / "keys", name="auditor")
    assert stat.S_IMODE(os.stat(files.private_key).st_mode) == 0o600
    assert files.private_key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert load_signing_key(files.private_key).fingerprint == files.fingerprint
    assert load_public_key(files.public_key).fingerprint == files.fingerprint
    with pytest.raises(InputDataError, match="already exists"):
        generate_keypair(tmp_path / "keys", name="auditor")


def test_passphrase_encrypted_key(tmp_path):
    files = generate_keypair(tmp_path, passphrase="correct horse")
    assert b"ENCRYPTED PRIVATE KEY" in files.private_key.read_bytes()
    assert load_signing_key(files.private_key, "correct horse").fingerprint == files.fingerprint
    with pytest.raises(InputDataError, match="wrong passphrase"):
        load_signing_key(files.private_key, "wrong")
    with pytest.raises(InputDataError, match="GOVAUDIT_KEY_PASSPHRASE"):
        load_signing_key(files.private_key)


def test_bad_key_files_name_the_file_and_the_problem(tmp_path):
    files = generate_keypair(tmp_path)
    with pytest.raises(InputDataError, match="key file not found"):
        load_signing_key(tmp_path / "missing.key")
    corrupt = tmp_path / "corrupt.key"
    corrupt.write_bytes(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(InputDataError, match=r"corrupt\.key is not a PEM private key"):
        load_signing_key(corrupt)
    garbage = tmp_path / "garbage.key"
    garbage.write_bytes(os.urandom(64))
    with pytest.raises(InputDataError, match="not a PEM private key"):
        load_signing_key(garbage)
    with pytest.raises(InputDataError, match="is a public key"):
        load_signing_key(files.public_key)
    with pytest.raises(InputDataError, match="is a private key"):
        load_public_key(files.private_key)
    with pytest.raises(InputDataError, match="not encrypted"):
        load_signing_key(files.private_key, "unneeded")
    ec_key = tmp_path / "ec.key"
    ec_key.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(InputDataError, match="Ed25519"):
        load_signing_key(ec_key)


def test_keys_written_by_other_tools_load(tmp_path):
    # a key made with the cryptography package directly (as openssl genpkey -algorithm ed25519 would)
    private = Ed25519PrivateKey.generate()
    path = tmp_path / "other.pem"
    path.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert load_signing_key(path).public_key == PublicKey(raw)


@settings(max_examples=60, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), message=st.binary(max_size=600))
def test_libsodium_and_openssl_sign_identically_and_accept_each_others_signatures(seed, message):
    # Ed25519 is deterministic: the key's libsodium signature must be byte for byte the one OpenSSL
    # (through cryptography) makes, so ledgers signed before and after the switch verify the same.
    private = Ed25519PrivateKey.from_private_bytes(seed)
    ours = SigningKey(private).sign(message)
    theirs = private.sign(message)
    assert ours == theirs
    public = private.public_key()
    public.verify(ours, message)  # raises if OpenSSL rejects it
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert SigningKey(private).public_key.raw == raw
    assert PublicKey(raw).verify(theirs, message)
    assert not PublicKey(raw).verify(theirs, message + b"x")
    flipped = bytes([theirs[0] ^ 1]) + theirs[1:]
    assert not PublicKey(raw).verify(flipped, message)
    with pytest.raises(InvalidSignature):
        public.verify(flipped, message)


@pytest.mark.parametrize("signature", [b"", b"\x00" * 63, b"\x00" * 65])
def test_a_signature_of_the_wrong_length_is_invalid_not_an_error(signature):
    key = SigningKey.generate()
    assert not key.public_key.verify(signature, b"statement")
    assert not key.public_key.verify(key.sign(b"statement") + b"\x00", b"statement")


def test_a_small_order_public_key_does_not_verify_anything():
    # The identity point (y = 1) has order 1: with it, OpenSSL accepts R = identity, S = 0 as a
    # signature of every message; libsodium refuses such keys, so a forged entry fails.
    identity = (1).to_bytes(32, "little")
    forged = identity + b"\x00" * 32
    assert not PublicKey(identity).verify(forged, b"any statement")
    assert not PublicKey(identity).verify(forged, b"another")
