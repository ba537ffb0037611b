"""The fast verification paths give the serial path's results: same root, same first bad entry.

Verification checks entries in worker processes for large ledgers and builds the Merkle tree
meanwhile; an intact entry's fields are checked by one combined match. Forcing the workers on
small ledgers, every kind of damage must be reported exactly as one process reports it.
"""

from __future__ import annotations

import random
import shutil
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _factories import make_record
from govaudit.exceptions import LedgerEntryError
from govaudit.records import Ledger, SigningKey
from govaudit.records._ledger_entry import ENTRY_FIELDS, _HEX64, _HEX128, _KINDS, _TIME, malformed_field

N = 40


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    auditor, approver = SigningKey.generate(), SigningKey.generate()
    path = tmp_path_factory.mktemp("parallel") / "ledger.sqlite"
    with Ledger(path, create=True) as ledger:
        ledger.append_many([make_record() for _ in range(N - 5)], auditor)
        for seq in range(1, 6):
            ledger.approve(seq, approver, decision="release", reason="Reviewed")
    return path


@pytest.fixture
def damaged(pristine, tmp_path):
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(pristine, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER entries_append_only_update")
    conn.execute("DROP TRIGGER entries_append_only_delete")
    yield path, conn
    conn.close()


def outcome(path, workers):
    """What verification says: the report's root, or the error's entry, problem and message."""
    with Ledger(path) as ledger:
        try:
            report = ledger.verify(workers=workers)
        except LedgerEntryError as exc:
            return ("error", exc.entry, exc.problem, str(exc))
    return ("ok", report.entries, report.root, report.signers)


def test_an_intact_ledger_gives_the_same_report_with_any_number_of_workers(pristine):
    serial = outcome(pristine, 1)
    assert serial[0] == "ok" and serial[1] == N
    for workers in (2, 3, 7):
        assert outcome(pristine, workers) == serial


def _flip(value, i):
    if isinstance(value, bytes):
        return value[:i] + bytes([value[i] ^ 0x01]) + value[i + 1:]
    if isinstance(value, str):
        return value[:i] + chr(ord(value[i]) ^ 0x01) + value[i + 1:]
    return value + 1 + i


def test_every_kind_of_damage_is_reported_as_one_process_reports_it(damaged):
    path, conn = damaged
    rng = random.Random(19)
    fields = [f for f in ENTRY_FIELDS if f != "seq"]
    for _ in range(8):
        seq, name = rng.randint(1, N), rng.choice(fields)
        (value,) = conn.execute(f"SELECT {name} FROM entries WHERE seq = ?", (seq,)).fetchone()
        position = rng.randrange(len(value)) if isinstance(value, (str, bytes)) else 0
        conn.execute(f"UPDATE entries SET {name} = ? WHERE seq = ?", (_flip(value, position), seq))
        serial = outcome(path, 1)
        assert serial[0] == "error" and serial[1] == seq, (name, seq, serial)
        assert outcome(path, 2) == serial and outcome(path, 3) == serial
        conn.execute(f"UPDATE entries SET {name} = ? WHERE seq = ?", (value, seq))
    assert outcome(path, 2)[0] == "ok"


def test_the_first_of_several_bad_entries_is_named_whichever_worker_finds_it(damaged):
    path, conn = damaged
    # entries in the first and the last worker's range: the earlier one is reported
    for seq in (N - 2, 7):
        conn.execute("UPDATE entries SET signature = ? WHERE seq = ?", ("ab" * 64, seq))
    serial = outcome(path, 1)
    assert serial[:3] == ("error", 7, "signature_invalid")
    assert outcome(path, 2) == serial and outcome(path, 4) == serial


def test_deleted_swapped_and_resigned_entries_are_reported_alike(damaged):
    path, conn = damaged
    conn.execute("DELETE FROM entries WHERE seq = 23")
    serial = outcome(path, 1)
    assert serial[:3] == ("error", 23, "entry_missing")
    assert outcome(path, 3) == serial
    # an entry re-signed with another key (its content, hash and signature consistent)
    other = SigningKey.generate()
    row = conn.execute("SELECT payload FROM entries WHERE seq = 30").fetchone()
    assert row is not None
    conn.execute("UPDATE entries SET public_key = ?, signer = ? WHERE seq = 30",
                 (other.public_key.raw.hex(), other.fingerprint))
    assert outcome(path, 2) == outcome(path, 1)


def _reference_malformed(kind, created_at, fmt, payload_sha256, prev, public_key, seq, signer, signature, entry_hash):
    """Field by field, as the checks read before the combined fast path."""
    checks = (
        ("seq", type(seq) is int and seq >= 1),
        ("kind", isinstance(kind, str) and kind in _KINDS),
        ("created_at", isinstance(created_at, str) and _TIME.match(created_at)),
        ("format", type(fmt) is int),
        ("payload_sha256", isinstance(payload_sha256, str) and _HEX64.match(payload_sha256)),
        ("prev", isinstance(prev, str) and _HEX64.match(prev)),
        ("public_key", isinstance(public_key, str) and _HEX64.match(public_key)),
        ("signer", isinstance(signer, str) and _HEX64.match(signer)),
        ("signature", isinstance(signature, str) and _HEX128.match(signature)),
        ("entry_hash", isinstance(entry_hash, str) and _HEX64.match(entry_hash)),
    )
    return next((name for name, ok in checks if not ok), None)


def _hexish(n):
    good = st.text("0123456789abcdef", min_size=n, max_size=n)
    near = st.text("0123456789abcdefABg ", min_size=n - 1, max_size=n + 1)
    return good | good | near | st.none() | st.integers(0, 9) | st.binary(min_size=n, max_size=n)


@settings(max_examples=500, deadline=None)
@given(kind=st.sampled_from(["audit", "approval", "Audit", ""]) | st.none() | st.binary(max_size=4),
       created_at=st.sampled_from(["2026-01-02T03:04:05.123456Z", "2026-01-02T03:04:05Z", "x"]) | st.integers(),
       fmt=st.integers(-1, 3) | st.floats(0, 2) | st.text(max_size=2),
       seq=st.integers(-2, 10**6) | st.booleans() | st.text("0123456789", min_size=1, max_size=3),
       payload_sha256=_hexish(64), prev=_hexish(64), public_key=_hexish(64), signer=_hexish(64),
       signature=_hexish(128), entry_hash=_hexish(64))
def test_the_combined_field_check_names_the_same_field(kind, created_at, fmt, payload_sha256, prev, public_key,
                                                       seq, signer, signature, entry_hash):
    args = (kind, created_at, fmt, payload_sha256, prev, public_key, seq, signer, signature, entry_hash)
    assert malformed_field(*args) == _reference_malformed(*args)
