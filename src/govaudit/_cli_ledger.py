"""``govaudit ledger ...``, ``govaudit keys ...`` and ``govaudit gate``: the accountability ledger on the command line.

Exit codes as everywhere: 0 success (ledger intact, proof valid, gate open), 1 the ledger or a proof
does not verify or the gate is closed, 2 bad input (a missing or corrupt file, a wrong key or
passphrase), with one line on stderr.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from govaudit.exceptions import InputDataError
from govaudit.gate import EXIT_GATE_FAILED

if TYPE_CHECKING:
    from govaudit.records import AuditRecord, Ledger, LedgerEntry, PublicKey, SigningKey
    from govaudit.spec import AuditPlan

__all__ = ["LedgerTarget", "gate", "keys_app", "ledger_app", "prepare_ledger"]

#: Environment variable naming the private key file that signs entries appended by ``govaudit run``.
SIGNING_KEY_ENV = "GOVAUDIT_SIGNING_KEY"
#: File name of the embedded default ledger, beside the audit's report folder.
DEFAULT_LEDGER_NAME = "ledger.sqlite"

MSG_NO_KEY = (f"a ledger was requested ({{path}}) but no signing key was given: use --signing-key, set "
              f"{SIGNING_KEY_ENV}, or set [output] signing_key in the spec")

ledger_app = typer.Typer(
    help="The accountability ledger: verify, show, export, approve, correct, withdraw, prove.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)
keys_app = typer.Typer(help="Ed25519 signing keys for ledger entries.", no_args_is_help=True,
                       add_completion=False, rich_markup_mode=None)

PubkeyOption = Annotated[Optional[list[Path]], typer.Option(
    "--pubkey", help="Trusted public key (.pub); repeat for several. Entries signed by any other key fail.")]
KeyOption = Annotated[Path, typer.Option("--key", help="Private key (.key) that signs the entry; an encrypted "
                                                        "key's passphrase is read from GOVAUDIT_KEY_PASSPHRASE.")]


def _passphrase() -> str | None:
    from govaudit.records._keys import PASSPHRASE_ENV

    return os.environ.get(PASSPHRASE_ENV) or None


def _signing_key(path: Path) -> "SigningKey":
    from govaudit.records import load_signing_key

    return load_signing_key(path, _passphrase())


def _public_keys(paths: list[Path] | None) -> "list[PublicKey] | None":
    from govaudit.records import load_public_key

    return None if not paths else [load_public_key(p) for p in paths]


def _open(path: Path) -> "Ledger":
    from govaudit.records import Ledger

    return Ledger(path)


# -- govaudit run --ledger ----------------------------------------------------------------------


@dataclass
class LedgerTarget:
    """Where ``govaudit run`` appends its record, with the key, both checked before the audit runs."""

    path: Path
    key: "SigningKey"

    def append(self, record: "AuditRecord") -> "LedgerEntry":
        """Append ``record`` (creating the ledger file if needed)."""
        from govaudit.records import Ledger

        with Ledger(self.path, create=True) as ledger:
            return ledger.append(record, self.key)


def prepare_ledger(plan: "AuditPlan", out_dir: Path, ledger: Path | None,
                   signing_key: Path | None) -> LedgerTarget | None:
    """Resolve the ledger and signing key for ``govaudit run``; ``None`` when no ledger is requested.

    The ledger is ``--ledger``, else the spec's ``[output] ledger`` (a path relative to the spec,
    or ``true`` for the embedded default ``ledger.sqlite`` beside the report folder, which is
    ``reports/ledger.sqlite`` in the default layout). The key is ``--signing-key``, else the file
    named by ``GOVAUDIT_SIGNING_KEY``, else ``[output] signing_key``. An existing ledger must be a
    govaudit ledger whose newest entry matches its checkpoint. All of this is checked before the
    audit runs, so a problem stops the run before anything is written.
    """
    spec_value = getattr(plan.spec.output, "ledger", None)
    if ledger is not None:
        path = ledger
    elif spec_value is True:
        path = Path(out_dir).parent / DEFAULT_LEDGER_NAME
    elif spec_value:
        path = plan.resolve(Path(spec_value))
    else:
        return None
    spec_key = getattr(plan.spec.output, "signing_key", None)
    key_path = signing_key or (Path(os.environ[SIGNING_KEY_ENV]) if os.environ.get(SIGNING_KEY_ENV) else None)
    if key_path is None and spec_key is not None:
        key_path = plan.resolve(Path(spec_key))
    if key_path is None:
        raise InputDataError(MSG_NO_KEY.format(path=path))
    key = _signing_key(key_path)
    if path.exists():
        with _open(path) as existing:
            existing.check_appendable()  # refuse before the run, not after the reports are written
    return LedgerTarget(path, key)


# -- keys ---------------------------------------------------------------------------------------


@keys_app.command("generate")
def keys_generate(
    out: Annotated[Path, typer.Option("--out", help="Folder for NAME.key (mode 0600) and NAME.pub.")],
    name: Annotated[str, typer.Option(help="File stem.")] = "govaudit",
    encrypt: Annotated[bool, typer.Option("--encrypt", help="Encrypt the private key with the passphrase "
                                                            "in GOVAUDIT_KEY_PASSPHRASE.")] = False,
) -> None:
    """Generate an Ed25519 key pair for signing ledger entries."""
    from govaudit.records import generate_keypair

    passphrase = _passphrase()
    if encrypt and passphrase is None:
        raise InputDataError("--encrypt needs the passphrase in GOVAUDIT_KEY_PASSPHRASE")
    files = generate_keypair(out, name=name, passphrase=passphrase if encrypt else None)
    typer.echo(f"private key: {files.private_key} (keep it secret; mode 0600{', encrypted' if encrypt else ''})")
    typer.echo(f"public key: {files.public_key}")
    typer.echo(f"fingerprint: {files.fingerprint}")


@keys_app.command("fingerprint")
def keys_fingerprint(path: Annotated[Path, typer.Argument(help="A public key (.pub) file.")]) -> None:
    """Print a public key's fingerprint (SHA-256 of the raw key), as stored in ledger entries."""
    from govaudit.records import load_public_key

    typer.echo(load_public_key(path).fingerprint)


# -- ledger -------------------------------------------------------------------------------------

LedgerArg = Annotated[Path, typer.Argument(metavar="LEDGER", help="The ledger (SQLite file).")]


@ledger_app.command("verify")
def ledger_verify(
    path: Annotated[Path, typer.Argument(metavar="LEDGER", help="The ledger: SQLite file or JSON Lines export.")],
    pubkey: PubkeyOption = None,
    workers: Annotated[Optional[int], typer.Option(help="Processes checking signatures (default: per core).")] = None,
) -> None:
    """Check every entry, signature, chain link, the checkpoint and the Merkle root; exit 1 naming the first bad entry."""
    from govaudit.records import verify_ledger_file

    report = verify_ledger_file(path, _public_keys(pubkey), workers=workers)
    n = report.entries
    typer.echo(f"ledger intact: {n} entr{'y' if n == 1 else 'ies'}, root {report.root}")
    for fp, count in sorted(report.signers.items(), key=lambda kv: -kv[1]):
        pinned = "" if report.trusted_keys_checked else " (key not pinned: pass --pubkey to check it)"
        typer.echo(f"  signer {fp}: {count} entr{'y' if count == 1 else 'ies'}{pinned}")


def _entry_summary(entry: "LedgerEntry") -> dict[str, object]:
    c = entry.content
    row: dict[str, object] = {"entry": entry.seq, "kind": entry.kind, "time": entry.created_at,
                              "signer": entry.signer[:16]}
    if entry.kind == "audit":
        model = c.get("model") or {}
        row.update(model=model.get("name") or c.get("audit_name"), version=model.get("version"),
                   audit=c.get("audit_name"), verdict=c.get("verdict"))
    else:
        row.update(refers_to=c.get("entry"), reason=c.get("reason"))
        if entry.kind == "approval":
            row["decision"] = c.get("decision")
    return row


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

    if verdict is not None and verdict not in ("pass", "warn", "fail", "error"):
        raise InputDataError(f"--verdict must be pass, warn, fail or error, not {verdict!r}")
    if kind is not None and kind not in ("audit", "approval", "correction", "withdrawal"):
        raise InputDataError(f"--kind must be audit, approval, correction or withdrawal, not {kind!r}")
    with _open(path) as ledger:
        selected = ledger.entries(kind=kind, model=model, version=version, since=since, verdict=verdict)
        rows = []
        for entry in selected:
            row = _entry_summary(entry)
            if entry.kind == "audit":
                status = ledger.status(entry.seq)
                row["state"] = status.state
                row["effective_verdict"] = status.verdict
            rows.append(row)
    if json_out:
        for row in rows:
            typer.echo(json.dumps(row, sort_keys=True))
        return
    table = Table(title=f"{path}: {len(rows)} entries")
    for column in ("#", "kind", "time (UTC)", "model", "version", "verdict", "state", "signer"):
        table.add_column(column, overflow="fold")
    for row in rows:
        if row["kind"] == "audit":
            state, verdict_text = str(row["state"]), str(row["effective_verdict"])
        else:
            state, verdict_text = f"{row.get('decision') or row['kind']} of #{row['refers_to']}", ""
        table.add_row(str(row["entry"]), str(row["kind"]), str(row["time"])[:16].replace("T", " "),
                      str(row.get("model") or ""), str(row.get("version") or ""), verdict_text, state,
                      str(row["signer"])[:8])
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
    typer.echo(f"exported {n} entries to {out}")


@ledger_app.command("append")
def ledger_append(
    path: LedgerArg,
    record: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    key: KeyOption,
) -> None:
    """Append a saved audit record (creating the ledger if needed)."""
    from pydantic import ValidationError

    from govaudit.records import AuditRecord, Ledger

    signer = _signing_key(key)
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
    signer = _signing_key(key)
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

    signer = _signing_key(key)
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
    signer = _signing_key(key)
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
    typer.echo("proof valid: " + check_proof(document, root=root, old_root=old_root))


# -- gate ---------------------------------------------------------------------------------------


def gate(
    path: LedgerArg,
    model: Annotated[str, typer.Option(help="Model name (or audit name) as recorded.")],
    version: Annotated[str, typer.Option(help="Model version as recorded.")],
    pubkey: PubkeyOption = None,
    strict: Annotated[bool, typer.Option(help="Only a 'pass' verdict opens the gate (not 'warn').")] = False,
) -> None:
    """Release gate: exit 0 only if the newest audit of MODEL/VERSION passed and a second key released it."""
    with _open(path) as ledger:
        decision = ledger.gate(model, version, public_keys=_public_keys(pubkey), strict=strict)
    if not decision.passed:
        typer.echo(f"gate closed: {decision.reason}", err=True)
        raise typer.Exit(EXIT_GATE_FAILED)
    typer.echo(f"gate open: {decision.reason}")
