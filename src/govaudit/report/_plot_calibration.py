"""The calibration plot of ``bias.score_calibration``: observed outcome rate against mean score per bin.

One line per group compared, with the Wilson interval of each bin's observed rate and the diagonal
of perfect calibration. Bins and groups the record withholds (disclosure control) are not drawn.
Texts come from the catalogue (``calibration_plot.*``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.report._i18n import Catalogue, fmt_num
from govaudit.report._plot_base import (
    _RC,
    PLOT_COLOURS,
    Plot,
    _confidence,
    _defined,
    _errors,
    _svg_of,
)

__all__ = ["plot_calibration"]

#: line colours, one per group (cycled); each has at least 3:1 contrast with white
_LINES = (PLOT_COLOURS["primary"], PLOT_COLOURS["secondary"], PLOT_COLOURS["reference"], "#1b7340", "#b3261e",
          "#555555")
_MARKERS = ("o", "s", "^", "D", "v", "P")
def _series(finding: Finding) -> dict[str, list[Mapping[str, Any]]]:
    """Drawable bins per compared group, in the evidence's order."""
    groups = finding.evidence.get("groups")
    bins = finding.evidence.get("bins")
    if not isinstance(groups, list) or not isinstance(bins, list):
        return {}
    shown = [str(g.get("group")) for g in groups if isinstance(g, Mapping) and g.get("status") == "compared"
             and not g.get("suppressed")]
    series: dict[str, list[Mapping[str, Any]]] = {label: [] for label in shown}
    for b in bins:
        if isinstance(b, Mapping) and str(b.get("group")) in series and _defined(b, "observed_rate") \
                and _defined(b, "mean_score"):
            series[str(b.get("group"))].append(b)
    return {k: v for k, v in series.items() if v}


def plot_calibration(finding: Finding, t: Catalogue) -> Plot | None:
    """Observed outcome rate against mean score per bin, one line per group, with the diagonal."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    series = _series(finding)
    if not series:
        return None
    feature = str(finding.evidence.get("feature", ""))
    confidence = _confidence(finding)
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = plt.subplots(figsize=(6.4, 4.6))
        fig.subplots_adjust(left=0.11, right=0.70, bottom=0.12, top=0.97)
        ax.plot([0, 1], [0, 1], linestyle="--", color=PLOT_COLOURS["line"], linewidth=1,
                label=t("calibration_plot.diagonal"))
        for i, (label, rows) in enumerate(series.items()):
            colour = _LINES[i % len(_LINES)]
            ax.errorbar([float(r["mean_score"]) for r in rows], [float(r["observed_rate"]) for r in rows],
                        yerr=_errors(rows, "observed_rate"), fmt=f"-{_MARKERS[i % len(_MARKERS)]}", color=colour, ecolor=colour,
                        capsize=2, linewidth=1.2, markersize=4, label=label)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel(t("calibration_plot.axis_x"))
        ax.set_ylabel(t("calibration_plot.axis_y"))
        ax.grid(color="#d9d9d9", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        items = "; ".join(
            f"{label}: " + ", ".join(f"{fmt_num(r['mean_score'], 2)} → {fmt_num(r['observed_rate'], 2)}" for r in rows)
            for label, rows in series.items())
        alt = t("calibration_plot.alt", feature=feature, confidence=confidence, items=items)
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t("calibration_plot.caption", feature=feature, confidence=confidence))
