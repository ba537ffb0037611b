"""What every export reads: the record's documentation, optionally completed by a spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # records import this package's matrix model; import them only for type checkers
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["documentation_of", "findings_of"]


def documentation_of(record: "AuditRecord", plan: "AuditPlan | None" = None) -> dict[str, Any]:
    """Documentation values: the record's (as judged at run time), overridden by the spec's when given.

    The record's responsible parties and the spec's ``[transparency]`` fill fields left empty.
    """
    doc: dict[str, Any] = {}
    if record.coverage_matrix is not None:
        doc.update(record.coverage_matrix.documentation)
    if plan is not None and plan.profiles is not None:
        doc.update(plan.profiles.documentation)
    elif plan is not None and plan.spec.documentation is not None:
        from govaudit.profiles._defaults import _documentation_source
        from govaudit.profiles._documentation import check_documentation

        raw, source = _documentation_source(plan.spec.documentation, plan.base_dir, str(plan.spec_path))
        doc.update(check_documentation(raw, source=source)[0])
    fallbacks = {"organisation": record.responsible.owner, "contact": record.responsible.contact,
                 "intended_purpose": record.description}
    if plan is not None and plan.spec.transparency is not None:
        t = plan.spec.transparency
        fallbacks.update(website=t.website, contact=t.contact or record.responsible.contact,
                         description=t.decides, appeal_channel=t.appeal, data_sources=t.data_used)
    for key, value in fallbacks.items():
        if value and not doc.get(key):
            doc[key] = value
    return doc


def findings_of(record: "AuditRecord", check: str) -> list[Any]:
    """The record's findings of one check that were not skipped."""
    return [f for f in record.findings if f.check == check and f.status.value != "skipped"]
