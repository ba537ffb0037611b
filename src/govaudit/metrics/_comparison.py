"""Compare groups on one grouping: per-group rates, intervals, impact ratios and tests.

All of it is arithmetic on the per-group counts table that one counting pass builds; the
bootstrap resamples that table, not the rows. The bias auditor compares decisions and scores; the
oversight auditor compares override and appeal rates, with the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.metrics._confusion import (cell_columns, contrast_columns, likelihood_ratios, metric_references,
                                         undefined_reasons)
from govaudit.metrics._counts import GroupCounts, group_counts
from govaudit.metrics._groups import GroupEncoding, is_unknown_label
from govaudit.metrics._intervals import bootstrap_counts, percentile_interval, wilson_interval
from govaudit.metrics._rates import (
    disparities,
    impact_ratios,
    rate_parts,
    rates_from_counts,
)
from govaudit.metrics._significance import two_proportion_test

__all__ = ["ComparisonSettings", "GroupComparison", "GroupingAnalysis", "RateAnalysis", "analyse_counts", "analyse_rates"]


class ComparisonSettings(Protocol):
    """What a comparison of groups needs to know (the bias auditor's configuration is one)."""

    min_group_size: int
    suppress_below: int
    small_category_rule: Literal["none", "ll144"]
    small_category_share: float
    reference: Literal["most_favoured", "largest", "min_metric"]
    reference_groups: Mapping[str, str]
    confidence: float
    n_resamples: int
    seed: int


@dataclass(frozen=True)
class GroupComparison:
    """Plain :class:`ComparisonSettings`: every group against the most favoured, nothing excluded by share."""

    min_group_size: int = 30
    suppress_below: int = 10
    confidence: float = 0.95
    n_resamples: int = 1000
    seed: int = 0
    small_category_rule: Literal["none", "ll144"] = "none"
    small_category_share: float = 0.02
    reference: Literal["most_favoured", "largest", "min_metric"] = "most_favoured"
    reference_groups: Mapping[str, str] = field(default_factory=dict)
    decision: Literal["favourable", "adverse"] = "favourable"


@dataclass(frozen=True)
class RateAnalysis:
    """Rates of one kind of decision (selection, or scoring above the median) for one grouping.

    Attributes
    ----------
    counts : GroupCounts
        The counts table.
    table : pandas.DataFrame
        One row per group: count, share, each rate with its Wilson interval, impact ratio with its
        bootstrap interval, eligibility for ratio gates and a note.
    disparities : dict
        Disparity name -> (value, low, high).
    reference : int or None
        Index of the reference group (None when no group is eligible).
    tests : dict
        Group index -> two-proportion test of its rate against the reference group's.
    eligible : numpy.ndarray of bool
        Groups that enter ratios, gates and tests.
    references : dict
        Rate -> index of its reference group (the same for every rate unless ``min_metric``).
    contrasts : dict
        ``<rate>_ratio`` and ``<rate>_difference`` (group minus reference) per group, each with
        ``_low``/``_high`` bootstrap bounds; arrays of shape ``(G,)``.
    undefined : tuple of dict
        Per group, metric -> why it is undefined (a zero denominator).
    columns : dict
        The table's columns as numpy arrays (read without going through pandas).
    """

    counts: GroupCounts
    table: pd.DataFrame
    disparities: dict[str, tuple[float, float, float]]
    reference: int | None
    tests: dict[int, object]
    eligible: np.ndarray
    references: dict[str, int | None] = field(default_factory=dict)
    contrasts: dict[str, np.ndarray] = field(default_factory=dict)
    undefined: tuple[dict[str, str], ...] = ()
    columns: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupingAnalysis:
    """Everything measured for one sensitive feature or intersection."""

    feature: str
    columns: tuple[str, ...]
    encoding: GroupEncoding
    selection: RateAnalysis | None
    scoring: RateAnalysis | None
    small: tuple[int, ...]
    ll144_excluded: tuple[int, ...]
    unknown: tuple[int, ...]


def _eligibility(encoding: GroupEncoding, n: np.ndarray, config: ComparisonSettings) -> tuple[np.ndarray, ...]:
    total = n.sum()
    unknown = np.array([is_unknown_label(lbl) for lbl in encoding.labels], dtype=bool)
    small = n < max(config.min_group_size, config.suppress_below)
    ll144 = np.zeros_like(small)
    if config.small_category_rule == "ll144" and total > 0:
        ll144 = (n / total) < config.small_category_share
    eligible = ~unknown & ~small & ~ll144 & (n > 0)
    return eligible, small & ~unknown, ll144 & ~unknown & ~small, unknown


def _named_reference(feature: str, labels: tuple[str, ...], config: ComparisonSettings) -> int | None:
    named = config.reference_groups.get(feature)
    if named is None:
        return None
    if named not in labels:
        raise InputDataError(
            f"reference group {named!r} for {feature!r} is not in the data; groups: {', '.join(labels)}"
        )
    return labels.index(named)


#: columns of a group table, in order; each rate is followed by its ``_low`` and ``_high`` bounds
_CELLS = ("tp", "fp", "tn", "fn", "pp", "pn", "label_pos", "label_neg")
_RATES = ("prevalence", "selection_rate", "tpr", "fpr", "fnr", "tnr", "precision", "npv", "fdr", "for", "accuracy",
          "ppr")


def _group_columns(counts: np.ndarray, rates: dict[str, np.ndarray], confidence: float) -> dict[str, np.ndarray]:
    """count, share, cell counts, each rate with its Wilson interval, likelihood ratios (log method)."""
    columns: dict[str, np.ndarray] = {"count": rates["count"], "share": rates["share"]}
    cells = cell_columns(counts)
    columns.update({name: cells[name] for name in _CELLS if name in cells})
    for name in _RATES:
        if name not in rates:
            continue
        low, high = wilson_interval(*rate_parts(counts, name), confidence)
        columns[name] = rates[name]
        columns[f"{name}_low"] = np.asarray(low, dtype=float)
        columns[f"{name}_high"] = np.asarray(high, dtype=float)
    if counts.shape[-1] == 4:
        columns.update(likelihood_ratios(counts, confidence))
    return columns


def _analyse_decisions(
    feature: str, encoding: GroupEncoding, counts: GroupCounts, eligible: np.ndarray, config: ComparisonSettings
) -> RateAnalysis:
    rates = rates_from_counts(counts.counts)
    selection = rates["selection_rate"]
    adverse = getattr(config, "decision", "favourable") == "adverse"
    references = metric_references(rates, counts.n, eligible, config.reference,
                                   _named_reference(feature, encoding.labels, config), adverse)
    ref = references["selection_rate"]
    columns = _group_columns(counts.counts, rates, config.confidence)
    columns["impact_ratio"] = impact_ratios(selection, ref) if ref is not None else np.full(len(selection), np.nan)
    point = disparities(rates, eligible)
    boot_disp: dict[str, np.ndarray] = {}
    boot = None
    columns["impact_ratio_low"] = columns["impact_ratio_high"] = np.full(len(selection), np.nan)
    if config.n_resamples > 0:
        boot = rates_from_counts(bootstrap_counts(counts.counts, config.n_resamples, config.seed))
        boot_disp = disparities(boot, eligible)
    summary: dict[str, tuple[float, float, float]] = {}
    for name, value in point.items():
        low = high = float("nan")
        if name in boot_disp:
            low, high = (float(x) for x in percentile_interval(boot_disp[name], config.confidence))
        summary[name] = (float(value), low, high)
    contrasts = contrast_columns(rates, boot, references, config.confidence)
    if boot is not None and ref is not None:
        # the impact ratio is the selection rate's ratio to the same reference: one bootstrap interval
        columns["impact_ratio_low"] = contrasts["selection_rate_ratio_low"]
        columns["impact_ratio_high"] = contrasts["selection_rate_ratio_high"]
    columns["eligible"] = eligible
    # built at once: a column at a time, a DataFrame is copied on each insert
    table = pd.DataFrame(columns, index=pd.Index(encoding.labels, name="group"))
    undefined = tuple(undefined_reasons(columns, _RATES + ("lr_plus", "lr_minus")))
    tests = {}
    if ref is not None:
        sel = counts.selected
        for g in np.flatnonzero(eligible):
            if g != ref:
                tests[int(g)] = two_proportion_test(int(sel[g]), int(counts.n[g]), int(sel[ref]), int(counts.n[ref]))
    return RateAnalysis(counts, table, summary, ref, tests, eligible, references, contrasts, undefined, columns)


def analyse_rates(
    feature: str,
    encoding: GroupEncoding,
    y_pred: np.ndarray | None,
    y_true: np.ndarray | None,
    y_score: np.ndarray | None,
    config: ComparisonSettings,
) -> GroupingAnalysis:
    """Measure one grouping: decision rates (when decisions exist) and LL144 scoring rates (when scores do)."""
    decisions = group_counts(y_pred, encoding, y_true) if y_pred is not None else None
    scores = None
    if y_score is not None:
        # NYC LL144 scoring rate: share of the category scoring above the median of the full sample
        above = (y_score > np.median(y_score)).astype(np.int8)
        scores = group_counts(above, encoding)
    counted = decisions if decisions is not None else scores
    # a counts table already holds the group sizes; count them only when there is none
    n = counted.n if counted is not None else np.bincount(encoding.codes, minlength=encoding.n_groups)
    return analyse_counts(feature, encoding, n, decisions, scores, config)


def analyse_counts(
    feature: str,
    encoding: GroupEncoding,
    n: np.ndarray,
    decisions: GroupCounts | None,
    scores: GroupCounts | None,
    config: ComparisonSettings,
) -> GroupingAnalysis:
    """Measure one grouping from its counts tables alone (any backend can build them).

    ``decisions`` holds decision (and outcome) counts, ``scores`` the above-median score counts;
    ``n`` is the size of each group of ``encoding``.
    """
    eligible, small, ll144, unknown = _eligibility(encoding, n, config)
    selection = scoring = None
    if decisions is not None:
        selection = _analyse_decisions(feature, encoding, decisions, eligible, config)
    if scores is not None:
        scoring = _analyse_decisions(feature, encoding, scores, eligible, config)
    return GroupingAnalysis(
        feature=feature,
        columns=encoding.columns,
        encoding=encoding,
        selection=selection,
        scoring=scoring,
        small=tuple(int(i) for i in np.flatnonzero(small)),
        ll144_excluded=tuple(int(i) for i in np.flatnonzero(ll144)),
        unknown=tuple(int(i) for i in np.flatnonzero(unknown)),
    )
