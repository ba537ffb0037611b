"""Ed25519 signing keys and public keys for ledger entries.

Signatures are made and checked with libsodium (through PyNaCl), about twice as fast per check as
OpenSSL through ``cryptography`` (see ``benchmarks/ledger.py``); ``cryptography`` reads and writes
the PEM key files. Ed25519 is deterministic, so both give the same signature bytes for the same key
and message (a test checks that they agree and accept each other's signatures). libsodium also
rejects public keys and signature points of small order, which OpenSSL accepts: a forged entry
under such a key fails as an invalid signature.

A key is identified by its fingerprint: the SHA-256 of the raw 32-byte public key, in hex. Entries
store the signer's raw public key and its fingerprint, so anyone can check the signature, and a
verifier given the expected public keys can reject entries signed by any other key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_sign, crypto_sign_open, crypto_sign_seed_keypair
from nacl.exceptions import BadSignatureError

__all__ = ["PublicKey", "SigningKey", "fingerprint", "verify_signature"]


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of a raw Ed25519 public key, 64 lower-case hex characters."""
    return hashlib.sha256(public_raw).hexdigest()


def verify_signature(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``message`` by ``public_raw``."""
    if len(signature) != 64 or len(public_raw) != 32:
        return False
    try:
        # libsodium checks a signed message: the signature followed by the message
        crypto_sign_open(signature + message, public_raw)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key a verifier trusts.

    Attributes
    ----------
    raw : bytes
        The 32-byte public key.
    fingerprint : str
        SHA-256 of ``raw`` in hex.
    """

    raw: bytes
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise ValueError(f"an Ed25519 public key has 32 bytes, not {len(self.raw)}")
        object.__setattr__(self, "fingerprint", fingerprint(self.raw))

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        return verify_signature(self.raw, signature, message)

    def to_pem(self) -> bytes:
        """The key as a PEM ``PUBLIC KEY`` block (SubjectPublicKeyInfo)."""
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class SigningKey:
    """An Ed25519 private key that signs ledger entries.

    Create one with :meth:`generate` or load it with :func:`govaudit.records.load_signing_key`.
    """

    __slots__ = ("_private", "_secret", "public_key")

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())
        raw, self._secret = crypto_sign_seed_keypair(seed)  # libsodium's secret key: seed || public key
        self.public_key = PublicKey(raw)

    @classmethod
    def generate(cls) -> "SigningKey":
        """A new random key."""
        return cls(Ed25519PrivateKey.generate())

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the public half."""
        return self.public_key.fingerprint

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return crypto_sign(message, self._secret)[:64]  # the signed message: signature, then message

    def to_pem(self, passphrase: bytes | None = None) -> bytes:
        """The private key as PKCS#8 PEM, encrypted with ``passphrase`` when one is given."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
        )
        return self._private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)

    def __repr__(self) -> str:  # never show key material
        return f"SigningKey(fingerprint={self.fingerprint[:16]}...)"
