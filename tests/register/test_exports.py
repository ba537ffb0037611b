"""Register exports: the Dutch register's standard 1.0.0 validated against its published JSON Schema
(read from ../shared/standards, skipped when absent), the UK ATRS v3.0 record, owner fields, the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _factories import make_record
from _register_site import build_ledger, real_bias_record
from govaudit.cli import main
from govaudit.exceptions import InputDataError
from govaudit.register import PLACEHOLDER, complete, export_record, register_export, validate_document
from govaudit.register._atrs import ATRS_SECTIONS

REPO = Path(__file__).resolve().parents[2]
NL_SCHEMA = REPO.parent / "shared" / "standards" / "nl_algoritmeregister_v1_0_0.schema.json"
needs_schema = pytest.mark.skipif(not NL_SCHEMA.is_file(), reason=f"{NL_SCHEMA} is not here")


@pytest.fixture(scope="module")
def bias_record(applications):
    return real_bias_record(applications)


@needs_schema
@pytest.mark.parametrize("which", ["bias", "factories"])
def test_the_nl_export_of_an_audit_record_validates_against_the_published_schema(which, bias_record):
    import jsonschema

    record = bias_record if which == "bias" else make_record()
    export = export_record(record, "nl")
    validate_document(export, NL_SCHEMA)  # raises if not
    jsonschema.Draft7Validator(json.loads(NL_SCHEMA.read_text(encoding="utf-8"))).validate(export.document)
    doc = export.document
    assert doc["organization"] == record.responsible.owner and doc["source_id"] == record.record_id
    assert doc["language"] == "nld" and doc["schema"] == "1.0.0"
    assert f"verdict {record.verdict.value}" in doc["risk_management"]
    assert set(export.to_write) == {k for k, v in doc.items() if v == PLACEHOLDER or v == [PLACEHOLDER]}
    assert "contact" in export.to_write and "theme" in export.to_write and "status" in export.to_check


@needs_schema
def test_a_missing_required_value_is_named(bias_record):
    export = export_record(bias_record, "nl")
    del export.document["organization"]
    with pytest.raises(InputDataError, match="missing required field 'organization'"):
        validate_document(export, NL_SCHEMA)


@needs_schema
def test_a_value_beyond_the_standard_s_limit_is_named(bias_record):
    export = export_record(bias_record, "nl", name="x" * 120)
    with pytest.raises(InputDataError, match=r"name: 'x+' is too long"):
        validate_document(export, NL_SCHEMA)


@needs_schema
def test_owner_fields_complete_the_export(bias_record, tmp_path):
    owner = tmp_path / "owner.toml"
    owner.write_text('theme = ["Sociale zekerheid"]\ncontact = "algoritmes@example.nl"\nconsiderations = "Sneller."\n'
                     'impact_assessments = "DPIA 2025"\nsupplier = "Geen"\nstart_date = "2024-03"\n', encoding="utf-8")
    export = export_record(bias_record, "nl")
    with owner.open("a", encoding="utf-8") as fh:  # what this audit (decisions only, no model or log) cannot say
        fh.writelines(f'{key} = "Geschreven door de eigenaar."\n' for key in export.to_write
                      if key not in ("theme", "contact", "considerations", "impact_assessments", "supplier"))
    done = complete(export, owner)
    assert done.to_write == {} and "start_date" not in done.to_check and done.document["theme"] == ["Sociale zekerheid"]
    validate_document(done, NL_SCHEMA)
    owner.write_text('organisation = "typo"\n', encoding="utf-8")
    with pytest.raises(InputDataError, match="'organisation' is not a field of the nl export"):
        complete(export_record(bias_record, "nl"), owner)


def test_the_atrs_record_has_every_template_field_and_fills_what_the_audit_knows(bias_record):
    export = export_record(bias_record, "uk-atrs", state="released")
    doc = export.document
    for section, fields in ATRS_SECTIONS.items():
        target = doc[section] if section in ("metadata", "tier_1") else doc["tier_2"][section]
        assert list(target) == [name for name, _ in fields]
        for name, required in fields:
            assert target[name] is not None or not required, f"{section}.{name}"
    assert doc["tier_1"]["name"] == "allowance_screen" and doc["metadata"]["standard_version"] == "3.0"
    assert doc["metadata"]["phase"] == "Production"
    owner = doc["tier_2"]["owner_and_responsibility"]["organisation_or_department"]
    assert owner == "City Social Services"
    data = doc["tier_2"]["data_specification"]
    assert data["sensitive_attributes"] == "channel, sex"
    declared = export_record(make_record(), "uk-atrs").document["tier_2"]
    assert declared["data_specification"]["data_quantities"].startswith("data: evaluation, 2,000 rows (sha256 ")
    assert declared["model_specification"]["model_version"] == "2.3.1"
    assert doc["tier_2"]["risks_mitigations_and_impact_assessments"]["risks_and_mitigations"].startswith("Audit of ")
    placeholders = {f"{'' if s in ('metadata', 'tier_1') else 'tier_2.'}{s}.{n}"
                    for s, fields in ATRS_SECTIONS.items() for n, _ in fields
                    if (doc[s] if s in ("metadata", "tier_1") else doc["tier_2"][s])[n] == PLACEHOLDER}
    assert placeholders == set(export.to_write) and "tier_2.owner_and_responsibility.team" in placeholders


def test_an_unknown_format_is_bad_input(bias_record):
    with pytest.raises(InputDataError, match="unknown register format 'xx'"):
        export_record(bias_record, "xx")


@needs_schema
def test_export_command_from_a_record_and_from_a_ledger(bias_record, applications, tmp_path, capsys):
    record_file = tmp_path / "record.json"
    record_file.write_text(bias_record.to_json(), encoding="utf-8")
    out = tmp_path / "nl.json"
    assert main(["register", "export", str(record_file), "--format", "nl", "--out", str(out),
                 "--schema", str(NL_SCHEMA)]) == 0
    err = capsys.readouterr().err
    assert "valid against" in err and "to be written by the owner: contact" in err
    assert json.loads(out.read_text(encoding="utf-8"))["name"] == "allowance_screen"
    ledger, seqs = build_ledger(tmp_path, applications)
    assert main(["register", "export", str(ledger), "--format", "uk-atrs"]) == 2
    assert "holds 2 systems" in capsys.readouterr().err
    assert main(["register", "export", str(ledger), "--format", "nl", "--model", "allowance_screen",
                 "--schema", str(NL_SCHEMA)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "In gebruik"  # its newest audit was released by another key
    assert main(["register", "export", str(ledger), "--format", "nl", "--schema", str(tmp_path / "none.json"),
                 "--model", "allowance_screen"]) == 2
    assert "not a readable JSON Schema" in capsys.readouterr().err


def test_register_export_reads_the_newest_live_audit(applications, tmp_path):
    ledger, seqs = build_ledger(tmp_path, applications)
    export = register_export(ledger, "uk-atrs", model="allowance_screen")
    assert export.record_id != ""
    assert export.document["metadata"]["phase"] == "Production"
