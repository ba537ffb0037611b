"""``govaudit gate LEDGER --model M --version V``: the release gate, as an exit code for CI."""

from __future__ import annotations

from typing import Annotated

import typer

from govaudit.cli._app import say
from govaudit.cli._keys import PubkeyOption, public_keys
from govaudit.cli._ledger import LedgerArg
from govaudit.gate import EXIT_GATE_FAILED

__all__ = ["gate"]


def gate(
    path: LedgerArg,
    model: Annotated[str, typer.Option(help="Model name (or audit name) as recorded.")],
    version: Annotated[str, typer.Option(help="Model version as recorded.")],
    pubkey: PubkeyOption = None,
    strict: Annotated[bool, typer.Option(help="Only a 'pass' verdict opens the gate (not 'warn').")] = False,
) -> None:
    """Release gate: exit 0 only if the newest audit of MODEL/VERSION passed and a second key released it."""
    from govaudit.records import Ledger

    with Ledger(path) as ledger:
        decision = ledger.gate(model, version, public_keys=public_keys(pubkey), strict=strict)
    if not decision.passed:
        say(f"gate closed: {decision.reason}", err=True)
        raise typer.Exit(EXIT_GATE_FAILED)
    say(f"gate open: {decision.reason}")
