"""Read a ``record.json`` written by ``govaudit run`` back into an :class:`AuditRecord`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from govaudit.exceptions import InputDataError
from govaudit.records._record import AuditRecord

__all__ = ["load_record_file"]

_MSG_NOT_FOUND = "record file not found: {path}"
_MSG_NOT_RECORD = "not a valid audit record: {detail}"


def load_record_file(path: str | Path) -> tuple[AuditRecord, dict[str, Any] | None]:
    """Read a record.json; returns the record and its ledger position if the file carries one.

    A ledger position written beside the record's fields (a top-level ``"ledger"`` object) is taken
    out before validation unless the record format itself has a ``ledger`` field.

    Parameters
    ----------
    path : str or Path
        The record file.

    Returns
    -------
    tuple of AuditRecord and dict or None
        The validated record, and the ledger position found beside it (else ``None``).

    Raises
    ------
    InputDataError
        The file is missing, is a folder, is not JSON, or is not a valid record (one line naming
        the first invalid field).
    """
    from pydantic import ValidationError

    from govaudit.spec import format_validation_error  # the spec imports records: import when used

    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputDataError(_MSG_NOT_FOUND.format(path=path)) from None
    except IsADirectoryError:
        raise InputDataError(_MSG_NOT_RECORD.format(detail=f"{path} is a folder, not a record.json")) from None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputDataError(_MSG_NOT_RECORD.format(detail=f"{path}: not JSON ({exc})")) from None
    ledger = None
    if isinstance(data, dict) and "ledger" not in AuditRecord.model_fields and isinstance(data.get("ledger"), dict):
        ledger = data.pop("ledger")
    try:
        return AuditRecord.model_validate(data), ledger
    except ValidationError as exc:
        raise InputDataError(_MSG_NOT_RECORD.format(detail=format_validation_error(exc, str(path)))) from None
