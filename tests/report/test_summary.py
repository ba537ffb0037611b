import pytest
from rich.console import Console

from govaudit.core import Finding, Status
from govaudit.records import Verdict
from govaudit.report import render_summary
from govaudit.report._text import UNDEFINED, verdict_sentence

from _factories import group_metrics_evidence, make_record


def _text(record, width=120):
    console = Console(record=True, width=width)
    render_summary(record, console=console)
    return console.export_text()


def _line_with(text, needle, *, start=False):
    return next(line for line in text.splitlines() if (line.startswith(needle) if start else needle in line))


def test_header_shows_identity_and_responsibility():
    out = _text(make_record())
    for needle in [
        "Benefits eligibility screening",
        "3f1c2b7e-9a4d-4c1e-8b2a-5d6e7f809a1b",
        "2025-03-14T09:26:53",
        "eligibility-gbm 2.3.1",
        "abababababab",
        "Department of Social Services",
        "Algorithm Review Office",
        "Chief Data Officer",
    ]:
        assert needle in out, needle
    assert "ab" * 32 not in out  # only a short hash


@pytest.mark.parametrize(
    ("findings", "verdict"),
    [
        ([Finding(auditor="bias", check="bias.x", status=Status.PASS, message="fine")], "PASS"),
        ([Finding(auditor="bias", check="bias.x", status=Status.WARN, message="hmm")], "WARN"),
        ([Finding(auditor="bias", check="bias.x", status=Status.FAIL, message="bad")], "FAIL"),
        ([Finding(auditor="bias", check="bias.x", status=Status.ERROR, message="broke")], "ERROR"),
    ],
)
def test_verdict_in_header(findings, verdict):
    assert verdict in _line_with(_text(make_record(findings=findings)), "Verdict")


@pytest.mark.parametrize(
    ("verdict", "colour"), [("pass", "32"), ("warn", "33"), ("fail", "31"), ("error", "31")]
)
def test_verdict_is_coloured(verdict, colour):
    status = Status(verdict)
    record = make_record(findings=[Finding(auditor="bias", check="bias.x", status=status, message="m")])
    console = Console(record=True, width=120, force_terminal=True, color_system="standard")
    render_summary(record, console=console)
    styled = console.export_text(styles=True)
    assert f"\x1b[1;{colour}m{verdict.upper()}" in styled


def test_findings_table_lists_every_check_with_value_and_threshold():
    out = _text(make_record())
    for check in [
        "bias.group_metrics", "bias.impact_ratio", "bias.tpr_difference",
        "provenance.hash_matches", "provenance.freshness", "oversight.review_coverage",
    ]:
        assert check in out, check
    row = _line_with(out, "bias.impact_ratio")
    assert "fail" in row and "paper" in row and "0.620" in row and ">= 0.800" in row
    assert "<= 0.100" in _line_with(out, "bias.tpr_difference")


def test_group_table_rows():
    out = _text(make_record())
    assert "Groups by channel" in out and "reference group: online" in out
    online = _line_with(out, " online ", start=True)
    assert "1,200" in online and "60.0%" in online and "pass" in online
    assert "inconclusive" in _line_with(out, "in person *")
    assert "[0.410–0.590]" in out and "0.500" in out


def test_metric_with_interval_format_on_a_wide_console():
    out = _text(make_record(), width=160)
    online = _line_with(out, " online ", start=True)
    assert "0.500 [0.410–0.590]" in online
    assert "0.800 [0.700–0.880]" in online
    assert "1.000 [1.000–1.000]" in online


def test_undefined_values_show_a_dash_never_zero():
    out = _text(make_record(), width=160)
    row = _line_with(out, "in person *")
    assert row.count(UNDEFINED) == 2  # TPR and impact ratio
    assert "0.000" not in row


def test_all_undefined_group_is_not_shown_as_zero():
    evidence = group_metrics_evidence()
    evidence["groups"][2].update(selection_rate=None, selection_rate_ci=None, fpr=None, fpr_ci=[None, None])
    finding = Finding(auditor="bias", check="bias.group_metrics", status=Status.PASS, evidence=evidence, message="m")
    out = _text(make_record(findings=[finding]), width=160)
    row = _line_with(out, "in person *")
    assert row.count(UNDEFINED) == 4
    assert "0.000" not in row and " 0 " not in row


def test_group_note_is_shown():
    out = _text(make_record())
    assert "small group (n=12 < 30): excluded from ratio gates" in out


def test_readable_on_a_100_column_terminal():
    out = _text(make_record(), width=100)
    assert all(len(line) <= 100 for line in out.splitlines())
    for header in ["selection", "TPR", "FPR", "Impact ratio", "Status"]:
        assert header in out
    assert "inconclusive" in out
    assert "…" not in out.replace("abababababab…", "")  # nothing else cut off


def test_narrow_terminal_splits_the_group_table_instead_of_cutting_it():
    out = _text(make_record(), width=80)
    assert "(continued)" in out
    assert "Impact ratio" in out and "inconclusive" in out
    for interval in ["[0.410–0.590]", "[0.700–0.880]", "[0.100–0.300]", "[1.000–1.000]"]:
        assert interval in out


def test_markup_in_record_text_is_printed_literally():
    finding = Finding(auditor="bias", check="bias.x", status=Status.WARN, groups=("[red]",),
                      message="Group [bold]65+[/bold] differs.")
    out = _text(make_record(findings=[finding]))
    assert "[bold]65+[/bold]" in out
    assert "[red]" in out


def test_malformed_group_evidence_does_not_break_the_summary():
    finding = Finding(auditor="bias", check="bias.group_metrics", status=Status.PASS, evidence={"feature": "x"},
                      message="no table")
    out = _text(make_record(findings=[finding]))
    assert "no table" in out and "Groups by" not in out


def test_no_findings():
    out = _text(make_record(findings=[]))
    assert "no findings" in out
    assert "All 0 checks passed" in out


def test_final_sentence_for_failures_and_errors():
    out = _text(make_record())
    assert "1 gate failed (bias.impact_ratio [paper])" in out
    assert "1 check could not be completed (oversight.review_coverage)" in out
    assert "should not be released" in out


def test_final_sentence_lists_failed_gates():
    findings = [
        Finding(auditor="bias", check=f"bias.gate_{i}", status=Status.FAIL, groups=("65+",), message="m")
        for i in range(2)
    ]
    sentence = verdict_sentence(make_record(findings=findings))
    assert sentence.startswith("2 gates failed (bias.gate_0 [65+], bias.gate_1 [65+])")
    assert "should not be released until the failed gates are fixed" in sentence
    assert sentence.endswith(".") and sentence.count(". ") == 0


def test_final_sentence_truncates_long_lists():
    findings = [Finding(auditor="bias", check=f"bias.gate_{i}", status=Status.FAIL, message="m") for i in range(7)]
    assert "and 3 more" in verdict_sentence(make_record(findings=findings))


def test_final_sentence_for_warn_and_pass():
    warn = make_record(findings=[Finding(auditor="bias", check="bias.x", status=Status.WARN, message="m")])
    assert verdict_sentence(warn).startswith("No gate failed, but 1 check raised a warning (bias.x)")
    passed = make_record(findings=[
        Finding(auditor="bias", check="bias.x", status=Status.PASS, message="m"),
        Finding(auditor="bias", check="bias.y", status=Status.SKIPPED, message="m"),
    ])
    assert verdict_sentence(passed).startswith("All 1 check passed (1 check was skipped)")


def test_final_sentence_follows_the_recorded_verdict():
    record = make_record(findings=[], verdict=Verdict.FAIL)
    assert "should not be released" in verdict_sentence(record)


def test_default_console_prints_to_stdout(capsys):
    render_summary(make_record())
    assert "bias.impact_ratio" in capsys.readouterr().out


def test_render_summary_refuses_other_objects():
    with pytest.raises(TypeError, match="AuditRecord"):
        render_summary("record.json", console=Console(record=True))


def test_control_characters_from_the_data_are_shown_not_obeyed():
    import io

    import numpy as np
    import pandas as pd
    from rich.console import Console

    import govaudit
    from govaudit.report import render_summary

    column = "region\x1b]0;title\x07"
    df = pd.DataFrame({column: ["north\x1b[31m"] * 300 + ["south\x9b2J"] * 300, "d": np.tile([0, 1], 300)})
    record = govaudit.audit(y_pred=df["d"], sensitive_features=df[[column]], auditors={"bias": {"n_resamples": 0}})
    for force_terminal in (False, True):
        buffer = io.StringIO()
        render_summary(record, Console(file=buffer, width=120, force_terminal=force_terminal, color_system=None))
        out = buffer.getvalue()
        assert "\x07" not in out and "\x9b" not in out and "]0;title" in out
        assert "\\x1b[31m" in out and "\\x1b]0;title\\x07" in out and "\\x9b2J" in out
        if not force_terminal:
            assert "\x1b" not in out
