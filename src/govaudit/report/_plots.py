"""Plots of findings as inline SVG (matplotlib), each with alt text and a caption.

A plot function takes a finding and the message catalogue and returns a :class:`Plot` (or ``None``
when the finding's evidence has nothing to draw). :data:`PLOTS` maps a check id to its plot
functions, so a new auditor's plots are added with one entry, e.g.
``PLOTS["explainability.global_importance"] = (plot_importance,)``.

The SVG keeps text as text (``svg.fonttype = "none"``: no embedded or fetched font), carries no
namespace URLs, metadata or script, and its element ids are prefixed so that several plots can
share one HTML page.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from govaudit.core import Finding
from govaudit.report._i18n import Catalogue, fmt_ci, fmt_num

__all__ = [
    "FOUR_FIFTHS",
    "PLOTS",
    "PLOT_COLOURS",
    "Plot",
    "PlotFunction",
    "plot_calibration",
    "plot_error_rates",
    "plot_impact_ratios",
    "plot_scoring_rates",
    "plot_selection_rates",
    "plots_for",
]

#: The four-fifths rule line drawn on impact-ratio plots.
FOUR_FIFTHS = 0.8
#: Colours of plotted marks; each has at least 3:1 contrast with white (WCAG 1.4.11).
PLOT_COLOURS: dict[str, str] = {
    "primary": "#1f5aa6",
    "reference": "#5b2a86",
    "fail": "#b3261e",
    "secondary": "#8a4b00",
    "line": "#333333",
}
_RC = {
    "svg.fonttype": "none",  # text stays text: no font is embedded or fetched
    "svg.hashsalt": "govaudit",  # stable ids, so the same record renders the same page
    "text.parse_math": False,  # a group label with "$" is shown as written, never parsed as TeX
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_IDS = re.compile(r'(\bid=")([^"]+)(")|(url\(#)([^)]+)(\))|(href="#)([^"]+)(")')


@dataclass(frozen=True)
class Plot:
    """One figure for the page.

    Attributes
    ----------
    svg : markupsafe.Markup
        The inline ``<svg>`` element, with ``role="img"`` and a ``<title>`` holding the alt text.
    alt : str
        A text alternative stating what the figure shows, with its numbers.
    caption : str
        The visible caption.
    """

    svg: Markup
    alt: str
    caption: str


PlotFunction = Callable[[Finding, Catalogue], "Plot | None"]


def _svg_of(fig: Any, alt: str) -> Markup:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    plt.close(fig)
    text = buffer.getvalue()
    text = _XMLNS.sub("", text[text.index("<svg"):])
    # ids unique per figure and stable per content, so a page can hold many plots
    prefix = "g" + hashlib.sha256((alt + text).encode()).hexdigest()[:10] + "-"

    def rename(m: re.Match[str]) -> str:
        for i in (1, 4, 7):
            if m.group(i):
                return f"{m.group(i)}{prefix}{m.group(i + 1)}{m.group(i + 2)}"
        return m.group(0)  # pragma: no cover

    text = _IDS.sub(rename, text)
    title_id = f"{prefix}title"
    head, rest = text.split(">", 1)
    # the alt text is escaped here: it holds group labels from the data
    return Markup(f'{head} role="img" aria-labelledby="{title_id}">'
                  f'<title id="{title_id}">{escape(alt)}</title>{rest}')


_WIDTH_IN = 6.4
_CHAR_IN = 0.072  # average width of a 9 pt character


def _width_in(text: str) -> float:
    """Rough printed width of ``text``: CJK characters are twice as wide as Latin ones."""
    return _CHAR_IN * sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _figure(labels: Sequence[str], n_series: int = 1, legend: Sequence[str] = ()) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    # margins from the label lengths: one draw at savefig, instead of the two a tight bounding box costs
    height = 0.75 + 0.32 * len(labels) * max(1.0, n_series * 0.7)
    height = min(height, 9.0)
    left = min(0.3 + max((_width_in(x) for x in labels), default=0.3), _WIDTH_IN * 0.45)
    right = min(0.7 + max(_width_in(x) for x in legend), _WIDTH_IN * 0.35) if legend else 0.25
    fig, ax = plt.subplots(figsize=(_WIDTH_IN, height))
    fig.subplots_adjust(left=left / _WIDTH_IN, right=1 - right / _WIDTH_IN, bottom=0.5 / height,
                        top=1 - 0.12 / height)
    ax.grid(axis="x", color="#d9d9d9", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _rows(finding: Finding) -> list[Mapping[str, Any]]:
    groups = finding.evidence.get("groups")
    return [r for r in groups if isinstance(r, Mapping)] if isinstance(groups, list) else []


def _defined(row: Mapping[str, Any], key: str) -> bool:
    v = row.get(key)
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _errors(rows: Sequence[Mapping[str, Any]], key: str) -> list[list[float]]:
    """Asymmetric error bars from ``<key>_ci``; zero length where the interval is missing."""
    lower, upper = [], []
    for r in rows:
        value, ci = float(r[key]), r.get(f"{key}_ci")
        ok = isinstance(ci, (list, tuple)) and len(ci) == 2 and all(
            isinstance(x, (int, float)) and x == x for x in ci)
        lower.append(max(value - float(ci[0]), 0.0) if ok else 0.0)
        upper.append(max(float(ci[1]) - value, 0.0) if ok else 0.0)
    return [lower, upper]


def _items(rows: Sequence[Mapping[str, Any]], key: str) -> str:
    return "; ".join(f"{r.get('group')} {fmt_num(r.get(key))} ({fmt_ci(r.get(f'{key}_ci'))})" for r in rows)


def _confidence(finding: Finding) -> str:
    level = finding.evidence.get("confidence")
    return f"{float(level) * 100:g}%" if isinstance(level, (int, float)) else "95%"


def _rate_plot(finding: Finding, t: Catalogue, key: str, kind: str) -> Plot | None:
    import matplotlib.pyplot as plt

    rows = [r for r in _rows(finding) if _defined(r, key)]
    if not rows:
        return None
    feature = str(finding.evidence.get("feature", ""))
    reference = finding.evidence.get("reference")
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        labels = [str(r.get("group")) for r in rows]
        fig, ax = _figure(labels)
        colours = [PLOT_COLOURS["reference"] if r.get("group") == reference else PLOT_COLOURS["primary"] for r in rows]
        y = range(len(rows))
        ax.barh(y, [float(r[key]) for r in rows], color=colours, height=0.6)
        ax.errorbar([float(r[key]) for r in rows], y, xerr=_errors(rows, key), fmt="none",
                    ecolor=PLOT_COLOURS["line"], capsize=3, linewidth=1)
        ax.set_yticks(list(y), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(t(f"metric.{key}"))
        alt = t(f"plot.{kind}_alt", feature=feature, confidence=_confidence(finding), items=_items(rows, key))
        svg = _svg_of(fig, alt)
    caption = t(f"plot.{kind}_caption", feature=feature, confidence=_confidence(finding))
    if reference is not None:
        caption += " " + t("plot.reference_note", reference=reference)
    return Plot(svg, alt, caption)


def plot_selection_rates(finding: Finding, t: Catalogue) -> Plot | None:
    """Selection rate of each group with its Wilson interval (``bias.group_metrics``)."""
    return _rate_plot(finding, t, "selection_rate", "selection")


def plot_scoring_rates(finding: Finding, t: Catalogue) -> Plot | None:
    """Share of each group scoring above the median, with intervals (``bias.scoring_rates``)."""
    return _rate_plot(finding, t, "scoring_rate", "scoring")


def plot_impact_ratios(finding: Finding, t: Catalogue) -> Plot | None:
    """Impact ratio of each group with its bootstrap interval, against the 0.8 line."""
    import matplotlib.pyplot as plt

    # unknown and excluded categories are kept out of ratios by the auditor, so out of this chart too
    rows = [r for r in _rows(finding) if _defined(r, "impact_ratio") and r.get("status") != "excluded"]
    if not rows:
        return None
    feature = str(finding.evidence.get("feature", ""))
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = _figure([str(r.get("group")) for r in rows], legend=[t("plot.four_fifths_line")])
        values = [float(r["impact_ratio"]) for r in rows]
        y = range(len(rows))
        colours = [PLOT_COLOURS["fail"] if v < FOUR_FIFTHS else PLOT_COLOURS["primary"] for v in values]
        ax.barh(y, values, color=colours, height=0.6)
        ax.errorbar(values, y, xerr=_errors(rows, "impact_ratio"), fmt="none", ecolor=PLOT_COLOURS["line"],
                    capsize=3, linewidth=1)
        ax.axvline(FOUR_FIFTHS, color=PLOT_COLOURS["line"], linestyle="--", linewidth=1.2,
                   label=t("plot.four_fifths_line"))
        ax.set_yticks(list(y), [str(r.get("group")) for r in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, max(1.05, max(values) * 1.05))
        ax.set_xlabel(t("metric.impact_ratio"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        alt = t("plot.impact_alt", feature=feature, confidence=_confidence(finding),
                items=_items(rows, "impact_ratio"), line=f"{FOUR_FIFTHS:g}")
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t("plot.impact_caption", feature=feature, line=f"{FOUR_FIFTHS:g}"))


def plot_error_rates(finding: Finding, t: Catalogue) -> Plot | None:
    """False positive and false negative rates of each group with their Wilson intervals."""
    import matplotlib.pyplot as plt

    rows = [r for r in _rows(finding) if _defined(r, "fpr") or _defined(r, "fnr")]
    if not rows:
        return None
    feature = str(finding.evidence.get("feature", ""))
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = _figure([str(r.get("group")) for r in rows], 2, legend=[t("metric.fpr"), t("metric.fnr")])
        for offset, key, colour, marker in ((-0.18, "fpr", PLOT_COLOURS["primary"], "o"),
                                            (0.18, "fnr", PLOT_COLOURS["secondary"], "s")):
            shown = [(i, r) for i, r in enumerate(rows) if _defined(r, key)]
            if not shown:
                continue
            ax.errorbar([float(r[key]) for _, r in shown], [i + offset for i, _ in shown],
                        xerr=_errors([r for _, r in shown], key), fmt=marker, color=colour, ecolor=colour,
                        capsize=3, linewidth=1, markersize=5, label=t(f"metric.{key}"))
        ax.set_yticks(list(range(len(rows))), [str(r.get("group")) for r in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(t("plot.error_axis"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        alt = t("plot.error_alt", feature=feature, confidence=_confidence(finding),
                fpr=_items([r for r in rows if _defined(r, "fpr")], "fpr"),
                fnr=_items([r for r in rows if _defined(r, "fnr")], "fnr"))
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t("plot.error_caption", feature=feature, confidence=_confidence(finding)))


def plot_calibration(finding: Finding, t: Catalogue) -> Plot | None:
    """Calibration plot of the scores per group (``bias.score_calibration``; see :mod:`._plot_calibration`)."""
    from govaudit.report._plot_calibration import plot_calibration as draw

    return draw(finding, t)


#: Check id -> the plot functions drawn for a finding of that check, in order.
PLOTS: dict[str, tuple[PlotFunction, ...]] = {
    "bias.group_metrics": (plot_selection_rates, plot_impact_ratios, plot_error_rates),
    "bias.scoring_rates": (plot_scoring_rates, plot_impact_ratios),
    "bias.score_calibration": (plot_calibration,),
}


def plots_for(finding: Finding, t: Catalogue, registry: Mapping[str, Sequence[PlotFunction]] | None = None
              ) -> list[Plot]:
    """Every plot the registry draws for ``finding`` (none for a check it does not know)."""
    functions = (PLOTS if registry is None else registry).get(finding.check, ())
    return [plot for fn in functions if (plot := fn(finding, t)) is not None]
