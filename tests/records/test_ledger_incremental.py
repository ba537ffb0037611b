"""Verifying from a trusted checkpoint: only later entries are checked, and a changed history is caught."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _factories import make_record
from govaudit.core import Finding, Status
from govaudit.exceptions import InputDataError, LedgerEntryError, LedgerIntegrityError
from govaudit.records import Ledger, SigningKey, TrustedCheckpoint, verify_ledger_file
from govaudit.records import _ledger_verify

N = 37  # not a power of two: the tree has several complete subtrees


def _record(i: int):
    finding = Finding(auditor="bias", check="bias.impact_ratio", status=Status.PASS, value=0.9 + i / 1000,
                      message=f"run {i}")
    return make_record(findings=[finding])


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """A ledger of N entries appended one at a time (so nodes are written as they complete), with the
    root and head recorded at every size."""
    key, other = SigningKey.generate(), SigningKey.generate()
    path = tmp_path_factory.mktemp("grown") / "ledger.sqlite"
    roots = {}
    with Ledger(path, create=True) as ledger:
        roots[0] = ledger.root()
        for i in range(N):
            if i % 5 == 4:
                ledger.approve(i, other, decision="release", reason="checked")
            else:
                ledger.append(_record(i), key)
            roots[i + 1] = ledger.root()
    return path, roots, key


@pytest.fixture
def copy(grown, tmp_path):
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(grown[0], path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER entries_append_only_update")
    conn.execute("DROP TRIGGER entries_append_only_delete")
    conn.commit()
    yield path, grown[1], conn
    conn.close()


def _count_checks(monkeypatch):
    seen = []
    original = _ledger_verify._check_row

    def counting(row, trusted, keys):
        seen.append(row[0])
        return original(row, trusted, keys)

    monkeypatch.setattr(_ledger_verify, "_check_row", counting)
    return seen


def test_every_checkpoint_gives_the_full_verification_and_checks_only_later_entries(grown, monkeypatch):
    path, roots, _ = grown
    with Ledger(path) as ledger:
        full = ledger.verify(workers=1)
        for m in range(N + 1):
            seen = _count_checks(monkeypatch)
            report = ledger.verify(workers=1, since=TrustedCheckpoint(m, roots[m]))
            assert (report.entries, report.root, report.head) == (full.entries, full.root, full.head)
            assert seen == list(range(m + 1, N + 1))  # each later entry checked once, no earlier one
            assert report.since == m and sum(report.signers.values()) == N - m
            monkeypatch.undo()


def test_a_ledger_without_stored_nodes_still_verifies_from_a_checkpoint(copy):
    path, roots, conn = copy
    conn.execute("DROP TABLE merkle_nodes")
    conn.commit()
    for m in (1, 8, 16, 21, N):
        assert verify_ledger_file(path, since=TrustedCheckpoint(m, roots[m])).root == roots[N]


def test_appending_to_an_older_ledger_adds_the_nodes_table(copy, grown):
    path, roots, conn = copy
    conn.execute("DROP TABLE merkle_nodes")
    conn.commit()
    with Ledger(path) as ledger:
        ledger.append(_record(99), grown[2])
        report = ledger.verify(since=TrustedCheckpoint(N, roots[N]))
    assert report.entries == N + 1 and report.since == N


@settings(max_examples=25, deadline=None)
@given(st.integers(1, N), st.data())
def test_changing_the_newest_trusted_entry_or_a_stored_node_is_a_changed_history(grown, tmp_path_factory, m, data):
    path, roots, _ = grown
    work = tmp_path_factory.mktemp("tamper") / "ledger.sqlite"
    shutil.copyfile(path, work)
    conn = sqlite3.connect(work)
    # Stored nodes (level >= 1) among the complete subtrees that make up the tree of m leaves: one per
    # set bit of m; the subtree of level lv ends where the leaves above that bit end.
    nodes = [(lv, (m >> lv << lv >> lv) - 1) for lv in range(1, m.bit_length()) if m >> lv & 1]
    if nodes and data.draw(st.booleans()):
        level, idx = data.draw(st.sampled_from(nodes))
        conn.execute("UPDATE merkle_nodes SET hash = ? WHERE level = ? AND idx = ?", (b"\x11" * 32, level, idx))
        touched_node = True
    else:
        conn.execute("DROP TRIGGER entries_append_only_update")
        sig, = conn.execute("SELECT signature FROM entries WHERE seq = ?", (m,)).fetchone()
        conn.execute("UPDATE entries SET signature = ? WHERE seq = ?", (sig[::-1], m))
        touched_node = False
    conn.commit()
    conn.close()
    with pytest.raises(LedgerEntryError) as err:
        verify_ledger_file(work, since=TrustedCheckpoint(m, roots[m]))
    assert err.value.problem == "history_changed", (touched_node, str(err.value))
    assert "does not extend the trusted checkpoint" in str(err.value)


def test_a_ledger_rewritten_consistently_does_not_extend_the_trusted_root(grown, tmp_path):
    """An attacker rebuilds the whole ledger with entry 3 changed, signing everything anew: a full
    verification without pinned keys passes, but not from the trusted checkpoint."""
    _, roots, _ = grown
    forged = tmp_path / "forged.sqlite"
    attacker = SigningKey.generate()
    with Ledger(forged, create=True) as ledger:
        for i in range(N):
            ledger.append(_record(1000 if i == 2 else i), attacker)
        assert ledger.verify().entries == N
        with pytest.raises(LedgerEntryError) as err:
            ledger.verify(since=TrustedCheckpoint(10, roots[10]))
    assert err.value.problem == "history_changed"


def test_problems_after_the_checkpoint_name_the_entry(copy):
    path, roots, conn = copy
    payload, = conn.execute("SELECT payload FROM entries WHERE seq = 30").fetchone()
    conn.execute("UPDATE entries SET payload = ? WHERE seq = 30", (payload + b" ",))
    conn.commit()
    with pytest.raises(LedgerEntryError) as err:
        verify_ledger_file(path, since=TrustedCheckpoint(20, roots[20]))
    assert (err.value.entry, err.value.problem) == (30, "content_changed")
    conn.execute("DELETE FROM entries WHERE seq = 21")
    conn.commit()
    with pytest.raises(LedgerEntryError) as err:
        verify_ledger_file(path, since=TrustedCheckpoint(20, roots[20]))
    assert (err.value.entry, err.value.problem) == (21, "entry_missing")


def test_a_checkpoint_beyond_the_ledger_is_truncation(grown):
    path, roots, _ = grown
    with pytest.raises(LedgerEntryError) as err:
        verify_ledger_file(path, since=TrustedCheckpoint(N + 5, roots[N]))
    assert err.value.problem == "truncated"


def test_an_export_is_checked_whole_and_must_extend_the_checkpoint(grown, tmp_path):
    path, roots, _ = grown
    export = tmp_path / "ledger.jsonl"
    with Ledger(path) as ledger:
        ledger.export_jsonl(export)
    assert verify_ledger_file(export, since=TrustedCheckpoint(12, roots[12])).root == roots[N]
    with pytest.raises(LedgerEntryError) as err:
        verify_ledger_file(export, since=TrustedCheckpoint(12, roots[11]))
    assert err.value.problem == "history_changed"


@pytest.mark.parametrize("size, root", [(-1, "00" * 32), (3, "xyz"), (3, "ab" * 31), (True, "00" * 32)])
def test_a_malformed_trusted_checkpoint_is_bad_input(size, root):
    with pytest.raises(InputDataError, match="trusted checkpoint"):
        TrustedCheckpoint(size, root)


def test_an_append_reuses_its_own_state_until_another_connection_writes(tmp_path, monkeypatch):
    key = SigningKey.generate()
    path = tmp_path / "ledger.sqlite"
    reads = []
    original = Ledger.checkpoint
    monkeypatch.setattr(Ledger, "checkpoint", lambda self: reads.append(1) or original(self))
    with Ledger(path, create=True) as first, Ledger(path) as second:
        first.append(_record(1), key)
        first.append(_record(2), key)
        assert len(reads) == 1  # the second append trusted what the first committed
        second.append(_record(3), key)
        first.append(_record(4), key)  # another connection wrote: the state is read again
        assert len(reads) == 3
        assert first.verify().entries == 4
        conn = sqlite3.connect(path)
        conn.execute("UPDATE meta SET value = '{}' WHERE key = 'frontier'")
        conn.commit()
        conn.close()
        with pytest.raises(LedgerIntegrityError, match="refusing to append"):
            first.append(_record(5), key)
    assert verify_ledger_file(path).entries == 4


_evidence = st.dictionaries(
    st.text(max_size=6),
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.lists(st.floats(-1e6, 1e6), max_size=3),
    max_size=4,
)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=30), _evidence), min_size=1, max_size=12),
       st.integers(1, 4), st.data())
def test_appends_store_what_the_reference_implementations_compute(tmp_path_factory, items, batch, data):
    """Random records, appended one by one or in batches: the payload is rfc8785's bytes, each header
    hash and the Merkle root and stored subtree roots are what a from-scratch computation gives, and
    verification from any checkpoint agrees with the full one."""
    import hashlib

    import rfc8785

    from govaudit.records._ledger_entry import header_dict
    from govaudit.records._merkle import leaf_hash, root_from_leaves

    key = SigningKey.generate()
    records = [make_record(findings=[Finding(auditor="bias", check="bias.impact_ratio", status=Status.PASS,
                                             message=message, evidence=evidence)])
               for message, evidence in items]
    path = tmp_path_factory.mktemp("random") / "ledger.sqlite"
    roots = {}
    with Ledger(path, create=True) as ledger:
        roots[0] = ledger.root()
        i = 0
        while i < len(records):
            chunk = records[i:i + batch]
            if len(chunk) == 1:
                ledger.append(chunk[0], key)
            else:
                ledger.append_many(chunk, key)
            i += len(chunk)
            roots[i] = ledger.root()
        entries = ledger.all_entries()
        leaves = []
        for record, entry in zip(records, entries):
            assert entry.payload == rfc8785.dumps(record.model_dump(mode="json"))
            header = rfc8785.dumps(header_dict(seq=entry.seq, kind=entry.kind, created_at=entry.created_at,
                                               fmt=entry.format, payload_sha256=entry.payload_sha256,
                                               prev=entry.prev_hash, public_key=entry.public_key,
                                               signer=entry.signer))
            assert hashlib.sha256(header).hexdigest() == entry.entry_hash
            leaves.append(leaf_hash(bytes.fromhex(entry.entry_hash) + bytes.fromhex(entry.signature)))
        full = ledger.verify()
        assert full.root == root_from_leaves(leaves).hex()
        for level, idx, stored in ledger._conn.execute("SELECT level, idx, hash FROM merkle_nodes"):
            assert stored == root_from_leaves(leaves[idx << level:(idx + 1) << level])
        m = data.draw(st.sampled_from(sorted(roots)))
        since = ledger.verify(since=TrustedCheckpoint(m, roots[m]))
        assert (since.entries, since.root, since.head) == (full.entries, full.root, full.head)
