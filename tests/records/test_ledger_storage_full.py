"""A full disk while appending: StorageFullError naming the ledger (exit 2), and the ledger as it was.

It used to be "internal error: OperationalError: database or disk is full" (exit 3) or, with less room,
"the ledger file is damaged" (exit 1) although the ledger was intact.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from _factories import make_record
from govaudit.cli import main
from govaudit.exceptions import GovauditError, StorageFullError
from govaudit.records import Ledger, SigningKey, generate_keypair, load_signing_key
from govaudit.records import _ledger_store

FULL = "database or disk is full"


class _FullAtCommit:
    """An SQLite connection on a disk that fills up: committing a new entry fails as SQLite does then.

    ``error`` replaces what is raised (e.g. a Ctrl-C between writing the entry and committing it).
    """

    def __init__(self, conn: sqlite3.Connection, error: BaseException | None = None) -> None:
        self._conn = conn
        self._inserted = False
        self._error = error

    def _check(self, sql: str) -> None:
        statement = " ".join(sql.split()).upper()
        self._inserted = self._inserted or statement.startswith("INSERT INTO ENTRIES")
        if statement == "COMMIT" and self._inserted:
            raise self._error or sqlite3.OperationalError(FULL)

    def execute(self, sql, *args):
        self._check(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self._check(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


class _SqliteOnAFullDisk:
    """The ``sqlite3`` module as the ledger store sees it, with every connection on a full disk."""

    def __init__(self, error: BaseException | None = None) -> None:
        self._error = error

    def __getattr__(self, name):
        return getattr(sqlite3, name)

    def connect(self, *args, **kwargs):
        return _FullAtCommit(sqlite3.connect(*args, **kwargs), self._error)


def _state(path):
    with Ledger(path) as ledger:
        report = ledger.verify()
        return report.entries, report.root, [e.entry_hash for e in ledger.all_entries()]


@pytest.fixture
def key():
    return SigningKey.generate()


@pytest.fixture
def ledger_path(tmp_path, key):
    path = tmp_path / "ledger.sqlite"
    with Ledger(path, create=True) as ledger:
        ledger.append(make_record(), key)
    return path


def test_a_commit_on_a_full_disk_raises_storage_full_and_rolls_back(ledger_path, key):
    before = _state(ledger_path)
    with Ledger(ledger_path) as ledger:
        ledger._conn = _FullAtCommit(ledger._conn)
        with pytest.raises(StorageFullError) as caught:
            ledger.append(make_record(), key)
    assert str(caught.value) == f"no space left on device while writing {ledger_path}"
    assert isinstance(caught.value, GovauditError) and isinstance(caught.value, OSError)
    assert caught.value.exit_code == 2 and caught.value.path == str(ledger_path)
    assert _state(ledger_path) == before  # verifies, with the same entries
    with Ledger(ledger_path) as ledger:  # and the next append, with room, continues the chain
        assert ledger.append(make_record(), key).seq == 2
        assert ledger.verify().entries == 2


def test_run_on_a_full_disk_says_so_in_one_line_and_keeps_the_ledger(audit_project, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GOVAUDIT_KEY_PASSPHRASE", raising=False)
    generate_keypair(tmp_path, name="auditor")
    ledger_path = tmp_path / "ledger.sqlite"
    with Ledger(ledger_path, create=True) as ledger:
        ledger.append(make_record(), load_signing_key(tmp_path / "auditor.key"))
    before = _state(ledger_path)
    monkeypatch.setattr(_ledger_store, "sqlite3", _SqliteOnAFullDisk())
    code = main(["run", str(audit_project["fair"]), "--out", str(tmp_path / "out"), "--ledger", str(ledger_path),
                 "--signing-key", str(tmp_path / "auditor.key"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"govaudit: error: no space left on device while writing {ledger_path}\n"
    monkeypatch.undo()
    assert _state(ledger_path) == before


def test_ctrl_c_before_the_commit_exits_130_and_keeps_the_ledger(audit_project, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GOVAUDIT_KEY_PASSPHRASE", raising=False)
    generate_keypair(tmp_path, name="auditor")
    ledger_path = tmp_path / "ledger.sqlite"
    with Ledger(ledger_path, create=True) as ledger:
        ledger.append(make_record(), load_signing_key(tmp_path / "auditor.key"))
    before = _state(ledger_path)
    monkeypatch.setattr(_ledger_store, "sqlite3", _SqliteOnAFullDisk(KeyboardInterrupt()))
    code = main(["run", str(audit_project["fair"]), "--out", str(tmp_path / "out"), "--ledger", str(ledger_path),
                 "--signing-key", str(tmp_path / "auditor.key"), "--quiet"])
    assert (code, capsys.readouterr().err) == (130, "govaudit: interrupted\n")
    monkeypatch.undo()
    assert _state(ledger_path) == before


def test_a_full_disk_while_writing_a_report_names_the_file(tmp_path, monkeypatch, capsys):
    from govaudit.report import _write

    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_write.os, "fsync", no_space)
    out = tmp_path / "report.md"
    code = main(["report", str(record), "--format", "md", "--out", str(out)])
    assert code == 2
    assert capsys.readouterr().err == f"govaudit: error: no space left on device while writing {out}\n"
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


# -- a real full disk ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs to fill up (Linux, as root); skipped where it cannot be mounted."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs Linux and root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _fill(folder, *, leave):
    """Fill ``folder``'s filesystem but ``leave`` bytes; returns the filler file to remove."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def test_a_really_full_disk_never_changes_the_ledger(small_disk, key):
    path = small_disk / "ledger.sqlite"
    with Ledger(path, create=True) as ledger:
        ledger.append(make_record(), key)
    expected = _state(path)
    refused = 0
    for room in range(0, 160 * 1024, 4096):  # no room at all, then room for the log index but not the entry, ...
        filler = _fill(small_disk, leave=room)
        try:
            with Ledger(path) as ledger:
                ledger.append(make_record(), key)
        except StorageFullError as exc:
            refused += 1
            assert str(exc) == f"no space left on device while writing {path}"
        finally:
            filler.unlink()
        state = _state(path)  # intact after every attempt: refused, or one more entry
        assert state[2][: len(expected[2])] == expected[2] and len(state[2]) - len(expected[2]) in (0, 1)
        expected = state
    assert refused > 0


def test_the_command_line_on_a_really_full_disk(small_disk, audit_project, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GOVAUDIT_KEY_PASSPHRASE", raising=False)
    generate_keypair(tmp_path, name="auditor")
    path = small_disk / "ledger.sqlite"
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    append = ["ledger", "append", str(path), str(record), "--key", str(tmp_path / "auditor.key")]
    assert main(append) == 0
    capsys.readouterr()
    before = _state(path)
    filler = _fill(small_disk, leave=0)
    try:
        assert main(append) == 2
        assert capsys.readouterr().err == f"govaudit: error: no space left on device while writing {path}\n"
        run = ["run", str(audit_project["fair"]), "--out", str(tmp_path / "out"), "--ledger", str(path),
               "--signing-key", str(tmp_path / "auditor.key"), "--quiet"]
        assert main(run) == 2
        assert capsys.readouterr().err == f"govaudit: error: no space left on device while writing {path}\n"
        out_on_disk = ["run", str(audit_project["fair"]), "--out", str(small_disk / "out"), "--quiet"]
        assert main(out_on_disk) == 2
        record_path = small_disk / "out" / "record.json"
        assert capsys.readouterr().err == f"govaudit: error: no space left on device while writing {record_path}\n"
        assert not record_path.exists()
    finally:
        filler.unlink()
    assert _state(path) == before
