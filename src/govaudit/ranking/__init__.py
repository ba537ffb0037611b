"""The ranking auditor: priority queues acted on to a limited capacity, compared across groups.

Public bodies rank cases (which case an inspector or social worker sees first) and act on the top k
only. Here: the configuration and gates (``_config``), the findings (``_findings``) and the auditor
(``_auditor``). The per-case arithmetic (ties, exposure) is in :mod:`govaudit.metrics._ranking_cases`,
the per-group figures in :func:`govaudit.metrics.ranking_table`; ranks, scores and relevance are
checked by :mod:`govaudit.inputs._ranking`. On DuckDB and Spark the per-group sums are aggregated where
the rows are held (``_backend``: :func:`ranking_aggregate` behind a :class:`RankingSource`).

>>> from govaudit.ranking import RankingAuditor
>>> report = RankingAuditor(capacities=[100]).assess(priority_score=risk, sensitive_features=groups)  # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.ranking._auditor import RankingAuditor, RankingReport
    from govaudit.ranking._backend import RankingAggregate, RankingSource, ranking_aggregate
    from govaudit.ranking._config import Band, RankingConfig, RankingGates
    from govaudit.ranking._findings import CHECKS
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.ranking._auditor": ("RankingAuditor", "RankingReport"),
        "govaudit.ranking._backend": ("RankingAggregate", "RankingSource", "ranking_aggregate"),
        "govaudit.ranking._config": ("Band", "RankingConfig", "RankingGates"),
        "govaudit.ranking._findings": ("CHECKS",),
    }, globals())

__all__ = ["CHECKS", "Band", "RankingAggregate", "RankingAuditor", "RankingConfig", "RankingGates", "RankingReport",
           "RankingSource", "ranking_aggregate"]
