"""JSON rendering: the record in the format its published JSON Schema describes."""

from __future__ import annotations

from govaudit.records._record import AuditRecord

__all__ = ["MSG_NOT_A_RECORD", "ensure_record", "render_json"]

MSG_NOT_A_RECORD = "expected an AuditRecord to render, got {kind}"


def ensure_record(record: object) -> AuditRecord:
    """Return ``record`` if it is an :class:`AuditRecord`; raise ``TypeError`` otherwise."""
    if not isinstance(record, AuditRecord):
        raise TypeError(MSG_NOT_A_RECORD.format(kind=type(record).__name__))
    return record


def render_json(record: AuditRecord) -> str:
    """The record as indented JSON; ``AuditRecord.from_json`` reads it back unchanged.

    Parameters
    ----------
    record : AuditRecord

    Returns
    -------
    str
        JSON text that validates against :func:`govaudit.records._schema.record_json_schema`.

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    """
    return ensure_record(record).model_dump_json(indent=2)
