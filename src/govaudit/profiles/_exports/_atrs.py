"""The UK Algorithmic Transparency Recording Standard record (tiers 1 and 2), filled from a record and spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govaudit.profiles._exports._common import documentation_of, findings_of

if TYPE_CHECKING:
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["atrs_record"]

#: ATRS field -> documentation field it is filled from (template v3 wording).
_TIER_1 = {"name": None, "description": "description", "website": "website", "contact_email": "contact"}
_TIER_2 = {
    "owner_and_responsibility": {"organisation": "organisation", "team": "team",
                                 "senior_responsible_owner": "senior_responsible_owner",
                                 "external_supplier": "supplier"},
    "description_and_rationale": {"detailed_description": "intended_purpose", "rationale": "rationale"},
    "decision_making_process": {"process_integration": "decision_process", "human_review": None,
                                "operator_training": "operator_training", "appeals_and_review": "appeal_channel"},
    "data": {"source_data": "data_sources", "sensitive_attributes": "sensitive_attributes",
             "data_completeness_and_representativeness": None, "data_collection": "data_collection",
             "data_cleaning": "data_cleaning", "data_sharing": "data_sharing", "data_storage": "data_storage"},
    "impact_assessments_and_risks": {"impact_assessments": "impact_assessments", "risks": "risks",
                                     "mitigations": "mitigations", "bias_evaluation": None},
}


def _messages(record: "AuditRecord", *checks: str) -> str | None:
    texts = [f.message for c in checks for f in findings_of(record, c)]
    return " ".join(texts) if texts else None


def atrs_record(record: "AuditRecord", plan: "AuditPlan | None" = None) -> dict[str, Any]:
    """Tier 1 and tier 2 fields, and the list of those left empty (to be written by the owner)."""
    doc = documentation_of(record, plan)
    measured = {
        "human_review": _messages(record, "oversight.review_coverage", "oversight.rubber_stamping"),
        "data_completeness_and_representativeness": _messages(
            record, "provenance.missingness", "provenance.representativeness"),
        "bias_evaluation": _messages(record, "bias.group_metrics"),
    }
    tier_1 = {k: (record.audit_name if k == "name" else doc.get(v)) for k, v in _TIER_1.items()}
    tier_2 = {section: {k: (doc.get(v) if v else measured[k]) for k, v in fields.items()}
              for section, fields in _TIER_2.items()}
    empty = [f"tier_1.{k}" for k, v in tier_1.items() if not v]
    empty += [f"tier_2.{s}.{k}" for s, fields in tier_2.items() for k, v in fields.items() if not v]
    return {"standard": "UK Algorithmic Transparency Recording Standard, template v3.0",
            "record_id": record.record_id, "tier_1": tier_1, "tier_2": tier_2, "empty_fields": empty}
