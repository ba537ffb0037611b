"""``govaudit keys ...``: Ed25519 signing keys, and the key options and loaders the ledger commands share."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from govaudit.cli._app import say
from govaudit.exceptions import InputDataError

if TYPE_CHECKING:
    from govaudit.records import PublicKey, SigningKey

__all__ = ["KeyOption", "PubkeyOption", "keys_app", "public_keys", "signing_key"]

keys_app = typer.Typer(help="Ed25519 signing keys for ledger entries.", no_args_is_help=True,
                       add_completion=False, rich_markup_mode=None)

PubkeyOption = Annotated[Optional[list[Path]], typer.Option(
    "--pubkey", help="Trusted public key (.pub); repeat for several. Entries signed by any other key fail.")]
KeyOption = Annotated[Path, typer.Option("--key", help="Private key (.key) that signs the entry; an encrypted "
                                                        "key's passphrase is read from GOVAUDIT_KEY_PASSPHRASE.")]


def signing_key(path: Path) -> SigningKey:
    """The private key at ``path``, decrypted with the passphrase in ``GOVAUDIT_KEY_PASSPHRASE`` if set."""
    from govaudit.records import load_signing_key, passphrase_from_env

    return load_signing_key(path, passphrase_from_env())


def public_keys(paths: list[Path] | None) -> list[PublicKey] | None:
    """The trusted public keys given with ``--pubkey``; ``None`` when none were given."""
    from govaudit.records import load_public_key

    return None if not paths else [load_public_key(p) for p in paths]


@keys_app.command("generate")
def keys_generate(
    out: Annotated[Path, typer.Option("--out", help="Folder for NAME.key (mode 0600) and NAME.pub.")],
    name: Annotated[str, typer.Option(help="File stem.")] = "govaudit",
    encrypt: Annotated[bool, typer.Option("--encrypt", help="Encrypt the private key with the passphrase "
                                                            "in GOVAUDIT_KEY_PASSPHRASE.")] = False,
) -> None:
    """Generate an Ed25519 key pair for signing ledger entries."""
    from govaudit.records import generate_keypair, passphrase_from_env

    passphrase = passphrase_from_env()
    if encrypt and passphrase is None:
        raise InputDataError("--encrypt needs the passphrase in GOVAUDIT_KEY_PASSPHRASE")
    files = generate_keypair(out, name=name, passphrase=passphrase if encrypt else None)
    say(f"private key: {files.private_key} (keep it secret; mode 0600{', encrypted' if encrypt else ''})")
    say(f"public key: {files.public_key}")
    typer.echo(f"fingerprint: {files.fingerprint}")


@keys_app.command("fingerprint")
def keys_fingerprint(path: Annotated[Path, typer.Argument(help="A public key (.pub) file.")]) -> None:
    """Print a public key's fingerprint (SHA-256 of the raw key), as stored in ledger entries."""
    from govaudit.records import load_public_key

    typer.echo(load_public_key(path).fingerprint)
