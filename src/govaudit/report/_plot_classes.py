"""The multi-class auditor's figures: the classes decided by group, and each group's confusion matrix as a heatmap.

Only what the finding publishes is drawn: a group whose classes are withheld (disclosure control)
is left out of the figure, never drawn from other numbers.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from govaudit.core import Finding
from govaudit.report._i18n import Catalogue, fmt_share
from govaudit.report._plot_base import _RC, PLOT_COLOURS, Plot, _figure, _rows, _svg_of

__all__ = ["plot_class_shares", "plot_confusion"]

#: at most this many groups get a heatmap of their own (the table lists every group)
_MAX_PANELS = 9
_SHADES = ("#1f5aa6", "#6b8fc7", "#8a4b00", "#c9893a", "#5b2a86", "#9a78b8", "#333333", "#7a7a7a")


def _published(finding: Finding, key: str) -> list[Mapping[str, Any]]:
    return [r for r in _rows(finding) if isinstance(r.get(key), list) and int(r.get("count") or 0) > 0]


def plot_class_shares(finding: Finding, t: Catalogue) -> Plot | None:
    """Each group's cases split by the class decided, as one stacked bar per group."""
    import matplotlib.pyplot as plt

    rows = _published(finding, "predicted")
    classes = [str(c) for c in finding.evidence.get("classes") or []]
    if not rows or not classes:
        return None
    labels = [str(r.get("group")) for r in rows]
    feature = str(finding.evidence.get("feature", ""))
    shares = [[int(v) / int(r["count"]) for v in r["predicted"]] for r in rows]
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = _figure(labels, 1, legend=classes)
        left = [0.0] * len(rows)
        for k, name in enumerate(classes):
            widths = [s[k] for s in shares]
            colour = PLOT_COLOURS["fail"] if name == finding.evidence.get("adverse_class") else _SHADES[k % len(_SHADES)]
            ax.barh(range(len(rows)), widths, left=left, height=0.6, color=colour, label=name)
            left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(range(len(rows)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v * 100:.0f}%")
        ax.set_xlabel(t("metric.class_rate"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        items = [f"{label}: " + t.join([f"{c} {fmt_share(s[k])}" for k, c in enumerate(classes)])
                 for label, s in zip(labels, shares)]
        alt = t("plot.classes_alt", feature=feature, items=t.join(items))
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t("plot.classes_caption", feature=feature,
                            adverse=str(finding.evidence.get("adverse_class", ""))))


def _panel(ax: Any, matrix: Sequence[Sequence[int]], classes: Sequence[str], title: str, first: bool) -> None:
    """One group's matrix, each true class's row as shares of that row (so groups of any size compare)."""
    shares = [[v / max(sum(line), 1) for v in line] for line in matrix]
    ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    for i, line in enumerate(matrix):
        for j, value in enumerate(line):
            ax.text(j, i, f"{value:,}", ha="center", va="center", fontsize=7,
                    color="white" if shares[i][j] > 0.6 else PLOT_COLOURS["line"])
    ax.set_title(title, fontsize=8)
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(len(classes)), classes if first else [""] * len(classes), fontsize=7)
    ax.grid(False)


def plot_confusion(finding: Finding, t: Catalogue) -> Plot | None:
    """Each group's confusion matrix (true class down, class decided across) as a heatmap of counts."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows = _published(finding, "matrix")[:_MAX_PANELS]
    classes = [str(c) for c in finding.evidence.get("classes") or []]
    if not rows or not classes:
        return None
    feature = str(finding.evidence.get("feature", ""))
    columns = min(3, len(rows))
    lines = -(-len(rows) // columns)
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, axes = plt.subplots(lines, columns, figsize=(6.4, 0.6 + 2.3 * lines), squeeze=False)
        for i, row in enumerate(rows):
            _panel(axes[i // columns][i % columns], row["matrix"], classes, f"{row.get('group')} (n={row['count']:,})",
                   i % columns == 0)
        for j in range(len(rows), lines * columns):
            axes[j // columns][j % columns].axis("off")
        fig.supxlabel(t("plot.class_decided"), fontsize=8)
        fig.supylabel(t("plot.class_true"), fontsize=8)
        fig.subplots_adjust(left=0.2, bottom=0.25 / lines + 0.1, top=0.92, wspace=0.15, hspace=0.7)
        items = [f"{r.get('group')}: " + t.join([f"{classes[i]} → {classes[j]} {v:,}" for i, line in
                                                 enumerate(r["matrix"]) for j, v in enumerate(line)]) for r in rows]
        alt = t("plot.confusion_alt", feature=feature, items=t.join(items))
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t("plot.confusion_caption", feature=feature))
