"""Record text holding markup (column names, group labels, descriptions) is shown as text, never run."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.report import render_card, render_html, render_markdown

from _factories import make_record

PAYLOADS = {
    "script": "<script>window.__pwned = 1</script>",
    "img": "\"'><img src=x onerror=\"window.__pwned=2\">",
    "style": "</style><script>window.__pwned=3</script><style>",
    "svg": "</title></svg><svg onload=\"window.__pwned=4\">",
}


def hostile_record() -> govaudit.AuditRecord:
    """A real audit whose column names and group labels are markup."""
    rng = np.random.default_rng(3)
    n = 900
    feature = PAYLOADS["style"]
    groups = rng.choice([PAYLOADS["script"], PAYLOADS["img"], PAYLOADS["svg"]], size=n)
    y_true = rng.integers(0, 2, size=n)
    y_pred = np.where(groups == PAYLOADS["script"], rng.random(n) < 0.2, rng.random(n) < 0.6).astype(int)
    record = govaudit.audit(y_true=y_true, y_pred=y_pred, sensitive_features=pd.DataFrame({feature: groups}),
                            name="hostile", auditors={"bias": {"n_resamples": 20}},
                            description=PAYLOADS["style"] + " & " + PAYLOADS["img"],
                            responsible={"owner": PAYLOADS["script"], "contact": PAYLOADS["img"]})
    return record


@pytest.fixture(scope="module")
def record():
    return hostile_record()


class _Elements(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, [name for name, _ in attrs]))


def _no_markup_injected(html: str) -> None:
    assert not re.search(r"<script", html, re.I)
    assert not re.search(r"<img", html, re.I)
    elements = _Elements(html).elements
    assert not [tag for tag, _ in elements if tag in ("script", "img", "iframe", "object", "embed", "link")]
    assert not [(tag, names) for tag, names in elements if any(n.startswith("on") for n in names)]
    # every <style> the page opens is one of its own, and each is closed exactly once
    assert html.count("<style") == html.count("</style>")
    assert html.count("<svg") == html.count("</svg>")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_escapes_labels_names_and_descriptions(record, lang):
    html = render_html(record, lang=lang, ledger={"note": PAYLOADS["script"]})
    _no_markup_injected(html)
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "&lt;/style&gt;" in html


def test_plot_text_and_alt_text_are_escaped(record):
    from govaudit.report._i18n import load_catalogue
    from govaudit.report._plots import plots_for

    t = load_catalogue("en")
    plots = [p for f in record.findings for p in plots_for(f, t)]
    assert plots
    for plot in plots:
        svg = str(plot.svg)
        _no_markup_injected(svg)
        assert PAYLOADS["script"] in plot.alt  # the alt text holds the label itself; the SVG holds it escaped
        assert "&lt;script&gt;" in svg


def test_card_escapes_everything(record):
    html = render_card(record, transparency={"decides": PAYLOADS["style"], "appeal": PAYLOADS["img"]})
    _no_markup_injected(html)
    assert "&lt;/style&gt;" in html


def test_markdown_neutralises_html_and_table_syntax():
    from govaudit.core import Finding, Status

    finding = Finding(auditor="bias", check="bias.impact_ratio", status=Status.FAIL, value=0.5, threshold=0.8,
                      operator=">=", groups=("a|b <script>x</script>", "ref"),
                      evidence={"feature": "f | [link](http://x)", "group": "a|b", "reference": "ref", "ci": [0.4, 0.6]},
                      message="m")
    md = render_markdown(make_record([finding]))
    assert "<script>" not in md and "\\<script\\>" in md and "&lt;" not in md  # Markdown escapes, not entities
    assert "a\\|b" in md
    assert "\\[link\\]" in md
    # every table row still has its column count
    for line in md.splitlines():
        if line.startswith("| ") and "bias.impact_ratio" in line:
            assert len(re.findall(r"(?<!\\)\|", line)) == 6
