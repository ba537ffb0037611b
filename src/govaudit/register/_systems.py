"""The audited systems of a verified ledger: each with its audits, approvals, corrections and withdrawals.

A system is what the ledger's audits name: the model's name, or the audit's name when no model was
audited. The ledger is verified first (every entry, signature, chain link, checkpoint and Merkle
root); a ledger that does not verify is refused, never published with a warning.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from govaudit.exceptions import LedgerEntryError, LedgerIntegrityError
from govaudit.records._ledger import Ledger
from govaudit.records._ledger_entry import EntryKind, LedgerEntry
from govaudit.records._ledger_state import AuditStatus, audit_status
from govaudit.records._record import AuditRecord
from govaudit.records._signing import PublicKey

__all__ = ["MSG_REFUSED", "AuditView", "Register", "RegisterSystem", "entry_date", "read_register", "system_key"]

MSG_REFUSED = "refusing to publish a register from {path}: {why}"


@dataclass(frozen=True)
class AuditView:
    """One audit entry of a system and what later entries say about it.

    Attributes
    ----------
    entry : LedgerEntry
        The audit entry.
    record : AuditRecord
        Its record, or the record of the newest correction that carries one.
    status : AuditStatus
        Approval state, effective verdict, approvals, corrections, withdrawal.
    times : dict of int to str
        Entry number -> time appended (UTC), for the entries the status names.
    """

    entry: LedgerEntry
    record: AuditRecord
    status: AuditStatus
    times: dict[int, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class RegisterSystem:
    """One audited system: its name, a file-safe key, and its audits, oldest first."""

    name: str
    key: str
    audits: tuple[AuditView, ...]

    @property
    def latest(self) -> AuditView:
        """The newest audit that was not withdrawn (the newest of all when every one was)."""
        live = [a for a in self.audits if a.status.state != "withdrawn"]
        return (live or list(self.audits))[-1]


@dataclass(frozen=True)
class Register:
    """A verified ledger's systems, with the ledger's size, Merkle root and signers.

    ``entries`` are the verified entries (the first ``size``), in order; an entry appended after
    the verification is not among them.
    """

    path: Path
    size: int
    root: str
    signers: dict[str, int]
    systems: tuple[RegisterSystem, ...]
    ledger: Ledger = field(repr=False, compare=False)
    entries: tuple[LedgerEntry, ...] = field(default=(), repr=False, compare=False)


def system_key(name: str, taken: set[str]) -> str:
    """A file-name-safe, unique key for a system name (lower case, ``a-z0-9-``)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "system"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def _name(content: dict[str, Any]) -> str:
    model = content.get("model") or {}
    return str(model.get("name") or content.get("audit_name") or "unnamed")


def _view(audit: LedgerEntry, later: Sequence[LedgerEntry], by_seq: dict[int, LedgerEntry]) -> AuditView:
    status = audit_status(audit, later)
    content: dict[str, Any] = audit.content
    for seq in status.corrections:  # the newest correction that carries a record decides
        corrected = by_seq[seq].content.get("record")
        if isinstance(corrected, dict):
            content = corrected
    record = AuditRecord.from_json(json.dumps(content))
    named = [a.entry for a in status.approvals] + list(status.corrections) + [
        s for s in (status.withdrawn_by, *(a.withdrawn_by for a in status.approvals)) if s is not None]
    times = {seq: by_seq[seq].created_at for seq in (audit.seq, *named)}
    return AuditView(audit, record, status, times)


def read_register(path: str | os.PathLike[str], *, public_keys: Sequence[PublicKey] | None = None) -> Register:
    """Verify a ledger and gather its audited systems.

    Parameters
    ----------
    path : str or path-like
        The ledger (SQLite file).
    public_keys : sequence of PublicKey, optional
        When given, every entry must be signed by one of them.

    Returns
    -------
    Register
        Systems in the order of their first audit; the ledger stays open (close it with
        ``register.ledger.close()``).

    Raises
    ------
    LedgerIntegrityError
        The ledger does not verify (:class:`~govaudit.exceptions.LedgerEntryError` naming the first
        bad entry when one is to blame): nothing is published from it.
    InputDataError
        The file is missing or is not a govaudit ledger.
    """
    ledger = Ledger(path)
    try:
        report = ledger.verify(public_keys)
    except LedgerEntryError as exc:
        ledger.close()
        raise LedgerEntryError(MSG_REFUSED.format(path=path, why=exc), entry=exc.entry, problem=exc.problem) from None
    except LedgerIntegrityError as exc:
        ledger.close()
        raise LedgerIntegrityError(MSG_REFUSED.format(path=path, why=exc)) from None
    entries = ledger.all_entries()[: report.entries]  # only what was verified: later appends are not published
    by_seq = {e.seq: e for e in entries}
    grouped: dict[str, list[AuditView]] = {}
    for i, entry in enumerate(entries):
        if entry.kind == EntryKind.AUDIT.value:
            grouped.setdefault(_name(entry.content), []).append(_view(entry, entries[i + 1:], by_seq))
    taken: set[str] = set()
    systems = tuple(RegisterSystem(name, system_key(name, taken), tuple(views)) for name, views in grouped.items())
    return Register(Path(path), report.entries, report.root, dict(report.signers), systems, ledger, tuple(entries))


def entry_date(created_at: str) -> str:
    """``YYYY-MM-DD`` of an entry's UTC time."""
    try:
        return datetime.fromisoformat(created_at.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return created_at[:10]
