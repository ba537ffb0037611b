"""The amounts auditor: outcomes that are amounts (benefit paid, sum awarded), compared across groups.

A yes/no audit asks whether each group is granted as often; many public decisions are amounts, and
a group can be granted as often yet paid less. Here: the configuration and gates (``_config``), the
findings (``_findings``) and the auditor (``_auditor``). The per-group arithmetic is
:func:`govaudit.metrics.amount_table`; amounts are checked by :func:`govaudit.inputs.amount_values`.

>>> from govaudit.amounts import AmountAuditor
>>> report = AmountAuditor().assess(paid, sensitive_features=groups)  # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.amounts._auditor import AmountAuditor, AmountReport
    from govaudit.amounts._config import AmountConfig, AmountGates, Band
    from govaudit.amounts._findings import CHECKS
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.amounts._auditor": ("AmountAuditor", "AmountReport"),
        "govaudit.amounts._config": ("AmountConfig", "AmountGates", "Band"),
        "govaudit.amounts._findings": ("CHECKS",),
    }, globals())

__all__ = ["CHECKS", "AmountAuditor", "AmountConfig", "AmountGates", "AmountReport", "Band"]
