"""The ledger's SQLite file: its layout and format check, write transactions, and the stored checkpoint.

Appends take the write lock up front (``BEGIN IMMEDIATE``) and retry while another process holds it,
in WAL mode with ``synchronous=FULL``: concurrent writers lose nothing, and a committed entry survives
a crash. A full disk rolls the transaction back and raises :class:`StorageFullError`: the ledger is
as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from govaudit.exceptions import InputDataError, LedgerEntryError, LedgerIntegrityError, StorageFullError
from govaudit.records._ledger_entry import ENTRY_FIELDS
from govaudit.records._ledger_verify import DAMAGED, Checkpoint

__all__ = ["COLUMNS", "LEDGER_FORMAT", "LEDGER_FORMAT_VERSION", "MSG_NEWER", "MSG_NOT_FOUND", "MSG_NOT_LEDGER",
           "NODES_TABLE", "SQLITE_MAGIC", "LedgerStore", "is_sqlite_file", "now_utc"]

#: Version of the ledger file layout written by this govaudit; newer files are refused.
LEDGER_FORMAT_VERSION = 1
LEDGER_FORMAT = "govaudit-ledger"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: The entry columns, in the order of :class:`LedgerEntry` fields.
COLUMNS = ", ".join(ENTRY_FIELDS)

MSG_NOT_FOUND = "ledger not found: {path}"
MSG_NOT_LEDGER = "{path} is not a govaudit ledger ({why})"
MSG_NEWER = ("{path} is a govaudit ledger of format version {found}, newer than this govaudit supports "
             "({supported}); upgrade govaudit to read it")

NODES_TABLE = ("CREATE TABLE IF NOT EXISTS merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, "
               "hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID")

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
    # Roots of the complete subtrees of the Merkle tree (level >= 1), written as appends complete them,
    # so that verifying from a trusted checkpoint needs no earlier entry. Ledgers written before this
    # table existed lack some rows; verification then computes those nodes from the entries.
    NODES_TABLE,
    # A guard against accidents, not against an attacker (who can drop it): verify() catches both.
    """CREATE TRIGGER IF NOT EXISTS entries_append_only_update BEFORE UPDATE ON entries
       BEGIN SELECT RAISE(ABORT, 'govaudit ledger entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS entries_append_only_delete BEFORE DELETE ON entries
       BEGIN SELECT RAISE(ABORT, 'govaudit ledger entries are append-only'); END""",
)

_Store = TypeVar("_Store", bound="LedgerStore")
#: Below this much free space, an SQLite I/O error is taken for a full disk. SQLite reports a failed
#: write of its shared-memory index (``-shm``) as a plain I/O error, not as "disk is full".
_NEARLY_FULL_BYTES = 1 << 20


def now_utc() -> str:
    """The current UTC time as the ledger stores it (microseconds, ``Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _storage_full(exc: sqlite3.Error, path: Path) -> bool:
    """Whether ``exc`` means that the disk holding ``path`` is full.

    That is SQLite's ``SQLITE_FULL``, or an SQLite I/O error while the disk has (almost) no free space.
    """
    name = getattr(exc, "sqlite_errorname", "")  # Python 3.11+; the message on 3.10
    if name == "SQLITE_FULL" or "database or disk is full" in str(exc):
        return True
    if not (name.startswith("SQLITE_IOERR") or "disk I/O error" in str(exc)):
        return False
    try:
        return shutil.disk_usage(path.parent).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` starts with the SQLite header."""
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


class LedgerStore:
    """The SQLite file under a :class:`~govaudit.records.Ledger`: opening, format, transactions, checkpoint.

    See :class:`~govaudit.records.Ledger` for the parameters and errors.
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
            if _storage_full(exc, self.path):  # no room for its write-ahead log: not damaged
                raise StorageFullError(self.path) from None
            raise LedgerEntryError(f"{self.path}: the ledger file is damaged: {exc}", entry=None,
                                   problem=DAMAGED) from None
        except BaseException:
            self._conn.close()
            raise

    # -- set-up -------------------------------------------------------------------------------

    def _initialise(self) -> None:
        for statement in _SCHEMA:
            self._conn.execute(statement)
        rows = [("format", LEDGER_FORMAT), ("format_version", str(LEDGER_FORMAT_VERSION)), ("created_at", now_utc())]
        self._conn.executemany("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", rows)

    def _check_format(self) -> None:
        try:
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
            self._conn.execute("SELECT seq FROM entries LIMIT 0")
        except sqlite3.DatabaseError as exc:
            if _storage_full(exc, self.path):
                raise StorageFullError(self.path) from None
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

    def __enter__(self: _Store) -> _Store:
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
        """Run ``fn`` in one write transaction, retrying while the database is busy.

        On any error the transaction is rolled back; a full disk raises :class:`StorageFullError`.
        """

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

        try:
            return self._retry(attempt)
        except sqlite3.OperationalError as exc:
            if _storage_full(exc, self.path):
                raise StorageFullError(self.path) from None
            raise

    # -- stored state -------------------------------------------------------------------------

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
