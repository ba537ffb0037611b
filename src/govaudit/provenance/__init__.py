"""Data provenance: the data manifest, drafting one from real files, and streaming file profiles.

>>> from govaudit.provenance import load_manifest, draft_manifest
>>> manifest = load_manifest("data/manifest.toml")  # doctest: +SKIP
>>> print(draft_manifest(["data/train.parquet"]))   # doctest: +SKIP

The checks are the provenance auditor's (:class:`ProvenanceAuditor`): sources, integrity and
freshness (``_sources``), quality (``_quality``), groups and representativeness (``_groups``).
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.provenance._auditor import ProvenanceAuditor, ProvenanceConfig
    from govaudit.provenance._draft import draft_manifest, manifest_toml
    from govaudit.provenance._manifest import (
        COLUMN_TYPES,
        TODO,
        Approval,
        CollectionPeriod,
        ColumnSpec,
        DataManifest,
        DatasetSpec,
        Lineage,
        ManifestError,
        ModelRegistration,
        ReferenceShares,
        manifest_json_schema,
        todo_fields,
    )
    from govaudit.provenance._manifest_load import load_manifest
    from govaudit.provenance._personal import IdentifierGuess, guess_identifier
    from govaudit.provenance._profile import ColumnProfile, TableProfile, profile_table
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.provenance._auditor": ("ProvenanceAuditor", "ProvenanceConfig"),
        "govaudit.provenance._draft": ("draft_manifest", "manifest_toml"),
        "govaudit.provenance._manifest": (
            "COLUMN_TYPES", "TODO", "Approval", "CollectionPeriod", "ColumnSpec", "DataManifest", "DatasetSpec",
            "Lineage", "ManifestError", "ModelRegistration", "ReferenceShares", "manifest_json_schema", "todo_fields",
        ),
        "govaudit.provenance._manifest_load": ("load_manifest",),
        "govaudit.provenance._personal": ("IdentifierGuess", "guess_identifier"),
        "govaudit.provenance._profile": ("ColumnProfile", "TableProfile", "profile_table"),
    }, globals())

__all__ = [
    "COLUMN_TYPES",
    "TODO",
    "Approval",
    "CollectionPeriod",
    "ColumnProfile",
    "ColumnSpec",
    "DataManifest",
    "DatasetSpec",
    "IdentifierGuess",
    "Lineage",
    "ManifestError",
    "ModelRegistration",
    "ProvenanceAuditor",
    "ProvenanceConfig",
    "ReferenceShares",
    "TableProfile",
    "draft_manifest",
    "guess_identifier",
    "load_manifest",
    "manifest_json_schema",
    "manifest_toml",
    "profile_table",
    "todo_fields",
]
