"""Structured documentation: what the rules ask for that no metric can give.

Declared in the spec's ``[documentation]`` section or in a side file (``documentation = "doc.toml"``).
Each field is validated on its own for presence and type, so a wrong field shows against the
requirement that needs it (``not met``) instead of stopping the whole audit; an unknown key is a
:class:`~govaudit.exceptions.SpecError` (most likely a typo).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from govaudit.exceptions import SpecError

__all__ = ["DOCUMENTATION_FIELDS", "Documentation", "ImpactAssessment", "check_documentation", "impact_level"]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_MSG_UNKNOWN = "{source}: [documentation] unknown key(s) {keys} (check the spelling); known keys: {known}"


class ImpactAssessment(BaseModel):
    """Canada's Algorithmic Impact Assessment scores, from which the impact level follows.

    ``max_mitigation_score`` is the questionnaire's maximum over its design and implementation sections
    together, as the AIA tool counts it (``govaudit aia score`` prints it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw_score: float = Field(ge=0)
    max_raw_score: float = Field(gt=0)
    mitigation_score: float = Field(default=0.0, ge=0)
    max_mitigation_score: float = Field(default=1.0, gt=0)
    questionnaire_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", description=(
        "sha256 of the questionnaire the scores were computed from (set when govaudit scores the AIA answers)."))


class Documentation(BaseModel):
    """Every documentation field a rule pack can name, with its type (all optional)."""

    # protected_namespaces: model_change_log is a field; pydantic < 2.10 would warn about the "model_" prefix
    model_config = ConfigDict(frozen=True, extra="forbid", protected_namespaces=())

    # purpose, authority and the people affected
    intended_purpose: Text | None = Field(default=None, description="What the system is for (EU Annex IV 1(a), ATRS).")
    legal_authority: Text | None = Field(default=None, description="The legal authority for the decisions (Canada ADM).")
    affected_people: Text | None = Field(default=None, description="Who is affected by the decisions (EU Art. 27).")
    complaint_channel: Text | None = Field(default=None, description="Where people complain (EU Art. 27(f)).")
    appeal_channel: Text | None = Field(default=None, description="How a decision is appealed or reviewed.")
    general_explanation: Text | None = Field(default=None, description="Where the general explanation is published.")
    # independence and review
    independent_reviewer: Text | None = Field(default=None, description="Who reviewed independently.")
    conflict_of_interest_statement: Text | None = Field(default=None, description="The reviewer's statement.")
    peer_reviewers: tuple[Text, ...] | None = Field(default=None, description="Experts who peer-reviewed (Canada).")
    risk_acceptance: Text | None = Field(default=None, description="Who signed the acceptance of remaining risk.")
    # Canada ADM
    impact_assessment: ImpactAssessment | None = Field(default=None, description="AIA scores (Canada).")
    gba_plus: Text | None = Field(default=None, description="Gender-based analysis plus: where it is documented.")
    human_final_decision: bool | None = Field(default=None, description="Whether a person makes the final decision.")
    model_change_log: Text | None = Field(default=None, description="Where the model change log is kept.")
    recourse: Text | None = Field(default=None, description="The recourse open to people affected.")
    # EU AI Act
    fundamental_rights_assessment: Text | None = Field(default=None, description="FRIA reference (EU Art. 27).")
    risk_management: Text | None = Field(default=None, description="Risk management system reference (EU Art. 9).")
    log_retention_days: int | None = Field(default=None, ge=0, description="How long decision logs are kept.")
    logs_kept_since: date | None = Field(default=None, description="Oldest date for which logs are still held.")
    # NYC LL144
    audit_date: date | None = Field(default=None, description="Date of the bias audit (default: the run's date).")
    distribution_date: date | None = Field(default=None, description="When the tool was first distributed/used.")
    data_source: Text | None = Field(default=None, description="Data used for the audit and why it was chosen.")
    # UK ATRS
    organisation: Text | None = None
    team: Text | None = None
    senior_responsible_owner: Text | None = None
    supplier: Text | None = None
    website: Text | None = None
    contact: Text | None = None
    description: Text | None = Field(default=None, description="How and why the tool is used, in plain words.")
    rationale: Text | None = None
    decision_process: Text | None = Field(default=None, description="Human decisions and review around the tool.")
    operator_training: Text | None = None
    data_sources: Text | None = None
    sensitive_attributes: Text | None = None
    data_collection: Text | None = None
    data_cleaning: Text | None = None
    data_sharing: Text | None = None
    data_storage: Text | None = None
    risks: Text | None = None
    mitigations: Text | None = None
    impact_assessments: Text | None = None
    # China algorithm filing (Algorithm Recommendation Provisions)
    provider: Text | None = Field(default=None, description="服务提供者 (the provider).")
    service_form: Text | None = Field(default=None, description="服务形式 (the form of service).")
    domain: Text | None = Field(default=None, description="应用领域 (the domain).")
    algorithm_type: Text | None = Field(default=None, description="算法类型 (the algorithm type).")
    algorithm_principles: Text | None = Field(
        default=None, description="算法基本原理、目的意图和主要运行机制 (Art. 16: published principles).")
    self_assessment: Text | None = Field(default=None, description="算法自评估报告 (the self-assessment report).")
    public_content: Text | None = Field(default=None, description="拟公示内容 (content to be published).")
    non_personalised_option: bool | None = Field(
        default=None, description="Art. 17: an option not based on personal characteristics is offered.")
    launch_date: date | None = Field(default=None, description="When the service was launched.")
    filing_date: date | None = Field(default=None, description="When the filing was made.")
    change_date: date | None = Field(default=None, description="When the filed particulars last changed.")
    change_filing_date: date | None = Field(default=None, description="When that change was filed.")
    holidays: tuple[date, ...] = Field(default=(), description="Public holidays excluded from working days.")
    # sustainability
    monitoring_plan: Text | None = Field(default=None, description="How the system is monitored after release.")
    next_audit_due: date | None = Field(default=None, description="When it is audited again.")


#: Every documentation field name.
DOCUMENTATION_FIELDS: tuple[str, ...] = tuple(Documentation.model_fields)
_ADAPTERS = {name: TypeAdapter(info.annotation) for name, info in Documentation.model_fields.items()}


def check_documentation(raw: dict[str, Any] | None, *, source: str = "<spec>") -> tuple[dict[str, Any], dict[str, str]]:
    """Validate each documentation field on its own.

    Returns
    -------
    values : dict
        Field -> validated value (JSON-friendly), for fields that are present and valid.
    invalid : dict
        Field -> why it is invalid (wrong type, empty).

    Raises
    ------
    SpecError
        A key is not a documentation field.
    """
    raw = dict(raw or {})
    unknown = sorted(k for k in raw if k not in _ADAPTERS)
    if unknown:
        raise SpecError(_MSG_UNKNOWN.format(source=source, keys=unknown, known=", ".join(DOCUMENTATION_FIELDS)))
    values: dict[str, Any] = {}
    invalid: dict[str, str] = {}
    for name, value in raw.items():
        try:
            checked = _ADAPTERS[name].validate_python(value, strict=False)
        except ValidationError as exc:
            first = exc.errors()[0]
            invalid[name] = f"{first['msg']} (got {type(value).__name__})"
            continue
        if checked is None:
            continue
        values[name] = _ADAPTERS[name].dump_python(checked, mode="json")
    return values, invalid


def impact_level(assessment: ImpactAssessment) -> int:
    """Canada's impact level (1-4) from AIA scores, by the AIA tool's rules (:func:`govaudit.aia.impact`).

    The raw score is lowered by 15% (rounded) when the mitigation score reaches 80% of half its
    maximum (half: the questionnaire forks into design and implementation); the level is I up to 25%
    of the maximum raw score, II up to 50%, III up to 75%, IV above.
    """
    from govaudit.aia import impact

    return impact(assessment.raw_score, assessment.max_raw_score, assessment.mitigation_score,
                  assessment.max_mitigation_score)[2]
