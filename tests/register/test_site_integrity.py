"""The register publishes only what it verified, byte for byte, all at once, and refuses specs it cannot use."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from _factories import make_record
from _register_site import build_ledger

from govaudit.cli import main
from govaudit.exceptions import InputDataError
from govaudit.records import Ledger, SigningKey
from govaudit.register import _export, _site, build_site, read_register
from govaudit.register._export import complete
from govaudit.register._formats import export_record


@pytest.fixture(scope="module")
def ledger(tmp_path_factory, applications):
    """The register tests' ledger, plus a correction of the latest audit that carries a new record."""
    path, seqs = build_ledger(tmp_path_factory.mktemp("integrity"), applications)
    with Ledger(path) as opened:
        original = opened.entry(seqs["second"]).record
        corrected = original.model_copy(update={"description": "Corrected: screens applications."})
        seqs["correction"] = opened.correct(seqs["second"], SigningKey.generate(), reason="Wrong description.",
                                            record=corrected).seq
    return path, seqs


@pytest.fixture()
def copy(ledger, tmp_path):
    path = tmp_path / "ledger.sqlite"
    shutil.copy(ledger[0], path)
    return path


def test_each_record_file_is_its_entry_s_stored_payload(ledger, tmp_path):
    path, seqs = ledger
    site = build_site(path, tmp_path / "site")
    with Ledger(path) as opened:
        entries = {e.seq: e for e in opened.all_entries()}
    for name in ("first", "other", "second", "correction"):
        data = (site.out / "records" / f"{seqs[name]}.json").read_bytes()
        assert data == entries[seqs[name]].payload
        assert hashlib.sha256(data).hexdigest() == entries[seqs[name]].payload_sha256
    published = [json.loads(line) for line in (site.out / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    stored = {row["seq"]: row["payload_sha256"] for row in published if "seq" in row}
    corrected_audit = (site.out / "records" / f"{seqs['second']}.json").read_bytes()
    assert hashlib.sha256(corrected_audit).hexdigest() == stored[seqs["second"]]  # as in ledger.jsonl
    # the page still shows the corrected record, the index lists the correction's file
    assert "Corrected: screens applications." in (site.out / "systems" / "allowance-screen.html").read_text()
    index = json.loads((site.out / "register.json").read_text(encoding="utf-8"))
    assert index["systems"][0]["corrections"] == [f"records/{seqs['correction']}.json"]


def test_an_entry_appended_after_verification_is_not_published(copy, monkeypatch):
    verify = Ledger.verify

    def verify_then_append(self, *args, **kwargs):
        report = verify(self, *args, **kwargs)
        with Ledger(self.path) as other:  # another process appends between verify and the read
            other.append(make_record(), SigningKey.generate())
        return report

    monkeypatch.setattr(Ledger, "verify", verify_then_append)
    register = read_register(copy)
    register.ledger.close()
    assert len(register.entries) == register.size == 6
    assert max(a.entry.seq for s in register.systems for a in s.audits) <= register.size
    assert [len(s.audits) for s in register.systems] == [2, 1]


def test_a_page_that_fails_to_render_writes_nothing(copy, tmp_path, monkeypatch):
    render = _site._render

    def fail_on_system_pages(name, **context):
        if name == "system.html":
            raise RuntimeError("template broke")
        return render(name, **context)

    monkeypatch.setattr(_site, "_render", fail_on_system_pages)
    with pytest.raises(RuntimeError, match="template broke"):
        build_site(copy, tmp_path / "site")
    assert not (tmp_path / "site").exists()
    old = tmp_path / "old"
    (old / "records").mkdir(parents=True)
    (old / "records" / "1.json").write_text("old")
    with pytest.raises(RuntimeError):
        build_site(copy, old)
    assert sorted(p.relative_to(old).as_posix() for p in old.rglob("*")) == ["records", "records/1.json"]
    assert (old / "records" / "1.json").read_text() == "old"


def _spec(folder, name, file_name="audit.toml"):
    (folder / "decisions.csv").write_text("region,decision\n" + "north,1\nsouth,0\n" * 40)
    spec = folder / file_name
    spec.write_text(f'[audit]\nname = "{name}"\n[data]\npath = "decisions.csv"\nprediction = "decision"\n'
                    'sensitive_features = ["region"]\n[auditors.bias]\nn_resamples = 0\n')
    return spec


def test_a_spec_that_completes_no_system_is_refused(copy, tmp_path, capsys):
    spec = _spec(tmp_path, "allowance-screener")  # a typo of allowance_screen
    assert main(["register", "build", str(copy), "--out", str(tmp_path / "site"), "--spec", str(spec)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(spec) in err and "'allowance-screener'" in err
    assert "'allowance_screen'" in err and not (tmp_path / "site").exists()


def test_two_specs_of_one_audit_name_are_refused(copy, tmp_path, capsys):
    one, two = _spec(tmp_path, "allowance_screen"), _spec(tmp_path, "allowance_screen", "again.toml")
    assert main(["register", "build", str(copy), "--out", str(tmp_path / "site"),
                 "--spec", str(one), "--spec", str(two)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(one) in err and str(two) in err
    assert not (tmp_path / "site").exists()


def test_the_owner_file_is_read_once_and_a_missing_one_is_named(tmp_path, monkeypatch):
    export = export_record(make_record(), "nl")
    owner = tmp_path / "owner.json"
    owner.write_text(json.dumps({"contact": "register@example.gov"}), encoding="utf-8")
    reads = []
    real = _export.read_input_file
    monkeypatch.setattr(_export, "read_input_file", lambda path, what: reads.append(path) or real(path, what))
    done = complete(export, owner)
    assert done.document["contact"] == "register@example.gov" and "contact" not in done.to_write
    assert reads == [owner]
    with pytest.raises(InputDataError, match="owner fields file not found: .*none.json"):
        complete(export, tmp_path / "none.json")
