"""``govaudit export atrs``: the UK ATRS v3.0 record, built by the register's export (one template).

The register's builder (:func:`govaudit.register.export_record` with ``"uk-atrs"``) writes every
attribute of the published template and marks what the owner must write; this name keeps the
profiles' export command working with the same document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["atrs_record"]


def atrs_record(record: "AuditRecord", plan: "AuditPlan | None" = None) -> dict[str, Any]:
    """The ATRS v3.0 record of ``record`` (tiers 1 and 2 and metadata), filled from the record and spec."""
    from govaudit.register import export_record

    return export_record(record, "uk-atrs", plan=plan).document
