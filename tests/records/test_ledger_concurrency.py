"""Several processes appending at once lose nothing; a writer killed mid-append leaves a valid ledger.

The writers are forked from the test process (real processes with their own SQLite connections),
so they start without importing the library again.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from _factories import make_record
from govaudit.records import Ledger, SigningKey, verify_ledger_file

if "fork" not in multiprocessing.get_all_start_methods():
    pytest.skip("the writers are forked processes", allow_module_level=True)
fork = multiprocessing.get_context("fork")


def append_records(path: str, key: SigningKey, count: int, marker: str | None = None) -> None:
    """Child process: append ``count`` records; with ``marker``, stop inside the first commit."""
    record = make_record()
    with Ledger(path, create=True, timeout=300) as ledger:
        if marker is not None:
            def trace(statement: str) -> None:
                if statement.strip().upper() == "COMMIT":  # rows written, transaction not committed
                    Path(marker).write_text("inside")
                    time.sleep(120)

            ledger._conn.set_trace_callback(trace)  # a hook into this child's own connection
        for _ in range(count):
            ledger.append(record, key)
    os._exit(0)  # skip the parent's atexit handlers inherited through fork


def start(*args) -> multiprocessing.Process:
    process = fork.Process(target=append_records, args=args)
    process.start()
    return process


def count_rows(ledger: Path) -> int:
    conn = sqlite3.connect(ledger, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def ledger_path(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger(path, create=True):
        pass
    return path


@pytest.fixture(scope="module")
def key():
    return SigningKey.generate()


@pytest.mark.slow  # about 10 s on an idle 2-core machine, near 30 s when it is shared
def test_eight_processes_append_250_each_and_nothing_is_lost(ledger_path, key):
    writers = [start(str(ledger_path), key, 250) for _ in range(8)]
    for w in writers:
        w.join(timeout=600)
        assert w.exitcode == 0
    report = verify_ledger_file(ledger_path)
    assert report.entries == 2000
    with Ledger(ledger_path) as led:
        assert [e.seq for e in led.all_entries()] == list(range(1, 2001))
        assert led.checkpoint().size == 2000


def test_a_writer_killed_mid_append_leaves_all_or_nothing(ledger_path, key, tmp_path):
    with Ledger(ledger_path) as led:
        for _ in range(3):
            led.append(make_record(), key)
        before = led.root()
    marker = tmp_path / "inside"
    writer = start(str(ledger_path), key, 1, str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert writer.is_alive() and time.monotonic() < deadline, "the writer never reached its commit"
        time.sleep(0.005)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(timeout=30)
    assert writer.exitcode == -signal.SIGKILL
    assert verify_ledger_file(ledger_path).entries == 3  # none of the killed append
    with Ledger(ledger_path) as led:
        assert led.root() == before
        assert led.append(make_record(), key).seq == 4  # and the ledger takes the next append
    assert verify_ledger_file(ledger_path).entries == 4


def test_writers_killed_at_random_moments_leave_a_ledger_that_verifies(ledger_path, key):
    rng = random.Random(7)
    counts = [0]
    for _ in range(5):
        writer = start(str(ledger_path), key, 100_000)
        deadline = time.monotonic() + 60
        while count_rows(ledger_path) <= counts[-1]:  # until it is appending continuously
            assert writer.is_alive() and time.monotonic() < deadline
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(timeout=30)
        report = verify_ledger_file(ledger_path)  # whole entries only; chain and checkpoint intact
        counts.append(report.entries)
    assert counts == sorted(counts) and counts[1] > 0
