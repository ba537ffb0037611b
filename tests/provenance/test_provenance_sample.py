"""The benefits sample's manifest: the clean variant passes; the broken one is caught, each property by name."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from govaudit.api import run_plan
from govaudit.cli import main
from govaudit.core import Status
from govaudit.spec import load_spec
from sample_models.benefits_eligibility import __main__ as sample
from sample_models.benefits_eligibility import manifest as sample_manifest

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "audits" / "benefits_provenance.toml"
AS_OF = date(2026, 11, 24)
#: Checks of the manifest itself, which the clean variant must pass outright.
MUST_PASS = ("declared", "model_registered", "integrity", "freshness", "retention", "lineage", "missingness",
             "differential_missingness", "duplicates", "out_of_range", "representativeness", "leakage",
             "personal_data")


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    root = tmp_path_factory.mktemp("benefits")
    clean = root / "clean"
    assert sample.main(["--rows", "3000", "--seed", "0", "--out", str(clean)]) == 0
    broken = root / "broken"
    shutil.copytree(clean, broken)
    assert sample_manifest.main(["--data-dir", str(clean), "--as-of", AS_OF.isoformat()]) == 0
    assert sample_manifest.main(["--data-dir", str(broken), "--broken", "--as-of", AS_OF.isoformat()]) == 0
    specs = {}
    for name, folder in (("clean", clean), ("broken", broken)):
        text = SPEC.read_text(encoding="utf-8")
        text = text.replace("../sample_models/benefits_eligibility/artifacts/", f"{folder.as_posix()}/")
        text = text.replace("../reports/benefits_provenance", f"{(root / 'reports' / name).as_posix()}")
        text = text.replace("# as_of = 2026-11-24", "as_of = 2026-11-24")
        specs[name] = root / f"{name}.toml"
        specs[name].write_text(text, encoding="utf-8")
    return specs


@pytest.fixture(scope="module")
def findings(variants):
    return {name: run_plan(load_spec(path)).findings for name, path in variants.items()}


def test_shipped_spec_points_at_the_sample(variants):
    text = SPEC.read_text(encoding="utf-8")
    assert "artifacts/manifest.toml" in text and "[auditors.provenance]" in text
    assert "as_of = 2026-11-24" in variants["clean"].read_text()


def test_clean_manifest_passes(findings):
    clean = findings["clean"]
    assert not [f for f in clean if f.blocking], [(f.check, f.message) for f in clean if f.blocking]
    for check in MUST_PASS:
        chosen = [f for f in clean if f.check == f"provenance.{check}"]
        assert chosen and all(f.status is Status.PASS for f in chosen), [(f.check, f.message) for f in chosen]
    # the sample's labels carry the documented, injected in-person bias: a base-rate warning, by design
    channel = next(f for f in clean if f.check == "provenance.label_base_rates" and "channel" in f.groups)
    assert channel.status is Status.WARN and channel.groups[1] == "in_person"


@pytest.mark.parametrize(("check", "name"), sorted(sample_manifest.BROKEN.items()))
def test_broken_manifest_each_property_found_by_name(findings, check, name):
    failed = [f for f in findings["broken"] if f.check == check and f.status is Status.FAIL]
    assert any(name in f.groups for f in failed), [(f.check, f.status, f.groups) for f in findings["broken"]
                                                     if f.check == check]
    assert any(name in f.message for f in failed)


def test_broken_manifest_keeps_what_is_still_right(findings):
    broken = findings["broken"]
    still = {f.check for f in broken if f.status is Status.PASS}
    assert {"provenance.model_registered", "provenance.declared", "provenance.leakage"} <= still
    fails = {(f.check, f.groups[0] if f.groups else None) for f in broken if f.status is Status.FAIL}
    assert fails == {("provenance.integrity", "evaluation_table"), ("provenance.freshness", "income_register"),
                     ("provenance.lineage", "credit_bureau_scores"), ("provenance.representativeness", "age_band")}


def test_cli_exit_codes(variants, capsys):
    assert main(["run", str(variants["clean"]), "--quiet"]) == 0
    assert main(["run", str(variants["broken"]), "--quiet"]) == 1
    capsys.readouterr()


def test_manifest_script_needs_the_sample_data(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        sample_manifest.main(["--data-dir", str(tmp_path)])
    assert info.value.code == 2 and "train.parquet not found" in capsys.readouterr().err
