"""The bias audit of risk scores: per-group calibration, discrimination and score distributions.

For every audited feature and intersection, from the rows in memory: the calibration curve (observed
outcome rate per score bin, with Wilson intervals), calibration-in-the-large, the calibration slope,
the Brier score and the expected calibration error (:mod:`govaudit.metrics._calibration`), the AUC
with DeLong's interval and the KS statistic of each group's scores against everyone else's
(:mod:`govaudit.metrics._discrimination`). Scores are read as the probability of ``y_true == 1``.
The findings are written by :mod:`._score_findings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from govaudit.bias._config import BiasConfig
from govaudit.core import AuditSubject, Finding
from govaudit.metrics import GroupingAnalysis, holm_adjusted, is_unknown_label
from govaudit.metrics._calibration import (ScoreBins, calibration_bins, calibration_counts, calibration_summary,
                                          score_bins, scores_in_unit_interval)
from govaudit.metrics._calibration_slope import calibration_slopes
from govaudit.metrics._discrimination import ScoreOrder, discrimination, score_cells, score_order
from govaudit.metrics._groups import GroupEncoding, encode_columns, intersect_encodings

__all__ = ["ScoreAnalysis", "ScoreResults", "analyse_scores", "compared_groups", "score_results"]


@dataclass(frozen=True)
class ScoreAnalysis:
    """What was measured on the scores of one grouping.

    Attributes
    ----------
    feature : str
        The feature or intersection.
    columns : tuple of str
        Its columns.
    summary : pandas.DataFrame
        One row per group: count, ``compared`` (large enough, not unknown), calibration (when
        computed), slope, AUC and KS columns.
    bins : pandas.DataFrame
        One row per group and non-empty score bin (empty when calibration was not computed).
    calibration_reason : str or None
        Why calibration was not computed (None when it was).
    """

    feature: str
    columns: tuple[str, ...]
    summary: pd.DataFrame
    bins: pd.DataFrame
    calibration_reason: str | None


@dataclass(frozen=True)
class ScoreResults:
    """The score audit of every grouping, with the findings and the tables of :class:`BiasReport`."""

    findings: list[Finding] = field(default_factory=list)
    calibration: dict[str, pd.DataFrame] = field(default_factory=dict)
    scores: dict[str, pd.DataFrame] = field(default_factory=dict)


def _codes(sensitive: pd.DataFrame, groupings: Sequence[tuple[str, tuple[str, ...]]]) -> list[GroupEncoding]:
    """Per-row group codes of every grouping, each column read once."""
    columns = encode_columns(sensitive, [c for _, cols in groupings for c in cols])
    single = {name: GroupEncoding(col.codes(), col.labels, (name,)) for name, col in columns.items()}
    return [single[cols[0]] if len(cols) == 1 else intersect_encodings([single[c] for c in cols])
            for _, cols in groupings]


def compared_groups(labels: Sequence[str], n: np.ndarray, config: BiasConfig) -> np.ndarray:
    """Groups large enough to compare and not the unknown category (as the decision audit selects them)."""
    unknown = np.array([is_unknown_label(lbl) for lbl in labels], dtype=bool)
    return ~unknown & (n >= max(config.min_group_size, config.suppress_below)) & (n > 0)


def _analyse_one(feature: str, encoding: GroupEncoding, y_true: np.ndarray | None, scores: np.ndarray,
                 order: ScoreOrder, bins: ScoreBins | None, outside: str | None,
                 config: BiasConfig) -> ScoreAnalysis:
    codes, labels, g = encoding.codes, encoding.labels, encoding.n_groups
    cells = score_cells(codes, g, y_true, scores, order)
    table = discrimination(codes, g, y_true, scores, order, config.confidence, cells)
    table.index = pd.Index(labels, name="group")
    table.insert(1, "compared", compared_groups(labels, table["count"].to_numpy(), config))
    reason = outside if y_true is not None else "calibration needs observed outcomes (a label), which were not given"
    frames = [table]
    curve = pd.DataFrame()
    if reason is None and bins is not None and y_true is not None:
        counts = calibration_counts(codes, g, y_true, scores, bins)
        summary = calibration_summary(counts, labels).drop(columns="count")
        # fitted on the (group, score) cells: the same likelihood as on the rows, often far fewer terms
        slopes = calibration_slopes(cells.code, g, cells.positives, cells.score, cells.count)
        summary["calibration_intercept"] = slopes.intercept
        summary["calibration_slope"] = slopes.slope
        summary["slope_note"] = list(slopes.reason)
        # standard error of calibration-in-the-large: the mean of (y - score) over the group
        n = counts.n.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_sq = counts.squared_error.sum(axis=1) / n
            citl = summary["calibration_in_the_large"].to_numpy()
            summary["citl_se"] = np.sqrt(np.maximum(mean_sq - citl ** 2, 0.0) / np.maximum(n - 1, 1))
        frames.append(summary)
        curve = calibration_bins(counts, labels, config.confidence)
    return ScoreAnalysis(feature, encoding.columns, pd.concat(frames, axis=1), curve, reason)


def analyse_scores(subject: AuditSubject, groupings: Sequence[tuple[str, tuple[str, ...]]],
                   config: BiasConfig) -> list[ScoreAnalysis]:
    """Measure the scores of every grouping (rows in memory; empty without scores).

    The KS tests of all groupings are adjusted together (Holm): ``ks_p_adjusted``.
    """
    scores, sensitive = subject.y_score, subject.sensitive_features
    if scores is None or sensitive is None or not config.scores.enabled:
        return []
    scores = np.asarray(scores, dtype=np.float64)
    y_true = None if subject.y_true is None else np.asarray(subject.y_true)
    outside = scores_in_unit_interval(scores)
    bins = score_bins(scores, config.scores.n_bins, config.scores.binning) if outside is None else None
    order = score_order(scores)
    analyses = [_analyse_one(feature, encoding, y_true, scores, order, bins, outside, config)
                for (feature, _), encoding in zip(groupings, _codes(sensitive, groupings))]
    # one family of KS tests for the audit: a reported gap is then rarely a chance one
    p = np.concatenate([a.summary["ks_p_value"].to_numpy(dtype=float) for a in analyses]) if analyses else []
    adjusted = holm_adjusted(np.where(np.concatenate([a.summary["compared"].to_numpy() for a in analyses]),
                                      p, np.nan)) if analyses else []
    start = 0
    for a in analyses:
        a.summary["ks_p_adjusted"] = adjusted[start:start + len(a.summary)]
        start += len(a.summary)
    return analyses


def score_results(subject: AuditSubject | None, groupings: Sequence[tuple[str, tuple[str, ...]]],
                  analyses: Sequence[GroupingAnalysis], config: BiasConfig, *,
                  backend_scores: bool = False) -> ScoreResults:
    """Findings and tables of the score audit, and the fairness trade-off of every grouping.

    ``subject`` is None when the rows stay in a backend; ``backend_scores`` says it has scores.
    """
    from govaudit.bias._score_findings import score_findings, scores_not_evaluated, unmeasured_gates
    from govaudit.bias._tradeoff import tradeoff_finding

    measured = analyse_scores(subject, groupings, config) if subject is not None else []
    findings: list[Finding] = []
    if backend_scores and config.scores.enabled:
        findings.append(scores_not_evaluated(config))  # says itself that its gates cannot be judged
    elif not measured and config.scores.gates:
        why = _why_unmeasured(subject, config, backend_scores)
        findings.extend(unmeasured_gates([feature for feature, _ in groupings], config, why))
    by_feature = {m.feature: m for m in measured}
    for m in measured:
        findings.extend(score_findings(m, config))
    tradeoff = config.scores.fairness_tradeoff
    if tradeoff or (tradeoff is None and config.scores.enabled and (bool(measured) or backend_scores)):
        for grouping in analyses:
            finding = tradeoff_finding(grouping, by_feature.get(grouping.feature), config)
            if finding is not None:
                findings.append(finding)
    return ScoreResults(findings=findings, calibration={m.feature: m.bins for m in measured if not m.bins.empty},
                        scores={m.feature: m.summary for m in measured})


def _why_unmeasured(subject: AuditSubject | None, config: BiasConfig, backend_scores: bool) -> str:
    """Why the configured score gates have no scores to judge."""
    if not config.scores.enabled:
        return "the score audit is disabled (scores.enabled = false)"
    if (subject is None and not backend_scores) or (subject is not None and subject.y_score is None):
        return "no scores (y_score) were given"
    return "no sensitive features were given"
