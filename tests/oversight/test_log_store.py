"""The SQLite decision log: no lost rows with several writer processes, all-or-nothing batches."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from govaudit.exceptions import InputDataError
from govaudit.oversight import SQLiteDecisionLog, validate_decision_log

T0 = datetime(2025, 5, 1, 8, 0, tzinfo=timezone.utc)


def _rows(prefix: str, start: int, n: int) -> list[dict]:
    return [{"case_id": f"{prefix}-{i}", "decided_at": T0 + timedelta(seconds=i), "model_name": "m",
             "model_version": "1", "score": 0.2, "recommendation": 0, "review_required": True,
             "review_reason": "adverse", "appeal_filed": False, "sensitive": {"group": prefix}}
            for i in range(start, start + n)]


def _writer(path: str, prefix: str, batches: int, size: int) -> None:
    log = SQLiteDecisionLog(path)
    for b in range(batches):
        log.append(_rows(prefix, b * size, size))


def _reviewer(path: str, prefix: str, n: int) -> None:
    log = SQLiteDecisionLog(path)
    for i in range(n):
        log.complete_review(f"{prefix}-{i}", reviewer_1=f"R-{prefix}", reviewer_2=None, started_at=T0,
                            ended_at=T0 + timedelta(minutes=5), final_decision=1, reason="checked")


def test_concurrent_writers_lose_no_rows(tmp_path: Path) -> None:
    path = str(tmp_path / "log.sqlite")
    SQLiteDecisionLog(path)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    writers = [ctx.Process(target=_writer, args=(path, f"p{k}", 20, 15)) for k in range(4)]
    for p in writers:
        p.start()
    for p in writers:
        p.join(120)
        assert p.exitcode == 0
    log = SQLiteDecisionLog(path)
    frame = log.to_frame()
    assert len(log) == len(frame) == 4 * 20 * 15
    assert frame["case_id"].is_unique
    assert frame.groupby("group").size().to_dict() == {f"p{k}": 300 for k in range(4)}
    # and reviewers completing cases from several processes at once
    reviewers = [ctx.Process(target=_reviewer, args=(path, f"p{k}", 40)) for k in range(3)]
    for p in reviewers:
        p.start()
    for p in reviewers:
        p.join(120)
        assert p.exitcode == 0
    frame = log.to_frame()
    assert int(frame["final_decision"].notna().sum()) == 120
    assert frame.loc[frame["final_decision"].notna(), "overridden"].all()  # 0 recommended, 1 decided
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _endless_writer(path: str) -> None:
    log = SQLiteDecisionLog(path)
    b = 0
    while True:
        log.append(_rows("k", b * 50, 50))
        b += 1


def test_a_killed_writer_leaves_only_whole_batches(tmp_path: Path) -> None:
    path = str(tmp_path / "log.sqlite")
    SQLiteDecisionLog(path)
    proc = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn").Process(target=_endless_writer, args=(path,))
    proc.start()
    log = SQLiteDecisionLog(path)
    deadline = time.monotonic() + 60
    while len(log) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # mid-write, without any clean-up
    proc.join(30)
    n = len(log)
    assert n >= 200 and n % 50 == 0
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_batch_is_all_or_nothing(tmp_path: Path) -> None:
    log = SQLiteDecisionLog(tmp_path / "log.sqlite")
    log.append(_rows("a", 0, 3))
    with pytest.raises(InputDataError, match=r"case id\(s\) already in the decision log: a-2"):
        log.append(_rows("a", 2, 3))  # a-2 repeats: a-3 and a-4 must not be written either
    assert len(log) == 3
    with pytest.raises(InputDataError, match="already in the decision log: b-0"):
        log.append(_rows("b", 0, 1) + _rows("b", 0, 1))
    assert len(log) == 3


def test_reviews_and_appeals_are_recorded_once(tmp_path: Path) -> None:
    log = SQLiteDecisionLog(tmp_path / "log.sqlite")
    log.append(_rows("a", 0, 2))
    log.complete_review("a-0", reviewer_1="R1", reviewer_2="R2", started_at=T0, ended_at=T0 + timedelta(minutes=3),
                        final_decision=0, reason="confirmed")
    with pytest.raises(InputDataError, match="case 'a-0' already has a final decision"):
        log.complete_review("a-0", reviewer_1="R1", reviewer_2=None, started_at=T0, ended_at=T0,
                            final_decision=1, reason=None)
    with pytest.raises(InputDataError, match="no case 'zz' in the decision log"):
        log.record_appeal("zz", T0)
    with pytest.raises(InputDataError, match="case 'a-1' has no appeal filed"):
        log.record_appeal_outcome("a-1", "upheld", T0)
    with pytest.raises(InputDataError, match="must be a timezone-aware datetime"):
        log.record_appeal("a-0", datetime(2025, 6, 1))
    log.record_appeal("a-0", T0 + timedelta(days=2))
    log.record_appeal_outcome("a-0", "overturned", T0 + timedelta(days=9))
    with pytest.raises(InputDataError, match="already has an appeal outcome"):
        log.record_appeal_outcome("a-0", "upheld", T0 + timedelta(days=9))
    row = log.get("a-0")
    assert row["appeal_outcome"] == "overturned" and row["reviewer_2"] == "R2" and row["overridden"] == 0
    v = validate_decision_log(log.to_frame())
    assert v.appeal_overturned.tolist()[0] == 1.0 and v.appeal_filed.tolist() == [True, False]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_round_trips_through_the_auditors_reader(tmp_path: Path, suffix: str) -> None:
    from govaudit.inputs import load_table

    log = SQLiteDecisionLog(tmp_path / "log.sqlite")
    log.append(_rows("a", 0, 4))
    log.complete_review("a-1", reviewer_1="R1", reviewer_2=None, started_at=T0 + timedelta(hours=1),
                        ended_at=T0 + timedelta(hours=1, seconds=90), final_decision=1, reason="ok")
    path = log.export(tmp_path / f"log{suffix}")
    back = load_table(path)
    v = validate_decision_log(back)
    assert v.case_id.tolist() == ["a-0", "a-1", "a-2", "a-3"]
    assert v.reviewed.tolist() == [False, True, False, False]
    assert (v.review_ended_at[1] - v.review_started_at[1]) / pd.Timedelta(seconds=1) == 90
    assert back["group"].tolist() == ["a"] * 4
    with pytest.raises(InputDataError, match="export to .parquet or .csv"):
        log.export(tmp_path / "log.json")
