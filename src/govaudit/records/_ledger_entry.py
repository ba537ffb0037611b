"""One ledger entry: the signed statement (header), its payload, and their hashes.

An entry's *header* is the canonical JSON (RFC 8785) of::

    {"created_at", "format", "kind", "payload_sha256", "prev", "public_key", "seq", "signer",
     "type": "govaudit.ledger.entry"}

``entry_hash`` is SHA-256 of the header; the signature is Ed25519 over the header bytes; ``prev``
is the previous entry's ``entry_hash`` (64 zeros for the first), which chains the entries. The
Merkle leaf of an entry is ``entry_hash || signature`` (96 bytes), so a published root pins the
signatures too. ``payload`` is the canonical JSON the entry is about (an audit record, an
approval, a correction or a withdrawal) and ``payload_sha256`` its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any

from govaudit.records._canonical import canonical_json
from govaudit.records._merkle import leaf_hash
from govaudit.records._record import AuditRecord

__all__ = [
    "ENTRY_FIELDS",
    "ENTRY_FORMAT_VERSION",
    "ZERO_HASH",
    "EntryKind",
    "LedgerEntry",
    "header_bytes",
]

#: Version of the entry format written by this govaudit.
ENTRY_FORMAT_VERSION = 1
#: ``prev`` of the first entry.
ZERO_HASH = "0" * 64
ENTRY_TYPE = "govaudit.ledger.entry"

#: Stored fields of an entry, in the order rows are read and written.
ENTRY_FIELDS = (
    "seq", "kind", "created_at", "format", "payload", "payload_sha256", "prev_hash",
    "public_key", "signer", "signature", "entry_hash",
)

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_HEX448 = re.compile(r"[0-9a-f]{448}\Z")  # five 64-digit hashes/keys and a 128-digit signature
_HEX128 = re.compile(r"[0-9a-f]{128}\Z")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")
# Every header value is a hex string, a fixed-format UTC time, a kind name or an int, none of which
# needs escaping, so the RFC 8785 form is this template (a test checks it against rfc8785 itself).
_HEADER = (
    '{{"created_at":"{0}","format":{1},"kind":"{2}","payload_sha256":"{3}","prev":"{4}",'
    '"public_key":"{5}","seq":{6},"signer":"{7}","type":"' + ENTRY_TYPE + '"}}'
)


class EntryKind(str, Enum):
    """What an entry records."""

    AUDIT = "audit"
    APPROVAL = "approval"
    CORRECTION = "correction"
    WITHDRAWAL = "withdrawal"


_KINDS = frozenset(k.value for k in EntryKind)


def malformed_field(kind: Any, created_at: Any, fmt: Any, payload_sha256: Any, prev: Any,
                    public_key: Any, seq: Any, signer: Any, signature: Any, entry_hash: Any) -> str | None:
    """Name of the first field whose stored value has the wrong form, or ``None``."""
    # Fast path for intact entries (nearly all of them): one match over the hex fields together.
    try:
        hexes = payload_sha256 + prev + public_key + signer + entry_hash + signature
    except TypeError:  # not all text: the checks below name the field
        hexes = None
    if (type(hexes) is str and len(payload_sha256) == len(prev) == len(public_key) == len(signer) == len(entry_hash)
            == 64 and _HEX448.match(hexes) and type(seq) is int and seq >= 1 and type(fmt) is int
            and type(kind) is str and kind in _KINDS and type(created_at) is str and _TIME.match(created_at)):
        return None
    checks = (
        ("seq", type(seq) is int and seq >= 1),
        ("kind", isinstance(kind, str) and kind in _KINDS),
        ("created_at", isinstance(created_at, str) and _TIME.match(created_at)),
        ("format", type(fmt) is int),
        ("payload_sha256", isinstance(payload_sha256, str) and _HEX64.match(payload_sha256)),
        ("prev", isinstance(prev, str) and _HEX64.match(prev)),
        ("public_key", isinstance(public_key, str) and _HEX64.match(public_key)),
        ("signer", isinstance(signer, str) and _HEX64.match(signer)),
        ("signature", isinstance(signature, str) and _HEX128.match(signature)),
        ("entry_hash", isinstance(entry_hash, str) and _HEX64.match(entry_hash)),
    )
    for name, ok in checks:
        if not ok:
            return name
    return None


def header_bytes(*, seq: int, kind: str, created_at: str, fmt: int, payload_sha256: str, prev: str,
                 public_key: str, signer: str) -> bytes:
    """The canonical header that is hashed and signed (fields must be well-formed)."""
    return _HEADER.format(created_at, fmt, kind, payload_sha256, prev, public_key, seq, signer).encode("ascii")


def header_dict(*, seq: int, kind: str, created_at: str, fmt: int, payload_sha256: str, prev: str,
                public_key: str, signer: str) -> dict[str, Any]:
    """The header as a mapping (its RFC 8785 serialisation equals :func:`header_bytes`)."""
    return {"created_at": created_at, "format": fmt, "kind": kind, "payload_sha256": payload_sha256,
            "prev": prev, "public_key": public_key, "seq": seq, "signer": signer, "type": ENTRY_TYPE}


@dataclass(frozen=True)
class LedgerEntry:
    """One stored entry. Read-only: the ledger never changes an entry once written.

    Attributes
    ----------
    seq : int
        Entry number, from 1; also its id on the command line.
    kind : str
        ``audit``, ``approval``, ``correction`` or ``withdrawal``.
    created_at : str
        UTC time of the append, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.
    format : int
        Entry format version.
    payload : bytes
        Canonical JSON of what the entry records.
    payload_sha256, prev_hash, entry_hash : str
        Hex SHA-256 of the payload, of the previous entry's header, and of this entry's header.
    public_key, signer, signature : str
        Hex of the signer's raw public key, its fingerprint, and the Ed25519 signature.
    """

    seq: int
    kind: str
    created_at: str
    format: int
    payload: bytes
    payload_sha256: str
    prev_hash: str
    public_key: str
    signer: str
    signature: str
    entry_hash: str

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> "LedgerEntry":
        """Build from a stored row in :data:`ENTRY_FIELDS` order."""
        return cls(*row)

    def header(self) -> bytes:
        """The signed header bytes."""
        return header_bytes(seq=self.seq, kind=self.kind, created_at=self.created_at, fmt=self.format,
                            payload_sha256=self.payload_sha256, prev=self.prev_hash,
                            public_key=self.public_key, signer=self.signer)

    def leaf_data(self) -> bytes:
        """The Merkle leaf input: entry hash followed by signature."""
        return bytes.fromhex(self.entry_hash) + bytes.fromhex(self.signature)

    def leaf_hash(self) -> bytes:
        """RFC 9162 leaf hash of :meth:`leaf_data`."""
        return leaf_hash(self.leaf_data())

    @cached_property
    def content(self) -> dict[str, Any]:
        """The payload parsed from JSON."""
        return json.loads(self.payload)

    @property
    def record(self) -> AuditRecord | None:
        """The audit record of an ``audit`` entry (``None`` for other kinds)."""
        if self.kind != EntryKind.AUDIT.value:
            return None
        return AuditRecord.from_json(self.payload)

    @property
    def refers_to(self) -> int | None:
        """The entry an approval, correction or withdrawal refers to."""
        if self.kind == EntryKind.AUDIT.value:
            return None
        return int(self.content["entry"])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form (the payload as its canonical JSON text), as in a JSON Lines export."""
        out: dict[str, Any] = {name: getattr(self, name) for name in ENTRY_FIELDS}
        out["payload"] = self.payload.decode("utf-8")
        return out


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


def payload_for(kind: EntryKind, content: dict[str, Any]) -> bytes:
    """Canonical JSON of an entry's payload."""
    return canonical_json(content, what=f"{kind.value} entry")
