"""Audit specs: validation that names the key, path resolution, hashing, and nothing executed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import govaudit
from govaudit.auditors import BiasConfig

REPO = Path(__file__).resolve().parents[1]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(text)
    return path


BASE = """
[audit]
name = "case_triage"

[data]
path = "data/eval.parquet"
sensitive_features = ["sex"]

[auditors.bias]
"""


def test_shipped_example_spec_is_valid():
    plan = govaudit.load_spec(REPO / "audits" / "benefits_eligibility.toml")
    assert plan.spec.audit.name == "benefits_eligibility"
    config = plan.auditor_configs["bias"]
    assert isinstance(config, BiasConfig)
    assert config.gates["impact_ratio"].threshold == 0.8
    assert plan.output_dir == REPO / "reports" / "benefits_eligibility"


def test_paths_resolve_against_the_spec_folder_and_the_spec_is_hashed(tmp_path):
    path = _write(tmp_path, BASE)
    plan = govaudit.load_spec(path)
    assert plan.resolve(plan.spec.data.path) == tmp_path / "data" / "eval.parquet"
    assert plan.spec_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert plan.output_dir == tmp_path.parent / "reports" / "case_triage"
    assert plan.auditor_configs["bias"] == BiasConfig()


@pytest.mark.parametrize(
    ("addition", "named"),
    [
        ("[model]\npath = 'm.skops'\ntrust_pickel = true\n", "model.trust_pickel"),
        ("[responsible]\nowner = 'x'\nsigner = 'y'\n", "responsible.signer"),
        ("[reports]\nhtml = true\n", "reports"),
    ],
)
def test_unknown_keys_are_named(tmp_path, addition, named):
    with pytest.raises(govaudit.SpecError, match=rf"\[{named}\] unknown key"):
        govaudit.load_spec(_write(tmp_path, BASE + addition))


@pytest.mark.parametrize(
    ("bias_section", "named", "expected"),
    [
        ("min_group_size = 'thirty'", "auditors.bias.min_group_size", "valid integer"),
        ("confidence = 1.5", "auditors.bias.confidence", "less than 1"),
        ("gates = { impact_ratio = { min = 0.9, max = 0.8 } }", "auditors.bias.gates.impact_ratio", "must not exceed"),
        ("gates = { fpr_ration = { max = 1.25 } }", "auditors.bias.gates.fpr_ration", "fpr_ratio"),
        ("decision = 'harmful'", "auditors.bias.decision", "adverse"),
        ("gates = { impact_rato = { min = 0.8 } }", "auditors.bias.gates.impact_rato", "impact_ratio"),
        ("intersections = [['sex']]", "auditors.bias", "two or more"),
        ("reference = 'smallest'", "auditors.bias.reference", "most_favoured"),
    ],
)
def test_auditor_settings_are_validated_with_the_field_named(tmp_path, bias_section, named, expected):
    with pytest.raises(govaudit.SpecError) as info:
        govaudit.load_spec(_write(tmp_path, BASE + bias_section + "\n"))
    assert f"[{named}" in str(info.value) and expected in str(info.value)


def test_missing_required_section(tmp_path):
    text = BASE.replace('[data]\npath = "data/eval.parquet"\nsensitive_features = ["sex"]\n', "")
    with pytest.raises(govaudit.SpecError, match=r"nothing to audit: give a \[data\]"):
        govaudit.load_spec(_write(tmp_path, text))
    with pytest.raises(govaudit.SpecError, match=r"\[model\] needs a \[data\] section"):
        govaudit.load_spec(_write(tmp_path, text + '[model]\npath = "m.skops"\n'))
    without_audit = BASE.replace('[audit]\nname = "case_triage"\n', "")
    with pytest.raises(govaudit.SpecError, match=r"\[audit\] Field required"):
        govaudit.load_spec(_write(tmp_path, without_audit))


def test_nothing_in_a_spec_is_executed(tmp_path, monkeypatch):
    # strings that look like code stay strings; the spec is data
    text = BASE.replace('name = "case_triage"', 'name = "x"\ndescription = "__import__(\'os\').system(\'touch pwned\')"')
    monkeypatch.chdir(tmp_path)
    plan = govaudit.load_spec(_write(tmp_path, text))
    assert plan.spec.audit.description.startswith("__import__")
    assert not (tmp_path / "pwned").exists()


def test_audit_name_must_be_a_safe_folder_name(tmp_path):
    with pytest.raises(govaudit.SpecError, match=r"\[audit.name\]"):
        govaudit.load_spec(_write(tmp_path, BASE.replace('"case_triage"', '"../../etc"')))
