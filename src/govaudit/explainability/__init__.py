"""The explainability auditor: SHAP explanations, reason codes for every adverse decision, proxies.

Its configuration (``_config``), the choice of explainer and sample (``_select``, ``_sample``,
``_prepare``), global importance (``_importance``), its stability (``_stability``), reason codes
(``_reasons``), proxy detection (``_proxy``), column handling (``_columns``), findings
(``_findings``), the auditor (``_auditor``), and one case of a spec's data explained (``_case``).
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.explainability._auditor import (
        CaseExplanation,
        ExplainabilityAuditor,
        ExplainabilityConfig,
        ExplainabilityReport,
    )
    from govaudit.explainability._case import explain_spec_case
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.explainability._auditor": (
            "CaseExplanation", "ExplainabilityAuditor", "ExplainabilityConfig", "ExplainabilityReport",
        ),
        "govaudit.explainability._case": ("explain_spec_case",),
    }, globals())

__all__ = [
    "CaseExplanation",
    "ExplainabilityAuditor",
    "ExplainabilityConfig",
    "ExplainabilityReport",
    "explain_spec_case",
]
