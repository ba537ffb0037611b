"""Counts-based fairness metrics: group encoding, confusion counts, rates, disparities, intervals.

The engine behind the bias auditor (design §3). Rows are touched once, to encode groups and form a
per-group counts table with one ``np.bincount``; every rate, disparity, interval and test is then
arithmetic on that tiny table, including a bootstrap that resamples counts instead of rows.

>>> import numpy as np
>>> from govaudit.metrics import encode_groups, group_counts, rates_from_counts, disparities
>>> enc = encode_groups(["a", "a", "b", "b"])
>>> table = group_counts(np.array([1, 0, 0, 0]), enc, y_true=np.array([1, 0, 1, 0]))
>>> rates = rates_from_counts(table.counts)
>>> rates["selection_rate"].tolist()
[0.5, 0.0]
>>> float(disparities(rates)["demographic_parity_difference"])
0.5
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from ._amounts import (
        AmountSettings,
        amount_moments,
        amount_table,
        median_interval,
        median_ranks,
        pick_reference,
        table_from_moments,
    )
    from ._ratio_tests import mean_ratio_bound_test, share_ratio_bound_test
    from ._ranking import exposure_bound_test, precision_bound_test, ranking_table, share_curve, top_share_bound_test
    from ._classes import ClassCounts, class_counts, class_text, code_classes
    from ._comparison import (
        ComparisonSettings,
        GroupComparison,
        GroupingAnalysis,
        RateAnalysis,
        analyse_counts,
        analyse_rates,
    )
    from ._counts import GroupCounts, as_binary, group_counts
    from ._calibration import (
        CalibrationCounts,
        ScoreBins,
        calibration_bins,
        calibration_counts,
        calibration_summary,
        score_bins,
        scores_in_unit_interval,
    )
    from ._calibration_slope import CalibrationSlopes, calibration_slopes
    from ._discrimination import ScoreCells, ScoreOrder, discrimination, score_cells, score_order
    from ._evidence import ci_pair
    from ._groups import UNKNOWN, GroupEncoding, encode_groups, intersect_encodings, is_unknown_label
    from ._intervals import bootstrap_counts, percentile_interval, wilson_interval
    from ._multiplicity import gate_status, holm_adjusted, judge_significance, significance_block
    from ._rates import (
        LABEL_FREE_METRICS,
        LABELLED_METRICS,
        RATE_CELLS,
        disparities,
        impact_ratios,
        rate_parts,
        rates_from_counts,
    )
    from ._significance import ProportionTest, share_test, two_proportion_test
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.metrics._ranking": ("exposure_bound_test", "precision_bound_test", "ranking_table", "share_curve",
                                      "top_share_bound_test"),
        "govaudit.metrics._amounts": ("AmountSettings", "amount_moments", "amount_table", "median_interval",
                                      "median_ranks", "pick_reference", "table_from_moments"),
        "govaudit.metrics._ratio_tests": ("mean_ratio_bound_test", "share_ratio_bound_test"),
        "govaudit.metrics._classes": ("ClassCounts", "class_counts", "class_text", "code_classes"),
        "govaudit.metrics._comparison": (
            "ComparisonSettings", "GroupComparison", "GroupingAnalysis", "RateAnalysis", "analyse_counts",
            "analyse_rates",
        ),
        "govaudit.metrics._counts": ("GroupCounts", "as_binary", "group_counts"),
        "govaudit.metrics._evidence": ("ci_pair",),
        "govaudit.metrics._calibration": (
            "CalibrationCounts", "ScoreBins", "calibration_bins", "calibration_counts", "calibration_summary",
            "score_bins", "scores_in_unit_interval",
        ),
        "govaudit.metrics._calibration_slope": ("CalibrationSlopes", "calibration_slopes"),
        "govaudit.metrics._discrimination": ("ScoreCells", "ScoreOrder", "discrimination", "score_cells", "score_order"),
        "govaudit.metrics._groups": (
            "UNKNOWN", "GroupEncoding", "encode_groups", "intersect_encodings", "is_unknown_label",
        ),
        "govaudit.metrics._intervals": ("bootstrap_counts", "percentile_interval", "wilson_interval"),
        "govaudit.metrics._multiplicity": ("gate_status", "holm_adjusted", "judge_significance", "significance_block"),
        "govaudit.metrics._rates": (
            "LABEL_FREE_METRICS", "LABELLED_METRICS", "RATE_CELLS", "disparities", "impact_ratios", "rate_parts",
            "rates_from_counts",
        ),
        "govaudit.metrics._significance": ("ProportionTest", "share_test", "two_proportion_test"),
    }, globals())

__all__ = [
    "AmountSettings",
    "amount_moments",
    "amount_table",
    "exposure_bound_test",
    "precision_bound_test",
    "ranking_table",
    "share_curve",
    "top_share_bound_test",
    "mean_ratio_bound_test",
    "median_interval",
    "median_ranks",
    "share_ratio_bound_test",
    "table_from_moments",
    "pick_reference",
    "ClassCounts",
    "class_counts",
    "class_text",
    "code_classes",
    "ComparisonSettings",
    "GroupComparison",
    "GroupingAnalysis",
    "RateAnalysis",
    "analyse_counts",
    "analyse_rates",
    "UNKNOWN",
    "CalibrationCounts",
    "CalibrationSlopes",
    "ScoreBins",
    "ScoreCells",
    "ScoreOrder",
    "calibration_bins",
    "calibration_counts",
    "calibration_slopes",
    "calibration_summary",
    "discrimination",
    "score_bins",
    "score_cells",
    "score_order",
    "scores_in_unit_interval",
    "ci_pair",
    "holm_adjusted",
    "judge_significance",
    "gate_status",
    "significance_block",
    "is_unknown_label",
    "LABELLED_METRICS",
    "LABEL_FREE_METRICS",
    "RATE_CELLS",
    "GroupCounts",
    "GroupEncoding",
    "ProportionTest",
    "as_binary",
    "bootstrap_counts",
    "disparities",
    "encode_groups",
    "group_counts",
    "impact_ratios",
    "intersect_encodings",
    "percentile_interval",
    "rate_parts",
    "rates_from_counts",
    "share_test",
    "two_proportion_test",
    "wilson_interval",
]
