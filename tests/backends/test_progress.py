"""The DuckDB and Spark progress bars are drawn on a terminal only: never into a log, a pipe or CI output."""

from __future__ import annotations

import io
import threading
from types import SimpleNamespace

import duckdb

from govaudit.backends import duckdb_counts_source
from govaudit.backends._duckdb import connect
from govaudit.backends._progress import duckdb_progress, progress_wanted, spark_progress, spark_tasks_done

_QUERY = "SELECT count(*) FROM (SELECT i % 997 AS k, count(*) FROM range(20000000) t(i) GROUP BY k)"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_printed_when_stderr_is_not_a_terminal(log_files, capsys, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    source = duckdb_counts_source(log_files["parquet"], sensitive_features=["sex"], prediction="decision",
                                  favourable_label="granted")
    assert source.n_rows == 3000
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    pipe = io.StringIO()
    con = duckdb.connect()
    with duckdb_progress(con, "aggregating", stream=pipe):
        con.sql(_QUERY).fetchall()
    assert pipe.getvalue() == ""


def test_a_bar_is_drawn_on_a_terminal_and_not_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal = _Terminal()
    assert progress_wanted(terminal)
    con = duckdb.connect()
    with duckdb_progress(con, "aggregating log.parquet", stream=terminal):
        assert con.sql(_QUERY).fetchall() == [(997,)]
    assert "aggregating log.parquet" in terminal.getvalue()
    monkeypatch.setenv("CI", "true")
    assert not progress_wanted(_Terminal())


def test_not_wanted_on_a_pipe(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not progress_wanted()
    assert not progress_wanted(io.StringIO())


def test_duckdb_never_prints_its_own_bar():
    # DuckDB's own bar goes to stdout after 2 s of a query, into pipes too (it broke JSON read from stdout)
    con = connect()
    assert con.execute("SELECT current_setting('enable_progress_bar_print')").fetchone() == (False,)


def _stage(stage_id: int, done: int, total: int) -> SimpleNamespace:
    # the fields of pyspark's SparkStageInfo that the bar reads
    return SimpleNamespace(stageId=stage_id, numTasks=total, numCompletedTasks=done)


class _Tracker:
    """A stand-in for ``SparkContext.statusTracker()``: fixed stages; counts the polls."""

    def __init__(self, stages: dict[int, SimpleNamespace | None]):
        self.stages = stages
        self.polls = 0
        self.polled_twice = threading.Event()

    def getActiveStageIds(self) -> list[int]:
        self.polls += 1
        if self.polls >= 2:
            self.polled_twice.set()
        return list(self.stages)

    def getStageInfo(self, stage_id: int) -> SimpleNamespace | None:
        return self.stages[stage_id]


class _Context:
    def __init__(self, tracker: _Tracker):
        self.tracker = tracker

    def statusTracker(self) -> _Tracker:
        return self.tracker


def test_spark_tasks_are_summed_over_the_active_stages():
    # stage 9 finished between the two calls (no info): it is left out, not an error
    assert spark_tasks_done(_Tracker({3: _stage(3, 5, 8), 4: _stage(4, 1, 2), 9: None})) == (6, 10)
    assert spark_tasks_done(_Tracker({})) is None  # nothing running

    class Stopped:
        def getActiveStageIds(self):
            raise RuntimeError("SparkContext was shut down")

    assert spark_tasks_done(Stopped()) is None


def test_the_spark_bar_follows_the_status_tracker_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    tracker = _Tracker({1: _stage(1, 3, 4), 2: _stage(2, 1, 4)})  # 4 of 8 tasks done: 50%
    terminal = _Terminal()
    with spark_progress(_Context(tracker), "Spark: aggregating log.parquet", stream=terminal):
        assert tracker.polled_twice.wait(timeout=30)
    drawn = terminal.getvalue()
    assert "Spark: aggregating log.parquet" in drawn
    assert "50%" in drawn and "100%" not in drawn


def test_the_spark_bar_is_not_drawn_off_a_terminal_or_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    tracker = _Tracker({1: _stage(1, 3, 4)})
    pipe = io.StringIO()
    with spark_progress(_Context(tracker), "aggregating", stream=pipe):
        pass
    assert pipe.getvalue() == "" and tracker.polls == 0
    monkeypatch.setenv("CI", "1")
    terminal = _Terminal()
    with spark_progress(_Context(tracker), "aggregating", stream=terminal):
        pass
    assert terminal.getvalue() == "" and tracker.polls == 0
    with spark_progress(None, "aggregating", stream=_Terminal()):  # Spark Connect: no status tracker
        pass
