"""The control-sample auditor: the cases a risk model selected against cases selected at random."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from govaudit.control_sample._config import ControlSampleConfig
from govaudit.control_sample._findings import AUDITOR, gate_findings, hit_rates_finding, table_finding
from govaudit.control_sample._measures import count_streams, measure, overall_hits
from govaudit.core import AuditSubject, Finding, Requirement
from govaudit._auditor_parts import ConfiguredAuditor, GroupTablesReport, skipped_finding
from govaudit.inputs import ControlSample, control_sample
from govaudit.inputs._groupings import feature_groupings
from govaudit.metrics import encode_groups, judge_significance

__all__ = ["ControlSampleAuditor", "ControlSampleReport"]

_MSG_UNKNOWN_FEATURE = ("sensitive feature {name!r} named in [auditors.control_sample] is not among the control "
                        "sample's: {have}")


@dataclass(frozen=True)
class ControlSampleReport(GroupTablesReport):
    """What the control-sample auditor measured, for use from Python.

    Attributes
    ----------
    findings : list of Finding
        The findings (the same ones a run records, before the audit-wide significance correction).
    by_group : dict of str to pandas.DataFrame
        For each sensitive feature or intersection, one row per group: ``model_count``,
        ``random_count``, ``model_share``, ``random_share`` (Wilson intervals in ``*_low``/``*_high``),
        ``share_difference`` (Newcombe interval), ``share_ratio`` (log interval), ``test_method``,
        ``test_statistic``, ``p_value``; with outcomes also ``model_hits``, ``random_hits``,
        ``model_hit_rate``, ``random_hit_rate`` (Wilson), ``hit_rate_ratio`` (log interval),
        ``hit_test_method``, ``hit_p_value``. The tables are not suppressed: the findings are.
    """


class ControlSampleAuditor(ConfiguredAuditor):
    """Compare the cases a risk model selected for a check with cases selected at random.

    Per group of each sensitive feature (and intersection): its share among the model's selections
    and among the random selections, their difference and ratio with intervals and a test, and with
    outcomes the share of checks that found an error under each method. A group selected by the model
    much more (or less) often than chance would select it fails the gates, once the one-sided test
    against the gate's bound is significant after Holm's correction across all of the audit's tests.

    Parameters
    ----------
    **settings
        Fields of :class:`ControlSampleConfig`, e.g. ``gates={"share_ratio": {"min": 0.5, "max": 2.0}}``.

    Examples
    --------
    >>> report = ControlSampleAuditor().assess(table, method="selection", sensitive_features=["sex"],
    ...                                        outcome="error_found")  # doctest: +SKIP
    >>> report.by_group["sex"][["group", "model_share", "random_share", "share_ratio"]]  # doctest: +SKIP
    """

    name: ClassVar[str] = AUDITOR
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.CONTROL_SAMPLE.value})
    Config: ClassVar[type[ControlSampleConfig]] = ControlSampleConfig
    config: ControlSampleConfig


    def run(self, subject: AuditSubject, config: ControlSampleConfig | None = None) -> list[Finding]:
        """Audit the subject's control sample and return the findings (skipped when it has none)."""
        if subject.control_sample is None:
            return [skipped_finding(self.name, [Requirement.CONTROL_SAMPLE.value])]
        return self.analyse(subject.control_sample, config).findings

    def analyse(self, sample: ControlSample, config: ControlSampleConfig | None = None) -> ControlSampleReport:
        """Findings and per-group tables of a validated control sample."""
        config = config or self.config
        findings: list[Finding] = []
        tables: dict[str, pd.DataFrame] = {}
        counts = None
        for feature, columns in feature_groupings(list(sample.sensitive.columns), config, _MSG_UNKNOWN_FEATURE):
            encoding = encode_groups(sample.sensitive, list(columns))
            counts = count_streams(feature, encoding, sample.by_model, sample.outcome)
            table = measure(counts, config.confidence)
            tables[feature] = table
            findings.append(table_finding(feature, columns, table, (sample.n_model, sample.n_random), config))
            findings.extend(gate_findings(feature, table, config))
        if sample.outcome is not None and counts is not None:
            findings.append(hit_rates_finding(overall_hits(counts, config.confidence), config))
        # significance-gated findings are judged together (Holm); the runner repeats it audit-wide
        return ControlSampleReport(judge_significance(findings), tables)

    def assess(self, table: pd.DataFrame, *, method: str, sensitive_features: Any, outcome: str | None = None,
               model_value: Any = "model", random_value: Any = "random") -> ControlSampleReport:
        """Audit a control-sample table directly.

        Parameters
        ----------
        table : pandas.DataFrame
            One row per checked case.
        method : str
            Column saying how each case was selected.
        sensitive_features : str or list of str
            Columns of the groups to compare.
        outcome : str, optional
            Column of the check's outcome (1 or true = an error was found).
        model_value, random_value : default "model", "random"
            The values of ``method`` meaning "selected by the model" and "selected at random".

        Returns
        -------
        ControlSampleReport

        Raises
        ------
        ColumnError, InputDataError
            A column is missing, a value is missing or not one of those declared (see
            :func:`govaudit.inputs.control_sample`).
        """
        sample = control_sample(table, method=method, sensitive_features=sensitive_features, outcome=outcome,
                                model_value=model_value, random_value=random_value)
        return self.analyse(sample)
