"""``govaudit attest RECORD --key KEY`` and ``govaudit attest verify ENVELOPE --public-key KEY``.

``attest RECORD`` is short for ``attest sign RECORD``: a first argument that is not a subcommand is
taken as the record to sign.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from govaudit.cli._app import emit, say
from govaudit.cli._keys import KeyOption, signing_key

__all__ = ["attest_app"]


class _SignByDefault(TyperGroup):
    """``attest RECORD ...`` runs ``attest sign RECORD ...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["sign", *args]
        return super().parse_args(ctx, args)


attest_app = typer.Typer(cls=_SignByDefault, no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                         help="Signed in-toto attestations (test-result predicate, DSSE envelope) of an audit: "
                              "govaudit attest RECORD --key KEY [--out FILE]; govaudit attest verify ENVELOPE "
                              "--public-key KEY [--model FILE].")


@attest_app.command("sign")
def attest_sign(
    record_path: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    key: KeyOption,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the envelope here (default: print it).")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="Where the audit run can be seen (e.g. the CI "
                                                               "run); the predicate's url.")] = None,
) -> None:
    """Sign an in-toto statement that the record's model file (its sha256) was audited, with the result."""
    from govaudit.records import attest, load_record_file

    record, _ = load_record_file(record_path)
    envelope = attest(record, signing_key(key), url=url)
    emit(json.dumps(envelope, indent=2) + "\n", out)


@attest_app.command("verify")
def attest_verify(
    envelope: Annotated[Path, typer.Argument(metavar="ENVELOPE", help="The DSSE envelope 'govaudit attest' wrote.")],
    public_key: Annotated[Path, typer.Option("--public-key", help="The signer's public key (.pub).")],
    model: Annotated[Optional[Path], typer.Option("--model", help="Also check that this model file is the "
                                                                  "attested subject (its sha256).")] = None,
) -> None:
    """Check an attestation's signature (exit 1 if it fails), and its subject against a model file."""
    from govaudit.records import load_public_key, verify_attestation

    result = verify_attestation(envelope, load_public_key(public_key), model=model)
    tests = result.statement.get("predicate", {})
    counts = ", ".join(f"{len(tests.get(k) or [])} {w}" for k, w in
                       (("passedTests", "passed"), ("warnedTests", "warned"), ("failedTests", "failed")))
    say(f"attestation verified: signed by key {result.keyid}")
    say(f"subject: {result.subject_name} sha256 {result.subject_sha256}"
        + (" (matches the model file)" if result.model_checked else ""))
    say(f"result: {result.result} ({counts})")
