"""The published JSON Schema of :class:`~govaudit.records.AuditRecord`."""

from __future__ import annotations

from typing import Any

from govaudit.records._record import RECORD_SCHEMA_VERSION, AuditRecord

__all__ = ["JSON_SCHEMA_DIALECT", "record_json_schema", "record_schema_id"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def record_schema_id(version: str = RECORD_SCHEMA_VERSION) -> str:
    """The ``$id`` under which the record schema of ``version`` is published."""
    return f"https://govaudit.org/schemas/audit-record/{version}.json"


def record_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) that every serialised :class:`AuditRecord` validates against.

    Built from the pydantic model in serialisation mode, so it describes exactly what
    ``AuditRecord.model_dump(mode="json")`` and ``AuditRecord.to_json()`` produce.

    Returns
    -------
    dict
        A fresh dictionary; callers may modify it.
    """
    body = AuditRecord.model_json_schema(mode="serialization")
    header: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": record_schema_id(),
        "title": "govaudit audit record",
        "description": (
            f"One govaudit audit run (record schema {RECORD_SCHEMA_VERSION}): who audited which "
            "model and data, with which tool versions, what each check found, and the verdict. "
            "Aggregate evidence only; no individual-level data."
        ),
    }
    body.pop("title", None)
    body.pop("description", None)
    return {**header, **body}
