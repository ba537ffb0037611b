"""`govaudit keys`, `govaudit ledger ...`, `govaudit gate` and `govaudit run --ledger`: exit codes and files."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat

import pytest

from _factories import make_record
from govaudit.cli import main
from govaudit.records import Ledger, canonical_json, load_signing_key


def run_cli(args, capsys):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def keys(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GOVAUDIT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("GOVAUDIT_KEY_PASSPHRASE", raising=False)
    folder = tmp_path / "keys"
    assert run_cli(["keys", "generate", "--out", folder, "--name", "auditor"], capsys)[0] == 0
    monkeypatch.setenv("GOVAUDIT_KEY_PASSPHRASE", "board secret")
    code, out, _ = run_cli(["keys", "generate", "--out", folder, "--name", "approver", "--encrypt"], capsys)
    assert code == 0 and "encrypted" in out
    monkeypatch.delenv("GOVAUDIT_KEY_PASSPHRASE")
    return folder


@pytest.fixture
def project(audit_project, tmp_path):
    """A private copy of the fair sample project, so ledgers and reports land in tmp_path."""
    folder = tmp_path / "project"
    shutil.copytree(audit_project["fair"].parent, folder, ignore=shutil.ignore_patterns("reports", "*.sqlite"))
    return folder / "audit.toml"


def test_keys_generate(keys, capsys):
    assert stat.S_IMODE((keys / "auditor.key").stat().st_mode) == 0o600
    code, out, _ = run_cli(["keys", "fingerprint", keys / "auditor.pub"], capsys)
    assert code == 0 and out.strip() == load_signing_key(keys / "auditor.key").fingerprint
    code, _, err = run_cli(["keys", "generate", "--out", keys, "--name", "x", "--encrypt"], capsys)
    assert code == 2 and "GOVAUDIT_KEY_PASSPHRASE" in err
    assert not (keys / "x.key").exists()


def test_run_appends_the_record_and_verify_reports_count_and_root(project, keys, capsys):
    ledger = project.parent / "audit-ledger.sqlite"
    code, out, err = run_cli(["run", project, "--ledger", ledger, "--signing-key", keys / "auditor.key"], capsys)
    assert code == 0, err
    assert "ledger entry 1" in out
    record_json = (project.parent / "reports" / "record.json").read_bytes()
    with Ledger(ledger) as led:
        entry = led.entry(1)
        assert entry.payload == canonical_json(json.loads(record_json))  # exactly the record written
        root = led.root()
    code, out, _ = run_cli(["ledger", "verify", ledger, "--pubkey", keys / "auditor.pub"], capsys)
    assert code == 0 and f"ledger intact: 1 entry, root {root}" in out


def test_run_html_shows_the_ledger_position_of_the_record(project, keys, capsys):
    ledger = project.parent / "audit-ledger.sqlite"
    html = project.parent / "report.html"
    args = ["run", project, "--ledger", ledger, "--signing-key", keys / "auditor.key", "--html", html]
    assert run_cli(args, capsys)[0] == 0
    assert run_cli(args, capsys)[0] == 0  # a second run: entry 2
    with Ledger(ledger) as led:
        first, second = led.entry(1), led.entry(2)
    page = html.read_text(encoding="utf-8")
    assert second.entry_hash in page and first.entry_hash not in page


def test_spec_ledger_true_uses_the_embedded_default_and_the_key_from_the_environment(project, keys, capsys,
                                                                                       monkeypatch):
    text = project.read_text().replace('dir = "reports"', 'dir = "reports/fair"\nledger = true')
    project.write_text(text)
    monkeypatch.setenv("GOVAUDIT_SIGNING_KEY", str(keys / "auditor.key"))
    code, out, err = run_cli(["run", project, "--quiet"], capsys)
    assert code == 0, err
    default = project.parent / "reports" / "ledger.sqlite"  # beside the report folder reports/fair
    assert verify(default) == 1


def verify(path):
    with Ledger(path) as led:
        return led.verify().entries


def test_a_ledger_without_a_key_stops_the_run_before_anything_is_written(project, keys, capsys):
    ledger = project.parent / "ledger.sqlite"
    code, _, err = run_cli(["run", project, "--ledger", ledger], capsys)
    assert code == 2 and "no signing key" in err and "Traceback" not in err
    assert not ledger.exists() and not (project.parent / "reports").exists()


@pytest.mark.parametrize("problem", ["wrong passphrase", "corrupt key", "not a ledger"])
def test_bad_keys_and_files_stop_the_run_before_anything_is_written(project, keys, capsys, monkeypatch, problem):
    ledger, key = project.parent / "ledger.sqlite", keys / "approver.key"
    if problem == "wrong passphrase":
        monkeypatch.setenv("GOVAUDIT_KEY_PASSPHRASE", "guess")
    elif problem == "corrupt key":
        key = project.parent / "corrupt.key"
        key.write_bytes((keys / "auditor.key").read_bytes()[:60])
    else:
        key = keys / "auditor.key"
        ledger.write_text("not a ledger\n")
    before = ledger.read_bytes() if ledger.exists() else None
    code, _, err = run_cli(["run", project, "--ledger", ledger, "--signing-key", key], capsys)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("govaudit: error:")
    assert problem.split()[-1] in err or "not a PEM private key" in err
    assert not (project.parent / "reports").exists()
    assert (ledger.read_bytes() if ledger.exists() else None) == before


@pytest.fixture
def filled(tmp_path, keys, capsys):
    """A ledger with a failing audit (1), a passing audit of version 2.3.1 (2), and the records."""
    from govaudit.core import Finding, Status

    ledger = tmp_path / "ledger.sqlite"
    failing, passing = tmp_path / "failing.json", tmp_path / "passing.json"
    failing.write_text(make_record().to_json())
    ok = [Finding(auditor="bias", check="bias.impact_ratio", status=Status.PASS, message="Similar rates.")]
    passing.write_text(make_record(findings=ok).to_json())
    for record in (failing, passing):
        code, out, err = run_cli(["ledger", "append", ledger, record, "--key", keys / "auditor.key"], capsys)
        assert code == 0, err
    return ledger


def test_approval_and_the_release_gate(filled, keys, capsys, monkeypatch):
    gate = ["gate", filled, "--model", "eligibility-gbm", "--version", "2.3.1"]
    code, _, err = run_cli(gate, capsys)
    assert code == 1 and "no release approval" in err
    code, out, _ = run_cli(["ledger", "approve", filled, 2, "--key", keys / "auditor.key", "--decision", "release",
                            "--reason", "self check"], capsys)
    assert code == 0 and "auditor's own key" in out
    assert run_cli(gate, capsys)[0] == 1
    approve = ["ledger", "approve", filled, 2, "--key", keys / "approver.key", "--decision", "release",
               "--reason", "Reviewed by the algorithm board", "--approver", "Chief Data Officer"]
    code, _, err = run_cli(approve, capsys)
    assert code == 2 and "GOVAUDIT_KEY_PASSPHRASE" in err  # encrypted: passphrase needed
    monkeypatch.setenv("GOVAUDIT_KEY_PASSPHRASE", "board secret")
    assert run_cli(approve, capsys)[0] == 0
    code, out, _ = run_cli(gate, capsys)
    assert code == 0 and "gate open" in out
    pins = ["--pubkey", keys / "auditor.pub", "--pubkey", keys / "approver.pub"]
    assert run_cli(gate + pins, capsys)[0] == 0
    code, _, err = run_cli(gate + ["--pubkey", keys / "auditor.pub"], capsys)
    assert code == 1 and "unknown key" in err  # the approver's key is not trusted here
    code, out, _ = run_cli(["ledger", "show", filled, "--json"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["entry"] for r in rows] == [1, 2, 3, 4]
    assert rows[1]["state"] == "released" and rows[0]["state"] == "pending"
    code, out, _ = run_cli(["ledger", "show", filled, "--verdict", "error", "--json"], capsys)
    assert [json.loads(line)["entry"] for line in out.splitlines()] == [1]
    code, out, _ = run_cli(["ledger", "show", filled], capsys)
    assert code == 0 and "released" in out and "pending" in out
    assert run_cli(["ledger", "withdraw", filled, 2, "--key", keys / "approver.key", "--reason", "new data"],
                   capsys)[0] == 0
    code, _, err = run_cli(gate, capsys)
    assert code == 1 and "withdrawn" in err


def test_corrections_append_and_never_change(filled, keys, tmp_path, capsys):
    with Ledger(filled) as led:
        before = led.entry(1)
    fixed = tmp_path / "fixed.json"
    fixed.write_text(make_record(verdict="pass").to_json())
    code, out, err = run_cli(["ledger", "correct", filled, 1, "--key", keys / "auditor.key", "--reason",
                              "wrong gate configured", "--record", fixed], capsys)
    assert code == 0, err
    with Ledger(filled) as led:
        assert led.entry(1) == before and led.status(1).verdict == "pass" and led.status(1).corrections == (3,)


def test_export_root_prove_and_check_proof(filled, keys, tmp_path, capsys):
    export = tmp_path / "published.jsonl"
    assert run_cli(["ledger", "export", filled, "--out", export], capsys)[0] == 0
    code, out, _ = run_cli(["ledger", "verify", export], capsys)
    assert code == 0 and "2 entries" in out
    code, root, _ = run_cli(["ledger", "root", filled], capsys)
    root = root.strip()
    assert code == 0 and len(root) == 64 and root in out
    proof = tmp_path / "proof.json"
    code, out, _ = run_cli(["ledger", "prove", filled, 1], capsys)
    proof.write_text(out)
    code, out, _ = run_cli(["ledger", "check-proof", proof, "--root", root], capsys)
    assert code == 0 and "proof valid" in out
    code, _, err = run_cli(["ledger", "check-proof", proof, "--root", "00" * 32], capsys)
    assert code == 1 and "inclusion proof invalid" in err
    # the ledger grows; a consistency proof shows the published root is still its prefix
    assert run_cli(["ledger", "append", filled, tmp_path / "passing.json", "--key", keys / "auditor.key"],
                   capsys)[0] == 0
    code, out, _ = run_cli(["ledger", "prove-consistency", filled, 2], capsys)
    proof.write_text(out)
    code, out, _ = run_cli(["ledger", "check-proof", proof, "--old-root", root], capsys)
    assert code == 0 and "extends" in out
    code, _, err = run_cli(["ledger", "check-proof", proof, "--old-root", "11" * 32], capsys)
    assert code == 1 and "history was changed" in err


def test_verify_names_the_first_altered_entry(filled, capsys):
    conn = sqlite3.connect(filled)
    conn.execute("DROP TRIGGER entries_append_only_update")
    payload, = conn.execute("SELECT payload FROM entries WHERE seq = 2").fetchone()
    conn.execute("UPDATE entries SET payload = ? WHERE seq = 2", (payload.replace(b'"pass"', b'"fail"', 1),))
    conn.commit()
    conn.close()
    code, out, err = run_cli(["ledger", "verify", filled], capsys)
    assert code == 1 and out == ""
    assert "entry 2: its content was changed" in err and len(err.strip().splitlines()) == 1


def test_bad_ledger_inputs_exit_2(tmp_path, filled, keys, capsys):
    code, _, err = run_cli(["ledger", "verify", tmp_path / "missing.sqlite"], capsys)
    assert code == 2 and "ledger not found" in err
    other = tmp_path / "notes.txt"
    other.write_text("hello\n")
    for args in (["ledger", "verify", other], ["ledger", "show", other], ["gate", other, "--model", "m",
                                                                          "--version", "1"]):
        code, _, err = run_cli(args, capsys)
        assert code == 2 and "not a govaudit ledger" in err, args
    conn = sqlite3.connect(filled)
    conn.execute("UPDATE meta SET value = '7' WHERE key = 'format_version'")
    conn.commit()
    conn.close()
    before = filled.read_bytes()
    code, _, err = run_cli(["ledger", "approve", filled, 2, "--key", keys / "auditor.key", "--decision", "release",
                            "--reason", "x"], capsys)
    assert code == 2 and "newer than this govaudit supports" in err
    assert filled.read_bytes() == before


def test_approving_a_missing_entry_writes_nothing(filled, keys, capsys):
    with Ledger(filled) as led:
        root = led.root()
    code, _, err = run_cli(["ledger", "approve", filled, 9, "--key", keys / "auditor.key", "--decision", "release",
                            "--reason", "x"], capsys)
    assert code == 2 and "no entry 9" in err
    code, _, err = run_cli(["ledger", "approve", filled, 1, "--key", keys / "auditor.pub", "--decision", "release",
                            "--reason", "x"], capsys)
    assert code == 2 and "is a public key" in err
    with Ledger(filled) as led:
        assert led.root() == root and len(led) == 2


def test_verify_from_a_trusted_checkpoint(filled, keys, capsys):
    code, out, _ = run_cli(["ledger", "root", filled, "--size", 1], capsys)
    assert code == 0
    root = out.split()[-1]
    code, out, err = run_cli(["ledger", "verify", filled, "--since-size", 1, "--since-root", root], capsys)
    assert code == 0, err
    assert "ledger intact: 2 entries (1 checked after the trusted first 1)" in out
    code, _, err = run_cli(["ledger", "verify", filled, "--since-size", 1, "--since-root", "ab" * 32], capsys)
    assert code == 1 and "does not extend the trusted checkpoint" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(["ledger", "verify", filled, "--since-size", 1], capsys)
    assert code == 2 and "--since-size and --since-root go together" in err
    code, _, err = run_cli(["ledger", "verify", filled, "--since-size", 1, "--since-root", "xyz"], capsys)
    assert code == 2 and "64 hex characters" in err


def test_run_timings_print_each_phase_and_leave_the_record_unchanged(project, keys, capsys):
    from govaudit.api import run_plan
    from govaudit.spec import load_spec
    from govaudit.timings import collect

    ledger = project.parent / "timed-ledger.sqlite"
    code, out, err = run_cli(["run", project, "--timings", "--quiet", "--ledger", ledger,
                              "--signing-key", keys / "auditor.key"], capsys)
    assert code == 0, err
    phases = [line.split()[1:-2] for line in err.splitlines() if line.startswith("time: ")]
    names = [" ".join(p) for p in phases]
    for expected in ("imports", "loading the spec", "loading data", "prediction", "record", "reports",
                     "ledger append", "total"):
        assert expected in names, (expected, err)
    assert any(n.startswith("auditor ") for n in names)
    first = (project.parent / "reports" / "record.json").read_bytes()
    with collect() as spent:
        record = run_plan(load_spec(project))
    assert set(spent) >= {"loading data", "prediction", "record"} and all(v >= 0 for v in spent.values())
    assert "loading the spec" not in first.decode() and "loading data" not in record.to_json()
    code, _, err = run_cli(["run", project, "--quiet", "--out", project.parent / "again"], capsys)
    assert "time: " not in err  # only when asked for
