"""``manifest init``: drafts from real files load, carry true hashes and counts, and leave TODOs for people."""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import pandas as pd
import pytest

from govaudit.cli import main
from govaudit.provenance import draft_manifest, guess_identifier, load_manifest, todo_fields
from govaudit.provenance._draft import toml_value
from govaudit.provenance._personal import guess_personal_name, guess_sensitive_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture()
def folder(tmp_path):
    rng = np.random.default_rng(1)
    n = 300
    people = pd.DataFrame({
        "case_id": [f"C{i:04d}" for i in range(n)],
        "contact": [f"person{i}@example.org" for i in range(n)],
        "sex": rng.choice(["female", "male"], n),
        "income": rng.normal(2000, 300, n).round(2),
        "decision": rng.integers(0, 2, n),
    })
    people.to_csv(tmp_path / "people.csv", index=False)
    people.drop(columns="contact").to_parquet(tmp_path / "model table.parquet", index=False)
    return tmp_path


def test_draft_fills_hashes_counts_and_types_and_loads(folder):
    text = draft_manifest([folder / "people.csv", folder / "model table.parquet"], relative_to=folder)
    path = folder / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    manifest = load_manifest(path)
    assert list(manifest.sources) == ["people", "model_table"]
    people = manifest.sources["people"]
    assert people.sha256 == hashlib.sha256((folder / "people.csv").read_bytes()).hexdigest()
    assert people.rows == 300 and people.format == "csv"
    assert manifest.resolve(people.path) == (folder / "people.csv").resolve()
    assert manifest.sources["model_table"].path.as_posix() == "model table.parquet"
    types = {c.name: c.type for c in people.columns}
    assert types == {"case_id": "string", "contact": "string", "sex": "string", "income": "float", "decision": "integer"}
    assert people.column("sex").allowed_values == ("female", "male")
    assert people.column("decision").min == 0 and people.column("decision").max == 1
    contact = people.column("contact")
    assert contact.personal_data and contact.personal_category == "identifier"
    assert contact.allowed_values is None  # values of identifier-like columns are never copied
    assert people.column("sex").sensitive and people.column("sex").review.startswith("TODO")
    missing = todo_fields(people)
    for field in ("description", "owner", "legal_basis", "collection_method", "approval.by", "approval.date",
                  "retention_days", "columns[contact].review"):
        assert field in missing
    assert "person0@example.org" not in text


def test_cli_manifest_init_writes_and_refuses_to_overwrite(folder, capsys):
    out = folder / "drafts" / "manifest.toml"
    out.parent.mkdir()
    assert main(["manifest", "init", str(folder / "people.csv"), "--out", str(out)]) == 0
    assert "TODO field(s)" in capsys.readouterr().out
    manifest = load_manifest(out)
    assert manifest.resolve(manifest.sources["people"].path) == (folder / "people.csv").resolve()
    assert main(["manifest", "init", str(folder / "people.csv"), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["manifest", "init", str(folder / "absent.csv")]) == 2
    assert "data file not found" in capsys.readouterr().err


def test_cli_manifest_init_prints_to_stdout(folder, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert main(["manifest", "init", "people.csv"]) == 0
    assert 'path = "people.csv"' in capsys.readouterr().out


@pytest.mark.parametrize("value", ["plain", 'quote " and \\ backslash', "new\nline", "ünïcödé", "tab\t"])
def test_toml_strings_round_trip(value):
    assert tomllib.loads(f"x = {toml_value(value)}")["x"] == value


@pytest.mark.parametrize(
    ("name", "values", "kind", "basis"),
    [
        ("email", [], "e-mail address", "name"),
        ("Phone_Number", [], "phone number", "name"),
        ("national_id", [], "national ID number", "name"),
        ("lastName", [], "person's name", "name"),
        ("col_a", ["a@b.org", "c.d@e.co.uk", "x@y.com", None], "e-mail address", "values"),
        ("col_b", ["123-45-6789", "987-65-4321"], "national ID number", "values"),
        ("col_c", ["+44 20 7946 0958", "020 7946 0000", "+1 415 555 2671"], "phone number", "values"),
        ("col_d", ["DE89370400440532013000", "GB29NWBK60161331926819"], "bank account", "values"),
    ],
)
def test_identifier_guesses(name, values, kind, basis):
    guess = guess_identifier(name, values)
    assert guess is not None and (guess.kind, guess.basis) == (kind, basis)


@pytest.mark.parametrize("name", ["income", "channel", "region", "household_size", "filename", "ip_range_count"])
def test_no_identifier_guess_for_ordinary_columns(name):
    assert guess_identifier(name, ["online", "in_person", "12.5", "north"]) is None


def test_value_guess_needs_a_majority_and_personal_name_guesses():
    assert guess_identifier("notes", ["a@b.org"] + ["fine"] * 5) is None
    assert guess_personal_name("monthly_income") and not guess_personal_name("region")
    assert guess_sensitive_name("age_band") and not guess_sensitive_name("channel")
