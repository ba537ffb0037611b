"""`govaudit run` prints a one-screen summary, verdict first; `--details` adds the full tables, cut nowhere.

At 80 columns the old output ran to hundreds of lines with the verdict last, and cut a metric
column to one letter. Each line of the summary is one check, cut with an ellipsis at the width;
text from the data (group labels, messages) can neither steer the terminal nor be read as markup.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from rich.console import Console

from _factories import group_metrics_evidence, make_record
from govaudit.cli import main
from govaudit.core import Finding, Severity, Status
from govaudit.records import AuditRecord
from govaudit.report._summary import plain_check, render_brief, summary_items

#: A group label from the data trying to colour the terminal, return the cursor and open rich markup.
LABEL = "in\x1b[31mperson\r[bold]x"
SHOWN = "in\\x1b[31mperson\\x0d[bold]x"
METRIC_HEADERS = ("selection rate", "TPR", "FPR", "FNR", "TNR", "precision", "accuracy", "Impact ratio", "Status")


def run_cli(args, capsys, monkeypatch, width=80):
    """Run at ``width`` columns from the spec's folder, so the paths printed are short enough for any width."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.chdir(args[1].parent)
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _lines(text):
    return text.rstrip("\n").split("\n")


def _record(project):
    return AuditRecord.from_json((project.parent / "reports" / "record.json").read_bytes())


@pytest.fixture
def biased(audit_project, tmp_path):
    folder = tmp_path / "biased"
    shutil.copytree(audit_project["biased"].parent, folder, ignore=shutil.ignore_patterns("reports", "*.sqlite"))
    return folder / "audit.toml"


@pytest.mark.parametrize("width", [80, 120])
def test_the_default_summary_is_one_screen_with_the_verdict_first(biased, capsys, monkeypatch, width):
    code, out, err = run_cli(["run", biased, "--out", "reports", "--no-progress"], capsys, monkeypatch, width)
    assert code == 1 and err == ""
    lines = _lines(out)
    assert lines[0].startswith("FAIL — biased: ")
    assert len(lines) <= 40
    assert max(len(line) for line in lines) <= width
    record = _record(biased)
    failed = [f for f in record.findings if f.status is Status.FAIL]
    assert failed and f"Failed ({len(failed)})" in lines
    for finding in failed:
        assert any(line.startswith(f"  {plain_check(finding.check)} [{finding.groups[0]}") for line in lines)
    assert "  json: reports/record.json" in lines
    # the group tables and the passed checks are left to --details
    assert "Groups by channel" not in out and "bias.group_metrics" not in out


def test_details_add_every_finding_and_the_group_tables_with_every_header_whole(biased, capsys, monkeypatch):
    code, out, _ = run_cli(["run", biased, "--out", "reports", "--details", "--no-progress"], capsys, monkeypatch, 80)
    assert code == 1
    lines = _lines(out)
    assert lines[0].startswith("FAIL — biased: ")
    assert max(len(line) for line in lines) <= 80
    record = _record(biased)
    for finding in record.findings:
        assert finding.check in out
    for feature in ("channel", "sex"):
        assert f"Groups by {feature}" in out
    headers = [line for line in lines if line.startswith(" Group ")]
    assert len(headers) >= 4  # each feature's seven metrics need more than one block at 80 columns
    for header in METRIC_HEADERS:
        assert sum(f"  {header}" in line or line.endswith(f" {header}") for line in headers) >= 2, header


def test_quiet_prints_nothing_and_json_only_the_record(biased, capsys, monkeypatch):
    code, out, err = run_cli(["run", biased, "-q"], capsys, monkeypatch)
    assert (code, out, err) == (1, "", "")
    code, out, _ = run_cli(["run", biased, "--json"], capsys, monkeypatch)
    assert code == 1 and out.startswith("{") and "FAIL —" not in out


def test_a_group_label_with_control_characters_and_markup_is_printed_harmlessly(biased, capsys, monkeypatch):
    frame = pd.read_csv(biased.parent / "eval.csv")
    frame["channel"] = frame["channel"].replace("in_person", LABEL)
    frame.to_parquet(biased.parent / "eval.parquet", index=False)  # a CSV reader may take the \r for a row's end
    biased.write_text(biased.read_text().replace('path = "eval.csv"', 'path = "eval.parquet"'))
    for flags in ([], ["--details"]):
        code, out, err = run_cli(["run", biased, "--out", "reports", "--no-progress", *flags], capsys, monkeypatch, 80)
        assert code == 1, err
        assert SHOWN in out.replace("\n", "") or SHOWN[:20] in out  # a table may fold the label
        assert "\x1b" not in out and "\r" not in out
        assert max(len(line) for line in _lines(out)) <= 80
    assert f"[{SHOWN}, online]" in out  # the failed check's line: the markup shown as written


def _finding(check, status, groups=(), severity=Severity.HIGH, message="m", **extra):
    return Finding(auditor=check.split(".")[0], check=check, status=status, severity=severity, groups=list(groups),
                   message=message, **extra)


def _brief(record, width=80, **options):
    console = Console(record=True, width=width)
    render_brief(record, console, **options)
    return console.export_text()


def test_the_most_severe_come_first_and_the_rest_are_counted_with_where_to_read_them(tmp_path):
    findings = [_finding("bias.x", Status.WARN), _finding("bias.y", Status.PASS),
                _finding("oversight.z", Status.FAIL, severity=Severity.LOW),
                _finding("oversight.review_coverage", Status.FAIL, severity=Severity.CRITICAL),
                _finding("custom.broken", Status.ERROR),
                _finding("bias.u", Status.INCONCLUSIVE)]
    assert [f.check for _, f in summary_items(findings)] == [
        "custom.broken", "oversight.review_coverage", "oversight.z", "bias.u", "bias.x"]
    html = tmp_path / "report.html"
    out = _brief(make_record(findings=findings), written={"json": tmp_path / "record.json", "html": html},
                 max_listed=3)
    lines = _lines(out)
    assert lines[0].startswith("ERROR — ")
    assert lines.index("Could not be completed (1)") < lines.index("Failed (2)")
    assert lines[lines.index("Failed (2)") + 1].startswith(f"  {plain_check('oversight.review_coverage')}")
    assert f"  and 2 more — see {html}" in out.replace("\n", "")
    assert "Warnings" not in out  # listed among the 2 more


@pytest.mark.parametrize(("status", "strict", "first", "second"), [
    (Status.PASS, False, "PASS — Benefits eligibility screening: every gate passed", "Nothing was found"),
    (Status.WARN, False, "WARN — Benefits eligibility screening: no gate failed, 1 warning", "The approver"),
    (Status.WARN, True, "WARN — Benefits eligibility screening: no gate failed, 1 warning", "Not to be released"),
    (Status.INCONCLUSIVE, False, "INCONCLUSIVE — Benefits eligibility screening: 1 gate not judged", "Not to be"),
])
def test_the_first_lines_say_the_verdict_and_what_it_means(status, strict, first, second):
    lines = _lines(_brief(make_record(findings=[_finding("bias.x", status)]), width=120, strict=strict))
    assert lines[0] == first and lines[1].startswith(second)


def test_a_long_message_is_cut_with_an_ellipsis_at_the_width_and_kept_on_one_line():
    message = "A very long message.\nIt goes on " + "and on " * 40
    finding = _finding("oversight.review_time", Status.FAIL, groups=["RV-01", "RV-02", "RV-03", "RV-04"],
                       message=message, value=0.123, threshold=0.05, operator="<=")
    for width in (80, 120):
        lines = _lines(_brief(make_record(findings=[finding]), width=width))
        [line] = [line for line in lines if line.startswith("  reviews too short")]
        assert line.startswith("  reviews too short to be real [RV-01, RV-02, RV-03 +1]: 0.123, gate <= 0.050 —")
        assert len(line) == width and line.endswith("…")
    assert "gate <= 0.050 — A very long message. It goes on and on" in line  # the 120-column line


def test_control_characters_and_markup_in_messages_and_groups_are_shown_not_obeyed():
    finding = _finding("bias.impact_ratio", Status.FAIL, groups=[LABEL, "online"],
                       message=f"People in '{LABEL}' [red]are[/red] selected less often.", value=0.5, threshold=0.8,
                       operator=">=", evidence=group_metrics_evidence())
    record = make_record(findings=[finding], audit_name="x\x1b]0;title\x07")
    console = Console(record=True, width=200, force_terminal=True, color_system="standard")
    render_brief(record, console)
    styled = console.export_text(styles=True, clear=False)
    assert "\x1b[31mperson" not in styled and "\r" not in styled and "\x07" not in styled
    plain = console.export_text()
    assert f"[{SHOWN}, online]" in plain and "[red]are[/red]" in plain and "x\\x1b]0;title\\x07" in plain


def test_a_path_longer_than_the_width_is_printed_whole_for_copying(tmp_path):
    path = tmp_path / ("folder-" * 12) / "record.json"
    out = _brief(make_record(findings=[_finding("bias.x", Status.PASS)]), written={"json": path})
    assert f"  json: {path}" in _lines(out)
    assert max(len(line) for line in _lines(out) if str(path) not in line) <= 80


#: Columns the bias auditor may add (counts without intervals, rates, ratios and differences with them).
MORE_METRICS = ("tp", "fp", "tn", "fn", "pp", "pn", "prevalence", "npv", "fdr", "for", "ppr", "lr_plus", "lr_minus",
                "selection_rate_ratio", "selection_rate_difference", "false_negative_rate_difference")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_any_number_of_group_columns_is_wrapped_into_blocks_with_every_header_and_cell_whole(width):
    from govaudit.report._text import render_summary

    evidence = group_metrics_evidence()
    evidence["metrics"] = [*evidence["metrics"], *MORE_METRICS]
    for i, row in enumerate(evidence["groups"]):
        for j, metric in enumerate(MORE_METRICS):
            if j < 6:  # a count: a whole number, no interval
                row[metric] = 1000 * i + j
            else:
                row[metric], row[f"{metric}_ci"] = 0.1 * i + 0.01 * j, [0.01 * j, 0.5 + 0.01 * j]
    finding = Finding(auditor="bias", check="bias.group_metrics", status=Status.REPORTED, evidence=evidence,
                      message="m")
    console = Console(record=True, width=width)
    render_summary(make_record(findings=[finding]), console)
    lines = _lines(console.export_text())
    assert max(len(line) for line in lines) <= width
    headers = [line for line in lines if line.startswith(" Group ")]
    assert len(headers) > 1 if width < 120 else len(headers) >= 1
    labels = ["selection rate", "TPR", "FPR", *(m.replace("_", " ") for m in MORE_METRICS), "Impact ratio", "Status"]
    cells = [cell for line in headers for cell in re.split(r"\s{2,}", line.strip())]
    assert sorted(cells) == sorted(["Group", "n", "Share"] * len(headers) + labels)  # each header whole, once
    assert sum(" 2,005 " in f"{line} " for line in lines) == 1  # a count as a whole number, never "2005.000"
    text = "\n".join(lines)
    for status in ("pass", "fail", "inconclusive"):
        assert f" {status}" in text
    for row in evidence["groups"]:  # every cell whole: the number, and its interval (folded below it or not)
        for metric in MORE_METRICS[6:]:
            low, high = row[f"{metric}_ci"]
            assert f"[{low:.3f}–{high:.3f}]" in text, (metric, low, high)
