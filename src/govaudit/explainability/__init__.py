"""The explainability auditor: SHAP explanations, reason codes for every adverse decision, proxies.

Its configuration (``_config``), the choice of explainer and sample (``_select``, ``_sample``,
``_prepare``), global importance (``_importance``), its stability (``_stability``), reason codes
(``_reasons``), proxy detection (``_proxy``), column handling (``_columns``), findings
(``_findings``) and the auditor (``_auditor``).
"""

from govaudit.explainability._auditor import (
    CaseExplanation,
    ExplainabilityAuditor,
    ExplainabilityConfig,
    ExplainabilityReport,
)

__all__ = ["CaseExplanation", "ExplainabilityAuditor", "ExplainabilityConfig", "ExplainabilityReport"]
