"""The HTML report: structure (not bytes), numbers against independent computations, plots, contrast."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.core import Finding, Principle, Status
from govaudit.report import PLOTS, Plot, render_html
from govaudit.report._html_theme import CONTRAST_PAIRS, PALETTE
from govaudit.report._plots import FOUR_FIFTHS, PLOT_COLOURS

from _factories import make_record

REPO = Path(__file__).resolve().parents[2]


def bias_record(frame: pd.DataFrame, *, seed: int = 0, **settings) -> govaudit.AuditRecord:
    """A real record: decisions are the labels with 10% flipped, audited by the bias auditor."""
    rng = np.random.default_rng(seed)
    decisions = (frame["eligible"].to_numpy() ^ (rng.random(len(frame)) < 0.1)).astype(int)
    auditors = {"bias": {"n_resamples": 50, "intersections": [["channel", "sex"]], **settings}}
    return govaudit.audit(y_true=frame["eligible"], y_pred=decisions, sensitive_features=frame[["channel", "sex"]],
                          name="benefits_test", auditors=auditors, description="Test audit of decisions")


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "title") and len(self.tags) > 1:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]

    @property
    def visible(self) -> str:
        return " ".join(self.text)


def structure(html: str) -> dict:
    page = Page(html)
    return {
        "lang": page.all("html")[0].get("lang"),
        "h2": len(page.all("h2")),
        "svgs": len(page.all("svg")),
        "figures": len(page.all("figure")),
        "figcaptions": len(page.all("figcaption")),
        "scripts": len(page.all("script")),
        "th_without_scope": sum(1 for a in page.all("th") if a.get("scope") not in ("col", "row")),
        "svg_without_name": sum(1 for a in page.all("svg") if a.get("role") != "img" or not a.get("aria-labelledby")),
    }


@pytest.fixture(scope="module")
def record(applications):
    return bias_record(applications)


@pytest.fixture(scope="module")
def html(record):
    return render_html(record)


def _expected_plots(record) -> int:
    """One figure per registered plot function of each finding's check; error rates only with a label."""
    from govaudit.report._i18n import load_catalogue

    expected = 0
    for f in record.findings:
        if not f.check.startswith("bias."):  # other auditors: a figure wherever the evidence has something to draw
            expected += sum(fn(f, load_catalogue("en")) is not None for fn in PLOTS.get(f.check, ()))
            continue
        expected += len(PLOTS.get(f.check, ()))
        if f.check == "bias.group_metrics" and "fpr" not in f.evidence.get("metrics", []):
            expected -= 1
    return expected


def test_structure_of_a_real_bias_record(record, html):
    s = structure(html)
    groupings = sum(f.check == "bias.group_metrics" for f in record.findings)
    assert groupings == 3  # channel, sex, channel & sex
    assert s["lang"] == "en"
    assert s["scripts"] == 0 and s["th_without_scope"] == 0 and s["svg_without_name"] == 0
    # selection rates, impact ratios, error rates for each grouping
    assert s["svgs"] == s["figures"] == s["figcaptions"] == 3 * groupings == _expected_plots(record)
    # first screen (what blocks, principles, who is responsible), contents, summary, one section per auditor,
    # principles, identity
    assert s["h2"] == 8
    page = Page(html)
    assert f"Verdict: {record.verdict.value.upper()}" in page.visible
    for f in record.findings:
        assert f.message in page.visible


def test_self_contained_no_url_no_script(html):
    assert "<script" not in html.lower()
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.I)
    assert not re.search(r"@import|@font-face", html)
    # only in-page references: url(#id) in SVG clip paths and href="#id" of SVG <use>
    assert set(re.findall(r"url\(([^)]*)\)", html)) <= {m for m in re.findall(r"url\((#[^)]*)\)", html)}
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))
    assert not re.search(r'\ssrc="', html)


def test_svg_ids_are_unique_on_the_page(html):
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    # every in-page reference points at an element of the page
    refs = set(re.findall(r'url\(#([^)]+)\)', html)) | set(re.findall(r'href="#([^"]+)"', html))
    assert refs <= set(ids)


def test_group_table_numbers_match_a_pandas_count(applications):
    rng = np.random.default_rng(0)
    decisions = (applications["eligible"].to_numpy() ^ (rng.random(len(applications)) < 0.1)).astype(int)
    html = render_html(bias_record(applications))
    frame = applications.assign(decision=decisions)
    by_channel = frame.groupby("channel")
    selection = by_channel["decision"].mean()
    counts = by_channel.size()
    fpr = frame[frame.eligible == 0].groupby("channel")["decision"].mean()
    text = Page(html).visible
    for channel in ("online", "in_person"):
        assert f"{channel} {counts[channel]:,} {counts[channel] / len(frame) * 100:.1f}% {selection[channel]:.3f}" in text
        assert f"{fpr[channel]:.3f}" in text
    ratio = selection["in_person"] / selection["online"]
    assert f"{ratio:.3f}" in text


def _bar_widths(svg: str, colours: set[str]) -> list[float]:
    """Widths of the filled rectangles drawn in ``colours``, top to bottom."""
    bars = []
    for d, fill in re.findall(r'<path d="([^"]+)"[^>]*?style="fill: (#[0-9a-f]{6})', svg):
        if fill not in colours:
            continue
        xs = [float(x) for x in re.findall(r"(?:M|L) ([-\d.]+) [-\d.]+", d)]
        ys = [float(y) for y in re.findall(r"(?:M|L) [-\d.]+ ([-\d.]+)", d)]
        bars.append((min(ys), max(xs) - min(xs)))
    return [w for _, w in sorted(bars)]


def test_selection_rate_bars_are_drawn_to_scale(record):
    from govaudit.report._i18n import load_catalogue
    from govaudit.report._plots import plot_impact_ratios, plot_selection_rates

    t = load_catalogue("en")
    finding = next(f for f in record.findings if f.check == "bias.group_metrics" and f.evidence["feature"] == "channel")
    rows = finding.evidence["groups"]
    plot = plot_selection_rates(finding, t)
    widths = _bar_widths(str(plot.svg), {PLOT_COLOURS["primary"], PLOT_COLOURS["reference"]})
    assert len(widths) == len(rows)
    rates = [r["selection_rate"] for r in rows]
    assert widths[0] / widths[1] == pytest.approx(rates[0] / rates[1], rel=1e-3)
    # the alt text states every group's rate and interval
    for r in rows:
        assert f"{r['group']} {r['selection_rate']:.3f} ({r['selection_rate_ci'][0]:.3f}–" in plot.alt
    # impact ratios: a bar under the four-fifths line is red, and the line is drawn at 0.8 of the axis unit
    impact = plot_impact_ratios(finding, t)
    low = min(rows, key=lambda r: r["impact_ratio"])
    colour = PLOT_COLOURS["fail"] if low["impact_ratio"] < FOUR_FIFTHS else PLOT_COLOURS["primary"]
    assert colour in str(impact.svg)
    assert "four-fifths rule" in str(impact.svg)


def test_plot_registry_takes_a_new_check_with_one_entry():
    calls = []

    def plot_coverage(finding, t):
        calls.append(finding.check)
        return Plot(svg=__import__("markupsafe").Markup('<svg role="img" aria-labelledby="x"><title id="x">c</title></svg>'),
                    alt="coverage", caption="Review coverage by month")

    finding = Finding(auditor="oversight", check="oversight.review_coverage", status=Status.PASS, message="ok")
    html = render_html(make_record([finding]), plots={**PLOTS, "oversight.review_coverage": (plot_coverage,)})
    assert calls == ["oversight.review_coverage"]
    assert "Review coverage by month" in html and "<figcaption>" in html
    assert "bias.group_metrics" in PLOTS and "bias.scoring_rates" in PLOTS


def test_generic_findings_of_any_auditor_are_rendered():
    html = render_html(make_record())
    text = Page(html).visible
    for heading in ("Data provenance (provenance auditor)", "Human oversight (oversight auditor)"):
        assert heading in text
    assert "The decision log could not be read: column 'reviewed' is missing." in text
    # a small evidence dict is shown as a field table
    finding = Finding(auditor="acme", check="acme.coverage", status=Status.WARN, value=0.9, threshold=0.95,
                      operator=">=", evidence={"reviewed": 90, "required": 100, "window": {"days": 30}},
                      message="90 of 100 required reviews happened.")
    text = Page(render_html(make_record([finding]))).visible
    assert "Auditor: acme" in text and "≥ 0.95" in text
    assert "Reviewed 90" in text and "Window: days 30" in text  # labels in words, not keys


def test_principles_without_evidence_are_named():
    finding = Finding(auditor="bias", check="bias.x", status=Status.PASS, message="ok",
                      principles=(Principle.FAIRNESS,), references=("29 CFR 1607.4(D)",))
    skipped = Finding(auditor="provenance", check="provenance.y", status=Status.SKIPPED, message="n/a",
                      references=("EU AI Act Art. 10(2)(b)",))
    text = Page(render_html(make_record([finding, skipped]))).visible
    assert "Fairness and justice X" in text  # checks in words
    for name in ("People-oriented", "Transparency", "Shared risk", "Sustainability"):
        assert f"{name} no evidence" in text
    assert "29 CFR 1607.4(D) X" in text
    assert "EU AI Act Art. 10(2)(b) no evidence" in text


def test_identity_and_hashes_are_shown():
    record = make_record()
    text = Page(render_html(record)).visible
    for needle in (record.record_id, record.spec_sha256, record.model.sha256, record.data[0].sha256,
                   "Department of Social Services", "2025-03-14T09:26:53+00:00"):
        assert needle in text


def test_ledger_position_is_rendered_only_when_given():
    record = make_record()
    assert "Ledger position" not in render_html(record)
    html = render_html(record, ledger={"seq": 41, "entry_hash": "9f" * 32, "root": "ab" * 32})
    text = Page(html).visible
    assert "Ledger position: Seq 41" in text and "9f" * 32 in text


def test_suppressed_groups_show_their_count_and_no_rates(applications):
    small = applications.copy()
    small.loc[small.index[:6], "channel"] = "kiosk"  # six people: rates are suppressed
    html = render_html(bias_record(small, min_group_size=5))
    row = re.search(r'<th scope="row">kiosk</th>(.*?)</tr>', html, re.S).group(1)
    assert ">6<" in row and "suppressed" in row
    cells = re.findall(r'<td class="num"><span class="num">([^<]*)', row)
    assert cells[2:] and all(c == "—" for c in cells[2:])


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_published_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    assert contrast("#777777", "#ffffff") < 4.5


@pytest.mark.parametrize(("fg", "bg"), CONTRAST_PAIRS)
def test_text_colours_pass_wcag_aa(fg, bg):
    assert contrast(fg, bg) >= 4.5


def test_palette_in_the_page_is_the_tested_one(html):
    for fg, bg in PALETTE["status"].values():
        assert fg in html and bg in html


@pytest.mark.parametrize("name", sorted(PLOT_COLOURS))
def test_plot_marks_have_non_text_contrast(name):
    assert contrast(PLOT_COLOURS[name], "#ffffff") >= 3.0  # WCAG 1.4.11


def _sample_records() -> list[Path]:
    return sorted((REPO / "reports").glob("*/record.json"))


@pytest.mark.parametrize("path", _sample_records() or [None], ids=lambda p: p.parent.name if p else "none")
def test_records_of_the_sample_models_render(path):
    if path is None:
        pytest.skip("no sample-model record under reports/: run 'make demo' first")
    from govaudit.records import load_record_file

    record, ledger = load_record_file(path)
    for lang in ("en", "zh"):
        s = structure(render_html(record, lang=lang, ledger=ledger))
        assert s["scripts"] == 0 and s["th_without_scope"] == 0 and s["svg_without_name"] == 0
        assert s["svgs"] == s["figcaptions"] == _expected_plots(record)


@pytest.mark.slow
def test_the_benefits_sample_model_renders(tmp_path):
    from sample_models.benefits_eligibility.__main__ import main as build_sample

    artifacts = tmp_path / "artifacts"
    assert build_sample(["--rows", "6000", "--seed", "1", "--out", str(artifacts)]) == 0
    text = (REPO / "audits" / "benefits_eligibility.toml").read_text()
    text = text.replace("../sample_models/benefits_eligibility/artifacts/", "artifacts/")
    text = text.replace('dir = "../reports/benefits_eligibility"', 'dir = "reports"')
    text = text.replace("n_resamples = 1000", "n_resamples = 100")
    spec = tmp_path / "benefits_eligibility.toml"
    spec.write_text(text)
    from govaudit.cli import main

    assert main(["run", str(spec), "--quiet", "--html", str(tmp_path / "report.html")]) in (0, 1)
    html = (tmp_path / "report.html").read_text()
    record = govaudit.AuditRecord.from_json((tmp_path / "reports" / "record.json").read_bytes())
    s = structure(html)
    assert s["svgs"] == _expected_plots(record) > 0 and s["scripts"] == 0
    assert json.loads(record.to_json())["record_id"] in html
