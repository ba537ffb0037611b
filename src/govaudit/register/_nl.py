"""The Dutch algorithm register's publication standard 1.0.0 (Algoritmeregister Publicatiestandaard).

Field names, enumerations and limits as the standard's JSON Schema (draft-07) publishes them
(``schema.json`` of the register's repository, MinBZK/Algoritmeregister). govaudit does not ship the
schema: :func:`govaudit.register.validate_document` validates an export against the copy a user
gives. What the record and spec know fills the fields; the audit's findings are the risk text. A
required field govaudit cannot know holds the placeholder and is listed for the owner to write;
the standard asks for Dutch text (``language = "nld"``), so the owner also translates the texts
govaudit wrote in English.
"""

from __future__ import annotations

from typing import Any

from govaudit.register._export import PLACEHOLDER, RegisterExport
from govaudit.register._facts import Facts

__all__ = ["NL_FIELDS", "nl_export"]

#: Every field of the standard, in its order.
NL_FIELDS = (
    "name", "description_short", "organization", "theme", "status", "start_date", "end_date", "contact", "link",
    "publication_category", "source_link", "purpose_and_impact", "considerations", "human_intervention",
    "risk_management", "legal_basis", "legal_basis_link", "legal_basis_title", "processing_register_link",
    "impact_assessments", "impact_assessment_link", "impact_assessment_explanation", "data", "data_source_link",
    "data_source_title", "technical_operation", "supplier", "source_code_link", "language", "schema", "source_id",
    "search_terms",
)
_LONG = 2499  # the limit of the standard's long text fields
_IN_USE, _IN_DEVELOPMENT = "In gebruik", "In ontwikkeling"
_CATEGORY_A, _CATEGORY_B = "Hoog-risico AI-systeem (Categorie A)", "Impactvolle algoritmes (Categorie B)"

_WRITE = {
    "organization": "the full name of the organisation that uses the algorithm (TOOI list)",
    "theme": "the policy areas (OWMS theme list), e.g. [\"Sociale zekerheid\"]",
    "contact": "a general contact address (e-mail or https:// page), not a person's",
    "description_short": "two or three sentences on what the algorithm does (B1 level)",
    "purpose_and_impact": "what the algorithm is for and how people meet it",
    "considerations": "the benefits and drawbacks weighed, the alternatives considered",
    "human_intervention": "how people use, check and correct its outcomes",
    "impact_assessments": "the impact assessments done (DPIA, IAMA, ...)",
    "data": "the data the algorithm uses",
    "technical_operation": "how the algorithm works",
    "supplier": "the external supplier, or that there is none",
}


def _month(text: Any) -> str | None:
    return str(text)[:7] if text else None


def nl_export(facts: Facts) -> RegisterExport:
    """The register entry of one audited system (see the module docstring for what is filled how)."""
    r, doc = facts.record, facts
    check: dict[str, str] = {}
    released = facts.state == "released"
    status = "Buiten gebruik" if facts.state == "withdrawn" else _IN_USE if released else _IN_DEVELOPMENT
    check["status"] = (f"from the ledger: the newest audit is {facts.state}" if facts.state
                       else "from the record alone: no release approval is known") + f", so {status!r}"
    start = _month(doc.text("launch_date", "distribution_date"))
    if start is None:
        start = r.created_at.strftime("%Y-%m")
        check["start_date"] = "the month of the audit; write the month the algorithm went into use"
    high_risk = r.coverage_matrix is not None and any(
        p.name.startswith("eu-ai-act") for p in r.coverage_matrix.profiles)
    check["publication_category"] = ("the record is judged against the EU AI Act high-risk profile" if high_risk
                                     else "an algorithm that decides about people (the guide's impactful algorithms)")
    check["language"] = "the standard asks for Dutch text: translate the texts govaudit wrote in English"
    process = doc.text("decision_process")
    oversight = facts.messages("oversight.", limit=_LONG - len(process or "") - 1)
    human = " ".join(t for t in (process, oversight) if t) or None
    assessments = doc.text("impact_assessments", "fundamental_rights_assessment")
    risk = " ".join(t for t in (facts.outcome(limit=_LONG - 600), doc.text("risk_management"),
                                doc.text("mitigations")) if t)
    model = r.model
    technical = None
    if model is not None:
        technical = (f"Model {model.name or 'unnamed'}" + (f" version {model.version}" if model.version else "")
                     + (f" ({model.kind})" if model.kind else "") + f", sha256 {model.sha256}.")
        explained = facts.messages("explainability.global_importance", limit=_LONG)
        technical += f" {explained}" if explained else ""
    document: dict[str, Any] = {
        "name": facts.name,
        "description_short": doc.text("description") or r.description,
        "organization": doc.text("organisation"),
        "theme": None,
        "status": status,
        "start_date": start,
        "contact": doc.text("contact"),
        "link": doc.text("website"),
        "publication_category": _CATEGORY_A if high_risk else _CATEGORY_B,
        "purpose_and_impact": " ".join(t for t in (doc.text("intended_purpose"), doc.text("affected_people")) if t)
        or r.description,
        "considerations": doc.text("rationale"),
        "human_intervention": human,
        "risk_management": risk,
        "legal_basis": doc.text("legal_authority"),
        "impact_assessments": assessments,
        "data": " ".join(t for t in (doc.text("data_sources"), "; ".join(facts.data_lines())) if t) or None,
        "technical_operation": technical,
        "supplier": doc.text("supplier"),
        "language": "nld",
        "schema": "1.0.0",
        "source_id": r.record_id,
    }
    to_write = {}
    for key, value in list(document.items()):
        if value is None and key in _WRITE:
            document[key] = [PLACEHOLDER] if key == "theme" else PLACEHOLDER
            to_write[key] = _WRITE[key]
        elif value is None:
            del document[key]  # optional and unknown: left out
    return RegisterExport("nl", document, to_write, check, r.record_id)
