"""The data manifest: a valid one loads; bad ones give one clear error naming the field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from govaudit.cli import main
from govaudit.exceptions import InputDataError, SpecError
from govaudit.provenance import (
    DataManifest,
    ManifestError,
    load_manifest,
    manifest_json_schema,
    manifest_toml,
    todo_fields,
)

HASH = "0" * 63 + "a"


def _manifest(**overrides) -> dict:
    source = {
        "description": "forms", "owner": "Benefits Directorate", "collection_method": "forms",
        "legal_basis": "public task",
        "collection_period": {"start": date(2025, 1, 1), "end": date(2025, 12, 31)},
        "approval": {"by": "DPO", "date": date(2026, 1, 5)}, "path": "forms.csv", "sha256": HASH, "rows": 3,
        "columns": [{"name": "id", "type": "string"}, {"name": "age", "type": "integer", "min": 18, "max": 90}],
    }
    derived = {**source, "path": "table.parquet",
               "lineage": {"inputs": ["forms"], "transformation": "filtered", "code_version": "v1"}}
    data = {"manifest_version": 1, "name": "m", "sources": {"forms": source, "table": derived},
            "reference": [{"feature": "age_band", "source": "census", "shares": {"a": 0.4, "b": 0.6}}]}
    data.update(overrides)
    return data


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "manifest.toml"
    path.write_text(manifest_toml(data), encoding="utf-8")
    return path


def test_valid_manifest_loads_and_resolves_paths_against_its_folder(tmp_path):
    manifest = load_manifest(_write(tmp_path, _manifest()))
    assert isinstance(manifest, DataManifest)
    assert set(manifest.sources) == {"forms", "table"}
    assert manifest.sources["table"].is_derived and not manifest.sources["forms"].is_derived
    assert manifest.resolve(manifest.sources["forms"].path) == (tmp_path / "forms.csv").resolve()
    assert manifest.upstream("table") == ["forms"]
    assert todo_fields(manifest.sources["forms"]) == []


def test_todo_placeholders_validate_but_are_listed(tmp_path):
    data = _manifest()
    data["sources"]["forms"]["owner"] = "TODO"
    data["sources"]["forms"]["approval"] = {"by": "TODO", "date": "TODO"}
    manifest = load_manifest(_write(tmp_path, data))
    assert todo_fields(manifest.sources["forms"]) == ["owner", "approval.by", "approval.date"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["sources"]["forms"].pop("owner"), r"\[sources\.forms\.owner\] required field is missing"),
        (lambda d: d["sources"]["forms"].update(sha256="abc123"),
         r"\[sources\.forms\.sha256\] sha256 must be 64 lower-case hexadecimal characters.*'abc123'"),
        (lambda d: d["sources"]["forms"].update(sha256=HASH.upper()), r"sources\.forms\.sha256.*64 lower-case"),
        (lambda d: d["sources"]["forms"]["columns"][1].update(type="int"),
         r"\[sources\.forms\.columns\.1\.type\] unknown column type; expected one of string, category, integer"),
        (lambda d: d["sources"]["forms"].update(colour="red"), r"\[sources\.forms\.colour\] unknown key"),
        (lambda d: d["sources"]["forms"].update(path=None), r"needs a 'path' \(a local file\) or a 'uri'"),
        (lambda d: d["sources"]["forms"]["collection_period"].update(start=date(2026, 1, 1)),
         r"collection period starts \(2026-01-01\) after it ends"),
        (lambda d: d["reference"][0].update(shares={"a": 0.4, "b": 0.4}), r"sum to 1.*0\.8000"),
        (lambda d: d["sources"]["forms"].update(retention_days=0), r"retention_days must be a positive"),
        (lambda d: d["sources"]["forms"]["approval"].update(date="soon"), r"\[sources\.forms\.approval\.date\]"),
    ],
    ids=["missing-field", "short-hash", "upper-case-hash", "unknown-column-type", "unknown-key", "no-location",
         "period-reversed", "shares-not-one", "retention-zero", "bad-date"],
)
def test_bad_manifest_names_the_field(tmp_path, change, expected):
    data = _manifest()
    change(data)
    with pytest.raises(ManifestError, match=expected) as info:
        load_manifest(_write(tmp_path, data))
    assert str(tmp_path / "manifest.toml") in str(info.value)
    assert isinstance(info.value, SpecError)  # the CLI turns it into exit code 2


def test_lineage_cycle_is_an_error_naming_the_cycle(tmp_path):
    data = _manifest()
    data["sources"]["forms"]["lineage"] = {"inputs": ["table"], "transformation": "t", "code_version": "v"}
    with pytest.raises(ManifestError, match=r"lineage has a cycle: (forms -> table -> forms|table -> forms -> table)"):
        load_manifest(_write(tmp_path, data))


def test_longer_cycle_and_self_input(tmp_path):
    data = _manifest()
    lineage = {"transformation": "t", "code_version": "v"}
    data["sources"]["c"] = {**data["sources"]["forms"], "lineage": {"inputs": ["table"], **lineage}}
    data["sources"]["forms"] = {**data["sources"]["forms"], "lineage": {"inputs": ["c"], **lineage}}
    with pytest.raises(ManifestError, match="lineage has a cycle"):
        load_manifest(_write(tmp_path, data))
    data = _manifest()
    data["sources"]["table"]["lineage"]["inputs"] = ["table"]
    with pytest.raises(ManifestError, match=r"sources\.table\.lineage\.inputs.*itself"):
        load_manifest(_write(tmp_path, data))


def test_undeclared_lineage_input_loads(tmp_path):
    # an undeclared input is a finding of the auditor (provenance.lineage), not a load error
    data = _manifest()
    data["sources"]["table"]["lineage"]["inputs"] = ["forms", "vendor_feed"]
    manifest = load_manifest(_write(tmp_path, data))
    assert manifest.upstream("table") == ["vendor_feed", "forms"]


def test_not_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_manifest(bad)
    with pytest.raises(InputDataError, match="data manifest not found"):
        load_manifest(tmp_path / "absent.toml")


def test_json_schema_validates_a_manifest_and_is_published(tmp_path, capsys):
    schema = manifest_json_schema()
    assert "base_dir" not in schema["properties"]
    document = json.loads(json.dumps(_manifest(), default=str))
    jsonschema.validate(document, schema)
    document["sources"]["forms"]["columns"][0]["type"] = "int"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)
    assert main(["schema", "manifest"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "govaudit data manifest"
