"""The Markdown summary: verdict, failed gates, lowest impact ratios, under 60 lines."""

from __future__ import annotations

import pytest

from govaudit.core import Finding, Status
from govaudit.report import render_markdown
from govaudit.report._markdown import MAX_LINES

from _factories import make_record


def _ratio(group: str, value: float, status: Status = Status.FAIL) -> Finding:
    return Finding(auditor="bias", check="bias.impact_ratio", status=status, value=value, threshold=0.8,
                   operator=">=", groups=(group, "online"),
                   evidence={"feature": "channel", "group": group, "reference": "online", "ci": [value - 0.05, value + 0.05]},
                   message=f"{group} at {value}")


def test_summary_of_a_failed_audit():
    findings = [_ratio("paper", 0.62), _ratio("phone", 0.71), _ratio("kiosk", 0.95, Status.PASS),
                Finding(auditor="oversight", check="oversight.review_coverage", status=Status.ERROR, message="x")]
    md = render_markdown(make_record(findings))
    lines = md.splitlines()
    assert lines[0] == "## govaudit audit of Benefits eligibility screening: **ERROR**"
    assert "2 gate(s) failed" in md and "1 check(s) could not be completed" in md
    assert "pass 1 · warning 0 · fail 2 · error 1 · skipped 0" in md
    failed = [line for line in lines if line.startswith("| fail |") or line.startswith("| error |")]
    assert len(failed) == 3
    # lowest impact ratios first, with intervals
    ratio_rows = [line for line in lines if line.startswith("| channel |")]
    assert [row.split(" | ")[1] for row in ratio_rows] == ["paper", "phone", "kiosk"]
    assert "| 0.620 | 0.570–0.670 | fail |" in ratio_rows[0]
    assert "3f1c2b7e-9a4d-4c1e-8b2a-5d6e7f809a1b" in md


def test_passing_audit_has_no_failed_table():
    md = render_markdown(make_record([_ratio("paper", 0.9, Status.PASS)]))
    assert "**PASS**" in md and "Failed gates" not in md
    assert "All 1 check(s) passed" in md


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_never_longer_than_sixty_lines(lang):
    findings = [_ratio(f"group {i}", 0.3 + i / 1000) for i in range(200)]
    md = render_markdown(make_record(findings), lang=lang)
    assert len(md.splitlines()) <= MAX_LINES == 60
    assert ("and 185 more" if lang == "en" else "另有 185 项") in md


def test_chinese_summary():
    md = render_markdown(make_record([_ratio("paper", 0.62)]), lang="zh")
    assert "**未通过**" in md and "最低的影响比" in md and "1 项门槛未通过" in md


def test_no_html_entities_in_the_text():
    finding = _ratio("paper", 0.62)
    finding = finding.model_copy(update={"evidence": {**finding.evidence, "feature": "sex & age_band"}})
    md = render_markdown(make_record([finding]))
    assert "sex & age\\_band" in md and "&amp;" not in md
    # an ampersand that would start a character reference is escaped, so it is shown as written
    odd = finding.model_copy(update={"evidence": {**finding.evidence, "feature": "a&lt;b"}})
    assert "a\\&lt;b" in render_markdown(make_record([odd]))


def test_adverse_ratios_list_the_most_flagged_group_first():
    def flagged(group: str, value: float, status: Status) -> Finding:
        base = _ratio(group, value, status)
        return base.model_copy(update={"threshold": 1.25, "operator": "<="})

    findings = [flagged("kiosk", 1.05, Status.PASS), flagged("paper", 1.9, Status.FAIL),
                flagged("phone", 1.4, Status.FAIL)]
    rows = [line for line in render_markdown(make_record(findings)).splitlines() if line.startswith("| channel |")]
    assert [row.split(" | ")[1] for row in rows] == ["paper", "phone", "kiosk"]
