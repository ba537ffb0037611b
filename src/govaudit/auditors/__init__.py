"""Built-in auditors. Each is a small object with one job; see :class:`govaudit.core.Auditor`."""

from govaudit.auditors.bias import BiasAuditor, BiasConfig, BiasReport, Gate

__all__ = ["BiasAuditor", "BiasConfig", "BiasReport", "Gate"]
