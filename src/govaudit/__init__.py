"""govaudit: audit AI systems used by government.

Fairness across groups, explanations for the people affected, data of known origin and human
control, checked by plug-in auditors and recorded in accountability records.

>>> import govaudit
>>> record = govaudit.audit(model, data=df, label="eligible", sensitive_features=["sex"])  # doctest: +SKIP
>>> record.verdict  # doctest: +SKIP
"""

# First, before the slow imports: in the ``govaudit`` command, a Ctrl-C while they run ends in one line.
from govaudit import _interrupt

_interrupt.install()

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports
from govaudit._version import __version__

if TYPE_CHECKING:
    from govaudit.api import audit, run_plan
    from govaudit.inputs import build_subject, load_table
    from govaudit.explainability import ExplainabilityAuditor
    from govaudit.control_sample import ControlSampleAuditor
    from govaudit.amounts import AmountAuditor
    from govaudit.ranking import RankingAuditor
    from govaudit.multiclass import MultiClassAuditor
    from govaudit.backends import DuckDBSettings, SparkSettings, duckdb_counts_source, spark_counts_source
    from govaudit.core import (
        AuditorResult,
        AuditSubject,
        Auditor,
        CaseTable,
        Finding,
        Principle,
        Requirement,
        Severity,
        Status,
    )
    from govaudit.exceptions import (
        AuditorError,
        ColumnError,
        GovauditError,
        GovauditWarning,
        InputDataError,
        LedgerIntegrityError,
        ModelLoadError,
        SpecError,
        UndefinedMetricWarning,
    )
    from govaudit.gate import exit_code
    from govaudit.models import load_model
    from govaudit.oversight import (
        OversightAuditor,
        OversightGuard,
        OversightPolicy,
        duckdb_log_counts,
        spark_log_counts,
    )
    from govaudit.profiles import CoverageMatrix, load_pack
    from govaudit.provenance import DataManifest, ProvenanceAuditor, load_manifest
    from govaudit.records import (
        ArtifactIdentity,
        AuditRecord,
        Ledger,
        ResponsibleParties,
        Verdict,
        record_json_schema,
    )
    from govaudit.registry import load_registry
    from govaudit.spec import AuditPlan, AuditSpec, load_spec
else:
    # Type checkers read the imports above; at run time each name is imported on first use (PEP 562), so
    # `import govaudit` and `govaudit --help` load no pandas, pydantic or scipy, and a name loads what it needs.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.api": ("audit", "run_plan"),
        "govaudit.inputs": ("build_subject", "load_table"),
        "govaudit.explainability": ("ExplainabilityAuditor",),
        "govaudit.control_sample": ("ControlSampleAuditor",),
        "govaudit.amounts": ("AmountAuditor",),
        "govaudit.ranking": ("RankingAuditor",),
        "govaudit.multiclass": ("MultiClassAuditor",),
        "govaudit.backends": ("DuckDBSettings", "SparkSettings", "duckdb_counts_source", "spark_counts_source"),
        "govaudit.core": (
            "AuditorResult", "AuditSubject", "Auditor", "CaseTable", "Finding", "Principle", "Requirement",
            "Severity", "Status",
        ),
        "govaudit.exceptions": (
            "AuditorError", "ColumnError", "GovauditError", "GovauditWarning", "InputDataError",
            "LedgerIntegrityError", "ModelLoadError", "SpecError", "UndefinedMetricWarning",
        ),
        "govaudit.gate": ("exit_code",),
        "govaudit.models": ("load_model",),
        "govaudit.oversight": (
            "OversightAuditor", "OversightGuard", "OversightPolicy", "duckdb_log_counts", "spark_log_counts",
        ),
        "govaudit.profiles": ("CoverageMatrix", "load_pack"),
        "govaudit.provenance": ("DataManifest", "ProvenanceAuditor", "load_manifest"),
        "govaudit.records": (
            "ArtifactIdentity", "AuditRecord", "Ledger", "ResponsibleParties", "Verdict", "record_json_schema",
        ),
        "govaudit.registry": ("load_registry",),
        "govaudit.spec": ("AuditPlan", "AuditSpec", "load_spec"),
    }, globals(), submodules=(  # `import govaudit` then `govaudit.core.Finding`, as when this module imported them
        "amounts", "api", "assembly", "auditors", "backends", "bias", "cli", "control_sample", "core", "deployment", "disclosure", "exceptions",
        "explainability", "gate", "inputs", "metrics", "models", "multiclass", "oversight", "profiles", "provenance", "ranking", "records",
        "registry", "report", "runner", "spec", "testing", "verdicts",
    ))

__all__ = [
    "AmountAuditor",
    "ArtifactIdentity",
    "AuditPlan",
    "AuditRecord",
    "AuditSpec",
    "AuditSubject",
    "Auditor",
    "AuditorError",
    "AuditorResult",
    "CaseTable",
    "ColumnError",
    "ControlSampleAuditor",
    "CoverageMatrix",
    "DataManifest",
    "DuckDBSettings",
    "ExplainabilityAuditor",
    "Finding",
    "GovauditError",
    "GovauditWarning",
    "InputDataError",
    "Ledger",
    "LedgerIntegrityError",
    "ModelLoadError",
    "MultiClassAuditor",
    "OversightAuditor",
    "OversightGuard",
    "OversightPolicy",
    "Principle",
    "ProvenanceAuditor",
    "RankingAuditor",
    "Requirement",
    "ResponsibleParties",
    "Severity",
    "SparkSettings",
    "SpecError",
    "Status",
    "UndefinedMetricWarning",
    "Verdict",
    "__version__",
    "audit",
    "build_subject",
    "duckdb_counts_source",
    "duckdb_log_counts",
    "exit_code",
    "load_model",
    "load_manifest",
    "load_pack",
    "load_registry",
    "load_spec",
    "load_table",
    "record_json_schema",
    "run_plan",
    "spark_counts_source",
    "spark_log_counts",
]
