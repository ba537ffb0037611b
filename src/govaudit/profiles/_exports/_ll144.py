"""The NYC LL144 bias-audit summary, built from the bias auditor's aggregate evidence in a record.

For every breakdown (sex, race/ethnicity, their intersection) it lists each category with its count,
rate and impact ratio; the number of individuals of unknown category (excluded from the
calculations); and the categories under the small-category share that were excluded from impact
ratios, with the reason, their count and rate (6 RCNY §§5-301, 5-303). It never reads the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govaudit.metrics import is_unknown_label
from govaudit.exceptions import InputDataError
from govaudit.profiles._exports._common import documentation_of, findings_of

if TYPE_CHECKING:
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["ll144_summary"]

_MSG_NO_BIAS = ("record {record_id}: no bias.group_metrics or bias.scoring_rates finding; run the bias auditor "
                "with the sex and race/ethnicity columns as sensitive features")
_REASON_SMALL = "under {share:.0%} of the audit data: excluded from impact ratios as 6 RCNY §5-301(d) allows"


def _breakdown(finding: Any, rate_key: str, share: float) -> dict[str, Any]:
    ev = finding.evidence
    categories, excluded, unknown = [], [], []
    for row in ev["groups"]:
        entry = {"category": row["group"], "count": row["count"], "rate": row.get(rate_key)}
        if is_unknown_label(row["group"]):
            unknown.append(entry)
        elif row["status"] == "excluded":
            excluded.append({**entry, "share": row["share"], "reason": _REASON_SMALL.format(share=share)})
        else:
            categories.append({**entry, "impact_ratio": row.get("impact_ratio"),
                               "note": row.get("note"), "suppressed": bool(row.get("suppressed", False))})
    return {"breakdown": ev["feature"], "columns": ev["columns"], "total": ev["total"],
            "reference_category": ev["reference"], "unknown_count": ev["unknown_count"],
            "unknown_categories": unknown, "categories": categories, "excluded_categories": excluded}


def ll144_summary(record: "AuditRecord", plan: "AuditPlan | None" = None) -> dict[str, Any]:
    """The published summary of an LL144 bias audit, as a JSON-ready dict.

    Parameters
    ----------
    record : AuditRecord
        A run in which the bias auditor ran (ideally with ``small_category_rule = "ll144"``).
    plan : AuditPlan, optional
        The spec, for documentation fields the record lacks.

    Raises
    ------
    InputDataError
        The record has no bias group-rate finding.
    """
    doc = documentation_of(record, plan)
    config = next((a.config for a in record.auditors if a.name == "bias"), {})
    share = float(config.get("small_category_share", 0.02))
    sections: dict[str, list[dict[str, Any]]] = {}
    for check, rate_key, title in (("bias.group_metrics", "selection_rate", "selection_rates"),
                                   ("bias.scoring_rates", "scoring_rate", "scoring_rates")):
        found = findings_of(record, check)
        if found:
            sections[title] = [_breakdown(f, rate_key, share) for f in found]
    if not sections:
        raise InputDataError(_MSG_NO_BIAS.format(record_id=record.record_id))
    return {
        "summary": "Bias audit summary (NYC Local Law 144, 6 RCNY §5-303)",
        "tool": record.audit_name,
        "audit_date": doc.get("audit_date") or record.created_at.date().isoformat(),
        "distribution_date": doc.get("distribution_date"),
        "data_source": doc.get("data_source"),
        "independent_auditor": doc.get("independent_reviewer") or record.responsible.auditor,
        "record_id": record.record_id,
        "small_category_rule": config.get("small_category_rule"),
        "small_category_share": share,
        **sections,
        "notes": ["Impact ratio = category rate / rate of the most selected (highest-scoring) category.",
                  "Individuals of unknown category are counted here and excluded from the calculations.",
                  "Rates of groups below the suppression size are withheld so that no individual can be singled out."],
    }
