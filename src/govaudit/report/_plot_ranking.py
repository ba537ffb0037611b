"""The ranking auditor's plot: each group's share of the queue's top, depth by depth.

A line per group (its share of the top d cases as d grows through the queue) against a dotted line
at its share of all cases: where a group's line runs above its dotted line, it is over-represented at
the top; the capacities acted on are marked. Only the groups the finding publishes are drawn (small
groups are suppressed in the evidence).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.report._i18n import Catalogue, fmt_share
from govaudit.report._plot_base import _RC, PLOT_COLOURS, Plot, _figure, _svg_of

__all__ = ["plot_ranking_depth"]

#: Lines drawn at most (the rest are in the table).
_MAX_LINES = 8
_CYCLE = ("primary", "secondary", "reference", "fail", "line")


def _curve(finding: Finding) -> tuple[list[int], dict[str, list[float]], Mapping[str, Any]] | None:
    curve = finding.evidence.get("curve")
    if not isinstance(curve, Mapping):
        return None
    depths, shares = curve.get("depths"), curve.get("shares")
    if not isinstance(depths, list) or not depths or not isinstance(shares, Mapping) or not shares:
        return None
    lines = {str(g): [float(v) for v in s] for g, s in shares.items()
             if isinstance(s, list) and len(s) == len(depths)}
    population = curve.get("population_share") if isinstance(curve.get("population_share"), Mapping) else {}
    return [int(d) for d in depths], dict(list(lines.items())[:_MAX_LINES]), population  # type: ignore[return-value]


def plot_ranking_depth(finding: Finding, t: Catalogue) -> Plot | None:
    """Each group's share of the top d cases for each depth d (``ranking.group_shares``)."""
    import matplotlib.pyplot as plt

    parsed = _curve(finding)
    if parsed is None or not parsed[1]:
        return None
    depths, lines, population = parsed
    feature = str(finding.evidence.get("feature", ""))
    caps = [int(c["k"]) for c in finding.evidence.get("capacities") or [] if isinstance(c, Mapping) and "k" in c]
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = _figure(["0000"], legend=list(lines))
        fig.set_size_inches(6.4, 3.4)
        fig.subplots_adjust(left=0.1, bottom=0.16, top=0.95)
        for i, (group, shares) in enumerate(lines.items()):
            colour = PLOT_COLOURS[_CYCLE[i % len(_CYCLE)]]
            ax.plot(depths, shares, color=colour, linewidth=1.4, label=group,
                    linestyle="-" if i < len(_CYCLE) else "-.")
            if isinstance(population.get(group), (int, float)):
                ax.axhline(float(population[group]), color=colour, linestyle=":", linewidth=1.0)
        for k in caps:
            ax.axvline(k, color=PLOT_COLOURS["line"], linestyle="--", linewidth=0.8)
        ax.set_ylim(0, min(1.0, max(max(s) for s in lines.values()) * 1.15) or 1)
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v * 100:.0f}%")
        ax.grid(axis="y", color="#d9d9d9", linewidth=0.6)
        ax.set_xlabel(t("plot.depth_axis"))
        ax.set_ylabel(t("plot.depth_share_axis"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        at = depths.index(caps[0]) if caps and caps[0] in depths else 0
        alt = t("plot.depth_alt", feature=feature, depth=f"{depths[at]:,}", items=t.join(
            [f"{g} {fmt_share(s[at])} / {fmt_share(population.get(g))}" for g, s in lines.items()]))
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t("plot.depth_caption", feature=feature))
