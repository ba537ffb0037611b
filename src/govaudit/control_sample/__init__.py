"""The control-sample auditor: a risk model's selections against cases selected at random for control.

Public bodies test a risk model by checking, beside the cases it selected, cases selected uniformly
at random: chance is the benchmark. A group the model selects far more (or less) often than chance
does, without finding more errors among them, is over- (or under-) selected. Here: the configuration
and gates (``_config``), the arithmetic on the two streams' per-group counts (``_measures``), the
findings (``_findings``) and the auditor (``_auditor``). The table is checked by
:func:`govaudit.inputs.control_sample`; intervals and tests come from :mod:`govaudit.metrics`.

>>> from govaudit.control_sample import ControlSampleAuditor
>>> report = ControlSampleAuditor().assess(table, method="selection", sensitive_features=["sex"])  # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.control_sample._auditor import ControlSampleAuditor, ControlSampleReport
    from govaudit.control_sample._config import ControlSampleConfig, ControlSampleGates, DifferenceGate, RatioBand
    from govaudit.control_sample._findings import CHECKS
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.control_sample._auditor": ("ControlSampleAuditor", "ControlSampleReport"),
        "govaudit.control_sample._config": ("ControlSampleConfig", "ControlSampleGates", "DifferenceGate",
                                            "RatioBand"),
        "govaudit.control_sample._findings": ("CHECKS",),
    }, globals())

__all__ = ["CHECKS", "ControlSampleAuditor", "ControlSampleConfig", "ControlSampleGates", "ControlSampleReport",
           "DifferenceGate", "RatioBand"]
