"""The accountability ledger: an append-only, hash-chained, signed log of audits in one SQLite file.

Every entry is signed (Ed25519) and carries the hash of the one before it; a signed checkpoint
(size, newest entry, Merkle root) is rewritten in the same transaction as each append, so editing,
deleting, reordering or cutting off entries is detected by :meth:`Ledger.verify`. This module writes
entries (audits, approvals, corrections, withdrawals); the file and its transactions are in
``_ledger_store``, the queries, verification and proofs in ``_ledger_read``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from govaudit.exceptions import InputDataError, LedgerIntegrityError
from govaudit.records._canonical import record_payload
from govaudit.records._ledger_entry import (
    ENTRY_FIELDS,
    ENTRY_FORMAT_VERSION,
    ZERO_HASH,
    EntryKind,
    LedgerEntry,
    header_bytes,
    payload_for,
    sha256_hex,
)
from govaudit.records._ledger_read import LedgerReader
from govaudit.records._ledger_store import COLUMNS, NODES_TABLE, now_utc
from govaudit.records._ledger_verify import Checkpoint
from govaudit.records._merkle import MerkleFrontier
from govaudit.records._record import AuditRecord
from govaudit.records._signing import SigningKey

__all__ = ["Ledger"]

_sha256 = hashlib.sha256

_SET_STATE = ("INSERT INTO meta(key, value) VALUES ('checkpoint', ?), ('frontier', ?) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
_INSERT_ENTRY = f"INSERT INTO entries ({COLUMNS}) VALUES ({', '.join('?' * len(ENTRY_FIELDS))})"

MSG_REFUSE = ("{path}: refusing to append: {why}; run 'govaudit ledger verify {path}' to find the damage")
MSG_REASON = "a reason is required for {what}"
MSG_DECISION = "decision must be 'release' or 'block', not {decision!r}"


def checkpoint_text(cp: Checkpoint) -> str:
    """The stored checkpoint: ``json.dumps(cp.to_dict(), sort_keys=True)``, written directly.

    Every value is a hex string or an int, so nothing needs escaping (a test compares the two).
    """
    return (f'{{"head": "{cp.head}", "public_key": "{cp.public_key}", "root": "{cp.root}", '
            f'"signature": "{cp.signature}", "signer": "{cp.signer}", "size": {int(cp.size)}}}')


def frontier_text(frontier: MerkleFrontier) -> str:
    """The stored Merkle frontier, as ``json.dumps({"size": ..., "nodes": [hex, ...]}, sort_keys=True)``."""
    nodes = ", ".join(f'"{node.hex()}"' for node in frontier.nodes)
    return f'{{"nodes": [{nodes}], "size": {int(frontier.size)}}}'


class Ledger(LedgerReader):
    """An accountability ledger stored in one SQLite file.

    Parameters
    ----------
    path : str or path-like
        The ledger file (by convention ``reports/ledger.sqlite``).
    create : bool
        Create the file (and its folder) if it does not exist; otherwise a missing file is an error.
    timeout : float
        Seconds to keep retrying while other processes hold the write lock.

    Raises
    ------
    InputDataError
        The file is missing (and ``create`` is false), is not a govaudit ledger, or was written by a
        newer govaudit.

    Examples
    --------
    >>> key = SigningKey.generate()  # doctest: +SKIP
    >>> with Ledger("reports/ledger.sqlite", create=True) as ledger:  # doctest: +SKIP
    ...     entry = ledger.append(record, key)
    ...     ledger.verify().root
    """

    # -- appending ----------------------------------------------------------------------------

    #: After an append: (SQLite data_version, size, newest entry hash, Merkle frontier nodes).
    _state: tuple[int, int, str, list[bytes]] | None = None
    _nodes_table = False

    def _head(self, version: int | None = None,
              cached: tuple[int, int, str, list[bytes]] | None = None) -> tuple[int, str, MerkleFrontier]:
        """Size, newest entry hash and Merkle frontier, after checking they agree with the entries.

        Inside a write transaction, when no other connection has committed since this one's last
        append (SQLite's ``data_version`` is unchanged), the state this connection wrote is reused.
        """
        if cached is not None and cached[0] == version:
            return cached[1], cached[2], MerkleFrontier(cached[1], cached[3])
        cp = self.checkpoint()
        last = self._conn.execute("SELECT seq, entry_hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        if cp is None:
            if last is not None:
                raise LedgerIntegrityError(MSG_REFUSE.format(path=self.path, why="its signed checkpoint is missing"))
            return 0, ZERO_HASH, MerkleFrontier()
        if last is None or tuple(last) != (cp.size, cp.head):
            raise LedgerIntegrityError(MSG_REFUSE.format(
                path=self.path, why="its newest entry does not match its signed checkpoint"))
        try:
            stored = json.loads(self._meta("frontier") or "{}")
            frontier = MerkleFrontier(int(stored["size"]), [bytes.fromhex(h) for h in stored["nodes"]])
        except (ValueError, KeyError, TypeError):
            raise LedgerIntegrityError(MSG_REFUSE.format(path=self.path, why="its Merkle state is unreadable")) from None
        if frontier.size != cp.size or frontier.root().hex() != cp.root:
            raise LedgerIntegrityError(MSG_REFUSE.format(path=self.path, why="its Merkle state does not match"))
        return cp.size, cp.head, frontier

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def check_appendable(self) -> None:
        """Raise :class:`LedgerIntegrityError` if the newest entry, checkpoint and Merkle state disagree.

        Every append runs this check first (it reads three rows, not the whole ledger); callers may run
        it early to refuse before doing other work.
        """
        self._head()

    def _append(self, kind: EntryKind, payload: bytes, key: SigningKey) -> LedgerEntry:
        return self._append_all(kind, [payload], key)[0]

    def _append_all(self, kind: EntryKind, payloads: Sequence[bytes], key: SigningKey) -> list[LedgerEntry]:
        """Append entries in one transaction: all of them are committed, or none."""
        if not isinstance(key, SigningKey):
            raise TypeError(f"key must be a SigningKey (see load_signing_key), not {type(key).__name__}")
        hashed = [(payload, sha256_hex(payload)) for payload in payloads]
        public_key, fingerprint = key.public_key.raw.hex(), key.fingerprint

        def txn() -> tuple[list[LedgerEntry], MerkleFrontier, int]:
            cached, self._state = self._state, None  # set again once this transaction commits
            version = self._data_version()
            size, prev, frontier = self._head(version, cached)
            entries: list[LedgerEntry] = []
            rows: list[tuple[Any, ...]] = []
            nodes: list[tuple[int, int, bytes]] = []
            for payload, payload_sha in hashed:
                seq, created_at = size + len(entries) + 1, now_utc()
                header = header_bytes(seq=seq, kind=kind.value, created_at=created_at, fmt=ENTRY_FORMAT_VERSION,
                                      payload_sha256=payload_sha, prev=prev, public_key=public_key,
                                      signer=fingerprint)
                signature, entry_hash = key.sign(header), _sha256(header).digest()
                frontier.append(_sha256(b"\x00" + entry_hash + signature).digest(), nodes)  # leaf: see LedgerEntry
                row = (seq, kind.value, created_at, ENTRY_FORMAT_VERSION, payload, payload_sha, prev, public_key,
                       fingerprint, signature.hex(), entry_hash.hex())  # in ENTRY_FIELDS order
                rows.append(row)
                entries.append(LedgerEntry(*row))
                prev = row[-1]
            root = frontier.root().hex()
            head = entries[-1]
            statement = Checkpoint(head.seq, head.entry_hash, root, public_key, fingerprint, "").statement()
            cp = Checkpoint(head.seq, head.entry_hash, root, public_key, fingerprint, key.sign(statement).hex())
            self._conn.executemany(_INSERT_ENTRY, rows)
            if not self._nodes_table:  # a ledger written before the table existed
                self._conn.execute(NODES_TABLE)
            if nodes:
                self._conn.executemany("INSERT OR REPLACE INTO merkle_nodes(level, idx, hash) VALUES (?, ?, ?)", nodes)
            self._conn.execute(_SET_STATE, (checkpoint_text(cp), frontier_text(frontier)))
            return entries, frontier, version

        if not hashed:
            return []
        entries, frontier, version = self._write(txn)
        self._nodes_table = True
        # What this connection just committed (its own commits leave data_version as it was): the next
        # append reuses it unless another connection has written since.
        self._state = (version, frontier.size, entries[-1].entry_hash, list(frontier.nodes))
        return entries

    def append(self, record: AuditRecord, key: SigningKey) -> LedgerEntry:
        """Append an audit record, signed with ``key``.

        Parameters
        ----------
        record : AuditRecord
            Stored as its canonical JSON (RFC 8785).
        key : SigningKey
            The auditor's key.

        Returns
        -------
        LedgerEntry
            The new entry; ``entry.seq`` is its id.
        """
        if not isinstance(record, AuditRecord):
            raise TypeError(f"record must be an AuditRecord, not {type(record).__name__}")
        return self._append(EntryKind.AUDIT, record_payload(record), key)

    def append_many(self, records: Sequence[AuditRecord], key: SigningKey) -> list[LedgerEntry]:
        """Append several audit records in one transaction (one disk flush): all of them, or none.

        Each record still gets its own signed, chained entry; this only batches the commit, for
        importing many records at once.
        """
        for record in records:
            if not isinstance(record, AuditRecord):
                raise TypeError(f"records must be AuditRecords, not {type(record).__name__}")
        return self._append_all(EntryKind.AUDIT, [record_payload(r) for r in records], key)

    @staticmethod
    def _reason(reason: str, what: str) -> str:
        if not isinstance(reason, str) or not reason.strip():
            raise InputDataError(MSG_REASON.format(what=what))
        return reason.strip()

    def approve(self, entry: int, key: SigningKey, *, decision: str, reason: str,
                approver: str | None = None) -> LedgerEntry:
        """Append an approval (``release`` or ``block``) of audit entry ``entry``, signed by ``key``.

        A release gate accepts only a release signed by a key other than the auditor's.
        """
        if decision not in ("release", "block"):
            raise InputDataError(MSG_DECISION.format(decision=decision))
        reason = self._reason(reason, "an approval")
        target = self._reference(entry, audit_only=True, what="an approval")
        content: dict[str, Any] = {"decision": decision, "entry": target.seq, "entry_hash": target.entry_hash,
                                   "reason": reason}
        if approver:
            content["approver"] = approver
        return self._append(EntryKind.APPROVAL, payload_for(EntryKind.APPROVAL, content), key)

    def correct(self, entry: int, key: SigningKey, *, reason: str, record: AuditRecord | None = None) -> LedgerEntry:
        """Append a correction of entry ``entry`` (optionally with the corrected audit record).

        The corrected entry is never changed; readers see both, and the correction's record (if
        given) decides the audit's verdict from then on.
        """
        reason = self._reason(reason, "a correction")
        target = self._reference(entry, audit_only=record is not None, what="a corrected record")
        content: dict[str, Any] = {"entry": target.seq, "entry_hash": target.entry_hash, "reason": reason}
        if record is not None:
            content["record"] = json.loads(record_payload(record))
        return self._append(EntryKind.CORRECTION, payload_for(EntryKind.CORRECTION, content), key)

    def withdraw(self, entry: int, key: SigningKey, *, reason: str) -> LedgerEntry:
        """Append a withdrawal of entry ``entry`` (an audit or an approval); nothing is deleted."""
        reason = self._reason(reason, "a withdrawal")
        target = self._reference(entry, audit_only=False, what="a withdrawal")
        content = {"entry": target.seq, "entry_hash": target.entry_hash, "reason": reason}
        return self._append(EntryKind.WITHDRAWAL, payload_for(EntryKind.WITHDRAWAL, content), key)
