"""A ledger as a plain JSON Lines file: export, read and verify without SQLite.

Layout: a header line ``{"govaudit_ledger": {"format": ..., "format_version": 1}}``, one line per
entry (its fields; the payload as its canonical JSON text, so the hashed bytes survive), and a
last line ``{"checkpoint": {...}}`` with the signed checkpoint. The checks are the same as for the
SQLite file, so a published export proves as much as the ledger it came from.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from govaudit.exceptions import InputDataError, LedgerEntryError
from govaudit.records._ledger_entry import ENTRY_FIELDS, LedgerEntry
from govaudit.records._ledger_incremental import HISTORY_CHANGED, TrustedCheckpoint
from govaudit.records._ledger_store import (
    LEDGER_FORMAT,
    LEDGER_FORMAT_VERSION,
    MSG_NEWER,
    MSG_NOT_FOUND,
    MSG_NOT_LEDGER,
    is_sqlite_file,
)
from govaudit.records._ledger_verify import (
    TRUNCATED,
    Checkpoint,
    VerifyReport,
    check_rows,
    default_workers,
    pool,
    verify_structure,
)
from govaudit.records._merkle import leaf_hash, root_from_leaves
from govaudit.records._signing import PublicKey

__all__ = ["read_jsonl", "verify_jsonl", "verify_ledger_file", "write_jsonl"]

HEADER_KEY = "govaudit_ledger"
_FIELDS = frozenset(ENTRY_FIELDS)


def write_jsonl(path: Path, entries: Iterable[LedgerEntry], checkpoint: Checkpoint | None) -> Path:
    """Write entries and checkpoint as JSON Lines, atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            header = {HEADER_KEY: {"format": LEDGER_FORMAT, "format_version": LEDGER_FORMAT_VERSION}}
            fh.write(json.dumps(header, sort_keys=True) + "\n")
            for entry in entries:
                fh.write(json.dumps(entry.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")
            if checkpoint is not None:
                fh.write(json.dumps({"checkpoint": checkpoint.to_dict()}, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return path


def _row(line: bytes) -> tuple[Any, ...] | None:
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(obj, dict) or set(obj) != _FIELDS:
        return None
    row = tuple(obj[name] for name in ENTRY_FIELDS)
    payload = row[4]
    if not isinstance(payload, str):
        return None
    try:
        encoded = payload.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return row[:4] + (encoded,) + row[5:]


def read_jsonl(path: str | os.PathLike[str]) -> tuple[list[tuple[Any, ...] | None], Checkpoint | None]:
    """Rows (``None`` for a line that is not an entry) and the checkpoint of a JSON Lines ledger.

    Raises
    ------
    InputDataError
        The file is missing, is not a govaudit ledger export, or is of a newer format version.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputDataError(MSG_NOT_FOUND.format(path=path)) from None
    except OSError as exc:
        raise InputDataError(f"{path} cannot be read: {exc.strerror or exc}") from None
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    try:
        header = json.loads(lines[0])[HEADER_KEY]
        if header["format"] != LEDGER_FORMAT:
            raise ValueError
        version = int(header["format_version"])
    except (IndexError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputDataError(MSG_NOT_LEDGER.format(path=path, why="no govaudit ledger header line")) from None
    if version > LEDGER_FORMAT_VERSION:
        raise InputDataError(MSG_NEWER.format(path=path, found=version, supported=LEDGER_FORMAT_VERSION))
    body = lines[1:]
    checkpoint = None
    if body:
        try:
            last = json.loads(body[-1])
            if isinstance(last, dict) and set(last) == {"checkpoint"}:
                checkpoint = Checkpoint.from_dict(last["checkpoint"])
                body.pop()
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            pass
    return [_row(line) for line in body], checkpoint


def _light(row: tuple[Any, ...] | None) -> tuple[Any, Any, Any, Any, Any]:
    if row is None:
        return (None, None, None, None, None)
    return (row[0], row[6], row[10], row[9], row[8])


def verify_jsonl(path: str | os.PathLike[str], public_keys: Sequence[PublicKey] | None = None, *,
                 workers: int | None = None, since: TrustedCheckpoint | None = None) -> VerifyReport:
    """Verify a JSON Lines ledger export exactly as :meth:`Ledger.verify` verifies the SQLite file.

    A file has no stored Merkle nodes to start from, so with ``since`` every entry is still checked,
    and the first ``since.size`` entries must also hash to ``since.root``.
    """
    rows, checkpoint = read_jsonl(path)
    trusted = None if public_keys is None else frozenset(k.fingerprint for k in public_keys)
    n = len(rows)
    nworkers = default_workers(n) if workers is None else max(1, int(workers))
    checkable = [r if r is not None else ("malformed",) for r in rows]

    def self_check() -> tuple[int, str, str] | None:
        if nworkers <= 1 or n == 0:
            found = check_rows(checkable, trusted)
            return None if found is None else (found[0] + 1, found[1], found[2])
        bounds = [round(i * n / nworkers) for i in range(nworkers + 1)]
        with pool(nworkers) as executor:
            futures = [(lo, executor.submit(check_rows, checkable[lo:hi], trusted))
                       for lo, hi in zip(bounds, bounds[1:]) if hi > lo]
            found = [(lo + f[0] + 1, f[1], f[2]) for lo, fut in futures if (f := fut.result()) is not None]
        return min(found, default=None)

    light = [_light(r) for r in rows]
    report = verify_structure(light, self_check, lambda p: checkable[p - 1], checkpoint,
                              ordered_store=False, trusted=trusted, source=str(path))
    if since is not None:
        if since.size > n:
            raise LedgerEntryError(f"{path}: it has {n} entries, fewer than the trusted checkpoint's {since.size}",
                                   entry=n + 1, problem=TRUNCATED)
        leaves = [leaf_hash(bytes.fromhex(h) + bytes.fromhex(s)) for _, _, h, s, _ in light[:since.size]]
        if root_from_leaves(leaves).hex() != since.root:
            raise LedgerEntryError(f"{path}: it does not extend the trusted checkpoint: the Merkle root of its first "
                                   f"{since.size} entries is not {since.root[:16]}", entry=None,
                                   problem=HISTORY_CHANGED)
    return report


def verify_ledger_file(path: str | os.PathLike[str], public_keys: Sequence[PublicKey] | None = None, *,
                       workers: int | None = None, since: TrustedCheckpoint | None = None) -> VerifyReport:
    """Verify a ledger given as its SQLite file or as a JSON Lines export (detected from the content).

    With ``since`` (a trusted size and Merkle root), an SQLite ledger is checked only after it
    (see :meth:`Ledger.verify`); an export is checked whole and must also extend it.

    Raises
    ------
    InputDataError
        The file is missing or is neither kind of govaudit ledger.
    LedgerEntryError
        The ledger was altered; the first bad entry is named.
    """
    from govaudit.records._ledger import Ledger

    path = Path(path)
    if not path.is_file():
        raise InputDataError(MSG_NOT_FOUND.format(path=path))
    if is_sqlite_file(path):
        with Ledger(path) as ledger:
            return ledger.verify(public_keys, workers=workers, since=since)
    return verify_jsonl(path, public_keys, workers=workers, since=since)
