"""Verification of a ledger's entries: each entry on its own, the chain, the checkpoint, the root.

Checking one entry (payload hash, header hash, key fingerprint, Ed25519 signature) needs nothing
but that entry, so large ledgers are split into ranges checked in parallel worker processes;
the main process meanwhile checks numbering and chain links and builds the Merkle tree. The
first bad entry, in ledger order, is reported with what is wrong with it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from govaudit.exceptions import LedgerEntryError
from govaudit.records._ledger_entry import ENTRY_FORMAT_VERSION, ZERO_HASH, header_bytes, malformed_field
from govaudit.records._merkle import root_from_leaves
from govaudit.records._signing import verify_signature

__all__ = ["Checkpoint", "VerifyReport", "check_checkpoint", "check_rows", "verify_structure"]

#: Below this many entries, verification runs in one process (starting workers costs more).
PARALLEL_MIN_ENTRIES = 4000
CHECKPOINT_TYPE = "govaudit.ledger.checkpoint"

_sha256 = hashlib.sha256

# Problem codes (LedgerEntryError.problem).
CONTENT_CHANGED = "content_changed"
SIGNATURE_INVALID = "signature_invalid"
ENTRY_MISSING = "entry_missing"
ORDER_CHANGED = "order_changed"
UNKNOWN_KEY = "unknown_key"
TRUNCATED = "truncated"
CHECKPOINT_INVALID = "checkpoint_invalid"
DAMAGED = "damaged"


@dataclass(frozen=True)
class Checkpoint:
    """The ledger's signed statement of its size, newest entry and Merkle root.

    Signed by the key that appended the newest entry, and rewritten with every append, so the tail
    of a ledger cannot be cut off (or the root changed) without that key.
    """

    size: int
    head: str
    root: str
    public_key: str
    signer: str
    signature: str

    def statement(self) -> bytes:
        """The signed bytes (RFC 8785 canonical JSON)."""
        return (
            f'{{"head":"{self.head}","root":"{self.root}","size":{int(self.size)},"type":"{CHECKPOINT_TYPE}"}}'
        ).encode("ascii")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {"size": self.size, "head": self.head, "root": self.root, "public_key": self.public_key,
                "signer": self.signer, "signature": self.signature}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Checkpoint":
        """Parse the JSON form; raises ``KeyError``/``TypeError``/``ValueError`` when malformed."""
        cp = cls(int(data["size"]), str(data["head"]), str(data["root"]), str(data["public_key"]),
                 str(data["signer"]), str(data["signature"]))
        for name in ("head", "root", "public_key", "signer"):
            bytes.fromhex(getattr(cp, name))
        return cp


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of a successful verification.

    Attributes
    ----------
    entries : int
        Number of entries, all intact.
    root : str
        Hex Merkle root (RFC 9162) over the entries; publish it to pin the ledger's history.
    head : str or None
        Entry hash of the newest entry.
    signers : dict of str to int
        Entries per signing-key fingerprint.
    trusted_keys_checked : bool
        Whether every signer was checked against given public keys.
    since : int
        Entries taken as verified from a trusted checkpoint (0 for a full verification); ``signers``
        counts only the entries after them.
    """

    entries: int
    root: str
    head: str | None
    signers: dict[str, int] = field(default_factory=dict)
    trusted_keys_checked: bool = False
    since: int = 0


def _check_row(row: Sequence[Any], trusted: frozenset[str] | None, keys: dict[str, tuple[bytes, str]]) -> tuple[str, str] | None:
    """Problem with one entry on its own (``(code, detail)``), or ``None`` when it is intact."""
    try:
        seq, kind, created_at, fmt, payload, payload_sha, prev, pub, signer, sig, ehash = row
    except (TypeError, ValueError):
        return CONTENT_CHANGED, "it does not have the fields of a ledger entry"
    bad = malformed_field(kind, created_at, fmt, payload_sha, prev, pub, seq, signer, sig, ehash)
    if bad is not None:
        return CONTENT_CHANGED, f"its {bad} field was altered (not a valid value)"
    if fmt != ENTRY_FORMAT_VERSION:
        return CONTENT_CHANGED, f"its format field was altered ({fmt}, expected {ENTRY_FORMAT_VERSION})"
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    if not isinstance(payload, bytes):
        return CONTENT_CHANGED, "its payload was altered (not text)"
    if _sha256(payload).hexdigest() != payload_sha:
        return CONTENT_CHANGED, "its content was changed (the payload no longer matches its hash)"
    header = header_bytes(seq=seq, kind=kind, created_at=created_at, fmt=fmt, payload_sha256=payload_sha,
                          prev=prev, public_key=pub, signer=signer)
    if _sha256(header).hexdigest() != ehash:
        return CONTENT_CHANGED, "its fields were changed (they no longer match its entry hash)"
    known = keys.get(pub)  # (raw key, its fingerprint), computed once per key
    if known is None:
        raw = bytes.fromhex(pub)
        known = (raw, _sha256(raw).hexdigest())
        if known[1] != signer:
            return UNKNOWN_KEY, "its signer fingerprint does not match its public key"
        if len(raw) != 32:
            return UNKNOWN_KEY, "its public key is not a valid Ed25519 key"
        keys[pub] = known
    elif signer != known[1]:
        return UNKNOWN_KEY, "its signer fingerprint does not match its public key"
    raw = known[0]
    if trusted is not None and signer not in trusted:
        return UNKNOWN_KEY, f"it is signed by an unknown key {signer[:16]} (not one of the given public keys)"
    if not verify_signature(raw, bytes.fromhex(sig), header):
        return SIGNATURE_INVALID, "its signature is invalid"
    return None


def check_rows(rows: Iterable[Sequence[Any]], trusted: frozenset[str] | None) -> tuple[int, str, str] | None:
    """Check entries on their own; the first problem as ``(index in rows, code, detail)``."""
    keys: dict[str, tuple[bytes, str]] = {}
    for i, row in enumerate(rows):
        problem = _check_row(row, trusted, keys)
        if problem is not None:
            return i, problem[0], problem[1]
    return None


def pool(workers: int) -> Executor:
    """A process pool; forked on platforms that allow it (no re-import of the library)."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def default_workers(n: int) -> int:
    """Worker processes for ``n`` entries: one per core for large ledgers, else none."""
    if n < PARALLEL_MIN_ENTRIES:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _fail(entry: int | None, problem: str, message: str) -> LedgerEntryError:
    return LedgerEntryError(message, entry=entry, problem=problem)


def _numbering_error(seqs: Sequence[Any], ordered_store: bool) -> tuple[int, str, str] | None:
    """First position whose entry number is not its position (missing or reordered entries)."""
    for p, seq in enumerate(seqs, 1):
        if seq == p:
            continue
        if not isinstance(seq, int):
            return p, CONTENT_CHANGED, f"entry {p}: it was altered (it is no longer a readable entry)"
        if p < len(seqs) and seqs[p] == p + 1 and (p == 1 or seqs[p - 2] == p - 1):
            return p, CONTENT_CHANGED, f"entry {p}: its number was altered (it reads {seq})"
        if seq > p:
            if not ordered_store and p in set(seqs[p:]):
                return p, ORDER_CHANGED, f"entry {p}: order changed (it is stored after entry {seq})"
            what = f"entry {p} is missing" if seq == p + 1 else f"entries {p} to {seq - 1} are missing"
            return p, ENTRY_MISSING, f"{what} (deleted: the next stored entry is {seq})"
        return p, ORDER_CHANGED, f"entry {p}: order changed or duplicated (entry {seq} stored in its place)"
    return None


def _link_error(prevs: Sequence[Any], hashes: Sequence[Any]) -> tuple[int, str, str] | None:
    """First break in the hash chain, named by the entry that was replaced or moved."""
    position: dict[Any, int] | None = None
    for p, prev in enumerate(prevs, 1):
        expected = ZERO_HASH if p == 1 else hashes[p - 2]
        if prev == expected:
            continue
        if p == 1:
            return 1, CONTENT_CHANGED, "entry 1: it does not start the chain (earlier history was removed)"
        if position is None:
            position = {h: i for i, h in enumerate(hashes, 1)}
        q = position.get(prev)
        if q is not None:
            return p, ORDER_CHANGED, f"entry {p}: order changed (it was appended after entry {q}, not {p - 1})"
        return (p - 1, CONTENT_CHANGED,
                f"entry {p - 1} was replaced after entry {p} was appended (its content or signing key "
                f"changed: entry {p}'s link to it no longer matches)")
    return None


def _moved_entry(row: Sequence[Any], p: int, n: int) -> str | None:
    """If the entry at position ``p`` is intact but was appended at another position, say which.

    Only run once a problem was found, so trying every position (one hash each) costs little.
    """
    try:
        _seq, kind, created_at, fmt, _payload, payload_sha, prev, pub, signer, _sig, ehash = row
        if malformed_field(kind, created_at, fmt, payload_sha, prev, pub, 1, signer, _sig, ehash):
            return None
    except (TypeError, ValueError):
        return None
    for original in range(1, n + 2):
        header = header_bytes(seq=original, kind=kind, created_at=created_at, fmt=fmt,
                              payload_sha256=payload_sha, prev=prev, public_key=pub, signer=signer)
        if original != p and _sha256(header).hexdigest() == ehash:
            return f"entry {p}: order changed (the entry stored here was appended as entry {original})"
    return None


def _merkle_root(light: Sequence[tuple[Any, Any, Any, Any, Any]]) -> str | None:
    """Hex Merkle root of the entries, or ``None`` when a hash or signature field is not hex."""
    try:
        leaves = [_sha256(b"\x00" + bytes.fromhex(h) + bytes.fromhex(s)).digest() for _, _, h, s, _ in light]
    except (TypeError, ValueError):
        return None
    return root_from_leaves(leaves).hex()


def verify_structure(
    light: Sequence[tuple[Any, Any, Any, Any, Any]],
    self_check: Callable[[], tuple[int, str, str] | None],
    row_at: Callable[[int], Sequence[Any]],
    checkpoint: Checkpoint | None,
    *,
    ordered_store: bool,
    trusted: frozenset[str] | None,
    source: str,
) -> VerifyReport:
    """Combine the per-entry checks with numbering, chain, checkpoint and Merkle checks.

    Parameters
    ----------
    light : sequence of (seq, prev_hash, entry_hash, signature, signer)
        Every entry in stored order.
    self_check : callable
        Runs :func:`check_rows` over all entries (possibly in parallel); returns the first problem
        as ``(position, code, detail)`` with 1-based positions.
    row_at : callable
        The full row at a 1-based position (for diagnosing a moved entry).
    checkpoint : Checkpoint or None
        The ledger's signed checkpoint.
    ordered_store : bool
        True when the store keeps entries sorted by number (SQLite), so a gap means deletion.
    trusted : frozenset of str or None
        Fingerprints of the keys the caller trusts; ``None`` accepts any self-consistent key.
    source : str
        Named in messages.

    Raises
    ------
    LedgerEntryError
        Naming the first bad entry and what is wrong.
    """
    n = len(light)
    seqs = [row[0] for row in light]
    prevs = [row[1] for row in light]
    hashes = [row[2] for row in light]
    problems: list[tuple[int, int, str, str]] = []  # (position, priority, code, message)
    numbering = _numbering_error(seqs, ordered_store)
    if numbering is not None:
        problems.append((numbering[0], 0, numbering[1], numbering[2]))
    root = _merkle_root(light)  # while the entries are checked elsewhere; used only if they are intact
    own = self_check()
    if own is not None:
        p, code, detail = own
        moved = _moved_entry(row_at(p), p, n) if code == CONTENT_CHANGED else None
        problems.append((p, 1, ORDER_CHANGED, moved) if moved else (p, 1, code, f"entry {p}: {detail}"))
    limit = min((pr[0] for pr in problems), default=n + 1)
    link = _link_error(prevs[:limit - 1], hashes[:limit - 1])  # entries before the first one bad on its own
    if link is not None:
        problems.append((link[0], 2, link[1], link[2]))
    if problems:
        p, _, code, message = min(problems)
        raise _fail(p, code, f"{source}: {message}")

    if root is None:  # the stored fields changed between the reads: no longer well-formed
        raise _fail(None, CONTENT_CHANGED, f"{source}: the ledger changed while it was verified; verify it again")
    head = hashes[-1] if hashes else None
    check_checkpoint(checkpoint, n, head, root, light[-1][4] if light else None, trusted, source)
    signers: dict[str, int] = {}
    for row in light:
        signers[row[4]] = signers.get(row[4], 0) + 1
    return VerifyReport(entries=n, root=root, head=head, signers=signers, trusted_keys_checked=trusted is not None)


def check_checkpoint(cp: Checkpoint | None, n: int, head: str | None, root: str, head_signer: str | None,
                      trusted: frozenset[str] | None, source: str) -> None:
    if cp is None:
        if n == 0:
            return
        raise _fail(n + 1, TRUNCATED,
                    f"{source}: the signed checkpoint is missing: the ledger was truncated after entry {n} "
                    "(or its checkpoint removed)")
    if cp.size > n:
        what = f"entry {n + 1} is" if cp.size == n + 1 else f"entries {n + 1} to {cp.size} are"
        raise _fail(n + 1, TRUNCATED, f"{source}: {what} missing: the ledger was truncated "
                                      f"(its signed checkpoint records {cp.size} entries, {n} remain)")
    if cp.size < n:
        raise _fail(cp.size + 1, CONTENT_CHANGED,
                    f"{source}: entry {cp.size + 1}: added without updating the signed checkpoint, "
                    f"which records {cp.size} entries")
    if cp.head != head:
        raise _fail(n, CONTENT_CHANGED, f"entry {n}: the newest entry was replaced (it does not match the "
                                        f"ledger's signed checkpoint)")
    if cp.root != root:
        raise _fail(None, CHECKPOINT_INVALID,
                    f"{source}: the Merkle root {root[:16]} differs from the signed checkpoint's {cp.root[:16]}")
    if cp.signer != head_signer or cp.signer != _sha256(bytes.fromhex(cp.public_key)).hexdigest():
        raise _fail(None, CHECKPOINT_INVALID,
                    f"{source}: the checkpoint is not signed by the key of the newest entry")
    if trusted is not None and cp.signer not in trusted:
        raise _fail(None, UNKNOWN_KEY, f"{source}: the checkpoint is signed by an unknown key {cp.signer[:16]}")
    try:
        valid = verify_signature(bytes.fromhex(cp.public_key), bytes.fromhex(cp.signature), cp.statement())
    except ValueError:
        valid = False
    if not valid:
        raise _fail(None, CHECKPOINT_INVALID, f"{source}: the checkpoint's signature is invalid")
