"""The command line: report --format html|md|pdf --out --lang, run --html, and a ledger position in record.json."""

from __future__ import annotations

import json

import pytest

from govaudit.cli import main

from _factories import make_record


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_writes_an_html_report(audit_project, tmp_path, capsys):
    html = tmp_path / "report.html"
    code, out, _ = _run(["run", audit_project["biased"], "--html", html], capsys)
    assert code == 1
    assert f"html: {html}" in out
    text = html.read_text()
    assert text.startswith("<!DOCTYPE html>") and "in_person" in text and "<svg" in text


@pytest.mark.parametrize(("fmt", "marker"), [("html", "<!DOCTYPE html>"), ("md", "## govaudit audit of"),
                                             ("json", '"record_id"'), ("junit", "<testsuites")])
def test_report_formats_to_stdout_and_file(tmp_path, capsys, fmt, marker):
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    code, out, _ = _run(["report", record, "--format", fmt], capsys)
    assert code == 0 and marker in out
    target = tmp_path / "out" / f"report.{fmt}"
    code, out, err = _run(["report", record, "--format", fmt, "--out", target], capsys)
    assert code == 0 and out == "" and f"written: {target}" in err
    assert marker in target.read_text()


def test_report_in_chinese(tmp_path, capsys):
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    code, out, _ = _run(["report", record, "--format", "html", "--lang", "zh"], capsys)
    assert code == 0 and '<html lang="zh-Hans">' in out and "审计报告" in out


def test_ledger_position_carried_by_the_record_file_is_shown(tmp_path, capsys):
    data = json.loads(make_record().to_json())
    data["ledger"] = {"seq": 12, "entry_hash": "7e" * 32}
    record = tmp_path / "record.json"
    record.write_text(json.dumps(data))
    code, out, _ = _run(["report", record, "--format", "html"], capsys)
    assert code == 0 and "Ledger position: Seq" in out and "7e" * 32 in out
    plain = tmp_path / "plain.json"
    plain.write_text(make_record().to_json())
    assert "Ledger position" not in _run(["report", plain, "--format", "html"], capsys)[1]


@pytest.mark.parametrize(("args", "needle"), [
    (["--format", "docx"], "unknown report format 'docx'; expected one of: summary, json, junit, html, md, pdf"),
    (["--format", "pdf"], "--format pdf writes a file: give it with --out FILE"),
    (["--format", "html", "--lang", "fr"], "unknown report language 'fr'"),
])
def test_bad_options_are_one_line_errors(tmp_path, capsys, args, needle):
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    code, _, err = _run(["report", record, *args], capsys)
    assert code == 2 and err.count("\n") == 1 and needle in err


def test_not_json_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "record.json"
    bad.write_text("not json")
    code, _, err = _run(["report", bad, "--format", "html"], capsys)
    assert code == 2 and "not a valid audit record" in err and "not JSON" in err
