"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) for everything the ledger hashes.

Sorted keys, UTF-8, no insignificant whitespace, one way to write each number (ECMAScript's), no
NaN or infinity, integers within ±2**53. The same value therefore hashes the same on every run and
platform, and a verifier in another language (any RFC 8785 implementation) gets the same bytes.
"""

from __future__ import annotations

from typing import Any

import rfc8785

from govaudit.exceptions import InputDataError
from govaudit.records._record import AuditRecord

__all__ = ["MSG_NOT_CANONICAL", "canonical_json", "record_payload"]

MSG_NOT_CANONICAL = "cannot write {what} as canonical JSON (RFC 8785): {reason}"


def canonical_json(value: Any, *, what: str = "value") -> bytes:
    """Serialise plain JSON values (dict, list, str, int, float, bool, None) as RFC 8785 bytes.

    Parameters
    ----------
    value : object
        JSON-compatible value; dictionary keys must be strings.
    what : str
        Named in the error message.

    Returns
    -------
    bytes
        UTF-8 canonical JSON.

    Raises
    ------
    InputDataError
        For NaN or infinite floats, integers beyond ±2**53, non-string keys or non-JSON types.
    """
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise InputDataError(MSG_NOT_CANONICAL.format(what=what, reason=exc or type(exc).__name__)) from None


def record_payload(record: AuditRecord) -> bytes:
    """The canonical JSON of an audit record: what an ``audit`` ledger entry stores and hashes."""
    return canonical_json(record.model_dump(mode="json"), what=f"audit record {record.record_id}")
