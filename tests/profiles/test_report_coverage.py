"""The HTML report shows the coverage matrix when the record has one, in English and Chinese."""

from __future__ import annotations

import pytest
from _profile_build import ll144_spec, ll144_table

from govaudit.api import run_plan
from govaudit.report import render_html
from govaudit.spec import load_spec


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    ll144_table().to_csv(folder / "applicants.csv", index=False)
    text = ll144_spec(profiles='["nyc-ll144", "eeoc-four-fifths"]', bias='gates = { impact_ratio = { min = 0.6 } }')
    text += ('\n[[loosened]]\nsetting = "bias.gates.impact_ratio.min"\n'
             'justification = "Pilot: 0.6 agreed with the board <for one quarter>."\n')
    (folder / "audit.toml").write_text(text)
    return run_plan(load_spec(folder / "audit.toml"))


def test_english_report_has_the_matrix(record):
    page = render_html(record, lang="en")
    assert "Requirement coverage (policy profiles)" in page
    assert "nyc-ll144/20-871/audit-age" in page and "eeoc-four-fifths/1607.4(D)/four-fifths" in page
    assert "not a statement of legal compliance" in page
    assert "Profile defaults loosened" in page
    assert "&lt;for one quarter&gt;" in page and "<for one quarter>" not in page  # escaped


def test_chinese_report_has_the_matrix(record):
    page = render_html(record, lang="zh")
    assert "要求覆盖情况（政策规则包）" in page and "有证据满足" in page
    assert "Requirement coverage" not in page


def test_no_matrix_no_section(record):
    page = render_html(record.model_copy(update={"coverage_matrix": None}), lang="en")
    assert "Requirement coverage" not in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_has_the_matrix(record, lang):
    from govaudit.report import render_markdown
    from govaudit.report._i18n import load_catalogue

    t = load_catalogue(lang)
    md = render_markdown(record, lang=lang)
    assert f"### {t('coverage.heading')}" in md and "&amp;" not in md and "&lt;" not in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and line.count("|") == 6]
    # one row per rule pack with its counts, which add up to the pack's requirements
    for profile in record.coverage_matrix.profiles:
        row = next(r for r in rows if profile.name in r)
        counts = [int(c) for c in row.strip("| ").split(" | ")[1:]]
        assert sum(counts) == len(profile.requirements)
        assert counts[1] == sum(r.status == "not met" for r in profile.requirements)
    assert record.record_id in md.splitlines()[-1]


def test_chinese_coverage_reasons_are_worded_from_the_evidence(record):
    page = render_html(record, lang="zh")
    english = [r.reason for p in record.coverage_matrix.profiles for r in p.requirements
               if r.status in ("not met", "no evidence") and r.reason]
    assert english and not any(reason in page for reason in english)
    assert "已满足" in page or "未满足" in page or "无证据" in page
