"""The deployment auditor: is the model the public meets the model that was audited and registered?"""

from govaudit.deployment._auditor import DeploymentAuditor, DeploymentConfig

__all__ = ["DeploymentAuditor", "DeploymentConfig"]
