"""The amounts auditor: how much each group is paid or awarded, and how far from the correct amount."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from govaudit.amounts._config import AmountConfig
from govaudit.amounts._findings import AUDITOR, gate_findings, missing_truth_finding, table_finding
from govaudit.amounts._reference import reference_rules
from govaudit.core import AuditSubject, Finding, Requirement
from govaudit._auditor_parts import ConfiguredAuditor, GroupTablesReport, skipped_finding
from govaudit.exceptions import InputDataError
from govaudit.inputs import amount_values, sensitive_frame
from govaudit.inputs._amounts import check_not_negative
from govaudit.inputs._groupings import feature_groupings
from govaudit.metrics import AmountSettings, amount_table, encode_groups, judge_significance, table_from_moments

__all__ = ["AmountAuditor", "AmountReport"]

_MSG_UNKNOWN_FEATURE = "sensitive feature {name!r} named in [auditors.amounts] is not among the data's: {have}"
_MSG_NO_GROUPS = "the amounts auditor needs sensitive features to compare groups"


@dataclass(frozen=True)
class AmountReport(GroupTablesReport):
    """What the amounts auditor measured, for use from Python.

    Attributes
    ----------
    findings : list of Finding
        The findings (the same ones a run records, before the audit-wide significance correction).
    by_group : dict of str to pandas.DataFrame
        For each sensitive feature or intersection, one row per group with the columns of
        :func:`govaudit.metrics.amount_table`. The tables are not suppressed: the findings are.
    """


class AmountAuditor(ConfiguredAuditor):
    """Compare the amounts (benefit paid, sum awarded) each group receives, and their errors when known.

    Per group of each sensitive feature (and intersection): count, mean and median with intervals,
    the mean's ratio and difference to the reference group, the share above a cut (a named amount or
    the overall median) and its ratio, the distance between the group's distribution and everyone
    else's (Kolmogorov-Smirnov, Wasserstein), and with correct amounts the mean error, the mean
    absolute error and the share under-paid. A gate fails only when its test holds after Holm's
    correction across all of the audit's tests.

    Parameters
    ----------
    **settings
        Fields of :class:`AmountConfig`, e.g. ``gates={"mean_ratio": {"min": 0.9}}``.

    Examples
    --------
    >>> report = AmountAuditor().assess(paid, sensitive_features=groups)  # doctest: +SKIP
    >>> report.by_group["sex"][["group", "count", "mean", "mean_ratio"]]  # doctest: +SKIP
    """

    name: ClassVar[str] = AUDITOR
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.Y_AMOUNT.value,
                                                    Requirement.SENSITIVE_FEATURES.value})
    Config: ClassVar[type[AmountConfig]] = AmountConfig
    config: AmountConfig


    def run(self, subject: AuditSubject, config: AmountConfig | None = None) -> list[Finding]:
        """Audit the subject's amounts and return the findings (skipped when it has none)."""
        missing = subject.missing(self.requires)
        if missing:
            return [skipped_finding(self.name, missing)]
        if subject.y_amount is None and subject.amount_source is not None:
            return self.analyse_source(subject.amount_source, config).findings
        assert subject.y_amount is not None and subject.sensitive_features is not None
        return self.analyse(subject.y_amount, subject.sensitive_features, subject.y_amount_true, config,
                            name=subject.metadata.get("amount_name", "y_amount")).findings

    def analyse(self, amount: np.ndarray, sensitive: pd.DataFrame, amount_true: np.ndarray | None = None,
                config: AmountConfig | None = None, *, name: str = "y_amount") -> AmountReport:
        """Findings and per-group tables of checked amounts and a frame of sensitive features.

        Negative amounts are refused here, the one place every route passes (unless ``allow_negative``),
        the error naming the amounts as ``name``.
        """
        config = config or self.config
        if not config.allow_negative:
            check_not_negative(amount, name)
        settings = _settings(config)
        tables: list[tuple[str, tuple[str, ...], pd.DataFrame, int | None, float]] = []
        groupings = feature_groupings(list(sensitive.columns), config, _MSG_UNKNOWN_FEATURE)
        encodings = [encode_groups(sensitive, list(columns)) for _, columns in groupings]
        rules = reference_rules(config, [f for f, _ in groupings], [e.labels for e in encodings])
        for (feature, columns), encoding, rule in zip(groupings, encodings, rules):
            eligible = np.bincount(encoding.codes, minlength=len(encoding.labels)) >= config.min_group_size
            table, ref, cut = amount_table(amount, encoding.codes, encoding.labels, reference=rule,
                                           eligible=eligible, true=amount_true, settings=settings, feature=feature)
            tables.append((feature, columns, table, ref, cut))
        return _report(tables, config, amount_true is not None, "memory")

    def analyse_source(self, source: Any, config: AmountConfig | None = None) -> AmountReport:
        """The same analysis from the moments a backend aggregates where the rows are (DuckDB, Spark).

        Every figure but the distribution distances (Kolmogorov-Smirnov, Wasserstein), which need
        every amount, is computed: see :mod:`govaudit.backends._amounts`.
        """
        config = config or self.config
        groupings = feature_groupings(list(source.sensitive_features), config, _MSG_UNKNOWN_FEATURE)
        summary = source.summarise([columns for _, columns in groupings], confidence=config.confidence,
                                   above=config.above, tolerance=config.underpaid_tolerance,
                                   allow_negative=config.allow_negative)
        settings = _settings(config)
        tables = []
        rules = reference_rules(config, [f for f, _ in groupings], [encoding.labels for encoding, _ in summary.groups])
        for (feature, columns), (encoding, moments), rule in zip(groupings, summary.groups, rules):
            eligible = moments["count"].to_numpy() >= config.min_group_size
            table, ref = table_from_moments(moments, encoding.labels, reference=rule, eligible=eligible,
                                            settings=settings, feature=feature)
            tables.append((feature, columns, table, ref, summary.cut))
        return _report(tables, config, source.amount_true is not None, source.engine)

    def assess(self, amount: Any, *, sensitive_features: Any, amount_true: Any = None) -> AmountReport:
        """Audit amounts directly.

        Parameters
        ----------
        amount : array-like
            One amount per case (e.g. the benefit paid).
        sensitive_features : array-like, Series or DataFrame
            The groups to compare, one row per case.
        amount_true : array-like, optional
            The correct amount per case, for the error measures.

        Returns
        -------
        AmountReport

        Raises
        ------
        ColumnError, InputDataError
            An amount is not a number, missing, negative (unless ``allow_negative``), or the lengths differ.
        """
        values = amount_values(amount, "y_amount")  # negative amounts: refused by analyse, per its config
        sensitive = sensitive_frame(sensitive_features)
        if sensitive.shape[1] == 0:
            raise InputDataError(_MSG_NO_GROUPS)
        if len(sensitive) != values.size:
            raise InputDataError(f"sensitive_features has {len(sensitive)} rows but y_amount has {values.size}")
        true = None if amount_true is None else amount_values(amount_true, "y_amount_true", rows=values.size)
        return self.analyse(values, sensitive, true)


def _settings(config: AmountConfig) -> AmountSettings:
    return AmountSettings(confidence=config.confidence, above=config.above,
                          underpaid_tolerance=config.underpaid_tolerance, max_mae=config.gates.max_group_mae,
                          max_underpaid_share=config.gates.max_underpaid_share)


def _report(tables: list[tuple[str, tuple[str, ...], pd.DataFrame, int | None, float]], config: AmountConfig,
            has_true: bool, backend: str) -> AmountReport:
    """The findings of each grouping's table; significance-gated ones judged together (Holm)."""
    findings: list[Finding] = []
    for feature, columns, table, ref, cut in tables:
        reference = None if ref is None else str(table["group"].iloc[ref])
        findings.append(table_finding(feature, columns, table, reference, cut, config, backend=backend))
        findings.extend(gate_findings(feature, table, reference, cut, config, has_true))
    if not has_true and (gap := missing_truth_finding(config)) is not None:
        findings.append(gap)
    # the runner repeats the correction audit-wide
    return AmountReport(judge_significance(findings), {feature: table for feature, _, table, _, _ in tables})
