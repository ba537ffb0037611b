"""Exports that oversight bodies publish, built from a record (and optionally its spec)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable

from govaudit.exceptions import InputDataError
from govaudit.profiles._exports._annex_iv import annex_iv
from govaudit.profiles._exports._atrs import atrs_record
from govaudit.profiles._exports._china import china_filing
from govaudit.profiles._exports._ll144 import ll144_summary

if TYPE_CHECKING:
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["EXPORTS", "annex_iv", "atrs_record", "china_filing", "export", "ll144_summary"]

#: Export kind -> builder (a dict rendered as JSON, or Markdown text).
EXPORTS: dict[str, Callable[..., Any]] = {
    "ll144-summary": ll144_summary,
    "atrs": atrs_record,
    "china-filing": china_filing,
    "annex-iv": annex_iv,
}


def export(kind: str, record: "AuditRecord", plan: "AuditPlan | None" = None) -> str:
    """Render one export as text: JSON for the structured ones, Markdown for ``annex-iv``.

    Raises
    ------
    InputDataError
        Unknown kind, or the record lacks the evidence the export needs.
    """
    if kind not in EXPORTS:
        raise InputDataError(f"unknown export {kind!r}; expected one of: {', '.join(EXPORTS)}")
    result = EXPORTS[kind](record, plan)
    return result if isinstance(result, str) else json.dumps(result, indent=2, ensure_ascii=False) + "\n"
