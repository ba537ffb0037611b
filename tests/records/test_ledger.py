"""The ledger's Python API: append, verify, approvals, corrections, withdrawals, the gate, proofs, export."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from _factories import make_record
from govaudit.core import Finding, Status
from govaudit.exceptions import InputDataError, LedgerEntryError, LedgerIntegrityError
from govaudit.records import (
    ArtifactIdentity,
    Ledger,
    SigningKey,
    Verdict,
    canonical_json,
    check_proof,
    verify_ledger_file,
)
from govaudit.records._ledger_store import LEDGER_FORMAT_VERSION
from govaudit.records._merkle import leaf_hash, root_from_leaves

PASS = [Finding(auditor="bias", check="bias.impact_ratio", status=Status.PASS, message="Rates are similar.")]


def passing_record(version="2.3.1", name="eligibility-gbm", **kw):
    model = ArtifactIdentity(role="model", name=name, version=version, sha256="ab" * 32)
    return make_record(findings=PASS, model=model, **kw)


@pytest.fixture(scope="module")
def auditor():
    return SigningKey.generate()


@pytest.fixture(scope="module")
def approver():
    return SigningKey.generate()


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "ledger.sqlite", create=True) as led:
        yield led


def test_append_stores_the_canonical_record_chained_and_signed(ledger, auditor):
    r1, r2 = make_record(), passing_record()
    e1, e2 = ledger.append(r1, auditor), ledger.append(r2, auditor)
    assert (e1.seq, e2.seq) == (1, 2)
    assert e1.prev_hash == "0" * 64 and e2.prev_hash == e1.entry_hash
    # independent recomputation of what the entry claims
    payload = canonical_json(json.loads(r1.to_json()))
    assert e1.payload == payload and e1.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert e1.entry_hash == hashlib.sha256(e1.header()).hexdigest()
    assert auditor.public_key.verify(bytes.fromhex(e1.signature), e1.header())
    assert e1.signer == auditor.fingerprint
    assert ledger.entry(1).record == r1
    report = ledger.verify()
    assert report.entries == 2 and report.head == e2.entry_hash
    assert report.signers == {auditor.fingerprint: 2}
    # the root is RFC 9162 over leaves entry_hash || signature
    leaves = [leaf_hash(bytes.fromhex(e.entry_hash) + bytes.fromhex(e.signature)) for e in (e1, e2)]
    assert report.root == root_from_leaves(leaves).hex() == ledger.root()
    assert ledger.checkpoint().root == report.root and ledger.checkpoint().size == 2


def test_verify_with_pinned_keys(ledger, auditor, approver):
    ledger.append(make_record(), auditor)
    ledger.approve(1, approver, decision="block", reason="needs review")
    assert ledger.verify([auditor.public_key, approver.public_key]).trusted_keys_checked
    with pytest.raises(LedgerEntryError) as err:
        ledger.verify([auditor.public_key])
    assert err.value.entry == 2 and err.value.problem == "unknown_key"
    assert isinstance(err.value, LedgerIntegrityError) and err.value.exit_code == 1


def test_the_stored_bytes_are_the_canonical_serialisation(ledger, auditor):
    entry = ledger.append(make_record(), auditor)
    row = sqlite3.connect(ledger.path).execute("SELECT payload, payload_sha256 FROM entries").fetchone()
    assert row[0] == entry.payload == canonical_json(json.loads(row[0]))
    assert hashlib.sha256(row[0]).hexdigest() == row[1]


def test_approval_states_and_the_release_gate(ledger, auditor, approver):
    a = ledger.append(passing_record(), auditor)
    assert ledger.status(a.seq).state == "pending"
    decision = ledger.gate("eligibility-gbm", "2.3.1")
    assert not decision.passed and "no release approval" in decision.reason

    ledger.approve(a.seq, auditor, decision="release", reason="I audited it myself")
    assert ledger.status(a.seq).state == "self-approved"
    assert not ledger.gate("eligibility-gbm", "2.3.1").passed

    release = ledger.approve(a.seq, approver, decision="release", reason="Reviewed by the board", approver="CDO")
    status = ledger.status(a.seq)
    assert status.state == "released" and status.deciding_approval == release.seq
    assert ledger.gate("eligibility-gbm", "2.3.1").passed
    assert ledger.gate("Benefits eligibility screening", "2.3.1").passed  # the audit name also matches
    assert not ledger.gate("eligibility-gbm", "9.9").passed
    assert not ledger.gate("other-model", "2.3.1").passed

    block = ledger.approve(a.seq, approver, decision="block", reason="Complaint received")
    assert ledger.status(a.seq).state == "blocked"
    assert "blocked by entry" in ledger.gate("eligibility-gbm", "2.3.1").reason

    ledger.withdraw(block.seq, approver, reason="Complaint resolved")
    assert ledger.gate("eligibility-gbm", "2.3.1").passed

    ledger.withdraw(a.seq, auditor, reason="Wrong evaluation data")
    assert ledger.status(a.seq).state == "withdrawn"
    assert "withdrawn" in ledger.gate("eligibility-gbm", "2.3.1").reason
    ledger.verify()


def test_the_gate_looks_at_the_newest_audit_and_its_verdict(ledger, auditor, approver):
    old = ledger.append(passing_record(), auditor)
    ledger.approve(old.seq, approver, decision="release", reason="ok")
    assert ledger.gate("eligibility-gbm", "2.3.1").passed
    failing = ledger.append(make_record(model=passing_record().model), auditor)  # newest audit: verdict error
    ledger.approve(failing.seq, approver, decision="release", reason="released by mistake")
    decision = ledger.gate("eligibility-gbm", "2.3.1")
    assert not decision.passed and decision.entry == failing.seq and "verdict error" in decision.reason
    # a correction with a corrected record decides the verdict from then on; the original stays
    ledger.correct(failing.seq, auditor, reason="the oversight check was misconfigured", record=passing_record())
    assert ledger.gate("eligibility-gbm", "2.3.1").passed
    assert ledger.entry(failing.seq).content["verdict"] == "error"


def test_warn_passes_unless_strict(ledger, auditor, approver):
    warn = [Finding(auditor="bias", check="bias.tpr_difference", status=Status.WARN, message="Close to the limit.")]
    entry = ledger.append(passing_record().model_copy(update={"findings": tuple(warn), "verdict": Verdict.WARN}), auditor)
    ledger.approve(entry.seq, approver, decision="release", reason="accepted risk")
    assert ledger.gate("eligibility-gbm", "2.3.1").passed
    assert not ledger.gate("eligibility-gbm", "2.3.1", strict=True).passed


def test_entries_filters(ledger, auditor, approver):
    ledger.append(make_record(), auditor)                          # 1: verdict error, v2.3.1
    ledger.append(passing_record(version="3.0"), auditor)          # 2: pass, v3.0
    ledger.append(passing_record(name="triage-model"), auditor)    # 3: pass, other model
    ledger.approve(2, approver, decision="release", reason="ok")   # 4: refers to 2
    assert [e.seq for e in ledger.entries()] == [1, 2, 3, 4]
    assert [e.seq for e in ledger.entries(kind="audit")] == [1, 2, 3]
    assert [e.seq for e in ledger.entries(model="eligibility-gbm")] == [1, 2, 4]
    assert [e.seq for e in ledger.entries(model="eligibility-gbm", version="3.0")] == [2, 4]
    assert [e.seq for e in ledger.entries(verdict="error")] == [1]
    assert [e.seq for e in ledger.entries(verdict="pass")] == [2, 3]
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    assert ledger.entries(since=tomorrow.date().isoformat()) == []
    assert len(ledger.entries(since="2000-01-01")) == 4
    with pytest.raises(InputDataError, match="--since"):
        ledger.entries(since="last week")


def test_references_and_reasons_are_checked(ledger, auditor, approver):
    ledger.append(make_record(), auditor)
    ledger.approve(1, approver, decision="release", reason="ok")
    with pytest.raises(InputDataError, match="no entry 7"):
        ledger.approve(7, approver, decision="release", reason="ok")
    with pytest.raises(InputDataError, match="refers to an audit entry"):
        ledger.approve(2, approver, decision="release", reason="ok")
    with pytest.raises(InputDataError, match="'release' or 'block'"):
        ledger.approve(1, approver, decision="maybe", reason="ok")
    with pytest.raises(InputDataError, match="reason is required"):
        ledger.withdraw(1, approver, reason="  ")
    with pytest.raises(TypeError, match="SigningKey"):
        ledger.append(make_record(), "auditor.key")
    with pytest.raises(TypeError, match="AuditRecord"):
        ledger.append({"verdict": "pass"}, auditor)
    assert len(ledger) == 2  # nothing was written by the failed calls
    ledger.verify()


def test_inclusion_and_consistency_proofs(ledger, auditor):
    for _ in range(11):
        ledger.append(make_record(), auditor)
    published_root, published_size = ledger.root(), len(ledger)
    for seq in (1, 6, 11):
        proof = ledger.inclusion_proof(seq)
        assert len(proof["path"]) <= 4  # ceil(log2(11))
        assert "entry %d" % seq in check_proof(json.loads(json.dumps(proof)), root=published_root)
    for _ in range(5):
        ledger.append(make_record(), auditor)
    proof = ledger.consistency_proof(published_size)
    assert "extends" in check_proof(proof, old_root=published_root, root=ledger.root())
    # an inclusion proof for an older published tree size
    assert check_proof(ledger.inclusion_proof(3, size=published_size), root=published_root)
    with pytest.raises(LedgerIntegrityError, match="inclusion proof invalid"):
        check_proof(ledger.inclusion_proof(3), root=published_root)
    with pytest.raises(LedgerIntegrityError, match="history was changed"):
        check_proof(proof, old_root=ledger.root(5), root=ledger.root())
    forged = dict(ledger.inclusion_proof(3), entry_hash="00" * 32)
    with pytest.raises(LedgerIntegrityError, match="leaf hash"):
        check_proof(forged, root=ledger.root())
    with pytest.raises(InputDataError, match="--root"):
        check_proof(ledger.inclusion_proof(3))
    with pytest.raises(InputDataError, match="not a govaudit ledger proof"):
        check_proof({"type": "something", "path": []}, root=published_root)


def test_export_to_json_lines_verifies_on_its_own(ledger, auditor, approver, tmp_path):
    ledger.append(make_record(), auditor)
    ledger.approve(1, approver, decision="release", reason="Zürich office — approved ✓")
    out = ledger.export_jsonl(tmp_path / "published" / "ledger.jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and "govaudit_ledger" in lines[0] and "checkpoint" in lines[-1]
    assert json.loads(lines[1])["payload"].encode("utf-8") == ledger.entry(1).payload
    report = verify_ledger_file(out, [auditor.public_key, approver.public_key])
    assert report.root == ledger.root() and report.entries == 2
    assert verify_ledger_file(ledger.path).root == report.root


def test_not_a_ledger_and_newer_versions_are_refused(tmp_path, auditor):
    with pytest.raises(InputDataError, match="ledger not found"):
        Ledger(tmp_path / "missing.sqlite")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(InputDataError, match="not a govaudit ledger"):
        Ledger(text, create=True)
    with pytest.raises(InputDataError, match="not a govaudit ledger"):
        verify_ledger_file(text)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(InputDataError, match="not a govaudit ledger"):
        Ledger(other)
    with pytest.raises(InputDataError, match="is a folder"):
        Ledger(tmp_path)
    newer = tmp_path / "newer.sqlite"
    with Ledger(newer, create=True) as led:
        led.append(make_record(), auditor)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (str(LEDGER_FORMAT_VERSION + 1),))
    before = newer.read_bytes()
    with pytest.raises(InputDataError, match="newer than this govaudit supports"):
        Ledger(newer)
    assert newer.read_bytes() == before
    export = tmp_path / "newer.jsonl"
    export.write_text(json.dumps({"govaudit_ledger": {"format": "govaudit-ledger", "format_version": 99}}) + "\n")
    with pytest.raises(InputDataError, match="format version 99, newer"):
        verify_ledger_file(export)


def test_entries_cannot_be_updated_through_sqlite_by_accident(ledger, auditor):
    ledger.append(make_record(), auditor)
    conn = sqlite3.connect(ledger.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE entries SET kind = 'approval'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM entries")
    conn.close()
    ledger.verify()


def test_an_append_that_fails_leaves_the_ledger_as_it_was(ledger, auditor, monkeypatch):
    ledger.append(make_record(), auditor)
    before = (ledger.root(), len(ledger), ledger.checkpoint())

    original = SigningKey.sign
    calls = {"n": 0}

    def sign_once_then_fail(self, message):  # the entry is signed, the checkpoint signing fails
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("signing device unplugged")
        return original(self, message)

    monkeypatch.setattr(SigningKey, "sign", sign_once_then_fail)
    with pytest.raises(RuntimeError, match="unplugged"):
        ledger.append(make_record(), auditor)
    monkeypatch.setattr(SigningKey, "sign", original)
    assert (ledger.root(), len(ledger), ledger.checkpoint()) == before
    ledger.verify()
    assert ledger.append(make_record(), auditor).seq == 2


def test_append_many_commits_all_entries_in_one_transaction(ledger, auditor):
    ledger.append(make_record(), auditor)
    entries = ledger.append_many([make_record(), passing_record(), make_record()], auditor)
    assert [e.seq for e in entries] == [2, 3, 4]
    assert entries[0].prev_hash == ledger.entry(1).entry_hash and entries[2].prev_hash == entries[1].entry_hash
    assert ledger.verify().entries == 4 and ledger.checkpoint().size == 4
    assert ledger.append_many([], auditor) == []
    with pytest.raises(TypeError, match="AuditRecord"):
        ledger.append_many([make_record(), "not a record"], auditor)
    assert len(ledger) == 4


def test_stored_checkpoint_and_frontier_text_is_sorted_key_json(tmp_path):
    # The append writes the checkpoint and Merkle frontier from templates; they must read back as
    # the JSON json.dumps(..., sort_keys=True) writes.
    from govaudit.records._ledger import checkpoint_text, frontier_text
    from govaudit.records._merkle import MerkleFrontier

    key = SigningKey.generate()
    with Ledger(tmp_path / "l.sqlite", create=True) as ledger:
        for _ in range(5):
            ledger.append(make_record(), key)
        cp = ledger.checkpoint()
        assert checkpoint_text(cp) == json.dumps(cp.to_dict(), sort_keys=True)
        assert ledger._meta("checkpoint") == checkpoint_text(cp)
        stored = json.loads(ledger._meta("frontier"))
        frontier = MerkleFrontier(stored["size"], [bytes.fromhex(h) for h in stored["nodes"]])
        assert frontier_text(frontier) == json.dumps({"size": 5, "nodes": stored["nodes"]}, sort_keys=True)
        assert frontier.size == 5 and len(frontier.nodes) == 2
        assert frontier_text(MerkleFrontier()) == json.dumps({"size": 0, "nodes": []}, sort_keys=True)
