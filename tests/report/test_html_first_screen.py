"""The first screen, labels in words, folded group tables and the fixes of issue-level defects, without a browser."""

from __future__ import annotations

import re

import pytest

from govaudit.core import Finding, Principle, Severity, Status
from govaudit.report import render_html
from govaudit.report._html_evidence import evidence_block, scalar_text
from govaudit.report._html_first import problems, scorecard
from govaudit.report._html_groups import BLOCK_COLUMNS, group_tables
from govaudit.report._html_labels import check_label, field_label, words
from govaudit.report._i18n import load_catalogue

from _factories import make_record
from test_html import Page, bias_record

EN, ZH = load_catalogue("en"), load_catalogue("zh")


def _fail(check: str, value: float, gate: float, op: str = ">=", severity: Severity = Severity.HIGH,
          status: Status = Status.FAIL, **evidence) -> Finding:
    return Finding(auditor=check.split(".")[0], check=check, status=status, value=value, threshold=gate, operator=op,
                   severity=severity, evidence=evidence, message=f"{check} {value}",
                   principles=(Principle.FAIRNESS,))


def test_words_not_keys():
    assert words("false_match_rate") == "False match rate"
    assert words("lr_plus") == "LR plus" and words("npv") == "NPV"
    assert field_label("unknown_measure_x", EN) == "Unknown measure x"
    assert field_label("unreviewed_by_month.2025-07", EN) == "Not reviewed, by month: 2025-07"
    assert check_label("bias.impact_ratio", EN) == "Impact ratio" and check_label("bias.impact_ratio", ZH) == "影响比"
    assert check_label("acme.false_match_rate", EN) == "False match rate"
    assert check_label("bias.equalized_odds_ratio", ZH) == ZH("metric.equalized_odds_ratio")


def test_blocking_checks_most_severe_first_each_with_value_and_gate():
    findings = [
        _fail("bias.impact_ratio", 0.75, 0.8, severity=Severity.MEDIUM, feature="sex", group="female"),
        _fail("bias.impact_ratio", 0.62, 0.8, feature="channel", group="in_person"),
        _fail("bias.impact_ratio", 0.41, 0.8, feature="channel", group="paper"),
        _fail("oversight.review_time", 0.12, 0.05, op="<=", severity=Severity.CRITICAL),
        Finding(auditor="provenance", check="provenance.run", status=Status.ERROR, message="crashed",
                severity=Severity.HIGH),
        _fail("bias.equalized_odds_ratio", 0.5, 0.8, status=Status.INCONCLUSIVE),
        Finding(auditor="bias", check="bias.small_groups", status=Status.WARN, message="small"),
        Finding(auditor="bias", check="bias.group_metrics", status=Status.PASS, message="ok"),
    ]
    lines = problems(make_record(findings), EN)
    assert [p["number"] for p in lines] == [1, 2, 3, 4, 5, 6]
    # critical, then high (fail before error before inconclusive; one check's findings together, the furthest
    # from its gate first), then medium; warnings and passes are not blocking
    assert [(p["check"], p["value"]) for p in lines] == [
        ("Time spent on reviews", "0.120"), ("Impact ratio", "0.410"), ("Impact ratio", "0.620"),
        ("Run of the auditor", ""), ("Equalized odds ratio", "0.500"), ("Impact ratio", "0.750")]
    assert lines[1]["gate"] == "≥ 0.8" and lines[0]["gate"] == "≤ 0.05"
    assert lines[1]["what"] == "Some groups are selected far less often" and lines[1]["subject"] == "paper"
    html = render_html(make_record(findings))
    shown = re.findall(r'<li class="problem" id="problem-(\d+)">', html)
    assert shown == ["1", "2", "3", "4", "5", "6"]


def test_scorecard_has_the_five_principles_with_their_evidence():
    findings = [_fail("bias.impact_ratio", 0.6, 0.8, feature="sex", group="f"),
                Finding(auditor="oversight", check="oversight.review_coverage", status=Status.PASS, value=1.0,
                        message="ok", principles=(Principle.PEOPLE_ORIENTED, Principle.SHARED_RISK)),
                Finding(auditor="provenance", check="provenance.freshness", status=Status.WARN, message="old",
                        principles=(Principle.SUSTAINABILITY,))]
    cards = {c["label"]: c for c in scorecard(make_record(findings), EN)}
    assert list(cards) == ["People-oriented", "Transparency", "Shared risk", "Sustainability", "Fairness and justice"]
    assert cards["Fairness and justice"]["status"] == "fail" and "Impact ratio" in cards["Fairness and justice"]["evidence"]
    assert cards["People-oriented"]["status"] == "pass" and cards["People-oriented"]["evidence"] == "Human review coverage"
    assert cards["Sustainability"]["status"] == "warn"
    assert cards["Transparency"]["status"] == "skipped" and cards["Transparency"]["counts"] == ""
    assert cards["Transparency"]["evidence"] == EN("principle_help.transparency")
    assert cards["Fairness and justice"]["counts"] == "1 check(s): 1 blocking, 0 warning(s)"


def test_responsible_parties_and_next_step_are_on_the_first_screen():
    html = render_html(make_record([_fail("bias.impact_ratio", 0.6, 0.8, feature="sex", group="f")]))
    first = html[html.index('<header class="first"'):html.index("</header>")]
    text = Page(first).visible
    assert "Department of Social Services" in text and "Chief Data Officer" in text
    assert "Department of Social Services fixes the failed checks" in text


def test_group_table_folds_every_measure_in_blocks(applications):
    record = bias_record(applications)
    finding = next(f for f in record.findings if f.check == "bias.group_metrics")
    tables = group_tables(finding, EN)
    main, full = tables["main"], tables["full"]
    assert main["header"][:3] == ["Group", "People", "Share"]
    assert {"Selection rate", "False positive rate", "False negative rate", "Impact ratio"} <= set(main["header"])
    assert "Precision" not in main["header"]
    # every measure of the evidence is in the full table, in blocks of at most BLOCK_COLUMNS measures
    measures = [h for table in full for h in table["header"][1:]]
    assert all(len(table["header"]) - 1 <= BLOCK_COLUMNS for table in full)
    for metric in finding.evidence["metrics"]:
        assert EN(f"metric.{metric}") in measures
    # counts match the evidence (a pandas count is checked in test_html)
    counts = {row["group"]: row["cells"][0][0] for row in main["rows"]}
    assert counts == {r["group"]: f"{r['count']:,}" for r in finding.evidence["groups"]}


def test_small_groups_have_their_own_heading_and_a_total_from_their_counts():
    small = Finding(auditor="bias", check="bias.small_groups", status=Status.WARN, message="small",
                    evidence={"feature": "sex & age_band", "groups": [{"group": "f & 18-24", "count": 12},
                                                                      {"group": "m & 18-24", "count": 9}]})
    block = evidence_block(small, EN, None)
    assert block["heading"] == "Small groups: sex & age_band"
    assert "Scores by" not in block["heading"]
    assert "(21 people in all)" in block["tables"]["caption"]
    no_counts = small.model_copy(update={"evidence": {"feature": "x", "groups": [{"group": "a"}]}})
    assert "—" not in evidence_block(no_counts, EN, None)["tables"]["caption"]


def test_seeds_are_not_an_interval_and_intervals_are():
    assert scalar_text([0, 1], EN, "seeds") == "0, 1"
    assert scalar_text([20261124, 20261125], EN, "explainer.seeds") == "20261124, 20261125"
    assert scalar_text([0.1, 0.3], EN, "gap_ci") == "0.100–0.300"
    assert scalar_text([0.1, 0.3], EN, "ci") == "0.100–0.300"


def test_one_value_with_two_names_is_one_row():
    finding = Finding(auditor="bias", check="bias.group_metrics", status=Status.REPORTED, message="m", evidence={
        "feature": "sex", "groups": [{"group": "a", "count": 50, "selection_rate": 0.5},
                                     {"group": "b", "count": 50, "selection_rate": 0.4}],
        "disparities": {"equal_opportunity_difference": {"value": 0.26, "ci": [0.22, 0.31]},
                        "equalized_odds_difference": {"value": 0.26, "ci": [0.22, 0.30]},
                        "demographic_parity_ratio": {"value": 0.8, "ci": [0.7, 0.9]}}})
    rows = evidence_block(finding, EN, None)["disparities"]["rows"]
    assert len(rows) == 2
    name, value, interval = rows[0]
    assert name == "Equal opportunity difference, Equalized odds difference (the same value)"
    assert value == "0.260" and interval == "0.220–0.310, 0.220–0.300"


def test_why_texts_are_shown_once(applications):
    html = render_html(bias_record(applications))
    for text in (EN("why.bias.impact_ratio"), EN("why.auditor.bias")):
        assert html.count(text) <= 2  # the auditor's intro and, at most, its 'why' list
    for block in re.findall(r'<details class="why">(.*?)</details>', html, re.S):
        whys = re.findall(r"<dd>([^<]*)</dd>", block)
        assert whys and len(whys) == len(set(whys))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_raw_evidence_key_is_a_label(applications, lang):
    html = render_html(bias_record(applications), lang=lang)
    labels = re.findall(r"<dt>([^<]*)</dt>", html) + re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert labels and not [label for label in labels if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+(\.[a-z0-9_]+)*", label)]
    checks = re.findall(r'<th scope="row">([^<]*)</th>', html)
    assert not [c for c in checks if re.fullmatch(r"[a-z]+\.[a-z_]+", c)]


def test_many_per_group_columns_fold_into_blocks_with_words():
    groups = [{"group": g, "count": n, "selection_rate": 0.4, "tp": 12, "fp": 3, "tn": 30, "fn": 5, "npv": 0.86,
               "for": 0.14, "lr_plus": 3.1, "fpr_ratio": 0.9, "fpr_difference": 0.01, "new_measure": 0.5}
              for g, n in (("a", 50), ("b", 60))]
    finding = Finding(auditor="bias", check="bias.group_metrics", status=Status.REPORTED, message="m",
                      evidence={"feature": "sex", "groups": groups})
    tables = group_tables(finding, EN)
    assert tables["main"]["header"] == ["Group", "People", "Selection rate"]
    full = [h for table in tables["full"] for h in table["header"][1:]]
    assert full == ["Selection rate", "True positives", "False positives", "True negatives", "False negatives",
                    "Negative predictive value", "False omission rate", "Positive likelihood ratio",
                    "False positive rate: ratio to the reference", "False positive rate: difference from the reference",
                    "New measure"]
    assert len(tables["full"]) == 2 and all(len(t["header"]) <= BLOCK_COLUMNS + 1 for t in tables["full"])
    first = tables["full"][0]["rows"][0]["cells"]
    assert [v for v, _ in first[:3]] == ["0.400", "12", "3"]  # counts as whole numbers


def test_a_long_list_of_blocking_checks_is_cut_and_counted():
    from govaudit.report._html import MAX_FIRST_SCREEN

    findings = [_fail("bias.impact_ratio", 0.5 + i / 1000, 0.8, feature="x", group=f"g{i}") for i in range(30)]
    html = render_html(make_record(findings))
    assert html.count('<li class="problem"') == MAX_FIRST_SCREEN == 24
    assert "What blocks the release (30)" in html and "and 6 more, listed in the sections below" in html
