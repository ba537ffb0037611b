"""RFC 9162 Merkle tree: published Certificate Transparency vectors, and every proof shape up to 40 leaves."""

from __future__ import annotations

import hashlib
import math

import pytest

from govaudit.records._merkle import (
    EMPTY_ROOT,
    MerkleFrontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

# The Certificate Transparency reference test vectors (RFC 6962 / RFC 9162 hashing): eight leaf
# inputs, the tree head of each prefix, and known inclusion and consistency paths.
CT_INPUTS = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [  # (0-based leaf, tree size, path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CT_CONSISTENCY = [  # (old size, new size, path)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
LEAVES = [leaf_hash(d) for d in CT_INPUTS]


def mth(leaves):
    """RFC 9162 §2.1.1, written the way the RFC states it (recursive split at the largest power of 2)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def test_hashes_are_domain_separated():
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_published_vectors(size):
    assert root_from_leaves(LEAVES[:size]).hex() == CT_ROOTS[size - 1]
    frontier = MerkleFrontier()
    for leaf in LEAVES[:size]:
        frontier.append(leaf)
    assert frontier.root().hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_proofs_match_the_published_vectors(index, size, path):
    proof = inclusion_proof(index, LEAVES[:size])
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(CT_ROOTS[size - 1])
    assert verify_inclusion(LEAVES[index], index, size, proof, root)
    assert not verify_inclusion(LEAVES[index], index, size, proof, EMPTY_ROOT)
    assert not verify_inclusion(LEAVES[(index + 1) % size], index, size, proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_published_vectors(old, new, path):
    proof = consistency_proof(old, LEAVES[:new])
    assert [p.hex() for p in proof] == path
    assert verify_consistency(old, new, bytes.fromhex(CT_ROOTS[old - 1]), bytes.fromhex(CT_ROOTS[new - 1]), proof)


def test_every_proof_of_every_tree_up_to_40_leaves():
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(40)]
    for n in range(1, 41):
        root = root_from_leaves(leaves[:n])
        assert root == mth(leaves[:n])  # the level-by-level build equals the RFC's recursion
        frontier = MerkleFrontier()
        for leaf in leaves[:n]:
            frontier.append(leaf)
        assert frontier.root() == root and frontier.size == n
        for i in range(n):
            proof = inclusion_proof(i, leaves[:n])
            assert len(proof) <= math.ceil(math.log2(n)) if n > 1 else proof == []
            assert verify_inclusion(leaves[i], i, n, proof, root)
            assert not verify_inclusion(leaves[i], (i + 1) % n if n > 1 else 1, n, proof, root)
            if proof:
                bad = [bytes([proof[0][0] ^ 1]) + proof[0][1:]] + proof[1:]
                assert not verify_inclusion(leaves[i], i, n, bad, root)
        for m in range(1, n + 1):
            proof = consistency_proof(m, leaves[:n])
            old = mth(leaves[:m])
            assert verify_consistency(m, n, old, root, proof)
            if m < n:
                changed = mth([leaf_hash(b"rewritten")] + leaves[1:m])
                assert not verify_consistency(m, n, changed, root, proof)


def test_proof_size_grows_logarithmically():
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(5000)]
    assert len(inclusion_proof(1234, leaves)) <= 13  # ceil(log2(5000)) = 13
    assert len(consistency_proof(1000, leaves)) <= 2 * 13


def test_bad_arguments():
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(3, LEAVES[:3])
    with pytest.raises(ValueError, match="consistency"):
        consistency_proof(0, LEAVES)
    with pytest.raises(ValueError, match="subtree roots"):
        MerkleFrontier(3, [EMPTY_ROOT])
    assert not verify_consistency(3, 2, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_inclusion(LEAVES[0], 5, 3, [], EMPTY_ROOT)
