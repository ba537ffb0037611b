"""The ranking auditor: who reaches the top of a queue acted on to a limited capacity, and how much attention
each group gets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from govaudit.core import AuditSubject, Finding, Requirement
from govaudit._auditor_parts import ConfiguredAuditor, GroupTablesReport, skipped_finding
from govaudit.exceptions import InputDataError
from govaudit.inputs import sensitive_frame
from govaudit.inputs._groupings import feature_groupings
from govaudit.inputs._ranking import priority_values, relevance_values
from govaudit.metrics import encode_groups, judge_significance
from govaudit.metrics._ranking import ranking_table, share_curve
from govaudit.metrics._ranking_cases import RELEVANT, case_columns, depth_grid, group_sums, resolve_capacities
from govaudit.ranking._config import RankingConfig, capacity_name
from govaudit.ranking._findings import AUDITOR, gate_findings, missing_relevance_finding, table_finding

__all__ = ["RankingAuditor", "RankingReport"]

_MSG_UNKNOWN_FEATURE = "sensitive feature {name!r} named in [auditors.ranking] is not among the data's: {have}"
_MSG_NO_GROUPS = "the ranking auditor needs sensitive features to compare groups"


@dataclass(frozen=True)
class RankingReport(GroupTablesReport):
    """What the ranking auditor measured, for use from Python.

    Attributes
    ----------
    findings : list of Finding
        The findings (the same ones a run records, before the audit-wide significance correction).
    by_group : dict of str to pandas.DataFrame
        For each sensitive feature or intersection, one row per capacity and group with the columns of
        :func:`govaudit.metrics.ranking_table`. The tables are not suppressed: the findings are.
    """


class RankingAuditor(ConfiguredAuditor):
    """Compare how groups fare in a ranked queue acted on from the top (cases inspected, visited, called first).

    For each capacity ``k`` and each group of each sensitive feature (and intersection): its count in
    the top k and its share there against its share of all cases (with their ratio, a Wilson-based
    interval and a test against a random queue), its exposure with a position discount (``1 / log2(1 +
    rank)`` by default) per case against everyone's, and with relevance (whether the case needed acting
    on) its exposure relative to merit and its precision at k against the other cases in the top k.
    Ties share positions as if broken at random. A gate fails only when its one-sided test against the
    bound holds after Holm's correction across all of the audit's tests.

    Parameters
    ----------
    **settings
        Fields of :class:`RankingConfig`, e.g. ``capacities=[100, 500]``.

    Examples
    --------
    >>> audit = RankingAuditor(capacities=[100])
    >>> report = audit.assess(priority_score=risk, sensitive_features=groups)  # doctest: +SKIP
    >>> report.by_group["sex"][["k", "group", "top_share", "population_share", "top_share_ratio"]]  # doctest: +SKIP
    """

    name: ClassVar[str] = AUDITOR
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.Y_PRIORITY.value})
    Config: ClassVar[type[RankingConfig]] = RankingConfig
    config: RankingConfig


    def run(self, subject: AuditSubject, config: RankingConfig | None = None) -> list[Finding]:
        """Audit the subject's queue and return the findings (skipped when it has no rank or priority score)."""
        config = config or self.config
        missing = subject.missing(self.requires)
        source = subject.ranking_source
        if not missing and not _has_groups(subject):
            missing = ["sensitive_features"]
        if missing:
            return [skipped_finding(self.name, missing,
                                    hint="([data] rank or priority_score, and sensitive features)")]
        if source is not None:
            return self.analyse_aggregate(source.aggregate(config.capacities, config.discount),
                                          source.sensitive_features, config).findings
        assert subject.y_priority is not None and subject.sensitive_features is not None
        return self.analyse(subject.y_priority, subject.sensitive_features, subject.y_relevance, config).findings

    def analyse(self, priority: np.ndarray, sensitive: pd.DataFrame, relevance: np.ndarray | None = None,
                config: RankingConfig | None = None) -> RankingReport:
        """Findings and per-group tables of checked priorities (higher first) and a frame of sensitive features."""
        config = config or self.config
        n = int(np.asarray(priority).size)
        if n == 0:
            raise InputDataError("the queue has no cases to rank")
        ks = resolve_capacities(config.capacities, n)
        depths = depth_grid(n, ks)
        columns = case_columns(priority, relevance, depths, config.discount)
        return self._analyse(columns, sensitive.reset_index(drop=True), ks, depths, config)

    def analyse_aggregate(self, aggregate: Any, sensitive_features: Sequence[str],
                          config: RankingConfig | None = None) -> RankingReport:
        """Findings and tables from a backend's per-group sums (:class:`govaudit.ranking.RankingAggregate`)."""
        config = config or self.config
        table = aggregate.table
        keys = pd.DataFrame({c: table[c].to_numpy() for c in sensitive_features})  # as in memory: numpy values
        columns = {c: table[c].to_numpy(dtype=np.float64) for c in table.columns if c not in keys.columns}
        return self._analyse(columns, keys, aggregate.capacities, aggregate.depths, config)

    def _analyse(self, columns: Mapping[str, np.ndarray], sensitive: pd.DataFrame, ks: tuple[int, ...],
                 depths: tuple[int, ...], config: RankingConfig) -> RankingReport:
        """The findings from per-row columns (one row per case, or per block of cases) and their groups."""
        relevance = RELEVANT in columns
        names, ks = _distinct_capacities(config.capacities, ks)
        findings: list[Finding] = []
        tables: dict[str, pd.DataFrame] = {}
        for feature, cols in feature_groupings([str(c) for c in sensitive.columns], config, _MSG_UNKNOWN_FEATURE):
            encoding = encode_groups(sensitive, list(cols))
            sums = group_sums(columns, encoding.codes, len(encoding.labels))
            table = ranking_table(sums, encoding.labels, names, ks, depths, discount=config.discount,
                                  confidence=config.confidence)
            tables[feature] = table
            findings.append(table_finding(feature, cols, table, share_curve(sums, depths), depths, config,
                                          relevance))
            findings.extend(gate_findings(feature, table, config, relevance))
        if not relevance and (gap := missing_relevance_finding(config)) is not None:
            findings.append(gap)
        # significance-gated findings are judged together (Holm); the runner repeats it audit-wide
        return RankingReport(judge_significance(findings), tables)

    def assess(self, rank: Any = None, *, priority_score: Any = None, sensitive_features: Any,
               relevance: Any = None) -> RankingReport:
        """Audit a ranked queue directly.

        Parameters
        ----------
        rank : array-like, optional
            One rank per case, 1 seen first (lower before higher; equal ranks are ties).
        priority_score : array-like, optional
            One score per case instead of ``rank``, higher seen first.
        sensitive_features : array-like, Series or DataFrame
            The groups to compare, one row per case.
        relevance : array-like, optional
            1 where the case turned out to need acting on, else 0 (for exposure relative to merit and
            precision at k).

        Returns
        -------
        RankingReport

        Raises
        ------
        ColumnError, InputDataError
            A rank or score is not a number or missing, a relevance not 0/1, the lengths differ, or
            neither or both of ``rank`` and ``priority_score`` are given.
        """
        if (rank is None) == (priority_score is None):
            raise InputDataError("give the queue's order once: rank (1 = seen first) or priority_score "
                                 "(higher = seen first)")
        priority = priority_values(rank if rank is not None else priority_score,
                                   "rank" if rank is not None else "priority_score",
                                   kind="rank" if rank is not None else "score")
        sensitive = sensitive_frame(sensitive_features)
        if sensitive.shape[1] == 0:
            raise InputDataError(_MSG_NO_GROUPS)
        if len(sensitive) != priority.size:
            raise InputDataError(f"sensitive_features has {len(sensitive)} rows but the queue has {priority.size}")
        rel = None if relevance is None else relevance_values(relevance, "relevance", rows=priority.size)
        return self.analyse(priority, sensitive, rel)


def _has_groups(subject: AuditSubject) -> bool:
    """Whether the queue comes with at least one sensitive feature to compare groups by.

    A backend source read without sensitive features has nothing to compare, so the auditor is
    skipped (inconclusive) as it is in memory, rather than crashing on an empty grouping.
    """
    if subject.ranking_source is not None:
        return len(subject.ranking_source.sensitive_features) > 0
    return subject.sensitive_features is not None and subject.sensitive_features.shape[1] > 0


def _distinct_capacities(capacities: Sequence[int | float], ks: Sequence[int]) -> tuple[list[str], tuple[int, ...]]:
    """The capacities' names and numbers of cases, once per number of cases (the first name kept).

    ``100`` and ``0.1`` of 1,000 cases are the same top 100: judged twice, they would double the
    gate findings and the family Holm's correction adjusts over.

    Parameters
    ----------
    capacities : sequence of int or float
        The configured capacities, as written (counts or shares).
    ks : sequence of int
        Their numbers of cases (:func:`govaudit.metrics._ranking_cases.resolve_capacities`).

    Returns
    -------
    names : list of str
        One name per distinct number of cases, in the configured order.
    ks : tuple of int
        The distinct numbers of cases, in the same order.
    """
    first: dict[int, str] = {}
    for capacity, k in zip(capacities, ks):
        first.setdefault(int(k), capacity_name(capacity))
    return list(first.values()), tuple(first)
