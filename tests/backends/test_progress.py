"""The DuckDB progress bar is drawn on a terminal only: never into a log, a pipe or CI output."""

from __future__ import annotations

import io

import duckdb

from govaudit.backends import duckdb_counts_source
from govaudit.backends._duckdb import connect
from govaudit.backends._progress import duckdb_progress, progress_wanted

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
