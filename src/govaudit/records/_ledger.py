"""The accountability ledger: an append-only, hash-chained, signed log of audits in one SQLite file.

Every entry is signed (Ed25519) and carries the hash of the one before it; a signed checkpoint
(size, newest entry, Merkle root) is rewritten in the same transaction as each append, so editing,
deleting, reordering or cutting off entries is detected by :meth:`Ledger.verify`. Appends take the
write lock up front (``BEGIN IMMEDIATE``) and retry while another process holds it, in WAL mode
with ``synchronous=FULL``: concurrent writers lose nothing, and a committed entry survives a crash.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import time
from collections.abc import Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from govaudit.exceptions import InputDataError, LedgerEntryError, LedgerIntegrityError
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
from govaudit.records._ledger_state import AuditStatus, GateDecision, audit_matches, audit_status, gate_decision
from govaudit.records._ledger_verify import (
    DAMAGED,
    Checkpoint,
    VerifyReport,
    check_rows,
    default_workers,
    pool,
    verify_structure,
)
from govaudit.records._merkle import MerkleFrontier, consistency_proof, inclusion_proof, leaf_hash, root_from_leaves
from govaudit.records._record import AuditRecord
from govaudit.records._signing import PublicKey, SigningKey

__all__ = ["LEDGER_FORMAT_VERSION", "Ledger", "SQLITE_MAGIC"]

#: Version of the ledger file layout written by this govaudit; newer files are refused.
LEDGER_FORMAT_VERSION = 1
LEDGER_FORMAT = "govaudit-ledger"
SQLITE_MAGIC = b"SQLite format 3\x00"
_COLUMNS = ", ".join(ENTRY_FIELDS)
_LIGHT = "seq, prev_hash, entry_hash, signature, signer"

MSG_NOT_FOUND = "ledger not found: {path}"
MSG_NOT_LEDGER = "{path} is not a govaudit ledger ({why})"
MSG_NEWER = ("{path} is a govaudit ledger of format version {found}, newer than this govaudit supports "
             "({supported}); upgrade govaudit to read it")
MSG_NO_ENTRY = "{path} has no entry {seq} (it has {n})"
MSG_BAD_REFERENCE = "entry {seq} is a {kind} entry; {what} refers to an audit entry"
MSG_REFUSE = ("{path}: refusing to append: {why}; run 'govaudit ledger verify {path}' to find the damage")
MSG_REASON = "a reason is required for {what}"
MSG_DECISION = "decision must be 'release' or 'block', not {decision!r}"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS entries (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        format INTEGER NOT NULL,
        payload BLOB NOT NULL,
        payload_sha256 TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        public_key TEXT NOT NULL,
        signer TEXT NOT NULL,
        signature TEXT NOT NULL,
        entry_hash TEXT NOT NULL
    )""",
    # A guard against accidents, not against an attacker (who can drop it): verify() catches both.
    """CREATE TRIGGER IF NOT EXISTS entries_append_only_update BEFORE UPDATE ON entries
       BEGIN SELECT RAISE(ABORT, 'govaudit ledger entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS entries_append_only_delete BEFORE DELETE ON entries
       BEGIN SELECT RAISE(ABORT, 'govaudit ledger entries are append-only'); END""",
)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` starts with the SQLite header."""
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


class Ledger:
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

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self._timeout = timeout
        exists = self.path.exists()
        if exists and self.path.is_dir():
            raise InputDataError(MSG_NOT_LEDGER.format(path=self.path, why="it is a folder"))
        if not exists and not create:
            raise InputDataError(MSG_NOT_FOUND.format(path=self.path))
        if exists and self.path.stat().st_size > 0 and not is_sqlite_file(self.path):
            raise InputDataError(MSG_NOT_LEDGER.format(path=self.path, why="not an SQLite file"))
        if not exists:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            self._conn.execute("PRAGMA synchronous=FULL")
            if create:
                self._retry(lambda: self._conn.execute("PRAGMA journal_mode=WAL").fetchone())
                self._write(self._initialise)
            self._check_format()
        except sqlite3.DatabaseError as exc:  # an SQLite file, but damaged (e.g. cut short)
            self._conn.close()
            raise LedgerEntryError(f"{self.path}: the ledger file is damaged: {exc}", entry=None,
                                   problem=DAMAGED) from None
        except BaseException:
            self._conn.close()
            raise

    # -- set-up -------------------------------------------------------------------------------

    def _initialise(self) -> None:
        for statement in _SCHEMA:
            self._conn.execute(statement)
        rows = [("format", LEDGER_FORMAT), ("format_version", str(LEDGER_FORMAT_VERSION)), ("created_at", _now())]
        self._conn.executemany("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", rows)

    def _check_format(self) -> None:
        try:
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
            self._conn.execute("SELECT seq FROM entries LIMIT 0")
        except sqlite3.DatabaseError as exc:
            raise InputDataError(MSG_NOT_LEDGER.format(path=self.path, why=str(exc))) from None
        if meta.get("format") != LEDGER_FORMAT:
            raise InputDataError(MSG_NOT_LEDGER.format(path=self.path, why="no govaudit ledger header"))
        try:
            version = int(meta.get("format_version", ""))
        except ValueError:
            raise InputDataError(MSG_NOT_LEDGER.format(path=self.path, why="unreadable format version")) from None
        if version > LEDGER_FORMAT_VERSION:
            raise InputDataError(MSG_NEWER.format(path=self.path, found=version, supported=LEDGER_FORMAT_VERSION))

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM entries").fetchone()[0])

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    # -- transactions -------------------------------------------------------------------------

    def _retry(self, fn: Any) -> Any:
        deadline = time.monotonic() + self._timeout
        delay = 0.002
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.1)

    def _write(self, fn: Any) -> Any:
        """Run ``fn`` in one write transaction, retrying while the database is busy."""

        def attempt() -> Any:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn()
                self._conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
            return result

        return self._retry(attempt)

    # -- appending ----------------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def checkpoint(self) -> Checkpoint | None:
        """The signed checkpoint (size, newest entry hash, Merkle root), or ``None`` when empty."""
        text = self._meta("checkpoint")
        if text is None:
            return None
        try:
            return Checkpoint.from_dict(json.loads(text))
        except (ValueError, KeyError, TypeError):
            raise LedgerIntegrityError(f"{self.path}: the signed checkpoint is unreadable") from None

    def _head(self) -> tuple[int, str, MerkleFrontier]:
        """Size, newest entry hash and Merkle frontier, after checking they agree with the entries."""
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
        public_key = key.public_key.raw.hex()

        def txn() -> list[LedgerEntry]:
            size, prev, frontier = self._head()
            entries: list[LedgerEntry] = []
            for payload, payload_sha in hashed:
                seq, created_at = size + len(entries) + 1, _now()
                header = header_bytes(seq=seq, kind=kind.value, created_at=created_at, fmt=ENTRY_FORMAT_VERSION,
                                      payload_sha256=payload_sha, prev=prev, public_key=public_key,
                                      signer=key.fingerprint)
                entry = LedgerEntry(seq, kind.value, created_at, ENTRY_FORMAT_VERSION, payload, payload_sha, prev,
                                    public_key, key.fingerprint, key.sign(header).hex(), sha256_hex(header))
                frontier.append(leaf_hash(entry.leaf_data()))
                entries.append(entry)
                prev = entry.entry_hash
            head = entries[-1]
            unsigned = Checkpoint(head.seq, head.entry_hash, frontier.root().hex(), public_key, key.fingerprint, "")
            cp = Checkpoint(head.seq, unsigned.head, unsigned.root, public_key, key.fingerprint,
                            key.sign(unsigned.statement()).hex())
            self._conn.executemany(
                f"INSERT INTO entries ({_COLUMNS}) VALUES ({', '.join('?' * len(ENTRY_FIELDS))})",
                [tuple(getattr(e, name) for name in ENTRY_FIELDS) for e in entries])
            self._conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [("checkpoint", json.dumps(cp.to_dict(), sort_keys=True)),
                 ("frontier", json.dumps({"size": frontier.size, "nodes": [n.hex() for n in frontier.nodes]}))],
            )
            return entries

        if not hashed:
            return []
        return self._write(txn)

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

    def _reference(self, seq: int, *, audit_only: bool, what: str) -> LedgerEntry:
        entry = self.entry(seq)
        if audit_only and entry.kind != EntryKind.AUDIT.value:
            raise InputDataError(MSG_BAD_REFERENCE.format(seq=seq, kind=entry.kind, what=what))
        return entry

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

    # -- reading ------------------------------------------------------------------------------

    def entry(self, seq: int) -> LedgerEntry:
        """The entry numbered ``seq`` (from 1)."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE seq = ?", (int(seq),)).fetchone()
        if row is None:
            raise InputDataError(MSG_NO_ENTRY.format(path=self.path, seq=seq, n=len(self)))
        return LedgerEntry.from_row(row)

    def all_entries(self) -> list[LedgerEntry]:
        """Every entry in order."""
        return [LedgerEntry.from_row(r) for r in self._conn.execute(f"SELECT {_COLUMNS} FROM entries ORDER BY seq")]

    def entries(self, *, kind: str | None = None, model: str | None = None, version: str | None = None,
                since: str | date | datetime | None = None, verdict: str | None = None) -> list[LedgerEntry]:
        """Entries matching every filter given, in ledger order.

        Parameters
        ----------
        kind : str, optional
            ``audit``, ``approval``, ``correction`` or ``withdrawal``.
        model, version : str, optional
            Audits of that model (model name or audit name) and version, and the entries that refer
            to them.
        since : str, date or datetime, optional
            Entries appended at or after this UTC time (``YYYY-MM-DD`` or ISO 8601).
        verdict : str, optional
            Only audits with this verdict (``pass``, ``warn``, ``fail``, ``error``).
        """
        since_text = _since(since)
        selected: list[LedgerEntry] = []
        related: set[int] = set()
        for e in self.all_entries():
            if e.kind == EntryKind.AUDIT.value:
                ok = (model is None and version is None) or audit_matches(e.content, model, version)
                ok = ok and (verdict is None or e.content.get("verdict") == verdict)
            else:
                ok = verdict is None and ((model is None and version is None) or e.refers_to in related)
            if ok:
                related.add(e.seq)
                if (kind is None or e.kind == kind) and (since_text is None or e.created_at >= since_text):
                    selected.append(e)
        return selected

    def status(self, seq: int) -> AuditStatus:
        """Approval state of audit entry ``seq``: released, blocked, withdrawn, pending, self-approved."""
        audit = self._reference(seq, audit_only=True, what="a status")
        later = [LedgerEntry.from_row(r) for r in self._conn.execute(
            f"SELECT {_COLUMNS} FROM entries WHERE seq > ? ORDER BY seq", (audit.seq,))]
        return audit_status(audit, later)

    def gate(self, model: str, version: str | None = None, *, public_keys: Sequence[PublicKey] | None = None,
             strict: bool = False) -> GateDecision:
        """Verify the ledger, then decide whether ``model``/``version`` may be released.

        See :func:`govaudit.records.gate_decision` for the rule. Raises
        :class:`~govaudit.exceptions.LedgerIntegrityError` if the ledger does not verify.
        """
        self.verify(public_keys=public_keys)
        return gate_decision(self.all_entries(), model, version, strict=strict)

    # -- verification -------------------------------------------------------------------------

    def verify(self, public_keys: Sequence[PublicKey] | None = None, *, workers: int | None = None) -> VerifyReport:
        """Check every entry, the chain, the signed checkpoint and the Merkle root.

        Parameters
        ----------
        public_keys : sequence of PublicKey, optional
            When given, every entry must be signed by one of them ("unknown key" otherwise).
        workers : int, optional
            Processes checking signatures in parallel (default: one per core above 4,000 entries).

        Returns
        -------
        VerifyReport
            Entry count and Merkle root.

        Raises
        ------
        LedgerEntryError
            Naming the first bad entry and what is wrong with it.
        """
        try:
            return self._verify(public_keys, workers)
        except sqlite3.DatabaseError as exc:  # the file itself is damaged (e.g. cut short)
            raise LedgerEntryError(f"{self.path}: the ledger file is damaged: {exc}", entry=None,
                                   problem=DAMAGED) from None

    def _verify(self, public_keys: Sequence[PublicKey] | None, workers: int | None) -> VerifyReport:
        trusted = None if public_keys is None else frozenset(k.fingerprint for k in public_keys)
        conn = self._conn
        conn.execute("BEGIN")  # one snapshot for the checkpoint and the entries
        try:
            cp_text = self._meta("checkpoint")
            light = conn.execute(f"SELECT {_LIGHT} FROM entries ORDER BY seq").fetchall()
        finally:
            conn.execute("COMMIT")
        try:
            cp = None if cp_text is None else Checkpoint.from_dict(json.loads(cp_text))
        except (ValueError, KeyError, TypeError):
            cp = None
        n = len(light)
        nworkers = default_workers(n) if workers is None else max(1, int(workers))
        seqs = [row[0] for row in light]

        def self_check() -> tuple[int, str, str] | None:
            if n == 0:
                return None
            if nworkers <= 1:
                return _check_db_range(str(self.path), 0, n, seqs[0], seqs[-1], trusted)
            bounds = [round(i * n / nworkers) for i in range(nworkers + 1)]
            with pool(nworkers) as executor:
                futures = [executor.submit(_check_db_range, str(self.path), lo, hi, seqs[lo], seqs[hi - 1], trusted)
                           for lo, hi in zip(bounds, bounds[1:]) if hi > lo]
                found = [f.result() for f in futures]
            return min((f for f in found if f is not None), default=None)

        def row_at(position: int) -> tuple[Any, ...]:
            return conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE seq = ?", (seqs[position - 1],)).fetchone()

        return verify_structure(light, self_check, row_at, cp, ordered_store=True, trusted=trusted,
                                source=str(self.path))

    # -- Merkle tree --------------------------------------------------------------------------

    def _leaves(self, size: int | None) -> list[bytes]:
        n = len(self)
        size = n if size is None else int(size)
        if not 0 <= size <= n:
            raise InputDataError(f"{self.path} has {n} entries; no tree of size {size}")
        rows = self._conn.execute("SELECT entry_hash, signature FROM entries ORDER BY seq LIMIT ?", (size,))
        return [leaf_hash(bytes.fromhex(h) + bytes.fromhex(s)) for h, s in rows]

    def root(self, size: int | None = None) -> str:
        """Hex Merkle root (RFC 9162) over the first ``size`` entries (default: all)."""
        return root_from_leaves(self._leaves(size)).hex()

    def inclusion_proof(self, seq: int, size: int | None = None) -> dict[str, Any]:
        """Proof that entry ``seq`` is in the tree of the first ``size`` entries (default: all).

        Returns a JSON-ready mapping that :func:`govaudit.records.check_proof` verifies against a
        published root; its size is O(log n).
        """
        leaves = self._leaves(size)
        entry = self.entry(seq)
        if seq > len(leaves):
            raise InputDataError(f"entry {seq} is not in a tree of {len(leaves)} entries")
        path = inclusion_proof(seq - 1, leaves)
        return {"type": "govaudit.ledger.inclusion_proof", "entry": seq, "leaf_index": seq - 1,
                "tree_size": len(leaves), "entry_hash": entry.entry_hash, "signature": entry.signature,
                "leaf_hash": leaves[seq - 1].hex(), "path": [p.hex() for p in path],
                "root": root_from_leaves(leaves).hex()}

    def consistency_proof(self, old_size: int, size: int | None = None) -> dict[str, Any]:
        """Proof that the tree of the first ``size`` entries extends the tree of ``old_size`` entries."""
        leaves = self._leaves(size)
        if not 0 < old_size <= len(leaves):
            raise InputDataError(f"old size must be between 1 and {len(leaves)}, not {old_size}")
        path = consistency_proof(old_size, leaves)
        return {"type": "govaudit.ledger.consistency_proof", "old_size": old_size, "new_size": len(leaves),
                "old_root": root_from_leaves(leaves[:old_size]).hex(), "new_root": root_from_leaves(leaves).hex(),
                "path": [p.hex() for p in path]}

    # -- export -------------------------------------------------------------------------------

    def export_jsonl(self, path: str | os.PathLike[str]) -> Path:
        """Write the whole ledger as JSON Lines (a header line, one line per entry, the checkpoint).

        The file verifies on its own (:func:`govaudit.records.verify_ledger_file`), so a ledger can be
        published as a plain file. Written atomically from one consistent snapshot.
        """
        from govaudit.records._ledger_jsonl import write_jsonl

        conn = self._conn
        conn.execute("BEGIN")
        try:
            cp = self.checkpoint()
            rows = conn.execute(f"SELECT {_COLUMNS} FROM entries ORDER BY seq")
            return write_jsonl(Path(path), (LedgerEntry.from_row(r) for r in rows), cp)
        finally:
            conn.execute("COMMIT")


def _since(since: str | date | datetime | None) -> str | None:
    if since is None:
        return None
    if isinstance(since, datetime):
        value = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(since, date):
        return since.isoformat()
    try:
        parsed = datetime.fromisoformat(str(since).replace("Z", "+00:00"))
    except ValueError:
        raise InputDataError(f"--since must be a date (YYYY-MM-DD) or ISO 8601 time, not {since!r}") from None
    if len(str(since)) == 10:
        return parsed.date().isoformat()
    return _since(parsed)


def _check_db_range(path: str, lo: int, hi: int, first_seq: int, last_seq: int,
                    trusted: frozenset[str] | None) -> tuple[int, str, str] | None:
    """Check entries ``first_seq..last_seq`` on their own; positions returned are 1-based."""
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE seq BETWEEN ? AND ? ORDER BY seq",
                            (first_seq, last_seq))
        found = check_rows(rows, trusted)
    finally:
        conn.close()
    return None if found is None else (lo + found[0] + 1, found[1], found[2])
