"""The accountability record: one per audit run, schema-valid, JSON-serialisable."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from enum import Enum
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from govaudit.core import Finding, Principle, Status
from govaudit.disclosure._report import DisclosureReport
from govaudit.profiles._matrix import CoverageMatrix

__all__ = [
    "ArtifactIdentity",
    "AuditRecord",
    "AuditorInfo",
    "EnvironmentInfo",
    "ResponsibleParties",
    "Verdict",
    "RECORD_SCHEMA_VERSION",
    "verdict_of",
]

#: 1.1 added ``disclosure_control`` (optional: 1.0 records still load)
RECORD_SCHEMA_VERSION = "1.1"


class Verdict(str, Enum):
    """Overall outcome of an audit run."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    INCONCLUSIVE = "inconclusive"


def verdict_of(findings: list[Finding] | tuple[Finding, ...]) -> Verdict:
    """Combine findings into one verdict: error > fail > inconclusive > warn > pass.

    An inconclusive finding the spec accepted with a justification counts as a warning; skipped and
    reported findings count as neither.
    """
    statuses = {Status.WARN if f.status is Status.INCONCLUSIVE and f.accepted else f.status for f in findings}
    for status, verdict in ((Status.ERROR, Verdict.ERROR), (Status.FAIL, Verdict.FAIL),
                            (Status.INCONCLUSIVE, Verdict.INCONCLUSIVE), (Status.WARN, Verdict.WARN)):
        if status in statuses:
            return verdict
    return Verdict.PASS


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArtifactIdentity(_Frozen):
    """A file (or in-memory object) that took part in the audit, identified by its content hash."""

    role: str = Field(description="What the artifact is: 'model', 'data', 'spec', ...")
    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    path: str | None = Field(default=None, description="Path as given in the spec, if a file.")
    size_bytes: int | None = None
    rows: int | None = None
    version: str | None = None
    kind: str | None = Field(
        default=None, description="For a model, how it was loaded: skops, pickle, onnx, mlflow, http."
    )
    uri: str | None = Field(default=None, description="An endpoint URL or an MLflow model URI (never credentials).")
    fingerprint: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$",
        description="sha256 of the model's answers on a fixed probe set; for an endpoint it is also the sha256.",
    )
    probe_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", description="sha256 of the probe set.")


class ResponsibleParties(_Frozen):
    """Who answers for the system and for this audit."""

    owner: str | None = Field(default=None, description="Organisation or person that runs the system.")
    auditor: str | None = Field(default=None, description="Who carried out this audit.")
    approver: str | None = Field(default=None, description="Who decides whether it may be released.")
    contact: str | None = None


class AuditorInfo(_Frozen):
    """Which auditor ran, in which version, from which package, with which settings."""

    name: str
    version: str
    package: str
    config: dict[str, Any] = Field(default_factory=dict)


class EnvironmentInfo(_Frozen):
    """Where the audit ran: interpreter, platform and key package versions."""

    python: str
    platform: str
    packages: dict[str, str] = Field(default_factory=dict)


class AuditRecord(_Frozen):
    """Everything an oversight body needs to know about one audit run.

    The record holds aggregate evidence only; individual-level data never enter it.
    """

    schema_version: str = RECORD_SCHEMA_VERSION
    record_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    audit_name: str
    description: str | None = None
    govaudit_version: str
    auditors: tuple[AuditorInfo, ...] = ()
    environment: EnvironmentInfo
    spec_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    model: ArtifactIdentity | None = None
    data: tuple[ArtifactIdentity, ...] = ()
    findings: tuple[Finding, ...] = ()
    verdict: Verdict
    responsible: ResponsibleParties = Field(default_factory=ResponsibleParties)
    principles: dict[Principle, tuple[str, ...]] = Field(
        default_factory=dict, description="For each principle, the checks that give evidence for it.",
        # stated here: pydantic < 2.10 leaves the keys of the published schema unconstrained
        json_schema_extra={"propertyNames": {"enum": [p.value for p in Principle]}},
    )
    references: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="For each legal reference, the checks that give evidence for it."
    )
    coverage_matrix: CoverageMatrix | None = Field(
        default=None, description="Requirement coverage of the rule packs (profiles) the spec names, if any."
    )
    disclosure_control: DisclosureReport | None = Field(
        default=None,
        description="What statistical disclosure control withheld from the findings (small groups, and the "
                    "groups withheld so that theirs cannot be derived), and how; absent in older records.",
    )

    _case_tables: tuple[Any, ...] = PrivateAttr(default=())

    @property
    def case_tables(self) -> tuple[Any, ...]:
        """Case-level tables (:class:`govaudit.core.CaseTable`) from this run; never serialised."""
        return self._case_tables

    def attach_case_tables(self, tables: Sequence[Any]) -> None:
        """Keep the run's case-level tables with the record object (in memory only)."""
        self._case_tables = tuple(tables)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Serialise to JSON (the published schema's format)."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> "AuditRecord":
        """Parse and validate a record from JSON."""
        return cls.model_validate_json(text)

    def findings_for(self, auditor: str) -> tuple[Finding, ...]:
        """The findings one auditor produced."""
        return tuple(f for f in self.findings if f.auditor == auditor)

    def by_group(self, feature: str) -> Any:
        """The bias audit's per-group table of ``feature`` (or ``"a & b"``), from the evidence.

        Returns
        -------
        pandas.DataFrame
            Indexed by group, with the columns of ``BiasReport.by_group[feature]``: count, share, cell
            counts, every rate with ``_low``/``_high`` bounds, likelihood ratios, impact ratio and
            ``eligible``. Numbers withheld by disclosure control are null.

        Raises
        ------
        InputDataError
            The record has no bias table for ``feature``.
        """
        from govaudit.records._bias_tables import by_group_table

        return by_group_table(self.findings, feature)

    def disparities(self, feature: str) -> Any:
        """Every rate of every group of ``feature`` against the reference group, from the evidence.

        Returns
        -------
        pandas.DataFrame
            One row per (group, metric), columns ``group, metric, ratio, ratio_low, ratio_high,
            difference, difference_low, difference_high, reference``, as ``BiasReport.group_disparities``.
        """
        from govaudit.records._bias_tables import disparity_table

        return disparity_table(self.findings, feature)


def coverage(findings: tuple[Finding, ...]) -> tuple[dict[Principle, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Which checks give evidence for which principle and which legal reference."""
    by_principle: dict[Principle, list[str]] = {}
    by_reference: dict[str, list[str]] = {}
    for f in findings:
        if f.status is Status.SKIPPED:
            continue
        for p in f.principles:
            by_principle.setdefault(p, [])
            if f.check not in by_principle[p]:
                by_principle[p].append(f.check)
        for r in f.references:
            by_reference.setdefault(r, [])
            if f.check not in by_reference[r]:
                by_reference[r].append(f.check)
    return (
        {p: tuple(v) for p, v in by_principle.items()},
        {r: tuple(v) for r, v in by_reference.items()},
    )
