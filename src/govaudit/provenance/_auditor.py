"""The provenance auditor: every data source declared, hashed, approved, fresh, complete and representative.

It reads the data manifest named by the spec's ``[manifest] path`` and the files the audit used
(``AuditSubject.files``: model, evaluation data, training data, decision log), and checks them
against each other. Findings carry aggregates only: counts, shares, test statistics, column names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import ClassVar

from govaudit.provenance import _groups as groups
from govaudit.provenance import _quality as quality
from govaudit.provenance import _sources as sources
from govaudit.provenance._config import ProvenanceConfig
from govaudit.provenance._context import Context, finding
from govaudit.core import AuditSubject, Finding, Principle, Requirement, Status
from govaudit._auditor_parts import ConfiguredAuditor
from govaudit.provenance._manifest import DataManifest
from govaudit.provenance._manifest_load import load_manifest

__all__ = ["CHECKS", "ProvenanceAuditor", "ProvenanceConfig"]

#: Every check, in the order findings are reported; each takes the run's context.
CHECKS: tuple[tuple[str, Callable[[Context], list[Finding]]], ...] = (
    ("declared", sources.declared),
    ("model_registered", sources.model_registered),
    ("integrity", sources.integrity),
    ("freshness", sources.freshness),
    ("retention", sources.retention),
    ("lineage", sources.lineage),
    ("missingness", quality.missingness),
    ("differential_missingness", quality.differential_missingness),
    ("duplicates", quality.duplicates),
    ("out_of_range", quality.out_of_range),
    ("representativeness", groups.representativeness),
    ("label_base_rates", groups.label_base_rates),
    ("leakage", groups.leakage),
    ("personal_data", quality.personal_data),
)

_MSG_NO_MANIFEST = "The provenance auditor needs a data manifest ([manifest] path in the spec); none was given."


class ProvenanceAuditor(ConfiguredAuditor):
    """Checks the data behind a model against its data manifest (DESIGN §5; EU AI Act Art. 10).

    Parameters
    ----------
    **settings
        Fields of :class:`ProvenanceConfig`, e.g. ``as_of="2026-06-30"``, ``max_age_days=180``,
        ``label="eligible"``.

    Examples
    --------
    >>> from govaudit.core import AuditSubject
    >>> subject = AuditSubject(manifest_path=Path("data/manifest.toml"),
    ...                        files={"training_data": Path("data/train.parquet")})  # doctest: +SKIP
    >>> [f.check for f in ProvenanceAuditor(as_of="2026-06-30").run(subject)]  # doctest: +SKIP
    """

    name: ClassVar[str] = "provenance"
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.MANIFEST.value})
    Config: ClassVar[type[ProvenanceConfig]] = ProvenanceConfig
    config: ProvenanceConfig


    def run(self, subject: AuditSubject, config: ProvenanceConfig | None = None) -> list[Finding]:
        """Check ``subject``'s files against its manifest and return one or more findings per check.

        Raises
        ------
        ManifestError
            The manifest does not validate (a missing field, a malformed hash, an unknown column type,
            a lineage cycle): bad input, so the run stops.
        InputDataError
            The manifest or a file the audit used cannot be read.
        """
        config = config or self.config
        if subject.manifest_path is None:
            return [finding("requirements", Status.SKIPPED, _MSG_NO_MANIFEST, principles=(Principle.TRANSPARENCY,))]
        manifest = load_manifest(subject.manifest_path)
        return self.check(manifest, subject, config)

    def check(self, manifest: DataManifest, subject: AuditSubject,
              config: ProvenanceConfig | None = None) -> list[Finding]:
        """Run every check on an already-loaded manifest."""
        config = config or self.config
        as_of = config.as_of or datetime.now(timezone.utc).date()
        ctx = Context(manifest=manifest, config=config, subject=subject, as_of=as_of)
        findings: list[Finding] = []
        for _, check in CHECKS:
            findings.extend(check(ctx))
        return findings
