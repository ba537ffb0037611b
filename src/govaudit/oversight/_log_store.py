"""A crash-safe, multi-process decision log in SQLite, exportable to the documented Parquet/CSV format.

Why SQLite: every append is one transaction, so a crash leaves each batch either fully written or
not at all; write-ahead logging (WAL) lets readers work while a writer appends; and ``BEGIN
IMMEDIATE`` takes the write lock up front, so concurrent writers from several processes queue on
the lock (``busy_timeout``) instead of failing or losing rows. ``synchronous=FULL`` makes a
committed batch survive a power cut, not just a process crash.

Each operation opens its own connection, so one log object can be used from forked processes.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.oversight._log_schema import COLUMNS, OUTCOME_OVERTURNED, OUTCOME_UPHELD, TIMESTAMP_COLUMNS

__all__ = ["SQLiteDecisionLog", "utc_text"]

_SQL_TYPES = {"string": "TEXT", "timestamp": "TEXT", "number": "REAL", "binary": "INTEGER", "boolean": "INTEGER"}
_SENSITIVE = "sensitive_json"
_LOG_COLUMNS = tuple(c.name for c in COLUMNS)

_MSG_UNKNOWN_CASE = "{path}: no case {case!r} in the decision log"
_MSG_ALREADY_DECIDED = "{path}: case {case!r} already has a final decision; a logged decision is never rewritten"
_MSG_DUPLICATE = "{path}: case id(s) already in the decision log: {examples}; each case is logged once"
_MSG_NO_APPEAL = "{path}: case {case!r} has no appeal filed"
_MSG_APPEAL_TWICE = "{path}: case {case!r} already has an appeal{what}"
_MSG_OUTCOME = "appeal outcome must be {a!r} or {b!r}; got {got!r}"
_MSG_NAIVE = "{what} must be a timezone-aware datetime (e.g. datetime.now(timezone.utc)); got {value!r}"
_SHORT_BUSY_S = 0.02  # a writer's own wait inside SQLite; the retry loop in _write handles longer waits
_MSG_LOCKED = "{path}: another process held the decision log's write lock for more than {timeout:g} s"
_MSG_SUFFIX = "{path}: export to .parquet or .csv; got {suffix!r}"


def utc_text(value: datetime | pd.Timestamp | None, what: str = "time") -> str | None:
    """A timezone-aware time as ISO 8601 text in UTC (microseconds), the log's storage format."""
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        raise InputDataError(_MSG_NAIVE.format(what=what, value=value))
    return stamp.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class SQLiteDecisionLog:
    """An append-only decision log stored in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file (created with its folder when missing).
    timeout : float
        Seconds a writer waits for another process's write lock before giving up.
    """

    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout = float(timeout)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the file
            columns = ", ".join(
                f"{c.name} {_SQL_TYPES[c.kind]}" + (" PRIMARY KEY" if c.name == "case_id" else "") for c in COLUMNS
            )
            con.execute(f"CREATE TABLE IF NOT EXISTS decisions ({columns}, {_SENSITIVE} TEXT)")

    def __repr__(self) -> str:
        return f"SQLiteDecisionLog({str(self.path)!r})"

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading (readers never block writers under WAL)."""
        con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: the lock is taken first, everything commits or nothing does.

        While another process holds the lock, retry every few milliseconds: SQLite's own busy
        handler backs off to long sleeps (whole seconds on some builds), so queued writers would
        wait far longer than the lock is actually held.
        """
        deadline = time.monotonic() + self.timeout
        while True:
            con = sqlite3.connect(self.path, timeout=_SHORT_BUSY_S, isolation_level=None)
            try:
                try:
                    con.execute("PRAGMA synchronous=FULL")
                    con.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if time.monotonic() > deadline:
                        raise InputDataError(_MSG_LOCKED.format(path=self.path, timeout=self.timeout)) from None
                    time.sleep(random.uniform(0.001, 0.005))
                    continue
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
                return
            finally:
                con.close()

    # -- writing ----------------------------------------------------------------------------------
    def append(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Append decisions in one transaction; returns how many were written.

        Each row maps column names of the documented format to values (times as aware datetimes
        or ISO text); a ``sensitive`` mapping, if present, is stored with the row.
        """
        if not rows:
            return 0
        names = [*_LOG_COLUMNS, _SENSITIVE]
        values = []
        for row in rows:
            record = [_to_sql(name, row.get(name)) for name in _LOG_COLUMNS]
            sensitive = row.get("sensitive")
            record.append(json.dumps(dict(sensitive), sort_keys=True) if sensitive else None)
            values.append(record)
        sql = f"INSERT INTO decisions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        with self._write() as con:
            try:
                con.executemany(sql, values)
            except sqlite3.IntegrityError:
                ids = [str(r[0]) for r in values]
                placeholders = ",".join("?" * len(ids))
                taken = [r[0] for r in con.execute(f"SELECT case_id FROM decisions WHERE case_id IN ({placeholders})", ids)]
                if not taken:  # a repeat within the batch itself
                    taken = sorted({i for i in ids if ids.count(i) > 1})
                raise InputDataError(_MSG_DUPLICATE.format(path=self.path, examples=", ".join(taken[:3]))) from None
        return len(values)

    def complete_review(self, case_id: str, *, reviewer_1: str, reviewer_2: str | None, started_at: Any,
                        ended_at: Any, final_decision: int, reason: str | None) -> None:
        """Record the human decision on a queued case (once: a final decision is never rewritten)."""
        with self._write() as con:
            row = con.execute("SELECT recommendation, final_decision FROM decisions WHERE case_id = ?",
                              (str(case_id),)).fetchone()
            if row is None:
                raise InputDataError(_MSG_UNKNOWN_CASE.format(path=self.path, case=case_id))
            if row[1] is not None:
                raise InputDataError(_MSG_ALREADY_DECIDED.format(path=self.path, case=case_id))
            con.execute(
                "UPDATE decisions SET reviewer_1 = ?, reviewer_2 = ?, review_started_at = ?, review_ended_at = ?, "
                "final_decision = ?, overridden = ?, reason = ? WHERE case_id = ?",
                (reviewer_1, reviewer_2, utc_text(started_at, "started_at"), utc_text(ended_at, "ended_at"),
                 int(final_decision), int(int(final_decision) != int(row[0])), reason, str(case_id)),
            )

    def record_appeal(self, case_id: str, filed_at: Any) -> None:
        """Record that the person affected appealed the final decision."""
        with self._write() as con:
            row = con.execute("SELECT appeal_filed FROM decisions WHERE case_id = ?", (str(case_id),)).fetchone()
            if row is None:
                raise InputDataError(_MSG_UNKNOWN_CASE.format(path=self.path, case=case_id))
            if row[0]:
                raise InputDataError(_MSG_APPEAL_TWICE.format(path=self.path, case=case_id, what=""))
            con.execute("UPDATE decisions SET appeal_filed = 1, appeal_filed_at = ? WHERE case_id = ?",
                        (utc_text(filed_at, "filed_at"), str(case_id)))

    def record_appeal_outcome(self, case_id: str, outcome: str, decided_at: Any) -> None:
        """Record the appeal's outcome: ``"overturned"`` (the appellant won) or ``"upheld"``."""
        if outcome not in (OUTCOME_OVERTURNED, OUTCOME_UPHELD):
            raise InputDataError(_MSG_OUTCOME.format(a=OUTCOME_OVERTURNED, b=OUTCOME_UPHELD, got=outcome))
        with self._write() as con:
            row = con.execute("SELECT appeal_filed, appeal_outcome FROM decisions WHERE case_id = ?",
                              (str(case_id),)).fetchone()
            if row is None:
                raise InputDataError(_MSG_UNKNOWN_CASE.format(path=self.path, case=case_id))
            if not row[0]:
                raise InputDataError(_MSG_NO_APPEAL.format(path=self.path, case=case_id))
            if row[1] is not None:
                raise InputDataError(_MSG_APPEAL_TWICE.format(path=self.path, case=case_id, what=" outcome"))
            con.execute("UPDATE decisions SET appeal_outcome = ?, appeal_decided_at = ? WHERE case_id = ?",
                        (outcome, utc_text(decided_at, "decided_at"), str(case_id)))

    # -- reading ----------------------------------------------------------------------------------
    def get(self, case_id: str) -> dict[str, Any] | None:
        """One case as a dict of stored values, or None."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            row = con.execute("SELECT * FROM decisions WHERE case_id = ?", (str(case_id),)).fetchone()
        return None if row is None else dict(row)

    def __len__(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])

    def to_frame(self) -> pd.DataFrame:
        """The log in the documented format: times as UTC timestamps, sensitive features as columns."""
        with self._connect() as con:
            frame = pd.read_sql_query("SELECT * FROM decisions ORDER BY rowid", con)
        for name in TIMESTAMP_COLUMNS:
            frame[name] = pd.to_datetime(frame[name], format="ISO8601", utc=True)
        for col in COLUMNS:
            if col.kind == "boolean":
                frame[col.name] = frame[col.name].astype("boolean") if frame[col.name].isna().any() \
                    else frame[col.name].astype(bool)
            elif col.kind == "binary":
                frame[col.name] = frame[col.name].astype("Int8")
        if frame[_SENSITIVE].notna().any():
            extra = pd.DataFrame([json.loads(s) if s else {} for s in frame[_SENSITIVE]], index=frame.index)
            frame = pd.concat([frame, extra], axis=1)
        return frame.drop(columns=_SENSITIVE)

    def export(self, path: str | Path) -> Path:
        """Write the log to ``path`` (``.parquet`` or ``.csv``) atomically; returns the path."""
        from govaudit.report._write import atomic_write_parquet, atomic_write_text

        path = Path(path)
        frame = self.to_frame()
        suffix = path.suffix.lower()
        if suffix in (".parquet", ".pq"):
            return atomic_write_parquet(path, frame)
        if suffix == ".csv":
            for name in TIMESTAMP_COLUMNS:  # ISO 8601 with the offset, as the format requires
                frame[name] = frame[name].map(lambda t: None if pd.isna(t) else t.isoformat())
            return atomic_write_text(path, frame.to_csv(index=False))
        raise InputDataError(_MSG_SUFFIX.format(path=path, suffix=suffix))


def _to_sql(name: str, value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if name in TIMESTAMP_COLUMNS:
        return utc_text(value, name) if not isinstance(value, str) else utc_text(pd.Timestamp(value), name)
    if isinstance(value, (np.bool_, bool)):
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def now_utc() -> datetime:
    """The current time in UTC (one place, so tests can see what the guard uses)."""
    return datetime.now(timezone.utc)
