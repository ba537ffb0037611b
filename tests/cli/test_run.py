"""`govaudit run` end to end: exit codes, record on disk, JUnit, JSON, strict mode."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest

import govaudit
from govaudit.cli import main


def _run(args, capsys):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_biased_model_fails_the_gate_and_writes_the_record(audit_project, capsys, tmp_path):
    spec = audit_project["biased"]
    junit = tmp_path / "junit.xml"
    code, out, err = _run(["run", spec, "--junit", junit], capsys)
    assert code == 1, err
    assert err == ""
    record_path = spec.parent / "reports" / "record.json"
    record = govaudit.AuditRecord.from_json(record_path.read_bytes())
    assert record.verdict is govaudit.Verdict.FAIL
    failing = [f for f in record.findings if f.status is govaudit.Status.FAIL]
    assert any(f.check == "bias.impact_ratio" and f.groups[0] == "in_person" for f in failing)
    # the terminal summary names the verdict and the failing group
    assert "FAIL" in out.upper() and "in_person" in out
    # the record names what was audited, by hashes, and who is responsible
    assert record.spec_sha256 == govaudit.records.sha256_file(spec)
    assert record.model.sha256 == govaudit.records.sha256_file(spec.parent / "model.skops")
    assert record.data[0].sha256 == govaudit.records.sha256_file(spec.parent / "eval.csv")
    assert record.data[0].rows == 4000
    assert record.responsible.approver == "Chief Data Officer"
    jsonschema.Draft202012Validator(govaudit.record_json_schema()).validate(json.loads(record_path.read_text()))
    # one JUnit test case per finding, failures where findings failed
    root = ET.parse(junit).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == len(record.findings)
    names = [case.get("name") for case in cases]
    assert len(set(names)) == len(names), "CI test views need one name per finding"
    assert len(root.findall(".//failure")) == len(failing)


def test_fair_model_passes(audit_project, capsys):
    code, out, err = _run(["run", audit_project["fair"], "--quiet"], capsys)
    assert code == 0, out + err
    assert out == ""


def test_json_flag_prints_a_valid_record(audit_project, capsys):
    code, out, _ = _run(["run", audit_project["fair"], "--json"], capsys)
    assert code == 0
    document = json.loads(out)
    jsonschema.Draft202012Validator(govaudit.record_json_schema()).validate(document)
    assert document["audit_name"] == "fair"


def test_strict_turns_warnings_into_failure(audit_project, tmp_path, capsys):
    spec = audit_project["fair"]
    # a gate no model can meet, with significance required: below the gate but not significant -> warn
    strict_spec = spec.parent / "strict.toml"
    text = spec.read_text().replace("impact_ratio = { min = 0.8 }", "impact_ratio = { min = 0.999 }")
    strict_spec.write_text(text)
    code, _, _ = _run(["run", strict_spec, "--quiet"], capsys)
    record = govaudit.AuditRecord.from_json((spec.parent / "reports" / "record.json").read_bytes())
    if record.verdict is govaudit.Verdict.WARN:
        assert code == 0
        code, _, _ = _run(["run", strict_spec, "--quiet", "--strict"], capsys)
        assert code == 1
    else:  # the tiny gap happened to be significant: then it is a plain failure
        assert record.verdict is govaudit.Verdict.FAIL and code == 1


def test_report_command_reads_a_saved_record(audit_project, capsys):
    _run(["run", audit_project["biased"], "--quiet"], capsys)
    record_path = audit_project["biased"].parent / "reports" / "record.json"
    code, out, _ = _run(["report", record_path], capsys)
    assert code == 0 and "in_person" in out
    code, out, _ = _run(["report", record_path, "--format", "junit"], capsys)
    assert code == 0 and out.lstrip().startswith("<")


def test_report_rejects_a_file_that_is_not_a_record(tmp_path, capsys):
    bad = tmp_path / "record.json"
    bad.write_text('{"audit_name": "x"}')
    code, _, err = _run(["report", bad], capsys)
    assert code == 2
    assert err.count("\n") == 1 and "not a valid audit record" in err


def test_schema_command_prints_json_schemas(capsys):
    code, out, _ = _run(["schema", "record"], capsys)
    assert code == 0 and json.loads(out)["title"]
    code, out, _ = _run(["schema", "spec"], capsys)
    assert code == 0 and "auditors" in json.loads(out)["properties"]


def test_version(capsys):
    code, out, _ = _run(["--version"], capsys)
    assert code == 0 and govaudit.__version__ in out


def test_console_script_exit_code_and_no_traceback(audit_project):
    result = subprocess.run(
        [sys.executable, "-m", "govaudit.cli", "run", str(audit_project["biased"]), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["run"], ["run", "a.toml", "--no-such-flag"]])
def test_usage_errors_exit_2(argv, capsys):
    code, _, err = _run(argv, capsys)
    assert code == 2
    assert "Traceback" not in err
