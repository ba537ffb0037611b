"""Plots of findings as inline SVG (matplotlib), each with alt text and a caption.

A plot function takes a finding and the message catalogue and returns a :class:`Plot` (or ``None``
when the finding's evidence has nothing to draw). :data:`PLOTS` maps a check id to its plot
functions, so a new auditor's plots are added with one entry, e.g.
``PLOTS["acme.match_rates"] = (plot_match_rates,)``; the explainability, oversight and
provenance plots are in ``_plots_audit``, the shared helpers in ``_plot_base``.

The SVG keeps text as text (``svg.fonttype = "none"``: no embedded or fetched font), carries no
namespace URLs, metadata or script, and its element ids are prefixed so that several plots can
share one HTML page.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

from govaudit.core import Finding
from govaudit.report._i18n import Catalogue
from govaudit.report._plot_base import (  # re-exported: plot modules and callers import them from here
    _RC,
    FOUR_FIFTHS,
    PLOT_COLOURS,
    Plot,
    PlotFunction,
    _confidence,
    _defined,
    _errors,
    _figure,
    _items,
    _rows,
    _svg_of,
)
from govaudit.report._plot_calibration import plot_calibration
from govaudit.report._plot_classes import plot_class_shares, plot_confusion
from govaudit.report._plots_audit import AUDIT_PLOTS

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


#: Check id -> the plot functions drawn for a finding of that check, in order.
PLOTS: dict[str, tuple[PlotFunction, ...]] = {
    "bias.group_metrics": (plot_selection_rates, plot_impact_ratios, plot_error_rates),
    "bias.scoring_rates": (plot_scoring_rates, plot_impact_ratios),
    **AUDIT_PLOTS,
    "bias.score_calibration": (plot_calibration,),
    "multiclass.confusion": (plot_class_shares, plot_confusion),
}


def plots_for(finding: Finding, t: Catalogue, registry: Mapping[str, Sequence[PlotFunction]] | None = None
              ) -> list[Plot]:
    """Every plot the registry draws for ``finding`` (none for a check it does not know)."""
    functions = (PLOTS if registry is None else registry).get(finding.check, ())
    return [plot for fn in functions if (plot := fn(finding, t)) is not None]
