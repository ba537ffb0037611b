"""The coverage matrix kept in every record that names profiles: requirement -> status -> evidence.

Only plain, aggregate values live here (pydantic, frozen), so the record stays JSON with a schema.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["COVERAGE_STATUSES", "CoverageMatrix", "CoverageStatus", "EvidenceItem", "Loosening",
           "ProfileCoverage", "RequirementCoverage"]

CoverageStatus = Literal["met", "not met", "no evidence", "not applicable"]
COVERAGE_STATUSES: tuple[str, ...] = ("met", "not met", "no evidence", "not applicable")

NOTE = ("Evidence per requirement as measured by this audit; it is not a statement of legal compliance. "
        "'met' means every piece of evidence the requirement names is present (findings by the features and "
        "intersections it names, none failed or left unjudged) and every named document is present and valid.")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceItem(_Frozen):
    """One piece of evidence behind a requirement: a finding, a document field, a time rule or a setting."""

    kind: Literal["check", "documentation", "time_rule", "setting"]
    name: str
    status: str = Field(description="check: the finding's status; otherwise present / missing / invalid / ok / late ...")
    detail: str | None = None
    finding_index: int | None = Field(default=None, description="Index of the finding in the record's findings.")


class RequirementCoverage(_Frozen):
    """What the audit shows for one requirement."""

    id: str
    summary: str
    reference: str
    status: CoverageStatus
    reason: str
    evidence: tuple[EvidenceItem, ...] = ()


class ProfileCoverage(_Frozen):
    """One rule pack's requirements and their status in this run."""

    name: str
    title: str
    source: str
    version: str
    effective_date: date
    parameters: dict[str, Any] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    requirements: tuple[RequirementCoverage, ...] = ()


class Loosening(_Frozen):
    """A profile default the spec loosened, with the written justification it gave."""

    setting: str
    profile: str
    default: Any
    value: Any
    justification: str
    approved_by: str | None = None


class CoverageMatrix(_Frozen):
    """Requirement coverage of every profile a spec names, with the documentation it was judged on."""

    note: str = NOTE
    as_of: date = Field(description="Date the time rules were judged against.")
    profiles: tuple[ProfileCoverage, ...] = ()
    documentation: dict[str, Any] = Field(default_factory=dict, description="Declared, valid documentation fields.")
    documentation_invalid: dict[str, str] = Field(default_factory=dict, description="Field -> why it is invalid.")
    loosened: tuple[Loosening, ...] = ()

    def requirement(self, requirement_id: str) -> RequirementCoverage:
        """The coverage of one requirement, by id."""
        for profile in self.profiles:
            for row in profile.requirements:
                if row.id == requirement_id:
                    return row
        raise KeyError(requirement_id)
