"""Tampering with a ledger is detected, and the first bad entry is named.

Each test plays an attacker with write access to the file (who can drop the append-only
triggers): flip any byte of any stored field, delete, swap, truncate, or re-sign with another key.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3

import pytest

from _factories import make_record
from govaudit.core import Finding, Status
from govaudit.exceptions import LedgerEntryError, LedgerIntegrityError
from govaudit.records import Ledger, SigningKey, verify_ledger_file
from govaudit.records._ledger_entry import ENTRY_FIELDS, header_bytes

N = 5


@pytest.fixture(scope="module")
def keys():
    return SigningKey.generate(), SigningKey.generate()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, keys):
    """A ledger of 5 entries from two signers, and its JSON Lines export."""
    auditor, approver = keys
    folder = tmp_path_factory.mktemp("pristine")
    small = [Finding(auditor="bias", check="bias.impact_ratio", status=Status.PASS, value=0.91,
                     message="Approval rates are within 9% — no adverse impact.")]
    with Ledger(folder / "ledger.sqlite", create=True) as ledger:
        ledger.append(make_record(), auditor)
        ledger.append(make_record(findings=small), auditor)
        ledger.approve(2, approver, decision="release", reason="Reviewed")
        ledger.append(make_record(findings=small), auditor)
        ledger.withdraw(3, approver, reason="Approved the wrong entry")
        ledger.export_jsonl(folder / "ledger.jsonl")
        root = ledger.root()
    return folder / "ledger.sqlite", folder / "ledger.jsonl", root


@pytest.fixture
def copy(pristine, tmp_path):
    db = tmp_path / "ledger.sqlite"
    shutil.copyfile(pristine[0], db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER entries_append_only_update")
    conn.execute("DROP TRIGGER entries_append_only_delete")
    conn.commit()
    yield db, conn
    conn.close()


def verify_error(path, public_keys=None):
    with pytest.raises(LedgerEntryError) as err:
        verify_ledger_file(path, public_keys)
    return err.value


def flip_text(value: str, i: int) -> str:
    return value[:i] + chr(ord(value[i]) ^ 0x01) + value[i + 1:]


def test_the_pristine_ledger_verifies(pristine, keys):
    db, export, root = pristine
    assert verify_ledger_file(db).root == root
    assert verify_ledger_file(export, [k.public_key for k in keys]).root == root


def test_flipping_a_byte_of_any_stored_field_names_that_entry(copy):
    db, conn = copy
    rng = random.Random(9162)
    checked = 0
    for seq in range(1, N + 1):
        row = dict(zip(ENTRY_FIELDS, conn.execute(
            f"SELECT {', '.join(ENTRY_FIELDS)} FROM entries WHERE seq = ?", (seq,)).fetchone()))
        for field in ENTRY_FIELDS[1:]:
            original = row[field]
            if isinstance(original, int):
                variants = [original ^ 1, original + 1]
            else:
                size = len(original)
                positions = sorted({0, 1, size // 2, size - 1, *rng.sample(range(size), min(6, size))})
                if isinstance(original, bytes):
                    variants = [original[:i] + bytes([original[i] ^ 0x01]) + original[i + 1:] for i in positions]
                else:
                    variants = [flip_text(original, i) for i in positions]
            for bad in variants:
                conn.execute(f"UPDATE entries SET {field} = ? WHERE seq = ?", (bad, seq))
                conn.commit()
                err = verify_error(db)
                assert err.entry == seq, (field, err)
                assert f"entry {seq}" in str(err)
                checked += 1
            conn.execute(f"UPDATE entries SET {field} = ? WHERE seq = ?", (original, seq))
            conn.commit()
    assert checked > 300
    verify_ledger_file(db)  # restored exactly: intact again


@pytest.fixture(scope="module")
def small_export(tmp_path_factory, keys):
    """A short export (a minimal audit, an approval, a withdrawal) so every byte can be flipped quickly."""
    auditor, approver = keys
    folder = tmp_path_factory.mktemp("small")
    record = make_record(findings=(), auditors=(), description=None, data=(), model=None)
    with Ledger(folder / "ledger.sqlite", create=True) as ledger:
        ledger.append(record, auditor)
        ledger.approve(1, approver, decision="block", reason="é")
        ledger.withdraw(2, approver, reason="x")
        return ledger.export_jsonl(folder / "ledger.jsonl")


def test_flipping_any_byte_of_any_exported_entry_names_that_entry(small_export, tmp_path):
    data = small_export.read_bytes()
    lines = data.split(b"\n")
    target = tmp_path / "tampered.jsonl"
    offset = len(lines[0]) + 1
    for seq in range(1, 4):
        line = lines[seq]
        for i in range(len(line) + 1):  # every byte of the entry and its newline
            pos = offset + i
            target.write_bytes(data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1:])
            err = verify_error(target)
            assert err.entry == seq, (seq, i, line[max(0, i - 20):i + 20], err)
        offset += len(line) + 1


def test_flipping_bytes_of_the_checkpoint_is_detected(pristine, tmp_path):
    _, export, _ = pristine
    data = export.read_bytes()
    start = data.rindex(b'{"checkpoint"')
    target = tmp_path / "tampered.jsonl"
    for pos in range(start, len(data) - 1, 7):
        target.write_bytes(data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1:])
        with pytest.raises(LedgerIntegrityError):
            verify_ledger_file(target)


@pytest.mark.parametrize("seq", [1, 3, N])
def test_deleting_an_entry_names_it(copy, seq):
    db, conn = copy
    conn.execute("DELETE FROM entries WHERE seq = ?", (seq,))
    conn.commit()
    err = verify_error(db)
    assert err.entry == seq
    assert err.problem == ("entry_missing" if seq < N else "truncated")
    assert "missing" in str(err)


def test_deleting_an_exported_line_names_it(pristine, tmp_path):
    _, export, _ = pristine
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    target = tmp_path / "deleted.jsonl"
    target.write_text("".join(lines[:3] + lines[4:]), encoding="utf-8")  # entry 3
    err = verify_error(target)
    assert (err.entry, err.problem) == (3, "entry_missing")


def test_swapping_two_entries_names_the_first(copy):
    db, conn = copy
    cols = [f for f in ENTRY_FIELDS if f != "seq"]
    rows = {s: conn.execute(f"SELECT {', '.join(cols)} FROM entries WHERE seq = ?", (s,)).fetchone() for s in (2, 3)}
    for seq, other in ((2, 3), (3, 2)):
        conn.execute(f"UPDATE entries SET {', '.join(c + ' = ?' for c in cols)} WHERE seq = ?", (*rows[other], seq))
    conn.commit()
    err = verify_error(db)
    assert (err.entry, err.problem) == (2, "order_changed")
    assert "appended as entry 3" in str(err)


def test_swapping_two_exported_lines_names_the_first(pristine, tmp_path):
    _, export, _ = pristine
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]
    target = tmp_path / "swapped.jsonl"
    target.write_text("".join(lines), encoding="utf-8")
    err = verify_error(target)
    assert (err.entry, err.problem) == (2, "order_changed")


def test_truncating_the_tail_is_detected(copy):
    db, conn = copy
    conn.execute("DELETE FROM entries WHERE seq > 3")
    conn.commit()
    err = verify_error(db)
    assert (err.entry, err.problem) == (4, "truncated")
    assert "entries 4 to 5 are missing" in str(err)


def test_truncating_the_tail_of_an_export_is_detected(pristine, tmp_path):
    _, export, _ = pristine
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    target = tmp_path / "short.jsonl"
    target.write_text("".join(lines[:-2]), encoding="utf-8")  # the checkpoint and entry 5 cut off
    err = verify_error(target)
    assert (err.entry, err.problem) == (N, "truncated")


def test_a_file_cut_short_is_reported_as_damaged(pristine, tmp_path):
    db = tmp_path / "cut.sqlite"
    data = pristine[0].read_bytes()
    db.write_bytes(data[: len(data) // 2])
    with pytest.raises(LedgerIntegrityError, match="damaged|not a govaudit ledger|malformed"):
        verify_ledger_file(db)


def resign(conn, seq, key):
    """Rewrite entry ``seq`` as if ``key`` had signed it: a forgery consistent on its own."""
    row = dict(zip(ENTRY_FIELDS, conn.execute(
        f"SELECT {', '.join(ENTRY_FIELDS)} FROM entries WHERE seq = ?", (seq,)).fetchone()))
    public = key.public_key.raw.hex()
    header = header_bytes(seq=seq, kind=row["kind"], created_at=row["created_at"], fmt=row["format"],
                          payload_sha256=row["payload_sha256"], prev=row["prev_hash"], public_key=public,
                          signer=key.fingerprint)
    conn.execute("UPDATE entries SET public_key = ?, signer = ?, signature = ?, entry_hash = ? WHERE seq = ?",
                 (public, key.fingerprint, key.sign(header).hex(), hashlib.sha256(header).hexdigest(), seq))
    conn.commit()


@pytest.mark.parametrize("seq", [1, 3, N])
def test_replacing_the_signing_key_names_the_entry(copy, keys, seq):
    db, conn = copy
    resign(conn, seq, SigningKey.generate())
    pinned = verify_error(db, [k.public_key for k in keys])
    assert (pinned.entry, pinned.problem) == (seq, "unknown_key")
    unpinned = verify_error(db)  # without pinned keys the chain (or the checkpoint) still names it
    assert unpinned.entry == seq
    assert "replaced" in str(unpinned)


def test_changing_the_signature_alone_is_an_invalid_signature(copy, keys):
    db, conn = copy
    entry_hash, = conn.execute("SELECT entry_hash FROM entries WHERE seq = 2").fetchone()
    forged = keys[1].sign(b"something else").hex()  # well-formed, by a known key, over other bytes
    conn.execute("UPDATE entries SET signature = ? WHERE seq = 2", (forged,))
    conn.commit()
    err = verify_error(db)
    assert (err.entry, err.problem) == (2, "signature_invalid")


def test_rewriting_a_payload_with_its_hash_is_caught_by_the_entry_hash(copy):
    db, conn = copy
    payload, = conn.execute("SELECT payload FROM entries WHERE seq = 1").fetchone()
    changed = json.loads(payload)
    changed["verdict"] = "pass"
    new = json.dumps(changed, sort_keys=True, separators=(",", ":")).encode()
    conn.execute("UPDATE entries SET payload = ?, payload_sha256 = ? WHERE seq = 1",
                 (new, hashlib.sha256(new).hexdigest()))
    conn.commit()
    err = verify_error(db)
    assert (err.entry, err.problem) == (1, "content_changed")


def test_removing_the_checkpoint_is_detected(copy):
    db, conn = copy
    conn.execute("DELETE FROM meta WHERE key = 'checkpoint'")
    conn.commit()
    err = verify_error(db)
    assert err.problem == "truncated" and "checkpoint is missing" in str(err)
    with Ledger(db) as ledger, pytest.raises(LedgerIntegrityError, match="refusing to append"):
        ledger.append(make_record(), SigningKey.generate())
