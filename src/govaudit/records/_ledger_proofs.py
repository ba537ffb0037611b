"""Check inclusion and consistency proofs printed by ``govaudit ledger prove`` against published roots."""

from __future__ import annotations

from typing import Any

from govaudit.exceptions import InputDataError, LedgerIntegrityError
from govaudit.records._merkle import leaf_hash, verify_consistency, verify_inclusion

__all__ = ["check_proof"]

MSG_BAD_PROOF = "not a govaudit ledger proof: {why}"


def _hex(value: Any, name: str, size: int = 32) -> bytes:
    try:
        raw = bytes.fromhex(value)
    except (TypeError, ValueError):
        raise InputDataError(MSG_BAD_PROOF.format(why=f"{name} is not hex")) from None
    if len(raw) != size:
        raise InputDataError(MSG_BAD_PROOF.format(why=f"{name} has {len(raw)} bytes, expected {size}"))
    return raw


def _int(proof: dict[str, Any], name: str) -> int:
    value = proof.get(name)
    if type(value) is not int:
        raise InputDataError(MSG_BAD_PROOF.format(why=f"{name} must be a whole number"))
    return value


def check_proof(proof: dict[str, Any], *, root: str | None = None, old_root: str | None = None) -> str:
    """Verify a proof against published roots; return a one-line description of what it proves.

    Parameters
    ----------
    proof : dict
        From :meth:`Ledger.inclusion_proof` or :meth:`Ledger.consistency_proof` (as JSON).
    root : str
        The published root (hex) of the tree the proof is for. Required for an inclusion proof;
        for a consistency proof, defaults to the proof's ``new_root`` (e.g. the current ledger's).
    old_root : str
        For a consistency proof: the earlier published root (hex). Required.

    Raises
    ------
    InputDataError
        The proof is malformed, or a required root is missing.
    LedgerIntegrityError
        The proof does not verify against the roots given.
    """
    if not isinstance(proof, dict):
        raise InputDataError(MSG_BAD_PROOF.format(why="expected a JSON object"))
    path_hex = proof.get("path")
    if not isinstance(path_hex, list):
        raise InputDataError(MSG_BAD_PROOF.format(why="path must be a list"))
    path = [_hex(p, "a path node") for p in path_hex]
    kind = proof.get("type")
    if kind == "govaudit.ledger.inclusion_proof":
        if root is None:
            raise InputDataError("checking an inclusion proof needs the published root (--root)")
        index, size = _int(proof, "leaf_index"), _int(proof, "tree_size")
        leaf = leaf_hash(_hex(proof.get("entry_hash"), "entry_hash") + _hex(proof.get("signature"), "signature", 64))
        if leaf != _hex(proof.get("leaf_hash"), "leaf_hash"):
            raise LedgerIntegrityError("inclusion proof invalid: its leaf hash does not match its entry hash and signature")
        if not verify_inclusion(leaf, index, size, path, _hex(root, "root")):
            raise LedgerIntegrityError(
                f"inclusion proof invalid: entry {index + 1} is not in the tree of {size} entries with root {root}")
        return f"entry {index + 1} (hash {proof['entry_hash']}) is included in the ledger of {size} entries with root {root}"
    if kind == "govaudit.ledger.consistency_proof":
        if old_root is None:
            raise InputDataError("checking a consistency proof needs the earlier published root (--old-root)")
        old_size, new_size = _int(proof, "old_size"), _int(proof, "new_size")
        new_root = root if root is not None else proof.get("new_root")
        if not verify_consistency(old_size, new_size, _hex(old_root, "old root"), _hex(new_root, "new root"), path):
            raise LedgerIntegrityError(
                f"consistency proof invalid: the ledger of {new_size} entries (root {new_root}) does not extend "
                f"the published ledger of {old_size} entries (root {old_root}): history was changed")
        return f"the ledger of {new_size} entries (root {new_root}) extends the one of {old_size} entries (root {old_root})"
    raise InputDataError(MSG_BAD_PROOF.format(why=f"unknown type {kind!r}"))
