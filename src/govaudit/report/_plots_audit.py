"""Plots of the explainability, oversight, provenance and control-sample findings (the bias plots are in ``_plots``).

Each function reads one finding's evidence and returns a :class:`~govaudit.report._plot_base.Plot`,
or ``None`` when the evidence holds nothing to draw (a skipped check, an older record). A picture is
drawn where it says more than a table: the weight of each input, the reasons given most often, the
share of cases decided without a person per month, reviewers against the rubber-stamping line, a rate
per group, the share of values missing per column and each group's share against its population.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from govaudit.core import Finding
from govaudit.report._i18n import Catalogue, fmt_ci, fmt_num, fmt_share
from govaudit.report._plot_ranking import plot_ranking_depth
from govaudit.report._plot_base import (
    _RC,
    PLOT_COLOURS,
    Plot,
    PlotFunction,
    _confidence,
    _defined,
    _errors,
    _figure,
    _svg_of,
)

__all__ = [
    "AUDIT_PLOTS",
    "plot_group_rate",
    "plot_importance",
    "plot_missingness",
    "plot_monthly_without_person",
    "plot_reason_codes",
    "plot_representativeness",
    "plot_reviewers",
    "plot_unreviewed_by_month",
]

#: Bars drawn at most (the rest are in the tables).
_MAX_BARS = 25


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _bars(labels: Sequence[str], values: Sequence[float], t: Catalogue, *, axis: str, alt: str,
          errors: list[list[float]] | None = None, line: float | None = None, line_label: str = "",
          highlight: Sequence[bool] = (), xmax: float | None = None, share: bool = False) -> Any:
    """A horizontal bar chart as SVG markup: one bar per label, optional whiskers and a gate line."""
    import matplotlib.pyplot as plt

    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = _figure(labels, legend=[line_label] if line is not None and line_label else ())
        y = range(len(labels))
        colours = [PLOT_COLOURS["fail"] if (highlight and highlight[i]) else PLOT_COLOURS["primary"] for i in y]
        ax.barh(y, values, color=colours, height=0.6)
        if errors is not None:
            ax.errorbar(values, y, xerr=errors, fmt="none", ecolor=PLOT_COLOURS["line"], capsize=3, linewidth=1)
        if line is not None:
            ax.axvline(line, color=PLOT_COLOURS["line"], linestyle="--", linewidth=1.2, label=line_label or None)
            if line_label:
                ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.set_yticks(list(y), labels)
        ax.invert_yaxis()
        top = max([*values, line or 0.0, 1e-9])
        ax.set_xlim(0, xmax if xmax is not None else top * 1.15)
        if share:
            ax.xaxis.set_major_formatter(lambda x, _pos: f"{x * 100:.0f}%")
        ax.set_xlabel(axis)
        return _svg_of(fig, alt)


def _gate(finding: Finding) -> float | None:
    return float(finding.threshold) if _number(finding.threshold) else None


def plot_importance(finding: Finding, t: Catalogue) -> Plot | None:
    """Share of the model's weight carried by each input (``explainability.global_importance``)."""
    rows = [r for r in finding.evidence.get("top_features") or [] if isinstance(r, Mapping) and _number(r.get("share"))]
    if not rows:
        return None
    rows = rows[:_MAX_BARS]
    labels = [str(r.get("feature")) for r in rows]
    values = [float(r["share"]) for r in rows]
    items = t.join([f"{label} {fmt_share(v)}" for label, v in zip(labels, values)])
    alt = t("plot.importance_alt", items=items)
    svg = _bars(labels, values, t, axis=t("plot.importance_axis"), alt=alt, share=True)
    return Plot(svg, alt, t("plot.importance_caption"))


def plot_reason_codes(finding: Finding, t: Catalogue) -> Plot | None:
    """How often each input is the first reason given for an adverse decision (``explainability.coverage``)."""
    counts = finding.evidence.get("first_reason_counts")
    if not isinstance(counts, Mapping) or not counts or not all(_number(v) for v in counts.values()):
        return None
    ordered = sorted(counts.items(), key=lambda kv: -float(kv[1]))[:_MAX_BARS]
    labels, values = [str(k) for k, _ in ordered], [float(v) for _, v in ordered]
    alt = t("plot.reasons_alt", items=t.join([f"{label} {int(v):,}" for label, v in zip(labels, values)]))
    svg = _bars(labels, values, t, axis=t("plot.reasons_axis"), alt=alt)
    return Plot(svg, alt, t("plot.reasons_caption"))


def plot_monthly_without_person(finding: Finding, t: Catalogue) -> Plot | None:
    """Share of decisions taken without a person, month by month (``oversight.automation_drift``)."""
    import matplotlib.pyplot as plt

    rows = [r for r in finding.evidence.get("months") or [] if isinstance(r, Mapping) and _defined(r, "share")]
    if not rows:
        return None
    months = [str(r.get("month")) for r in rows]
    values = [float(r["share"]) for r in rows]
    gate = _gate(finding)
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = _figure(["0000"], legend=[t("plot.gate_line")] if gate is not None else ())
        fig.set_size_inches(6.4, 3.2)
        fig.subplots_adjust(left=0.1, bottom=0.22, top=0.95)
        x = list(range(len(rows)))
        over = [gate is not None and v > gate for v in values]
        ax.errorbar(x, values, yerr=_errors(rows, "share"), fmt="-", color=PLOT_COLOURS["primary"],
                    ecolor=PLOT_COLOURS["line"], capsize=2, linewidth=1.2)
        ax.scatter(x, values, c=[PLOT_COLOURS["fail"] if o else PLOT_COLOURS["primary"] for o in over], zorder=3, s=18)
        if gate is not None:
            ax.axhline(gate, color=PLOT_COLOURS["line"], linestyle="--", linewidth=1.2, label=t("plot.gate_line"))
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.set_xticks(x, months, rotation=45, ha="right")
        ax.set_ylim(0, max([*values, gate or 0.0]) * 1.2 or 1)
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v * 100:.0f}%")
        ax.grid(axis="y", color="#d9d9d9", linewidth=0.6)
        ax.set_ylabel(t("plot.monthly_axis"))
        alt = t("plot.monthly_alt", confidence=_confidence(finding),
                items=t.join([f"{m} {fmt_share(v)}" for m, v in zip(months, values)]))
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t("plot.monthly_caption", confidence=_confidence(finding)))


def plot_unreviewed_by_month(finding: Finding, t: Catalogue) -> Plot | None:
    """Cases that needed a person but were not reviewed, per month (``oversight.review_coverage``)."""
    by_month = finding.evidence.get("unreviewed_by_month")
    if not isinstance(by_month, Mapping) or not by_month or not all(_number(v) for v in by_month.values()):
        return None
    labels = sorted(str(k) for k in by_month)
    values = [float(by_month[k]) for k in labels]
    alt = t("plot.unreviewed_alt", items=t.join([f"{m} {int(v):,}" for m, v in zip(labels, values)]))
    svg = _bars(labels, values, t, axis=t("plot.unreviewed_axis"), alt=alt, highlight=[v > 0 for v in values])
    return Plot(svg, alt, t("plot.unreviewed_caption"))


def _reviewer_plot(finding: Finding, t: Catalogue, key: str, kind: str) -> Plot | None:
    rows = [r for r in finding.evidence.get("reviewers") or [] if isinstance(r, Mapping) and _defined(r, key)]
    if not rows:
        return None
    rows = rows[:_MAX_BARS]
    labels = [str(r.get("reviewer")) for r in rows]
    values = [float(r[key]) for r in rows]
    gate = _gate(finding) if kind == "agreement" else None
    alt = t(f"plot.{kind}_alt", confidence=_confidence(finding),
            items=t.join([f"{label} {fmt_share(v)} ({fmt_ci(r.get(f'{key}_ci'))})" for label, v, r in zip(labels, values, rows)]))
    svg = _bars(labels, values, t, axis=t(f"plot.{kind}_axis"), alt=alt, errors=_errors(rows, key), line=gate,
                line_label=t("plot.gate_line") if gate is not None else "", share=True,
                highlight=[bool(r.get("flagged")) for r in rows], xmax=1.0 if kind == "agreement" else None)
    return Plot(svg, alt, t(f"plot.{kind}_caption", confidence=_confidence(finding)))


def plot_reviewers(finding: Finding, t: Catalogue) -> Plot | None:
    """Each reviewer's agreement with the model, or share of too-short reviews, with intervals."""
    kind = "agreement" if finding.check == "oversight.rubber_stamping" else "short"
    return _reviewer_plot(finding, t, "agreement" if kind == "agreement" else "short_share", kind)


def plot_group_rate(finding: Finding, t: Catalogue) -> Plot | None:
    """The rate the evidence names (``rate``: override, appeal, base rate ...) per group, with intervals."""
    ev = finding.evidence
    key = ev.get("rate") if isinstance(ev.get("rate"), str) else "rate"
    rows = [r for r in ev.get("groups") or [] if isinstance(r, Mapping) and _defined(r, key)]
    if not rows:
        return None
    labels = [str(r.get("group")) for r in rows]
    values = [float(r[key]) for r in rows]
    name = t(f"metric.{key}") if t.has(f"metric.{key}") else t("metric.rate")
    feature = str(ev.get("feature", ""))
    alt = t("plot.group_rate_alt", rate=name, feature=feature, confidence=_confidence(finding),
            items=t.join([f"{label} {fmt_num(v)} ({fmt_ci(r.get(f'{key}_ci'))})" for label, v, r in zip(labels, values, rows)]))
    svg = _bars(labels, values, t, axis=name, alt=alt, errors=_errors(rows, key), share=True)
    return Plot(svg, alt, t("plot.group_rate_caption", rate=name, feature=feature))


def plot_missingness(finding: Finding, t: Catalogue) -> Plot | None:
    """Share of values missing in each column that has any, against the allowed share (``provenance.missingness``)."""
    shares = finding.evidence.get("missing_share")
    if not isinstance(shares, Mapping) or not shares or not all(_number(v) for v in shares.values()):
        return None
    ordered = sorted(shares.items(), key=lambda kv: -float(kv[1]))[:_MAX_BARS]
    labels, values = [str(k) for k, _ in ordered], [float(v) for _, v in ordered]
    limit = finding.evidence.get("max_missing_share")
    limit = float(limit) if _number(limit) else None
    table = str(finding.evidence.get("table", ""))
    alt = t("plot.missing_alt", table=table, items=t.join([f"{c} {fmt_share(v)}" for c, v in zip(labels, values)]))
    svg = _bars(labels, values, t, axis=t("metric.missing_share"), alt=alt, line=limit, share=True,
                line_label=t("plot.gate_line") if limit is not None else "",
                highlight=[limit is not None and v > limit for v in values])
    return Plot(svg, alt, t("plot.missing_caption", table=table))


def _paired_shares(finding: Finding, t: Catalogue, keys: tuple[str, str], legend: list[str], alt_key: str,
                   caption_key: str) -> Plot | None:
    """Two shares per group side by side (e.g. in the data and in the population)."""
    import matplotlib.pyplot as plt

    rows = [r for r in finding.evidence.get("groups") or [] if isinstance(r, Mapping)
            and _defined(r, keys[0]) and _defined(r, keys[1])]
    if not rows:
        return None
    labels = [str(r.get("group")) for r in rows]
    feature = str(finding.evidence.get("feature", ""))
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig, ax = _figure(labels, 2, legend=legend)
        y = list(range(len(rows)))
        for offset, key, colour, label in ((-0.18, keys[0], "primary", legend[0]),
                                           (0.18, keys[1], "secondary", legend[1])):
            ax.barh([i + offset for i in y], [float(r[key]) for r in rows], height=0.34,
                    color=PLOT_COLOURS[colour], label=label)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v * 100:.0f}%")
        ax.set_xlabel(t("metric.share"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        alt = t(alt_key, feature=feature, items=t.join(
            [f"{r.get('group')} {fmt_share(r[keys[0]])} / {fmt_share(r[keys[1]])}" for r in rows]))
        svg = _svg_of(fig, alt)
    return Plot(svg, alt, t(caption_key, feature=feature))


def plot_representativeness(finding: Finding, t: Catalogue) -> Plot | None:
    """Each group's share of the data beside its share of the reference population."""
    return _paired_shares(finding, t, ("share", "reference_share"), [t("plot.in_data"), t("plot.in_population")],
                          "plot.represent_alt", "plot.represent_caption")


def plot_control_shares(finding: Finding, t: Catalogue) -> Plot | None:
    """Each group's share of the model's selections beside its share of the random control selections."""
    return _paired_shares(finding, t, ("model_share", "random_share"),
                          [t("plot.model_selected"), t("plot.random_selected")],
                          "plot.control_alt", "plot.control_caption")


#: Check id -> plot functions of the explainability, oversight and provenance auditors.
AUDIT_PLOTS: dict[str, tuple[PlotFunction, ...]] = {
    "explainability.global_importance": (plot_importance,),
    "explainability.coverage": (plot_reason_codes,),
    "oversight.automation_drift": (plot_monthly_without_person,),
    "oversight.review_coverage": (plot_unreviewed_by_month,),
    "oversight.rubber_stamping": (plot_reviewers,),
    "oversight.review_time": (plot_reviewers,),
    "oversight.override_fairness": (plot_group_rate,),
    "oversight.appeal_fairness": (plot_group_rate,),
    "provenance.label_base_rates": (plot_group_rate,),
    "provenance.missingness": (plot_missingness,),
    "provenance.representativeness": (plot_representativeness,),
    "control_sample.group_shares": (plot_control_shares,),
    "ranking.group_shares": (plot_ranking_depth,),
}
