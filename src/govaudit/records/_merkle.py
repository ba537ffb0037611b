"""Merkle tree hashing and proofs as defined by RFC 9162 (Certificate Transparency v2), §2.1.

Leaf hash ``SHA-256(0x00 || data)``, interior node ``SHA-256(0x01 || left || right)``, and the tree
of ``n`` leaves splits at the largest power of two smaller than ``n``. Inclusion proofs
(``PATH``) and consistency proofs (``PROOF``/``SUBPROOF``) follow §2.1.3 and §2.1.4 so that any
RFC 9162 / RFC 6962 verifier accepts them. Every function works on leaf *hashes* (32 bytes each).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = [
    "EMPTY_ROOT",
    "MerkleFrontier",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_leaves",
    "verify_consistency",
    "verify_inclusion",
]

_sha256 = hashlib.sha256

#: Root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).
EMPTY_ROOT = _sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the hash of one leaf."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaves(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a list of leaf hashes.

    Computed level by level, carrying an unpaired last node up unchanged; this gives the same tree
    as RFC 9162's recursive split at the largest power of two (a test checks both agree).
    """
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        nxt = [_sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path ``PATH(m, D[n])`` for the leaf at 0-based ``index`` (RFC 9162 §2.1.3.1)."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} is outside a tree of {n} leaves")
    path: list[bytes] = []
    lo, hi, m = 0, n, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            path.append(root_from_leaves(leaves[lo + k:hi]))
            hi = lo + k
        else:
            path.append(root_from_leaves(leaves[lo:lo + k]))
            lo, m = lo + k, m - k
    path.reverse()  # the RFC lists the path from the leaf upwards
    return path


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """``PROOF(m, D[n])``: shows the first ``old_size`` leaves are a prefix of ``leaves`` (§2.1.4.1)."""
    n = len(leaves)
    if not 0 < old_size <= n:
        raise ValueError(f"cannot prove consistency from size {old_size} to size {n}")

    def subproof(m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        size = hi - lo
        if m == size:
            return [] if complete else [root_from_leaves(leaves[lo:hi])]
        k = _split(size)
        if m <= k:
            return subproof(m, lo, lo + k, complete) + [root_from_leaves(leaves[lo + k:hi])]
        return subproof(m - k, lo + k, hi, False) + [root_from_leaves(leaves[lo:lo + k])]

    return subproof(old_size, 0, n, True)


def verify_inclusion(leaf: bytes, index: int, tree_size: int, path: Sequence[bytes], root: bytes) -> bool:
    """Check an inclusion proof (RFC 9162 §2.1.3.2): ``leaf`` is leaf ``index`` of the tree with ``root``."""
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """Check a consistency proof (RFC 9162 §2.1.4.2): the tree ``new_root`` extends ``old_root``."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if not path:
        return False
    path = list(path)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class MerkleFrontier:
    """The roots of the perfect subtrees that make up a growing tree (a "compact range").

    Appending a leaf and computing the root both cost O(log n), so a ledger can record its root
    with every entry without rehashing history.
    """

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if bin(size).count("1") != len(nodes):
            raise ValueError(f"a tree of {size} leaves has {bin(size).count('1')} subtree roots, not {len(nodes)}")
        self.size = size
        self.nodes = list(nodes)  # largest subtree first

    def append(self, leaf: bytes, completed: list[tuple[int, int, bytes]] | None = None) -> None:
        """Add one leaf hash, merging equal-sized subtrees.

        When ``completed`` is given, every interior node this completes is added to it as
        ``(level, index, hash)``: the root of leaves ``index * 2**level`` to ``(index + 1) * 2**level - 1``.
        """
        node, size, level = leaf, self.size, 0
        while size & 1:
            node = node_hash(self.nodes.pop(), node)
            size >>= 1
            level += 1
            if completed is not None:
                completed.append((level, (self.size + 1 >> level) - 1, node))
        self.nodes.append(node)
        self.size += 1

    def root(self) -> bytes:
        """The Merkle Tree Hash of every leaf appended so far."""
        if not self.nodes:
            return EMPTY_ROOT
        acc = self.nodes[-1]
        for node in reversed(self.nodes[:-1]):
            acc = node_hash(node, acc)
        return acc
