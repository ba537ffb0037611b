"""The bias auditor: group and intersectional fairness of decisions.

Everything the bias audit owns lives here: its configuration and gates (``_config``), the analysis
of one grouping (``_analysis``), the findings it writes (``_findings``) and the auditor itself
(``_auditor``); the audit of risk scores (``_score_config``, ``_scores``, ``_score_findings``) and the
error-rate / predictive-parity trade-off (``_tradeoff``). The arithmetic it shares with other auditors (group encoding, counts tables,
intervals, tests) is in :mod:`govaudit.metrics`; where rows are aggregated, in :mod:`govaudit.backends`.

>>> from govaudit.bias import BiasAuditor
>>> report = BiasAuditor().assess(y_true, y_pred, sensitive_features=df[["sex"]])  # doctest: +SKIP
"""

from govaudit.bias._auditor import BiasAuditor, BiasConfig, BiasReport, Gate
from govaudit.bias._score_config import ScoreAudit

__all__ = ["BiasAuditor", "BiasConfig", "BiasReport", "Gate", "ScoreAudit"]
