"""Verifying a ledger from a trusted checkpoint: only the entries appended after it are read and checked.

A verifier that already trusts the first ``size`` entries (it verified them, or holds their published
Merkle root) needs only the entries after them. The ledger keeps the roots of its complete Merkle
subtrees (table ``merkle_nodes``), so the tree of the first ``size`` entries is rebuilt from
O(log size) stored nodes. Those nodes are not trusted: they must hash to the trusted root, and the
newest trusted entry's leaf must hash up to them, or verification fails. The new entries are then
checked one by one (signature, hashes, chain link to the newest trusted entry) and added to the tree,
whose root must equal the ledger's signed checkpoint.

What this proves: the ledger extends the trusted state, and every later entry is intact. Earlier
entries are not re-read; a full :meth:`~govaudit.records.Ledger.verify` checks them again.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from govaudit.exceptions import InputDataError, LedgerEntryError
from govaudit.records._ledger_entry import ZERO_HASH
from govaudit.records._ledger_verify import (
    CONTENT_CHANGED,
    ENTRY_MISSING,
    TRUNCATED,
    Checkpoint,
    VerifyReport,
    check_checkpoint,
)
from govaudit.records._merkle import EMPTY_ROOT, MerkleFrontier, leaf_hash, node_hash, root_from_leaves

__all__ = ["HISTORY_CHANGED", "TrustedCheckpoint", "base_tree", "verify_extension"]

#: Problem code: the ledger does not extend the trusted checkpoint (its earlier history differs).
HISTORY_CHANGED = "history_changed"
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class TrustedCheckpoint:
    """A ledger state the verifier already trusts: its number of entries and their Merkle root.

    Take them from an earlier verification (``VerifyReport.entries`` and ``.root``) or from a
    published root (``govaudit ledger root``).

    Raises
    ------
    InputDataError
        ``size`` is negative or ``root`` is not 64 hex characters.
    """

    size: int
    root: str

    def __post_init__(self) -> None:
        if type(self.size) is not int or self.size < 0:
            raise InputDataError(f"the trusted checkpoint size must be a whole number >= 0, not {self.size!r}")
        root = str(self.root).strip().lower()
        if not _HEX64.match(root):
            raise InputDataError(f"the trusted checkpoint root must be 64 hex characters, not {self.root!r}")
        object.__setattr__(self, "root", root)


def _fail(entry: int | None, problem: str, message: str) -> LedgerEntryError:
    return LedgerEntryError(message, entry=entry, problem=problem)


def _stored_node(conn: sqlite3.Connection, level: int, index: int) -> bytes:
    """The root of leaves ``index * 2**level`` onwards (``2**level`` of them), stored or computed."""
    if level == 0:
        row = conn.execute("SELECT entry_hash, signature FROM entries WHERE seq = ?", (index + 1,)).fetchone()
        if row is None:
            raise _fail(index + 1, ENTRY_MISSING, f"entry {index + 1} is missing")
        return leaf_hash(bytes.fromhex(row[0]) + bytes.fromhex(row[1]))
    try:
        row = conn.execute("SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?", (level, index)).fetchone()
    except sqlite3.OperationalError:  # a ledger written before the table existed
        row = None
    if row is not None and isinstance(row[0], bytes) and len(row[0]) == 32:
        return bytes(row[0])
    first = index << level
    rows = conn.execute("SELECT entry_hash, signature FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq",
                        (first, first + (1 << level))).fetchall()
    if len(rows) != 1 << level:
        raise _fail(None, ENTRY_MISSING, f"entries {first + 1} to {first + (1 << level)} are incomplete")
    return root_from_leaves([leaf_hash(bytes.fromhex(h) + bytes.fromhex(s)) for h, s in rows])


def base_tree(conn: sqlite3.Connection, trusted: TrustedCheckpoint,
              source: str) -> tuple[MerkleFrontier, str, str | None]:
    """The Merkle frontier of the first ``trusted.size`` entries, the newest one's entry hash and signer, checked.

    Raises
    ------
    LedgerEntryError
        ``history_changed`` when the stored state does not hash to the trusted root.
    """
    m = trusted.size
    if m == 0:
        if trusted.root != EMPTY_ROOT.hex():
            raise _fail(None, HISTORY_CHANGED, f"{source}: the root of an empty ledger is {EMPTY_ROOT.hex()}")
        return MerkleFrontier(), ZERO_HASH, None
    last = conn.execute("SELECT entry_hash, signature, signer FROM entries WHERE seq = ?", (m,)).fetchone()
    if last is None:
        raise _fail(m, TRUNCATED, f"{source}: entry {m} of the trusted checkpoint is missing (the ledger was "
                                  "truncated or replaced)")
    nodes, start = [], 0
    for level in range(m.bit_length() - 1, -1, -1):  # complete subtrees, largest first
        if m >> level & 1:
            nodes.append(_stored_node(conn, level, start >> level))
            start += 1 << level
    # The newest trusted entry's leaf must hash up to the smallest subtree, through its left siblings.
    try:
        node = leaf_hash(bytes.fromhex(last[0]) + bytes.fromhex(last[1]))
    except (TypeError, ValueError):
        node = b""
    low = (m & -m).bit_length() - 1
    for level in range(low):
        node = node_hash(_stored_node(conn, level, ((m - 1) >> level) - 1), node)
    frontier = MerkleFrontier(m, nodes)
    if node != nodes[-1] or frontier.root().hex() != trusted.root:
        raise _fail(None, HISTORY_CHANGED,
                    f"{source}: the ledger does not extend the trusted checkpoint: the Merkle root of its first "
                    f"{m} entries is not {trusted.root[:16]} (entries up to {m} were changed, or the ledger "
                    "was replaced)")
    return frontier, str(last[0]), last[2]


def verify_extension(
    trusted: TrustedCheckpoint,
    base: tuple[MerkleFrontier, str, str | None],
    light: Sequence[tuple[Any, Any, Any, Any, Any]],
    self_check: Callable[[], tuple[int, str, str] | None],
    checkpoint: Checkpoint | None,
    *,
    keys: frozenset[str] | None,
    source: str,
) -> VerifyReport:
    """Check the entries after a trusted checkpoint, their chain, the checkpoint and the root.

    Parameters
    ----------
    trusted : TrustedCheckpoint
        The state already trusted; ``base`` is its checked frontier and newest entry hash.
    light : sequence of (seq, prev_hash, entry_hash, signature, signer)
        The entries after it, in stored order.
    self_check : callable
        Checks those entries on their own; the first problem as ``(entry number, code, detail)``.
    checkpoint : Checkpoint or None
        The ledger's signed checkpoint.
    keys : frozenset of str or None
        Fingerprints of the trusted signing keys.
    """
    m = trusted.size
    frontier, prev, signer = base
    problems: list[tuple[int, int, str, str]] = []  # (entry, priority, code, message)
    for i, (seq, *_rest) in enumerate(light):
        if seq != m + 1 + i:
            code = ENTRY_MISSING if isinstance(seq, int) and seq > m + 1 + i else CONTENT_CHANGED
            problems.append((m + 1 + i, 0, code,
                             f"entry {m + 1 + i} is missing or was renumbered (entry {seq} is stored in its place)"))
            break
    own = self_check()
    if own is not None:
        problems.append((own[0], 1, own[1], f"entry {own[0]}: {own[2]}"))
    for i, (_seq, link, ehash, _sig, _signer) in enumerate(light):
        if link != prev:
            p = m + 1 + i
            what = (f"it does not extend the trusted checkpoint (its link to entry {m} does not match)" if i == 0
                    else f"its link to entry {p - 1} does not match (entry {p - 1} was replaced or moved)")
            problems.append((p, 2, CONTENT_CHANGED, f"entry {p}: {what}"))
            break
        prev = ehash
    if problems:
        p, _, code, message = min(problems)
        raise _fail(p, code, f"{source}: {message}")
    for _seq, _link, ehash, sig, _signer in light:
        frontier.append(leaf_hash(bytes.fromhex(ehash) + bytes.fromhex(sig)))
    n, root = m + len(light), frontier.root().hex()
    head = light[-1][2] if light else (prev if m else None)
    check_checkpoint(checkpoint, n, head, root, light[-1][4] if light else signer, keys, source)
    signers: dict[str, int] = {}
    for row in light:
        signers[row[4]] = signers.get(row[4], 0) + 1
    return VerifyReport(entries=n, root=root, head=head, signers=signers, trusted_keys_checked=keys is not None,
                        since=m)
