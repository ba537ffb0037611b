"""The multi-class auditor: decisions into several tracks ("no action", "letter", "interview",
"investigation"), compared across groups.

A yes/no audit asks whether each group is granted as often; a triage sends cases down several
tracks, and a group can be sent to the most adverse one more often. Each class is binarised against
the rest and measured with the binary audit's arithmetic (:mod:`govaudit.metrics`): the
configuration and gates (``_config``), one grouping's analysis (``_analysis``), the tables
(``_findings``), the gates (``_gates``) and the auditor (``_auditor``). Counts per group, true class
and class decided come from :class:`govaudit.backends.ClassSource`, in memory or on DuckDB/Spark.

>>> from govaudit.multiclass import MultiClassAuditor
>>> report = MultiClassAuditor(adverse_class="investigation").assess(track, sensitive_features=groups)  # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.multiclass._auditor import MultiClassAuditor, MultiClassReport
    from govaudit.multiclass._config import ClassGates, MultiClassConfig, MultiClassGates
    from govaudit.multiclass._findings import CHECKS
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.multiclass._auditor": ("MultiClassAuditor", "MultiClassReport"),
        "govaudit.multiclass._config": ("ClassGates", "MultiClassConfig", "MultiClassGates"),
        "govaudit.multiclass._findings": ("CHECKS",),
    }, globals())

__all__ = ["CHECKS", "ClassGates", "MultiClassAuditor", "MultiClassConfig", "MultiClassGates", "MultiClassReport"]
