"""The bias auditor: group and intersectional fairness metrics, impact ratios, intervals, significance."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from govaudit.metrics import GroupingAnalysis, analyse_counts
from govaudit.metrics._joint import count_groupings
from govaudit.bias._config import BiasConfig, Gate
from govaudit.bias._findings import grouping_findings
from govaudit.bias._tables import contrast_table
from govaudit.bias._scores import ScoreResults, score_results
from govaudit.backends import CountsSource
from govaudit.core import AuditSubject, Finding, Requirement, Severity, Status
from govaudit._auditor_parts import ConfiguredAuditor
from govaudit.exceptions import ColumnError, InputDataError, UndefinedMetricWarning
from govaudit.inputs._groupings import feature_groupings
from govaudit.metrics import judge_significance

__all__ = ["BiasAuditor", "BiasConfig", "BiasReport", "Gate"]

_MSG_ONE_CLASS = (
    "{name} has only one class ({value!r}) in all {n} rows: true/false positive rates are undefined; "
    "audit selection rates alone by leaving out the label"
)
_MSG_NO_DECISIONS = "the bias auditor needs decisions (y_pred) or scores (y_score); neither was given"
_MSG_UNKNOWN_FEATURE = "sensitive feature {name!r} named in the bias configuration is not among the subject's: {have}"
_MSG_MIN_GROUP_SIZE = ("[auditors.bias] min_group_size = {size} is larger than every group of every sensitive feature "
                       "(largest group: {sizes}); lower it so that groups can be compared")
_MSG_UNKNOWN_GATED = ("[auditors.bias] gates_by_feature names {name!r}, which is not an audited feature or "
                      "intersection; audited: {have}")


@dataclass(frozen=True)
class BiasReport:
    """What the bias auditor measured, for use from Python.

    Attributes
    ----------
    findings : list of Finding
        The findings (the same ones a run records).
    by_group : dict of str to pandas.DataFrame
        For each sensitive feature or intersection, one row per group with counts, rates, Wilson
        intervals, impact ratio and its bootstrap interval.
    disparities : pandas.DataFrame
        One row per (feature, disparity) with value and bootstrap interval: the summary disparities
        (demographic parity, equalized odds, equal opportunity) over all compared groups.
    group_disparities : dict of str to pandas.DataFrame
        For each sensitive feature or intersection, every rate of every group against the reference
        group, in long format: one row per (group, metric) with columns ``group, metric, ratio,
        ratio_low, ratio_high, difference, difference_low, difference_high, reference`` (difference =
        group minus reference; bootstrap intervals); see :func:`govaudit.bias.disparity_table`.
    calibration : dict of str to pandas.DataFrame
        For each feature or intersection with scores and observed outcomes, the calibration curve:
        one row per group and score bin (observed rate with its Wilson interval, mean score).
    scores : dict of str to pandas.DataFrame
        For each feature or intersection with scores, one row per group: AUC with its interval,
        Brier score, ECE, calibration-in-the-large, calibration slope, KS statistic and p-values.
    """

    findings: list[Finding]
    by_group: dict[str, pd.DataFrame]
    disparities: pd.DataFrame
    group_disparities: dict[str, pd.DataFrame] = field(default_factory=dict)
    calibration: dict[str, pd.DataFrame] = field(default_factory=dict)
    scores: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when no finding failed or errored."""
        return not any(f.blocking for f in self.findings)


class BiasAuditor(ConfiguredAuditor):
    """Group and intersectional fairness of decisions (and of scores, the NYC LL144 way).

    Parameters
    ----------
    **settings
        Fields of :class:`BiasConfig`, e.g. ``min_group_size=50``,
        ``gates={"impact_ratio": {"min": 0.8}}``, ``intersections=[["sex", "race"]]``.

    Examples
    --------
    >>> report = BiasAuditor(n_resamples=200).assess(y_true, y_pred, sensitive_features=df["sex"])  # doctest: +SKIP
    >>> report.by_group["sex"][["count", "selection_rate", "impact_ratio"]]  # doctest: +SKIP
    """

    name: ClassVar[str] = "bias"
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.SENSITIVE_FEATURES.value})
    Config: ClassVar[type[BiasConfig]] = BiasConfig
    config: BiasConfig


    # -- protocol ---------------------------------------------------------------------------------
    def run(self, subject: AuditSubject, config: BiasConfig | None = None) -> list[Finding]:
        """Audit ``subject`` and return the findings (see :meth:`analyse` for the numbers too)."""
        return self.analyse(subject, config).findings

    def analyse(self, subject: AuditSubject, config: BiasConfig | None = None) -> BiasReport:
        """Audit ``subject`` and return findings plus the per-group tables."""
        config = config or self.config
        if subject.counts_source is not None and subject.sensitive_features is None:
            return self._analyse_source(subject.counts_source, config)
        if subject.y_pred is None and subject.y_score is None:
            return BiasReport([self._skipped(_MSG_NO_DECISIONS)], {}, pd.DataFrame())
        self._check_labels(subject)
        sensitive = subject.sensitive_features
        assert sensitive is not None
        groupings = self._groupings(list(sensitive.columns), config)
        # each column is read once and the rows counted once; every grouping is a sum over those counts
        counted = count_groupings(sensitive, [cols for _, cols in groupings],
                                  y_pred=subject.y_pred, y_true=subject.y_true, y_score=subject.y_score)
        analyses = [analyse_counts(feature, c.encoding, c.n, c.decisions, c.scores, config)
                    for (feature, _), c in zip(groupings, counted)]
        return self._report(analyses, config, lambda: score_results(subject, groupings, analyses, config))

    def _analyse_source(self, source: CountsSource, config: BiasConfig) -> BiasReport:
        """The same analysis from a backend's counts, without the rows (e.g. DuckDB over large files)."""
        if not source.has_decisions and not source.has_scores:
            return BiasReport([self._skipped(_MSG_NO_DECISIONS)], {}, pd.DataFrame())
        classes = source.label_classes()
        if len(classes) == 1:
            raise InputDataError(_MSG_ONE_CLASS.format(name="the label (y_true)", value=classes[0], n=source.n_rows))
        analyses = []
        groupings = self._groupings(list(source.sensitive_features), config)
        for feature, cols in groupings:
            encoding = source.encoding(cols)
            decisions = source.group_counts(encoding) if source.has_decisions else None
            scores = source.group_counts(encoding, "scores") if source.has_scores else None
            n = (decisions if decisions is not None else scores).n  # type: ignore[union-attr]
            # codes index the compressed table, not rows: keep only labels and columns
            encoding = replace(encoding, codes=np.empty(0, dtype=np.int64))
            analyses.append(analyse_counts(feature, encoding, n, decisions, scores, config))
        return self._report(analyses, config, lambda: score_results(None, groupings, analyses, config,
                                                                    backend_scores=source.has_scores))

    def _report(self, analyses: list[GroupingAnalysis], config: BiasConfig,
                scored: Callable[[], ScoreResults]) -> BiasReport:
        _check_min_group_size(analyses, config)
        findings: list[Finding] = []
        for analysis in analyses:
            self._warn_undefined(analysis)
            findings.extend(grouping_findings(analysis, config))
        scores = scored()  # calibration, AUC and KS of risk scores, and the fairness trade-off
        findings.extend(scores.findings)
        # significance-gated findings are judged together (Holm); the runner repeats it audit-wide
        return BiasReport(judge_significance(findings), _by_group(analyses), _disparity_table(analyses),
                          {a.feature: contrast_table(a) for a in analyses if a.selection is not None},
                          scores.calibration, scores.scores)

    # -- standalone use ---------------------------------------------------------------------------
    def assess(self, y_true: Any = None, y_pred: Any = None, *, sensitive_features: Any,
               y_score: Any = None) -> BiasReport:
        """Audit decisions directly, like fairlearn's metric functions.

        Parameters
        ----------
        y_true : array-like, optional
            Observed outcomes, 1 = favourable. Without them only selection-based metrics apply.
        y_pred : array-like, optional
            Decisions, 1 = favourable.
        sensitive_features : array-like, Series or DataFrame
            One or more sensitive features (a DataFrame's columns are audited one by one).
        y_score : array-like, optional
            Scores, higher = more favourable; adds NYC LL144 scoring rates and, with ``y_true``, the
            audit of the scores (calibration, AUC, KS; see :class:`~govaudit.bias.ScoreAudit`), for
            which a score is the probability of ``y_true == 1``.

        Returns
        -------
        BiasReport
        """
        from govaudit.inputs import build_subject

        subject = build_subject(y_true=y_true, y_pred=y_pred, y_score=y_score, sensitive_features=sensitive_features)
        return self.analyse(subject)

    # -- helpers ----------------------------------------------------------------------------------
    def _skipped(self, message: str) -> Finding:
        return Finding(auditor=self.name, check="bias.requirements", status=Status.SKIPPED,
                       severity=Severity.INFO, message=message)

    @staticmethod
    def _check_labels(subject: AuditSubject) -> None:
        if subject.y_true is not None and len(subject.y_true) and np.all(subject.y_true == subject.y_true[0]):
            raise InputDataError(_MSG_ONE_CLASS.format(name="the label (y_true)", value=int(subject.y_true[0]),
                                                       n=len(subject.y_true)))

    @staticmethod
    def _groupings(columns: list[Any], config: BiasConfig) -> list[tuple[str, tuple[str, ...]]]:
        groupings = feature_groupings([str(c) for c in columns], config, _MSG_UNKNOWN_FEATURE)
        audited = [name for name, _ in groupings]
        for name in config.gates_by_feature:
            if name not in audited:
                raise ColumnError(_MSG_UNKNOWN_GATED.format(name=name, have=", ".join(audited)))
        return groupings

    @staticmethod
    def _warn_undefined(analysis: GroupingAnalysis) -> None:
        rates = analysis.selection
        if rates is None or not rates.counts.has_labels:
            return
        undefined = []
        for metric in ("tpr", "fpr"):
            values = rates.table[metric].to_numpy()
            for g in np.flatnonzero(rates.eligible & np.isnan(values)):
                undefined.append(f"{metric} of {analysis.encoding.labels[g]!r}")
        if undefined:
            warnings.warn(
                f"By {analysis.feature}, some rates are undefined because a group has only one observed "
                f"outcome ({', '.join(undefined)}); they are reported as null and error-rate comparisons "
                "for the group as inconclusive",
                UndefinedMetricWarning,
                stacklevel=3,
            )


def _check_min_group_size(analyses: list[GroupingAnalysis], config: BiasConfig) -> None:
    """A minimum group size above every group of every feature leaves nothing to audit: bad input."""
    largest = {a.feature: int(max((a.selection or a.scoring).counts.n, default=0)) for a in analyses
               if (a.selection or a.scoring) is not None and len(a.columns) == 1}
    if largest and all(n < config.min_group_size for n in largest.values()):
        sizes = ", ".join(f"{feature}: {n}" for feature, n in largest.items())
        raise InputDataError(_MSG_MIN_GROUP_SIZE.format(size=config.min_group_size, sizes=sizes))


def _by_group(analyses: list[GroupingAnalysis]) -> dict[str, pd.DataFrame]:
    tables = {}
    for a in analyses:
        if a.selection is not None:
            tables[a.feature] = a.selection.table
        if a.scoring is not None:
            scoring = a.scoring.table.rename(columns=lambda c: c.replace("selection_rate", "scoring_rate"))
            tables[a.feature if a.selection is None else f"{a.feature} (scoring rate)"] = scoring
    return tables


def _disparity_table(analyses: list[GroupingAnalysis]) -> pd.DataFrame:
    rows = [
        {"feature": a.feature, "disparity": name, "value": v, "low": lo, "high": hi}
        for a in analyses if a.selection is not None
        for name, (v, lo, hi) in a.selection.disparities.items()
    ]
    return pd.DataFrame(rows, columns=["feature", "disparity", "value", "low", "high"])
