"""``govaudit ledger ...``: the accountability ledger on the command line.

Exit codes as everywhere: 0 success (ledger intact, proof valid), 1 the ledger or a proof does not
verify, 2 bad input (a missing or corrupt file, a wrong key or passphrase), with one line on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from govaudit.cli._app import say
from govaudit.cli._keys import KeyOption, PubkeyOption, public_keys, signing_key
from govaudit.exceptions import InputDataError
from govaudit.report._printable import printable

if TYPE_CHECKING:
    from govaudit.records import Ledger

__all__ = ["LedgerArg", "ledger_app"]

ledger_app = typer.Typer(
    help="The accountability ledger: verify, show, export, approve, correct, withdraw, prove.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)


def _open(path: Path) -> Ledger:
    from govaudit.records import Ledger

    return Ledger(path)


LedgerArg = Annotated[Path, typer.Argument(metavar="LEDGER", help="The ledger (SQLite file).")]


@ledger_app.command("verify")
def ledger_verify(
    path: Annotated[Path, typer.Argument(metavar="LEDGER", help="The ledger: SQLite file or JSON Lines export.")],
    pubkey: PubkeyOption = None,
    workers: Annotated[Optional[int], typer.Option(help="Processes checking signatures (default: per core).")] = None,
    since_size: Annotated[Optional[int], typer.Option(
        help="Entries already verified (with --since-root): check only the entries after them.")] = None,
    since_root: Annotated[Optional[str], typer.Option(
        help="Merkle root (hex) of the first --since-size entries, from an earlier verify or 'ledger root'.")] = None,
) -> None:
    """Check every entry, signature, chain link, the checkpoint and the Merkle root; exit 1 naming the first bad entry.

    With --since-size and --since-root (a state verified before), only later entries are read and
    checked, after checking that the ledger extends that state.
    """
    from govaudit.records import TrustedCheckpoint, verify_ledger_file

    if (since_size is None) != (since_root is None):
        raise InputDataError("--since-size and --since-root go together: give both, or neither")
    since = None if since_size is None else TrustedCheckpoint(since_size, since_root or "")
    report = verify_ledger_file(path, public_keys(pubkey), workers=workers, since=since)
    n = report.entries
    checked = f" ({n - report.since} checked after the trusted first {report.since})" if report.since else ""
    typer.echo(f"ledger intact: {n} entr{'y' if n == 1 else 'ies'}{checked}, root {report.root}")
    for fp, count in sorted(report.signers.items(), key=lambda kv: -kv[1]):
        pinned = "" if report.trusted_keys_checked else " (key not pinned: pass --pubkey to check it)"
        typer.echo(f"  signer {fp}: {count} entr{'y' if count == 1 else 'ies'}{pinned}")


@ledger_app.command("show")
def ledger_show(
    path: LedgerArg,
    model: Annotated[Optional[str], typer.Option(help="Only audits of this model (model or audit name).")] = None,
    version: Annotated[Optional[str], typer.Option(help="Only audits of this model version.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only entries appended since (YYYY-MM-DD, UTC).")] = None,
    verdict: Annotated[Optional[str], typer.Option(help="Only audits with this verdict (pass, warn, fail, error).")] = None,
    kind: Annotated[Optional[str], typer.Option(help="audit, approval, correction or withdrawal.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List entries, each audit with its approval state (released, blocked, withdrawn, pending)."""
    from rich.console import Console
    from rich.table import Table

    from govaudit.records import summarize_entries

    if verdict is not None and verdict not in ("pass", "warn", "fail", "error"):
        raise InputDataError(f"--verdict must be pass, warn, fail or error, not {verdict!r}")
    if kind is not None and kind not in ("audit", "approval", "correction", "withdrawal"):
        raise InputDataError(f"--kind must be audit, approval, correction or withdrawal, not {kind!r}")
    with _open(path) as ledger:
        rows = summarize_entries(ledger, kind=kind, model=model, version=version, since=since, verdict=verdict)
    if json_out:
        for row in rows:
            typer.echo(json.dumps(row, sort_keys=True))
        return
    table = Table(title=printable(f"{path}: {len(rows)} entries"))
    for column in ("#", "kind", "time (UTC)", "model", "version", "verdict", "state", "signer"):
        table.add_column(column, overflow="fold")
    for row in rows:
        if row["kind"] == "audit":
            state, verdict_text = str(row["state"]), str(row["effective_verdict"])
        else:
            state, verdict_text = f"{row.get('decision') or row['kind']} of #{row['refers_to']}", ""
        cells = (str(row["entry"]), str(row["kind"]), str(row["time"])[:16].replace("T", " "),
                 str(row.get("model") or ""), str(row.get("version") or ""), verdict_text, state, str(row["signer"])[:8])
        table.add_row(*(printable(cell) for cell in cells))  # model names and versions come from the records
    Console(highlight=False).print(table)


@ledger_app.command("export")
def ledger_export(
    path: LedgerArg,
    out: Annotated[Path, typer.Option("--out", help="The JSON Lines file to write.")],
) -> None:
    """Export the ledger as JSON Lines, which 'ledger verify' also accepts (to publish it as a plain file)."""
    with _open(path) as ledger:
        ledger.export_jsonl(out)
        n = len(ledger)
    say(f"exported {n} entries to {out}")


@ledger_app.command("append")
def ledger_append(
    path: LedgerArg,
    record: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    key: KeyOption,
) -> None:
    """Append a saved audit record (creating the ledger if needed)."""
    from pydantic import ValidationError

    from govaudit.records import AuditRecord, Ledger

    signer = signing_key(key)
    try:
        parsed = AuditRecord.from_json(record.read_bytes())
    except FileNotFoundError:
        raise InputDataError(f"record file not found: {record}") from None
    except ValidationError as exc:
        from govaudit.spec import format_validation_error

        raise InputDataError(f"not a valid audit record: {format_validation_error(exc, str(record))}") from None
    with Ledger(path, create=True) as ledger:
        entry = ledger.append(parsed, signer)
    typer.echo(f"appended entry {entry.seq} ({entry.entry_hash})")


@ledger_app.command("approve")
def ledger_approve(
    path: LedgerArg,
    entry_id: Annotated[int, typer.Argument(metavar="ENTRY_ID", help="The audit entry approved or blocked.")],
    key: KeyOption,
    decision: Annotated[str, typer.Option(help="release or block.")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the entry).")],
    approver: Annotated[Optional[str], typer.Option(help="Name or role of the approver.")] = None,
) -> None:
    """Append an approval (release or block) of an audit entry, signed by the approver's own key."""
    signer = signing_key(key)
    with _open(path) as ledger:
        entry = ledger.approve(entry_id, signer, decision=decision, reason=reason, approver=approver)
        audit = ledger.entry(entry_id)
    note = "" if audit.signer != signer.fingerprint else (
        " (warning: signed with the auditor's own key, which a release gate does not accept)")
    typer.echo(f"appended entry {entry.seq}: {decision} of entry {entry_id}{note}")


@ledger_app.command("correct")
def ledger_correct(
    path: LedgerArg,
    entry_id: Annotated[int, typer.Argument(metavar="ENTRY_ID", help="The entry corrected.")],
    key: KeyOption,
    reason: Annotated[str, typer.Option(help="What was wrong.")],
    record: Annotated[Optional[Path], typer.Option(help="The corrected record.json, for an audit entry.")] = None,
) -> None:
    """Append a correction referring to an earlier entry; the earlier entry is never changed."""
    from govaudit.records import AuditRecord

    signer = signing_key(key)
    corrected = None
    if record is not None:
        try:
            corrected = AuditRecord.from_json(record.read_bytes())
        except FileNotFoundError:
            raise InputDataError(f"record file not found: {record}") from None
        except ValueError as exc:
            raise InputDataError(f"{record} is not a valid audit record: {str(exc).splitlines()[0]}") from None
    with _open(path) as ledger:
        entry = ledger.correct(entry_id, signer, reason=reason, record=corrected)
    typer.echo(f"appended entry {entry.seq}: correction of entry {entry_id}")


@ledger_app.command("withdraw")
def ledger_withdraw(
    path: LedgerArg,
    entry_id: Annotated[int, typer.Argument(metavar="ENTRY_ID", help="The entry withdrawn.")],
    key: KeyOption,
    reason: Annotated[str, typer.Option(help="Why.")],
) -> None:
    """Append a withdrawal of an earlier audit or approval; nothing is deleted."""
    signer = signing_key(key)
    with _open(path) as ledger:
        entry = ledger.withdraw(entry_id, signer, reason=reason)
    typer.echo(f"appended entry {entry.seq}: withdrawal of entry {entry_id}")


SizeOption = Annotated[Optional[int], typer.Option("--size", help="Use the tree of the first SIZE entries "
                                                                  "(e.g. the size when a root was published).")]


@ledger_app.command("root")
def ledger_root(path: LedgerArg, size: SizeOption = None) -> None:
    """Print the Merkle root (RFC 9162) of the ledger; publish it to pin the ledger's history."""
    with _open(path) as ledger:
        typer.echo(ledger.root(size))


@ledger_app.command("prove")
def ledger_prove(
    path: LedgerArg,
    entry_id: Annotated[int, typer.Argument(metavar="ENTRY_ID", help="The entry to prove.")],
    size: SizeOption = None,
) -> None:
    """Print an inclusion proof (JSON) of an entry, for 'ledger check-proof'."""
    with _open(path) as ledger:
        typer.echo(json.dumps(ledger.inclusion_proof(entry_id, size), indent=2))


@ledger_app.command("prove-consistency")
def ledger_prove_consistency(
    path: LedgerArg,
    old_size: Annotated[int, typer.Argument(help="Size of the ledger when the earlier root was published.")],
    size: SizeOption = None,
) -> None:
    """Print a consistency proof (JSON) that the ledger extends its first OLD_SIZE entries unchanged."""
    with _open(path) as ledger:
        typer.echo(json.dumps(ledger.consistency_proof(old_size, size), indent=2))


@ledger_app.command("check-proof")
def ledger_check_proof(
    proof: Annotated[Path, typer.Argument(metavar="PROOF", help="A proof file from 'ledger prove' (or - for stdin).")],
    root: Annotated[Optional[str], typer.Option(help="The published root the proof must reach.")] = None,
    old_root: Annotated[Optional[str], typer.Option(help="For a consistency proof: the earlier published root.")] = None,
) -> None:
    """Verify an inclusion or consistency proof against published roots; exit 1 if it does not hold."""
    import sys

    from govaudit.records import check_proof

    try:
        text = sys.stdin.read() if str(proof) == "-" else proof.read_text(encoding="utf-8")
        document = json.loads(text)
    except FileNotFoundError:
        raise InputDataError(f"proof file not found: {proof}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{proof} is not JSON: {exc}") from None
    say("proof valid: " + check_proof(document, root=root, old_root=old_root))
