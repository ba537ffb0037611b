"""The explainability auditor: SHAP explanations, reason codes for every adverse decision, proxies.

Its configuration (``_config``), the choice of explainer and sample (``_select``, ``_sample``,
``_prepare``), global importance (``_importance``), its stability (``_stability``), reason codes
(``_reasons``), proxy detection (``_proxy``), column handling (``_columns``), findings
(``_findings``), the auditor (``_auditor``), and one case of a spec's data explained (``_case``).
"""

from govaudit.explainability._auditor import (
    CaseExplanation,
    ExplainabilityAuditor,
    ExplainabilityConfig,
    ExplainabilityReport,
)
from govaudit.explainability._case import explain_spec_case

__all__ = [
    "CaseExplanation",
    "ExplainabilityAuditor",
    "ExplainabilityConfig",
    "ExplainabilityReport",
    "explain_spec_case",
]
