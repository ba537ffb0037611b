"""Ctrl-C anywhere in the command: exit 130 and one line, "govaudit: interrupted", never a traceback.

It used to print a 20-45 line traceback while the command was starting (importing the package).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import govaudit.api
from _factories import make_record
from govaudit import _interrupt
from govaudit.cli import main
from govaudit.records import Ledger, generate_keypair, load_signing_key

SRC = Path(govaudit.api.__file__).resolve().parents[1]
INTERRUPTED = "govaudit: interrupted\n"


@pytest.fixture
def slow_project(audit_project, tmp_path):
    """A copy of the fair project whose audit runs for seconds (10,000 bootstrap resamples of importance)."""
    folder = tmp_path / "project"
    shutil.copytree(audit_project["fair"].parent, folder, ignore=shutil.ignore_patterns("reports", "*.sqlite"))
    spec = folder / "audit.toml"
    spec.write_text(spec.read_text() + "\n[auditors.explainability]\nn_resamples = 10000\n")
    return spec


def _start(spec):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-m", "govaudit.cli", "run", str(spec), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _interrupt_and_wait(process):
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def _modules_mapped(pid):
    try:
        return Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return ""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_while_the_command_starts(slow_project):
    process = _start(slow_project)
    time.sleep(0.5)  # the package takes seconds to import
    code, out, err = _interrupt_and_wait(process)
    # 130, or ended by the signal itself when it lands while the interpreter shuts down (a shell shows 130)
    assert code in (130, -signal.SIGINT) and (out, err) == ("", INTERRUPTED)
    assert not (slow_project.parent / "reports").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see the audit running")
def test_ctrl_c_while_the_audit_runs(slow_project):
    process = _start(slow_project)
    deadline = time.monotonic() + 120
    # scikit-learn is loaded with the model, inside the audit, after the command has started
    while "sklearn" not in _modules_mapped(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the audit ended before it could be interrupted"
    time.sleep(0.3)
    code, out, err = _interrupt_and_wait(process)
    # 130, or ended by the signal itself when it lands while the interpreter shuts down (a shell shows 130)
    assert code in (130, -signal.SIGINT) and (out, err) == ("", INTERRUPTED)
    assert not (slow_project.parent / "reports").exists()


def test_ctrl_c_inside_a_command_in_process(audit_project, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GOVAUDIT_KEY_PASSPHRASE", raising=False)
    generate_keypair(tmp_path, name="auditor")
    ledger = tmp_path / "ledger.sqlite"
    with Ledger(ledger, create=True) as led:
        led.append(make_record(), load_signing_key(tmp_path / "auditor.key"))
    before = ledger.read_bytes()

    def interrupted(plan, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(govaudit.api, "run_plan", interrupted)
    code = main(["run", str(audit_project["fair"]), "--out", str(tmp_path / "out"), "--ledger", str(ledger),
                 "--signing-key", str(tmp_path / "auditor.key")])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (130, "", INTERRUPTED)
    assert not (tmp_path / "out").exists() and ledger.read_bytes() == before


@pytest.mark.parametrize(("argv", "orig_argv", "expected"), [
    (["/usr/local/bin/govaudit", "run"], ["/usr/bin/python3", "/usr/local/bin/govaudit", "run"], True),
    (["C:\\venv\\Scripts\\govaudit.exe", "run"], ["python", "C:\\venv\\Scripts\\govaudit.exe", "run"], True),
    (["-m", "run"], ["python", "-m", "govaudit.cli", "run"], True),
    (["-m", "run"], ["python", "-X", "importtime", "-mgovaudit.cli", "run"], True),
    (["-m"], ["python", "-m", "pytest"], False),
    (["notebook.py"], ["python", "notebook.py"], False),
    (["-c"], ["python", "-c", "import govaudit"], False),
    ([""], ["python"], False),
])
def test_only_the_command_line_changes_how_ctrl_c_ends(argv, orig_argv, expected):
    assert _interrupt.is_command_line(argv, orig_argv) is expected


def test_a_program_that_imports_govaudit_keeps_pythons_ctrl_c():
    code = "import sys, govaudit; sys.exit(0 if sys.excepthook is sys.__excepthook__ else 1)"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    assert subprocess.run([sys.executable, "-c", code], env=env, timeout=120).returncode == 0


def test_a_libraries_stand_in_for_ctrl_c_is_ctrl_c():
    import duckdb
    import pyarrow as pa

    assert _interrupt.is_interruption(KeyboardInterrupt())
    assert _interrupt.is_interruption(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    assert _interrupt.is_interruption(pa.lib.ArrowCancelled("Operation cancelled", signal.SIGINT))
    assert not _interrupt.is_interruption(pa.lib.ArrowCancelled("cancelled by a stop token"))  # no signal
    assert not _interrupt.is_interruption(duckdb.Error("Catalog Error"))
    assert not _interrupt.is_interruption(ValueError("bad"))
    with pytest.raises(KeyboardInterrupt):
        _interrupt.raise_if_interruption(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    _interrupt.raise_if_interruption(ValueError("bad"))  # anything else: nothing


def test_ctrl_c_inside_duckdb_ends_the_command_as_ctrl_c(audit_project, tmp_path, monkeypatch, capsys):
    import duckdb

    def interrupted(plan, **options):
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setattr(govaudit.api, "run_plan", interrupted)
    code = main(["run", str(audit_project["fair"]), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (130, "", INTERRUPTED)
    assert not (tmp_path / "out").exists()


def test_ctrl_c_inside_an_auditor_is_not_recorded_as_a_crash():
    import pyarrow as pa

    from govaudit.core import AuditSubject, Status
    from govaudit.runner import run_auditor

    class Cancelled:
        name, requires = "cancelled", frozenset()

        def __init__(self, error):
            self.error = error

        def run(self, subject, config=None):
            raise self.error

    with pytest.raises(KeyboardInterrupt):
        run_auditor(Cancelled(pa.lib.ArrowCancelled("Operation cancelled", signal.SIGINT)), AuditSubject())
    [crash] = run_auditor(Cancelled(pa.lib.ArrowCancelled("cancelled by a stop token")), AuditSubject())
    assert crash.status is Status.ERROR  # a cancellation no signal caused is an ordinary crash


def test_ctrl_c_while_a_csv_is_profiled_is_not_an_unreadable_file(tmp_path, monkeypatch):
    import pyarrow as pa

    from govaudit.provenance import _profile

    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,x\n2,y\n")

    def cancelled(*args, **kwargs):
        raise pa.lib.ArrowCancelled("Operation cancelled", signal.SIGINT)

    monkeypatch.setattr(_profile.pa_csv, "read_csv", cancelled)
    with pytest.raises(KeyboardInterrupt):
        _profile._csv_types(path)


def test_any_error_after_ctrl_c_ends_the_command_as_ctrl_c(audit_project, tmp_path, monkeypatch, capsys):
    """A library may turn Ctrl-C into an error of its own; once Ctrl-C was pressed, that is Ctrl-C."""
    def interrupted(plan, **options):
        raise RuntimeError("a library's own error while it unwinds from Ctrl-C")

    monkeypatch.setattr(govaudit.api, "run_plan", interrupted)
    assert main(["run", str(audit_project["fair"]), "--out", str(tmp_path / "out")]) == 3  # not pressed: ours
    capsys.readouterr()
    monkeypatch.setattr(_interrupt, "_pressed", True)
    code = main(["run", str(audit_project["fair"]), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (130, "", INTERRUPTED)
    assert not (tmp_path / "out").exists()


def test_the_command_remembers_ctrl_c_and_still_raises_keyboardinterrupt(monkeypatch):
    monkeypatch.setattr(_interrupt, "_pressed", False)
    with pytest.raises(KeyboardInterrupt):
        _interrupt._on_ctrl_c(signal.SIGINT, None)
    assert _interrupt._pressed and _interrupt.is_interruption(ValueError("after Ctrl-C"))
