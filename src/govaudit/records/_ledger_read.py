"""Reading the ledger: entries and filters, approval state and release gate, verification, proofs, export."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from govaudit.exceptions import InputDataError, LedgerEntryError
from govaudit.records._ledger_entry import EntryKind, LedgerEntry
from govaudit.records._ledger_incremental import TrustedCheckpoint, base_tree, verify_extension
from govaudit.records._ledger_state import AuditStatus, GateDecision, audit_matches, audit_status, gate_decision
from govaudit.records._ledger_store import COLUMNS, LedgerStore
from govaudit.records._ledger_verify import (
    DAMAGED,
    Checkpoint,
    VerifyReport,
    check_rows,
    default_workers,
    pool,
    verify_structure,
)
from govaudit.records._merkle import consistency_proof, inclusion_proof, leaf_hash, root_from_leaves
from govaudit.records._signing import PublicKey

__all__ = ["LedgerReader"]

_LIGHT = "seq, prev_hash, entry_hash, signature, signer"
_RANGES_PER_WORKER = 16
_MIN_RANGE = 500

MSG_NO_ENTRY = "{path} has no entry {seq} (it has {n})"
MSG_BAD_REFERENCE = "entry {seq} is a {kind} entry; {what} refers to an audit entry"


class LedgerReader(LedgerStore):
    """The read side of a :class:`~govaudit.records.Ledger`; it never writes an entry."""

    # -- reading ------------------------------------------------------------------------------

    def entry(self, seq: int) -> LedgerEntry:
        """The entry numbered ``seq`` (from 1)."""
        row = self._conn.execute(f"SELECT {COLUMNS} FROM entries WHERE seq = ?", (int(seq),)).fetchone()
        if row is None:
            raise InputDataError(MSG_NO_ENTRY.format(path=self.path, seq=seq, n=len(self)))
        return LedgerEntry.from_row(row)

    def all_entries(self) -> list[LedgerEntry]:
        """Every entry in order."""
        return [LedgerEntry.from_row(r) for r in self._conn.execute(f"SELECT {COLUMNS} FROM entries ORDER BY seq")]

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

    def _reference(self, seq: int, *, audit_only: bool, what: str) -> LedgerEntry:
        entry = self.entry(seq)
        if audit_only and entry.kind != EntryKind.AUDIT.value:
            raise InputDataError(MSG_BAD_REFERENCE.format(seq=seq, kind=entry.kind, what=what))
        return entry

    def status(self, seq: int) -> AuditStatus:
        """Approval state of audit entry ``seq``: released, blocked, withdrawn, pending, self-approved."""
        audit = self._reference(seq, audit_only=True, what="a status")
        later = [LedgerEntry.from_row(r) for r in self._conn.execute(
            f"SELECT {COLUMNS} FROM entries WHERE seq > ? ORDER BY seq", (audit.seq,))]
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

    def verify(self, public_keys: Sequence[PublicKey] | None = None, *, workers: int | None = None,
               since: TrustedCheckpoint | None = None) -> VerifyReport:
        """Check every entry, the chain, the signed checkpoint and the Merkle root.

        Parameters
        ----------
        public_keys : sequence of PublicKey, optional
            When given, every entry must be signed by one of them ("unknown key" otherwise).
        workers : int, optional
            Processes checking signatures in parallel (default: one per core above 4,000 entries).
        since : TrustedCheckpoint, optional
            A state already verified (size and Merkle root): only the entries after it are read and
            checked, after checking that the ledger extends it (see ``_ledger_incremental``).

        Returns
        -------
        VerifyReport
            Entry count and Merkle root.

        Raises
        ------
        LedgerEntryError
            Naming the first bad entry and what is wrong with it (``history_changed`` when the ledger
            does not extend ``since``).
        """
        try:
            return self._verify(public_keys, workers, since)
        except sqlite3.DatabaseError as exc:  # the file itself is damaged (e.g. cut short)
            raise LedgerEntryError(f"{self.path}: the ledger file is damaged: {exc}", entry=None,
                                   problem=DAMAGED) from None

    def _verify(self, public_keys: Sequence[PublicKey] | None, workers: int | None,
                since: TrustedCheckpoint | None) -> VerifyReport:
        trusted = None if public_keys is None else frozenset(k.fingerprint for k in public_keys)
        conn, source, first = self._conn, str(self.path), 0 if since is None else since.size
        with contextlib.ExitStack() as stack:
            conn.execute("BEGIN")  # one snapshot for the checkpoint and the entries' numbers
            try:
                cp_text = self._meta("checkpoint")
                base = None if since is None else base_tree(conn, since, source)
                seqs = [row[0] for row in conn.execute("SELECT seq FROM entries WHERE seq > ? ORDER BY seq", (first,))]
            finally:
                conn.execute("COMMIT")
            # Worker processes (forked outside any transaction) check the entries on their own while
            # this process reads the chain and builds the Merkle tree. Entries are append-only, so the
            # ones numbered up to the last read above are the same in every later read (unless the file
            # is being tampered with meanwhile, which the checks then report).
            self_check = _start_checks(stack, source, first, seqs, trusted, workers)
            light = conn.execute(f"SELECT {_LIGHT} FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq",
                                 (first, seqs[-1] if seqs else first)).fetchall()
            try:
                cp = None if cp_text is None else Checkpoint.from_dict(json.loads(cp_text))
            except (ValueError, KeyError, TypeError):
                cp = None
            if since is not None and base is not None:
                return verify_extension(since, base, light, self_check, cp, keys=trusted, source=source)

            def row_at(position: int) -> tuple[Any, ...]:
                return conn.execute(f"SELECT {COLUMNS} FROM entries WHERE seq = ?", (seqs[position - 1],)).fetchone()

            return verify_structure(light, self_check, row_at, cp, ordered_store=True, trusted=trusted, source=source)

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
            rows = conn.execute(f"SELECT {COLUMNS} FROM entries ORDER BY seq")
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


def _start_checks(stack: contextlib.ExitStack, source: str, first: int, seqs: list[Any],
                  trusted: frozenset[str] | None, workers: int | None) -> Callable[[], tuple[int, str, str] | None]:
    """Start checking the entries numbered ``seqs`` on their own; the returned call waits for the result.

    Positions in the result are entry numbers (``first`` entries precede the ones checked). Large
    ledgers are split into ranges checked in worker processes (the pool closes with ``stack``).
    """
    n = len(seqs)
    nworkers = default_workers(n) if workers is None else max(1, int(workers))
    if n == 0:
        return lambda: None
    if nworkers <= 1:
        return lambda: _check_db_range(source, first, n, seqs[0], seqs[-1], trusted)
    # Several ranges per worker (of at least _MIN_RANGE entries), so that a worker slowed by other work
    # on the machine is not waited for.
    chunks = max(min(n, nworkers), min(nworkers * _RANGES_PER_WORKER, n // _MIN_RANGE))
    bounds = [round(i * n / chunks) for i in range(chunks + 1)]
    executor = stack.enter_context(pool(nworkers))
    futures = [executor.submit(_check_db_range, source, first + lo, hi, seqs[lo], seqs[hi - 1], trusted)
               for lo, hi in zip(bounds, bounds[1:]) if hi > lo]
    return lambda: min((found for f in futures if (found := f.result()) is not None), default=None)


def _check_db_range(path: str, lo: int, hi: int, first_seq: int, last_seq: int,
                    trusted: frozenset[str] | None) -> tuple[int, str, str] | None:
    """Check entries ``first_seq..last_seq`` on their own; positions returned are 1-based."""
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = conn.execute(f"SELECT {COLUMNS} FROM entries WHERE seq BETWEEN ? AND ? ORDER BY seq",
                            (first_seq, last_seq))
        found = check_rows(rows, trusted)
    finally:
        conn.close()
    return None if found is None else (lo + found[0] + 1, found[1], found[2])
