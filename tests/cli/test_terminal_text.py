"""Text from the data reaches the terminal with its control characters shown, never sent.

A column, group or file name holding an escape sequence (``\\x1b]0;title\\x07`` sets the terminal's
title) used to reach the terminal raw in the command's one-line errors and in ledger listings.
"""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from _factories import make_record
from govaudit.cli import main
from govaudit.records import ArtifactIdentity, Ledger, SigningKey

TITLE = "x\x1b]0;title\x07"
SHOWN = "x\\x1b]0;title\\x07"
RAW = ("\x1b", "\x07")


def run_cli(args, capsys):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _no_raw_controls(text):
    assert not any(c in text for c in RAW), repr(text)


@pytest.fixture
def project(audit_project, tmp_path):
    folder = tmp_path / "project"
    shutil.copytree(audit_project["fair"].parent, folder, ignore=shutil.ignore_patterns("reports", "*.sqlite"))
    return folder / "audit.toml"


def _edit(spec, old, new):
    text = spec.read_text()
    assert old in text
    spec.write_text(text.replace(old, new))


def test_a_missing_sensitive_column_named_with_an_escape_sequence(project, capsys):
    _edit(project, 'sensitive_features = ["channel", "sex"]', 'sensitive_features = ["channel", "x\\u001b]0;title\\u0007"]')
    code, out, err = run_cli(["run", project], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and SHOWN in err
    _no_raw_controls(err)


def test_a_data_file_named_with_an_escape_sequence(project, capsys):
    _edit(project, 'path = "eval.csv"', 'path = "x\\u001b]0;title\\u0007.csv"')
    code, _, err = run_cli(["run", project], capsys)
    assert code == 2
    assert err.count("\n") == 1 and f"{SHOWN}.csv" in err
    _no_raw_controls(err)


def test_a_data_column_named_with_an_escape_sequence_in_the_list_of_columns(project, capsys):
    data = project.parent / "eval.csv"
    header, rest = data.read_text().split("\n", 1)
    data.write_text(header.replace("application_id", TITLE) + "\n" + rest)
    _edit(project, 'sensitive_features = ["channel", "sex"]', 'sensitive_features = ["channel", "region"]')
    code, _, err = run_cli(["run", project], capsys)
    assert code == 2
    assert err.count("\n") == 1 and "region" in err and SHOWN in err
    _no_raw_controls(err)


def test_ledger_show_and_gate_show_names_from_the_records_escaped(tmp_path, capsys):
    key = SigningKey.generate()
    model = ArtifactIdentity(role="model", name=TITLE, version="1\x1b[31m", sha256="ab" * 32, path="m.skops")
    ledger = tmp_path / "ledger.sqlite"
    with Ledger(ledger, create=True) as led:
        led.append(make_record(model=model), key)
    code, out, err = run_cli(["ledger", "show", ledger], capsys)
    assert code == 0, err
    assert "x\\x1b" in out  # the table may fold the name over lines
    _no_raw_controls(out)
    code, out, err = run_cli(["gate", ledger, "--model", TITLE, "--version", "1\x1b[31m"], capsys)
    assert code == 1 and out == ""
    assert SHOWN in err
    _no_raw_controls(err)


def test_a_path_given_on_the_command_line_is_escaped_in_the_error(tmp_path, capsys):
    missing = tmp_path / f"{TITLE}.json"
    code, _, err = run_cli(["report", missing], capsys)
    assert code == 2 and err.count("\n") == 1 and SHOWN in err
    _no_raw_controls(err)


def test_explain_shows_feature_names_and_values_escaped(project, monkeypatch, capsys):
    import pandas as pd

    import govaudit.explainability

    result = SimpleNamespace(adverse=True, reasons=pd.DataFrame({"sentence": [f"Reason 1: {TITLE} is 3."]}),
                             explainer={"explainer": "linear", "explained_output": "log-odds"},
                             base_value=0.1, output=0.7)
    config = SimpleNamespace(outcome_wording=f"being flagged {TITLE}")
    monkeypatch.setattr(govaudit.explainability, "explain_spec_case", lambda plan, case: (result, config))
    code, out, err = run_cli(["explain", project, "--case", f"A{TITLE}"], capsys)
    assert code == 0, err
    assert f"Case A{SHOWN}: the decision was adverse (being flagged {SHOWN})." in out
    assert f"  Reason 1: {SHOWN} is 3." in out
    _no_raw_controls(out)


def test_coverage_shows_names_and_reasons_from_the_record_escaped(tmp_path, monkeypatch, capsys):
    import govaudit.records

    evidence = [SimpleNamespace(name=f"bias.impact_ratio [{TITLE}]", status="pass")]
    row = SimpleNamespace(status="met", id="LL144-1", reason=f"group {TITLE} meets the gate", evidence=evidence)
    profile = SimpleNamespace(title="NYC Local Law 144", name="nyc-ll144", version="1", parameters={},
                              requirements=[row], counts={"met": 1})
    loose = SimpleNamespace(setting="min_group_size", profile="nyc-ll144", default=30, value=10,
                            justification=f"small {TITLE} office")
    matrix = SimpleNamespace(as_of="2026-01-31", profiles=[profile], loosened=[loose], note="note")
    record = SimpleNamespace(audit_name=TITLE, record_id="r-1", coverage_matrix=matrix)
    monkeypatch.setattr(govaudit.records, "load_record_file", lambda path: (record, None))
    code, out, err = run_cli(["coverage", tmp_path / "record.json"], capsys)
    assert code == 0, err
    for shown in (f"Coverage of {SHOWN}", f"group {SHOWN} meets", f"[{SHOWN}] (pass)", f"small {SHOWN} office"):
        assert shown in out
    _no_raw_controls(out)
