"""Key files: generate an Ed25519 key pair, load a private (signing) key or a public key.

The private key is written as PKCS#8 PEM with file mode 0600, encrypted when a passphrase is given;
the public key as a SubjectPublicKeyInfo PEM that can be published. Every problem with a key file
(missing, corrupt, wrong type, wrong or missing passphrase) is an :class:`InputDataError` naming
the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govaudit.exceptions import InputDataError
from govaudit.records._signing import PublicKey, SigningKey

__all__ = [
    "KeyPairFiles",
    "PASSPHRASE_ENV",
    "generate_keypair",
    "load_public_key",
    "load_signing_key",
    "passphrase_from_env",
]

#: Environment variable holding the passphrase of an encrypted private key.
PASSPHRASE_ENV = "GOVAUDIT_KEY_PASSPHRASE"

MSG_KEY_MISSING = "key file not found: {path}"
MSG_KEY_UNREADABLE = "key file {path} cannot be read: {reason}"
MSG_KEY_EXISTS = "{path} already exists; refusing to overwrite a key (choose another --out or --name)"
MSG_NOT_PRIVATE = "{path} is not a PEM private key (corrupt or not a key file)"
MSG_NOT_PUBLIC = "{path} is not a PEM public key (corrupt or not a key file)"
MSG_IS_PUBLIC = "{path} is a public key; signing needs the private key (the .key file)"
MSG_NOT_ED25519 = "{path} holds a key of type {kind}; govaudit ledgers are signed with Ed25519 keys"
MSG_NEEDS_PASSPHRASE = f"{{path}} is encrypted: set {PASSPHRASE_ENV} to its passphrase"
MSG_WRONG_PASSPHRASE = "{path}: wrong passphrase (the key could not be decrypted)"
MSG_NOT_ENCRYPTED = f"{{path}} is not encrypted, but a passphrase was given (unset {PASSPHRASE_ENV})"


@dataclass(frozen=True)
class KeyPairFiles:
    """Where :func:`generate_keypair` wrote a key pair, and the public key's fingerprint."""

    private_key: Path
    public_key: Path
    fingerprint: str


def _passphrase_bytes(passphrase: str | bytes | None) -> bytes | None:
    if passphrase is None or passphrase in ("", b""):
        return None
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase


def generate_keypair(
    out_dir: str | os.PathLike[str], *, name: str = "govaudit", passphrase: str | bytes | None = None
) -> KeyPairFiles:
    """Generate an Ed25519 key pair as ``<out_dir>/<name>.key`` (mode 0600) and ``<name>.pub``.

    Parameters
    ----------
    out_dir : path-like
        Folder for the two files; created if missing.
    name : str
        File stem.
    passphrase : str or bytes, optional
        Encrypt the private key with it (PKCS#8, the best encryption ``cryptography`` offers).

    Returns
    -------
    KeyPairFiles

    Raises
    ------
    InputDataError
        If either file already exists (keys are never overwritten).
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / f"{name}.key", folder / f"{name}.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise InputDataError(MSG_KEY_EXISTS.format(path=path))
    key = SigningKey.generate()
    pem = key.to_pem(_passphrase_bytes(passphrase))
    # O_EXCL: never follow or replace a file that appeared meanwhile; 0600 from the first byte.
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(private_path, 0o600)  # the umask cannot widen it, but be explicit
    public_path.write_bytes(key.public_key.to_pem())
    return KeyPairFiles(private_path, public_path, key.fingerprint)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputDataError(MSG_KEY_MISSING.format(path=path)) from None
    except OSError as exc:
        raise InputDataError(MSG_KEY_UNREADABLE.format(path=path, reason=exc.strerror or exc)) from None


def load_signing_key(path: str | os.PathLike[str], passphrase: str | bytes | None = None) -> SigningKey:
    """Load an Ed25519 private key from a PEM file written by :func:`generate_keypair`.

    Parameters
    ----------
    path : path-like
        The ``.key`` file.
    passphrase : str or bytes, optional
        Needed when the key is encrypted.

    Raises
    ------
    InputDataError
        Missing or corrupt file, a public key, a non-Ed25519 key, a missing or wrong passphrase.
    """
    path = Path(path)
    data = _read(path)
    secret = _passphrase_bytes(passphrase)
    if b"-----BEGIN PUBLIC KEY-----" in data:
        raise InputDataError(MSG_IS_PUBLIC.format(path=path))
    if b"-----BEGIN" not in data:
        raise InputDataError(MSG_NOT_PRIVATE.format(path=path))
    encrypted = b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in data
    if encrypted and secret is None:
        raise InputDataError(MSG_NEEDS_PASSPHRASE.format(path=path))
    if not encrypted and secret is not None:
        raise InputDataError(MSG_NOT_ENCRYPTED.format(path=path))
    try:
        key = serialization.load_pem_private_key(data, password=secret)
    except ValueError:
        raise InputDataError(
            (MSG_WRONG_PASSPHRASE if encrypted else MSG_NOT_PRIVATE).format(path=path)
        ) from None
    except (TypeError, UnsupportedAlgorithm):
        raise InputDataError(MSG_NOT_PRIVATE.format(path=path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputDataError(MSG_NOT_ED25519.format(path=path, kind=type(key).__name__.lstrip("_")))
    return SigningKey(key)


def load_public_key(path: str | os.PathLike[str]) -> PublicKey:
    """Load an Ed25519 public key from a PEM file (a ``.pub`` written by :func:`generate_keypair`).

    Raises
    ------
    InputDataError
        Missing or corrupt file, or a key that is not Ed25519.
    """
    path = Path(path)
    data = _read(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        if b"PRIVATE KEY-----" in data:
            raise InputDataError(f"{path} is a private key; give the public key (the .pub file)") from None
        raise InputDataError(MSG_NOT_PUBLIC.format(path=path)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputDataError(MSG_NOT_ED25519.format(path=path, kind=type(key).__name__.lstrip("_")))
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def passphrase_from_env() -> str | None:
    """The passphrase of an encrypted private key, from ``GOVAUDIT_KEY_PASSPHRASE`` (``None`` if unset or empty)."""
    return os.environ.get(PASSPHRASE_ENV) or None
