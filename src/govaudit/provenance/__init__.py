"""Data provenance: the data manifest, drafting one from real files, and streaming file profiles.

>>> from govaudit.provenance import load_manifest, draft_manifest
>>> manifest = load_manifest("data/manifest.toml")  # doctest: +SKIP
>>> print(draft_manifest(["data/train.parquet"]))   # doctest: +SKIP

The checks are the provenance auditor's (:class:`ProvenanceAuditor`): sources, integrity and
freshness (``_sources``), quality (``_quality``), groups and representativeness (``_groups``).
"""

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
