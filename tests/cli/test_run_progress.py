"""Progress of `govaudit run`: drawn on a terminal's stderr, never in pipes, CI, with -q or --no-progress.

A 14-second run used to show nothing until it ended. The runner now tells a callback each step
(``run_plan(progress=...)``); the command draws the steps on stderr when stderr is a terminal.
"""

from __future__ import annotations

import io
import shutil
import sys
import threading

import pytest
from rich.console import Console
from typer.testing import CliRunner

import govaudit
from govaudit.cli import main
from govaudit.cli._app import app
from govaudit.cli._progress import progress_console, run_progress
from govaudit.spec import load_spec

STEPS = ("Reading the data", "Loading the model", "Running the model on the data", "Running the bias auditor (1 of 1)",
         "Assembling the record", "Writing the reports")


@pytest.fixture
def fair(audit_project, tmp_path):
    folder = tmp_path / "fair"
    shutil.copytree(audit_project["fair"].parent, folder, ignore=shutil.ignore_patterns("reports", "*.sqlite"))
    return folder / "audit.toml"


def test_run_plan_tells_the_callback_each_step_in_order(fair):
    steps: list[str] = []
    record = govaudit.run_plan(load_spec(fair), progress=steps.append)
    assert steps == [s for s in STEPS if s != "Writing the reports"]
    assert record.findings  # the callback changes nothing about the run


def test_no_progress_in_a_pipe(fair):
    result = CliRunner().invoke(app, ["run", str(fair)])
    assert result.exit_code == 0, result.output
    assert not any(step in result.output for step in STEPS)
    assert result.output.startswith("PASS — fair: ")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "ci", "enabled", "drawn"), [
    (True, None, True, True), (True, "true", True, False), (False, None, True, False), (True, None, False, False)])
def test_progress_only_on_a_terminal_outside_ci_unless_turned_off(monkeypatch, tty, ci, enabled, drawn):
    monkeypatch.setattr(sys, "stderr", _Terminal() if tty else io.StringIO())
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert (progress_console(enabled=enabled) is not None) is drawn


def _fake_terminal(monkeypatch):
    stream = _Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delenv("CI", raising=False)
    return stream


def test_progress_is_drawn_on_a_terminal_and_erased_leaving_the_summary(fair, monkeypatch, capsys):
    stream = _fake_terminal(monkeypatch)
    code = main(["run", str(fair)])
    out = capsys.readouterr().out
    assert code == 0
    drawn = stream.getvalue()
    for step in STEPS:
        assert step in drawn, step
    assert "\x1b[?25l" in drawn  # the cursor hidden while drawing (a live display, not lines of a log)
    assert out.startswith("PASS — fair: ") and not any(step in out for step in STEPS)


@pytest.mark.parametrize("flag", ["--no-progress", "--quiet"])
def test_no_progress_and_quiet_draw_nothing_even_on_a_terminal(fair, monkeypatch, capsys, flag):
    stream = _fake_terminal(monkeypatch)
    assert main(["run", str(fair), flag]) == 0
    assert stream.getvalue() == ""


def test_a_step_name_is_drawn_as_text_never_as_markup_or_control_characters():
    stream = _Terminal()
    console = Console(file=stream, force_terminal=True, width=80)
    with run_progress(console) as step:
        step("Running the [bold]x\x1b[31m auditor")
    drawn = stream.getvalue()
    assert "Running the [bold]x\\x1b[31m auditor" in drawn and "x\x1b[31m" not in drawn


def test_without_a_console_the_callback_does_nothing():
    with run_progress(None) as step:
        assert step("anything") is None


class _Tracker:
    """A stand-in for Spark's status tracker: one stage, 3 of 4 tasks done; ``polled`` set at the second poll
    (by then the first one's numbers are in the bar)."""

    def __init__(self):
        self.polls = 0
        self.polled = threading.Event()

    def getActiveStageIds(self):
        self.polls += 1
        if self.polls >= 2:
            self.polled.set()
        return [1]

    def getStageInfo(self, stage_id):
        return type("Stage", (), {"numTasks": 4, "numCompletedTasks": 3})()


class _Context:
    def __init__(self):
        self.tracker = _Tracker()

    def statusTracker(self):
        return self.tracker


def test_a_backend_bar_is_a_row_of_the_run_display_not_a_second_display(monkeypatch):
    from govaudit.backends._progress import spark_progress

    stream = _fake_terminal(monkeypatch)
    context = _Context()
    with run_progress(Console(file=stream, force_terminal=True, width=100)) as step:
        step("Reading the data")
        with spark_progress(context, "Spark: aggregating log.parquet"):
            assert context.tracker.polled.wait(timeout=30)
            step("Reading the data")  # draws the display now, the bar's row with it
    drawn = stream.getvalue()
    assert "Reading the data" in drawn and "Spark: aggregating log.parquet" in drawn and "75%" in drawn
    assert drawn.count("\x1b[?25l") == 1  # one live display: the cursor was hidden once


def test_no_progress_silences_the_backend_bars_too(monkeypatch):
    from govaudit.backends._progress import progress_wanted, spark_progress

    stream = _fake_terminal(monkeypatch)
    assert progress_wanted()
    with run_progress(None):
        assert not progress_wanted()
        with spark_progress(_Context(), "Spark: aggregating"):
            pass
    assert stream.getvalue() == "" and progress_wanted()
