"""The public surface is deliberate: a change to it must change this test."""

import govaudit

EXPECTED = {
    "ArtifactIdentity", "AuditPlan", "AuditRecord", "AuditSpec", "AuditSubject", "Auditor", "AuditorError", "AuditorResult", "CaseTable",
    "AmountAuditor", "ColumnError", "ControlSampleAuditor", "Finding", "GovauditError", "GovauditWarning", "InputDataError", "LedgerIntegrityError",
    "ModelLoadError", "MultiClassAuditor", "OversightAuditor", "OversightGuard", "OversightPolicy", "Principle", "Requirement", "ResponsibleParties", "Severity", "SpecError", "Status",
    "UndefinedMetricWarning", "Verdict", "__version__", "audit", "build_subject", "exit_code", "load_model",
    "load_registry", "load_spec", "load_table", "record_json_schema", "run_plan",
    "ExplainabilityAuditor",
    "DataManifest", "ProvenanceAuditor", "load_manifest",
    "RankingAuditor",
    "Ledger",
    "CoverageMatrix", "load_pack",
    "DuckDBSettings", "SparkSettings", "duckdb_counts_source", "duckdb_log_counts", "spark_counts_source",
    "spark_log_counts",
}


def test_all_is_locked():
    assert set(govaudit.__all__) == EXPECTED


def test_every_name_in_all_exists():
    for name in govaudit.__all__:
        assert hasattr(govaudit, name), name


def test_public_callables_are_documented():
    for name in govaudit.__all__:
        obj = getattr(govaudit, name)
        if callable(obj):
            assert obj.__doc__ and obj.__doc__.strip(), name


def test_exceptions_form_one_hierarchy():
    for name in ("SpecError", "InputDataError", "ColumnError", "ModelLoadError", "AuditorError",
                 "LedgerIntegrityError"):
        assert issubclass(getattr(govaudit, name), govaudit.GovauditError)
