"""Plots of the explainability, oversight and provenance findings: drawn to scale, described in the alt text."""

from __future__ import annotations

import re

import pytest

from govaudit.core import Finding, Status
from govaudit.report import PLOTS, render_html
from govaudit.report._i18n import load_catalogue
from govaudit.report._plot_base import PLOT_COLOURS
from govaudit.report._plots_audit import (
    plot_control_shares,
    plot_group_rate,
    plot_importance,
    plot_missingness,
    plot_monthly_without_person,
    plot_reason_codes,
    plot_representativeness,
    plot_reviewers,
    plot_unreviewed_by_month,
)

from _factories import make_record
from test_html import _bar_widths, structure

EN, ZH = load_catalogue("en"), load_catalogue("zh")
BARS = {PLOT_COLOURS["primary"], PLOT_COLOURS["fail"]}


def _finding(check: str, evidence: dict, **kw) -> Finding:
    return Finding(auditor=check.split(".")[0], check=check, status=kw.pop("status", Status.PASS), evidence=evidence,
                   message="m", **kw)


def _axis_bars(svg: str, colour: str) -> list[float]:
    """Widths of the bars in ``colour`` that start at the axis (not the legend's swatches), top to bottom."""
    bars = []
    for d, fill in re.findall(r'<path d="([^"]+)"[^>]*?style="fill: (#[0-9a-f]{6})', svg):
        if fill == colour:
            xs = [float(x) for x in re.findall(r"(?:M|L) ([-\d.]+) [-\d.]+", d)]
            ys = [float(y) for y in re.findall(r"(?:M|L) [-\d.]+ ([-\d.]+)", d)]
            bars.append((min(xs), min(ys), max(xs) - min(xs)))
    left = min(x for x, _, _ in bars)
    return [w for x, _, w in sorted(bars, key=lambda b: b[1]) if abs(x - left) < 0.01]


def _ratios(widths: list[float]) -> list[float]:
    return [w / widths[0] for w in widths]


def test_importance_bars_are_drawn_to_scale():
    top = [{"feature": "income", "share": 0.5}, {"feature": "household", "share": 0.3}, {"feature": "age", "share": 0.2}]
    plot = plot_importance(_finding("explainability.global_importance", {"top_features": top}), EN)
    assert _ratios(_bar_widths(str(plot.svg), BARS)) == pytest.approx([1.0, 0.6, 0.4], rel=1e-3)
    assert "income 50.0%, household 30.0%, age 20.0%" in plot.alt


def test_reason_codes_are_sorted_and_counted():
    counts = {"age": 3, "income": 2082, "household": 1498}
    plot = plot_reason_codes(_finding("explainability.coverage", {"first_reason_counts": counts}), EN)
    assert _ratios(_bar_widths(str(plot.svg), BARS)) == pytest.approx([1.0, 1498 / 2082, 3 / 2082], rel=1e-3)
    assert "income 2,082, household 1,498, age 3" in plot.alt


def test_months_above_the_gate_are_red():
    months = [{"month": f"2025-0{i}", "share": s, "share_ci": [s - 0.01, s + 0.01]}
              for i, s in enumerate([0.24, 0.25, 0.54], start=1)]
    finding = _finding("oversight.automation_drift", {"months": months, "confidence": 0.95}, threshold=0.45,
                       operator="<=", value=0.54, status=Status.FAIL)
    plot = plot_monthly_without_person(finding, EN)
    svg = str(plot.svg)
    assert svg.count(PLOT_COLOURS["fail"]) >= 1 and "2025-03" in svg
    assert "2025-01 24.0%, 2025-02 25.0%, 2025-03 54.0%" in plot.alt
    assert plot_unreviewed_by_month(_finding("oversight.review_coverage", {"unreviewed_by_month": {"2025-07": 10}}),
                                    EN) is not None


def test_flagged_reviewers_are_red_and_rates_to_scale():
    reviewers = [{"reviewer": "RV-01", "agreement": 0.9, "agreement_ci": [0.88, 0.92], "flagged": False},
                 {"reviewer": "RV-02", "agreement": 0.99, "agreement_ci": [0.98, 0.995], "flagged": True}]
    finding = _finding("oversight.rubber_stamping", {"reviewers": reviewers}, threshold=0.97, operator="<=")
    svg = str(plot_reviewers(finding, EN).svg)
    normal = _bar_widths(svg, {PLOT_COLOURS["primary"]})
    flagged = _bar_widths(svg, {PLOT_COLOURS["fail"]})
    assert len(normal) == len(flagged) == 1 and flagged[0] / normal[0] == pytest.approx(0.99 / 0.9, rel=1e-3)


def test_group_rates_use_the_rate_the_evidence_names():
    groups = [{"group": "in_person", "appeal_success_rate": 0.2256, "appeal_success_rate_ci": [0.21, 0.24]},
              {"group": "online", "appeal_success_rate": 0.3802, "appeal_success_rate_ci": [0.37, 0.39]}]
    finding = _finding("oversight.appeal_fairness", {"feature": "channel", "rate": "appeal_success_rate",
                                                     "groups": groups, "confidence": 0.95})
    plot = plot_group_rate(finding, EN)
    assert _ratios(_bar_widths(str(plot.svg), BARS)) == pytest.approx([1.0, 0.3802 / 0.2256], rel=1e-3)
    assert plot.caption.startswith("Appeal success rate of each group by channel")
    assert "in_person 0.226 (0.210–0.240)" in plot.alt
    assert "申诉成功率" in plot_group_rate(finding, ZH).caption


def test_missingness_and_representativeness():
    missing = _finding("provenance.missingness", {"table": "training", "missing_share": {"sex": 0.02, "income": 0.08},
                                                  "max_missing_share": 0.05})
    plot = plot_missingness(missing, EN)
    svg = str(plot.svg)
    assert _bar_widths(svg, {PLOT_COLOURS["fail"]}) and _bar_widths(svg, {PLOT_COLOURS["primary"]})
    assert "income 8.0%, sex 2.0%" in plot.alt
    groups = [{"group": "18-34", "share": 0.2, "reference_share": 0.3}, {"group": "65+", "share": 0.4, "reference_share": 0.2}]
    rep = plot_representativeness(_finding("provenance.representativeness", {"feature": "age", "groups": groups}), EN)
    data = _axis_bars(str(rep.svg), PLOT_COLOURS["primary"])
    population = _axis_bars(str(rep.svg), PLOT_COLOURS["secondary"])
    assert len(data) == len(population) == 2
    assert data[1] / data[0] == pytest.approx(2.0, rel=1e-3) and population[0] / population[1] == pytest.approx(1.5, rel=1e-3)


def test_control_sample_shares_side_by_side():
    groups = [{"group": "non_eu", "model_share": 0.63, "random_share": 0.29},
              {"group": "none", "model_share": 0.21, "random_share": 0.62},
              {"group": "tiny", "model_share": None, "random_share": None}]  # suppressed: not drawn
    finding = _finding("control_sample.group_shares", {"feature": "migration_background", "groups": groups})
    plot = plot_control_shares(finding, EN)
    model = _axis_bars(str(plot.svg), PLOT_COLOURS["primary"])
    random = _axis_bars(str(plot.svg), PLOT_COLOURS["secondary"])
    assert len(model) == len(random) == 2
    assert model[0] / model[1] == pytest.approx(0.63 / 0.21, rel=1e-3)
    assert random[1] / random[0] == pytest.approx(0.62 / 0.29, rel=1e-3)
    assert "non_eu 63.0% / 29.0%" in plot.alt and "tiny" not in plot.alt
    assert "随机" in plot_control_shares(finding, ZH).caption


def test_nothing_to_draw_is_no_plot():
    for check, functions in PLOTS.items():
        if check.startswith("bias."):
            continue
        for fn in functions:
            assert fn(_finding(check, {}), EN) is None, check


def test_every_auditor_has_plots_in_the_page():
    findings = [
        _finding("explainability.global_importance", {"top_features": [{"feature": "a", "share": 1.0}]}),
        _finding("oversight.override_fairness", {"feature": "sex", "rate": "override_rate", "groups": [
            {"group": "f", "override_rate": 0.08, "cases": 100}, {"group": "m", "override_rate": 0.09, "cases": 90}]}),
        _finding("provenance.missingness", {"table": "t", "missing_share": {"x": 0.01}, "max_missing_share": 0.05}),
    ]
    for lang in ("en", "zh"):
        s = structure(render_html(make_record(findings), lang=lang))
        assert s["svgs"] == s["figcaptions"] == 3 and s["svg_without_name"] == 0
