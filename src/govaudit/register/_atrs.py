"""The UK Algorithmic Transparency Recording Standard (ATRS) record, template v3.0 (March 2024).

Sections and attribute names as the published template lists them (``template_table.md`` of the
repository co-cddo/algorithmic-transparency-recording-standard, "V3.0 (March 2024)": metadata and
title information 0.1-0.15, tier 1 1.1-1.4, tier 2 owner and responsibility 2.1, description and
rationale 2.2, decision-making process 2.3, tool, model and data specification 2.4, risks,
mitigations and impact assessments 2.5). govaudit fills what the record and spec know, and what the
audit measured (human review, data completeness, fairness results, data quantities); every field
the template marks required that it cannot know holds the placeholder and is listed for the owner
to write. The ATRS publishes no JSON Schema: with ``--schema`` the export is validated against one
the user gives.
"""

from __future__ import annotations

from typing import Any

from govaudit.register._export import PLACEHOLDER, RegisterExport
from govaudit.register._facts import Facts

__all__ = ["ATRS_SECTIONS", "atrs_export"]

#: Section -> (attribute, required by the template) in template order.
ATRS_SECTIONS: dict[str, tuple[tuple[str, bool], ...]] = {
    "metadata": (("standard_version", True), ("organisation_type", True), ("function", True), ("capability", True),
                 ("task", True), ("tags", True), ("date_of_completion", True), ("title", True),
                 ("organisation_name", True), ("phase", True), ("region", True), ("one_sentence_description", True)),
    "tier_1": (("name", True), ("description", True), ("website_url", True), ("contact_email", True)),
    "owner_and_responsibility": (
        ("organisation_or_department", True), ("team", True), ("senior_responsible_owner", True),
        ("external_supplier_involvement", True), ("external_supplier", False), ("companies_house_number", False),
        ("external_supplier_role", False), ("procurement_procedure_type", False), ("data_access_terms", False)),
    "description_and_rationale": (("detailed_description", False), ("scope", True), ("benefit", True),
                                  ("previous_process", False), ("alternatives_considered", False)),
    "decision_making_process": (("process_integration", True), ("provided_information", True),
                                ("frequency_and_scale_of_usage", True), ("human_decisions_and_review", True),
                                ("required_training", True), ("appeals_and_review", False)),
    "tool_specification": (("system_architecture", True), ("phase", True), ("maintenance", True), ("models", True)),
    "model_specification": (("model_name", True), ("model_version", True), ("model_task", True),
                            ("model_input", True), ("model_output", True), ("model_architecture", True),
                            ("model_performance", True), ("datasets", True), ("dataset_purposes", True)),
    "data_specification": (("source_data_name", True), ("data_modality", True), ("data_description", True),
                           ("data_quantities", True), ("sensitive_attributes", True),
                           ("data_completeness_and_representativeness", True), ("source_data_url", True),
                           ("data_collection", True), ("data_cleaning", False), ("data_sharing_agreements", True),
                           ("data_access_and_storage", True)),
    "risks_mitigations_and_impact_assessments": (("impact_assessment", True), ("risks_and_mitigations", True)),
}
_TIER_2 = tuple(s for s in ATRS_SECTIONS if s not in ("metadata", "tier_1"))


def _join(*texts: str | None) -> str | None:
    return " ".join(t for t in texts if t) or None


def _values(facts: Facts) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:  # long: one table of the template
    r, d = facts.record, facts
    model, log_rows = r.model, [x.rows for x in r.data if x.role == "decision_log" and x.rows]
    phase = "Production" if facts.state == "released" else "Retired" if facts.state == "withdrawn" else "Development"
    check = {"metadata.phase": f"from the approval state ({facts.state or 'not known from a record alone'})",
             "tool_specification.phase": "as metadata.phase"}
    supplier = d.text("supplier")
    values = {
        "metadata": {"standard_version": "3.0", "title": facts.name, "organisation_name": d.text("organisation"),
                     "phase": phase, "one_sentence_description": d.text("description") or r.description},
        "tier_1": {"name": facts.name, "description": d.text("description", "intended_purpose") or r.description,
                   "website_url": d.text("website"), "contact_email": d.text("contact")},
        "owner_and_responsibility": {
            "organisation_or_department": d.text("organisation"), "team": d.text("team"),
            "senior_responsible_owner": d.text("senior_responsible_owner"),
            "external_supplier_involvement": "Yes" if supplier else None, "external_supplier": supplier},
        "description_and_rationale": {"scope": d.text("intended_purpose") or r.description,
                                      "benefit": d.text("rationale")},
        "decision_making_process": {
            "process_integration": d.text("decision_process"),
            "frequency_and_scale_of_usage": f"The audited decision log holds {log_rows[0]:,} decisions." if log_rows
            else None,
            "human_decisions_and_review": _join(d.text("decision_process"), facts.messages("oversight.")),
            "required_training": d.text("operator_training"),
            "appeals_and_review": _join(d.text("appeal_channel", "recourse"), facts.messages("oversight.appeal"))},
        "tool_specification": {"phase": phase, "models": model.name if model is not None else None,
                               "maintenance": _join(d.text("monitoring_plan"),
                                                    f"Next audit due {d.text('next_audit_due')}."
                                                    if d.text("next_audit_due") else None)},
        "model_specification": {
            "model_name": model.name if model is not None else None,
            "model_version": model.version if model is not None else None,
            "model_task": d.text("intended_purpose"),
            "model_performance": _join(facts.outcome(), facts.messages("bias.group_metrics")),
            "datasets": "; ".join(x.name for x in r.data) or None,
            "dataset_purposes": "; ".join(f"{x.name}: {x.role}" for x in r.data) or None},
        "data_specification": {
            "source_data_name": "; ".join(x.name for x in r.data) or None, "data_description": d.text("data_sources"),
            "data_quantities": "; ".join(facts.data_lines()) or None,
            "sensitive_attributes": d.text("sensitive_attributes") or ", ".join(facts.features()) or None,
            "data_completeness_and_representativeness": _join(facts.messages("provenance.missingness"),
                                                              facts.messages("provenance.representativeness")),
            "data_collection": d.text("data_collection"), "data_cleaning": d.text("data_cleaning"),
            "data_sharing_agreements": d.text("data_sharing"), "data_access_and_storage": d.text("data_storage")},
        "risks_mitigations_and_impact_assessments": {
            "impact_assessment": d.text("impact_assessments", "fundamental_rights_assessment"),
            "risks_and_mitigations": _join(facts.outcome(), d.text("risks"), d.text("mitigations"))},
    }
    return values, check


def atrs_export(facts: Facts) -> RegisterExport:
    """The ATRS v3.0 record of one audited system, every attribute of the template present."""
    values, check = _values(facts)
    document: dict[str, Any] = {"metadata": {}, "tier_1": {}, "tier_2": {}}
    to_write: dict[str, str] = {}
    for section, fields in ATRS_SECTIONS.items():
        known = values.get(section, {})
        target = document["tier_2"].setdefault(section, {}) if section in _TIER_2 else document[section]
        for name, required in fields:
            value = known.get(name)
            if value is None and required:
                value = PLACEHOLDER
                path = ("tier_2." if section in _TIER_2 else "") + f"{section}.{name}"
                to_write[path] = f"{name.replace('_', ' ')} (ATRS v3.0, required)"
            target[name] = value
    check = {("tier_2." + k if k.startswith("tool_specification") else k): v for k, v in check.items()}
    return RegisterExport("uk-atrs", document, to_write, check, facts.record.record_id)
