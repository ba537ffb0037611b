"""What every plot of the report shares: the :class:`Plot` type, colours, figure layout, SVG clean-up.

The SVG keeps text as text (``svg.fonttype = "none"``: no embedded or fetched font), carries no
namespace URLs, metadata or script, and its element ids are prefixed so that several plots can
share one HTML page.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from govaudit.core import Finding
from govaudit.report._i18n import Catalogue, fmt_ci, fmt_num

__all__ = ["FOUR_FIFTHS", "PLOT_COLOURS", "Plot", "PlotFunction"]

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
