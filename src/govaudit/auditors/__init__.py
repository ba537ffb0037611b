"""The built-in auditors, in one namespace. Each lives in its own package:

- :mod:`govaudit.bias`: group and intersectional fairness (:class:`BiasAuditor`);
- :mod:`govaudit.explainability`: SHAP explanations, reason codes, proxies (:class:`ExplainabilityAuditor`);
- :mod:`govaudit.oversight`: human oversight from decision logs (:class:`OversightAuditor`);
- :mod:`govaudit.provenance`: declared, hashed, fresh and representative data (:class:`ProvenanceAuditor`);
- :mod:`govaudit.deployment`: the deployed model against the registered one (:class:`DeploymentAuditor`);
- :mod:`govaudit.control_sample`: a risk model's selections against a random control sample
  (:class:`ControlSampleAuditor`);
- :mod:`govaudit.amounts`: amounts paid or awarded, compared across groups (:class:`AmountAuditor`);
- :mod:`govaudit.ranking`: priority queues acted on to a capacity, compared across groups (:class:`RankingAuditor`).
- :mod:`govaudit.multiclass`: decisions into several tracks, each compared across groups one against the rest
  (:class:`MultiClassAuditor`).

Third-party auditors are found through the entry-point group ``govaudit.auditors``; see
:class:`govaudit.core.Auditor` for the contract.
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.amounts import AmountAuditor, AmountConfig, AmountReport
    from govaudit.bias import BiasAuditor, BiasConfig, BiasReport, Gate
    from govaudit.control_sample import ControlSampleAuditor, ControlSampleConfig, ControlSampleReport
    from govaudit.deployment import DeploymentAuditor, DeploymentConfig
    from govaudit.multiclass import ClassGates, MultiClassAuditor, MultiClassConfig, MultiClassReport
    from govaudit.explainability import ExplainabilityAuditor, ExplainabilityConfig
    from govaudit.oversight import OversightAuditor, OversightConfig
    from govaudit.ranking import RankingAuditor, RankingConfig, RankingReport
    from govaudit.provenance import ProvenanceAuditor, ProvenanceConfig
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.amounts": ("AmountAuditor", "AmountConfig", "AmountReport"),
        "govaudit.bias": ("BiasAuditor", "BiasConfig", "BiasReport", "Gate"),
        "govaudit.control_sample": ("ControlSampleAuditor", "ControlSampleConfig", "ControlSampleReport"),
        "govaudit.deployment": ("DeploymentAuditor", "DeploymentConfig"),
        "govaudit.multiclass": ("ClassGates", "MultiClassAuditor", "MultiClassConfig", "MultiClassReport"),
        "govaudit.explainability": ("ExplainabilityAuditor", "ExplainabilityConfig"),
        "govaudit.oversight": ("OversightAuditor", "OversightConfig"),
        "govaudit.ranking": ("RankingAuditor", "RankingConfig", "RankingReport"),
        "govaudit.provenance": ("ProvenanceAuditor", "ProvenanceConfig"),
    }, globals())

__all__ = [
    "AmountAuditor",
    "AmountConfig",
    "AmountReport",
    "BiasAuditor",
    "BiasConfig",
    "BiasReport",
    "ControlSampleAuditor",
    "ControlSampleConfig",
    "ControlSampleReport",
    "DeploymentAuditor",
    "DeploymentConfig",
    "ExplainabilityAuditor",
    "ExplainabilityConfig",
    "Gate",
    "ClassGates",
    "MultiClassAuditor",
    "MultiClassConfig",
    "MultiClassReport",
    "OversightAuditor",
    "OversightConfig",
    "ProvenanceAuditor",
    "ProvenanceConfig",
    "RankingAuditor",
    "RankingConfig",
    "RankingReport",
]
