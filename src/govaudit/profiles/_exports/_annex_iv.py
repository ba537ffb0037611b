"""An EU AI Act Annex IV technical documentation skeleton (Markdown) with the evidence sections filled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govaudit.profiles._exports._common import documentation_of

if TYPE_CHECKING:
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["annex_iv"]

_TODO = "_To be completed by the provider._"


def _field(doc: dict[str, Any], key: str) -> str:
    value = doc.get(key)
    return str(value) if value not in (None, "") else _TODO


def _findings(record: "AuditRecord", prefixes: tuple[str, ...]) -> list[str]:
    rows = [f"| `{f.check}` | {f.status.value} | {'' if f.value is None else f'{f.value:.3g}'} | "
            f"{f.message.replace('|', '/')} |" for f in record.findings if f.check.startswith(prefixes)]
    if not rows:
        return ["_No findings from this audit: no evidence for this section._"]
    return ["| check | status | value | finding |", "|---|---|---|---|", *rows]


def annex_iv(record: "AuditRecord", plan: "AuditPlan | None" = None) -> str:
    """Markdown with the Annex IV headings; sections govaudit can evidence are filled from the record."""
    doc = documentation_of(record, plan)
    model = record.model
    data = "\n".join(f"- {d.role}: `{d.name}` sha256 `{d.sha256}`" + (f", {d.rows} rows" if d.rows else "")
                     for d in record.data) or _TODO
    lines = [
        f"# Technical documentation (EU AI Act, Annex IV): {record.audit_name}",
        "",
        f"Generated from audit record `{record.record_id}` of {record.created_at.isoformat()} "
        f"(govaudit {record.govaudit_version}). This skeleton gathers evidence; it is not a statement of compliance.",
        "",
        "## 1. General description of the AI system",
        f"- (a) Intended purpose: {_field(doc, 'intended_purpose')}",
        f"- Provider / owner: {record.responsible.owner or _TODO}",
        f"- (b) Version: {(model.version if model and model.version else _TODO)}; artifact sha256: "
        f"{(model.sha256 if model else _TODO)}",
        f"- Persons affected: {_field(doc, 'affected_people')}",
        "",
        "## 2. Detailed description of the elements and of the development process",
        "### 2(d) Data requirements (datasheets: provenance, selection, labelling, cleaning)",
        data, "",
        *_findings(record, ("provenance.",)), "",
        "### 2(e) Human oversight measures (Art. 14)",
        *_findings(record, ("oversight.",)), "",
        "### 2(g) Validation and testing: metrics, including potentially discriminatory impacts",
        *_findings(record, ("bias.",)), "",
        "Explanations:", "",
        *_findings(record, ("explainability.",)), "",
        f"Test report responsibility: auditor {record.responsible.auditor or _TODO}; "
        f"approver {record.responsible.approver or _TODO}; risk acceptance {_field(doc, 'risk_acceptance')}.",
        "",
        "## 3. Monitoring, functioning and control",
        f"- Monitoring plan: {_field(doc, 'monitoring_plan')}",
        f"- Log retention (days): {_field(doc, 'log_retention_days')}",
        "",
        "## 4. Appropriateness of the performance metrics",
        _TODO,
        "",
        "## 5. Risk management system (Art. 9)",
        f"- {_field(doc, 'risk_management')}",
        "",
        "## 6. Changes made through the lifecycle",
        f"- Change log: {_field(doc, 'model_change_log')}",
        "",
        "## 7. Harmonised standards applied",
        _TODO,
        "",
        "## 8. EU declaration of conformity",
        _TODO,
        "",
        "## 9. Post-market monitoring plan (Art. 72)",
        f"- {_field(doc, 'monitoring_plan')}",
        "",
    ]
    if record.coverage_matrix is not None:
        lines += ["## Requirement coverage (govaudit)", "", "| requirement | status | reason |", "|---|---|---|"]
        lines += [f"| {r.id} | {r.status} | {r.reason.replace('|', '/')} |"
                  for p in record.coverage_matrix.profiles for r in p.requirements]
        lines.append("")
    return "\n".join(lines)
