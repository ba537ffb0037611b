"""One entry point for the register exports: from a record, or from a verified ledger and a system's name."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from govaudit.exceptions import InputDataError
from govaudit.records._ledger_store import is_sqlite_file
from govaudit.register._atrs import atrs_export
from govaudit.register._export import RegisterExport, complete, validate_document
from govaudit.register._facts import Facts, facts_of
from govaudit.register._nl import nl_export

if TYPE_CHECKING:
    from govaudit.records import AuditRecord, PublicKey
    from govaudit.register._systems import RegisterSystem
    from govaudit.spec import AuditPlan

__all__ = ["REGISTER_FORMATS", "export_record", "export_system", "register_export"]

#: Format name -> builder.
REGISTER_FORMATS: dict[str, Callable[[Facts], RegisterExport]] = {"nl": nl_export, "uk-atrs": atrs_export}

MSG_FORMAT = "unknown register format {fmt!r}; expected one of: {known}"
MSG_WHICH = "{path} holds {n} systems ({names}); name one with --model"
MSG_NO_SYSTEM = "{path} has no audited system named {model!r}; it has: {names}"


def export_record(record: "AuditRecord", fmt: str, *, plan: "AuditPlan | None" = None, state: str | None = None,
                  name: str | None = None) -> RegisterExport:
    """Build the ``fmt`` export (``nl`` or ``uk-atrs``) of one record.

    Parameters
    ----------
    record : AuditRecord
    fmt : {"nl", "uk-atrs"}
    plan : AuditPlan, optional
        The audit spec, for documentation the record lacks.
    state : str, optional
        The ledger's approval state of the audit (``released``, ``pending``, ...), when known.
    name : str, optional
        The system's name (default: the model's name, else the audit's).

    Raises
    ------
    InputDataError
        Unknown format.
    """
    if fmt not in REGISTER_FORMATS:
        raise InputDataError(MSG_FORMAT.format(fmt=fmt, known=", ".join(REGISTER_FORMATS)))
    return REGISTER_FORMATS[fmt](facts_of(record, plan, name=name, state=state))


def export_system(system: "RegisterSystem", fmt: str, *, plan: "AuditPlan | None" = None) -> RegisterExport:
    """The export of a register system's latest audit, with its approval state."""
    latest = system.latest
    return export_record(latest.record, fmt, plan=plan, state=latest.status.state, name=system.name)


def _is_ledger(path: Path) -> bool:
    """Whether ``path`` is a SQLite file (a ledger) rather than a record's JSON."""
    try:
        return is_sqlite_file(path)
    except OSError:  # missing or unreadable: reading it as a record names the problem
        return False


def register_export(source: str | os.PathLike[str], fmt: str, *, model: str | None = None,
                    plan: "AuditPlan | None" = None, owner_fields: str | os.PathLike[str] | None = None,
                    schema: str | os.PathLike[str] | None = None,
                    public_keys: "Sequence[PublicKey] | None" = None) -> RegisterExport:
    """Build a register export from a record file or a ledger, complete it and validate it.

    Parameters
    ----------
    source : path
        A ``record.json``, or a ledger (verified first; refused when it does not verify), whose
        system ``model`` is exported (``model`` may be left out when the ledger holds one system).
    fmt : {"nl", "uk-atrs"}
    plan : AuditPlan, optional
        The audit spec, for documentation the record lacks.
    owner_fields : path, optional
        JSON or TOML with the values the owner wrote (same shape as the document).
    schema : path, optional
        A JSON Schema to validate the finished document against (the user's copy of the standard's).

    Raises
    ------
    InputDataError
        Unknown format or system, an unreadable file, an owner field the format lacks, or a document
        that does not match ``schema`` (each problem named).
    LedgerIntegrityError
        The ledger does not verify.
    """
    if fmt not in REGISTER_FORMATS:
        raise InputDataError(MSG_FORMAT.format(fmt=fmt, known=", ".join(REGISTER_FORMATS)))
    path = Path(source)
    if _is_ledger(path):
        from govaudit.register._systems import read_register

        register = read_register(path, public_keys=public_keys)
        try:
            systems = {s.name: s for s in register.systems}
            names = ", ".join(systems) or "none"
            if model is None and len(systems) != 1:
                raise InputDataError(MSG_WHICH.format(path=path, n=len(systems), names=names))
            system = systems.get(model) if model is not None else next(iter(systems.values()))
            if system is None:
                raise InputDataError(MSG_NO_SYSTEM.format(path=path, model=model, names=names))
            export = export_system(system, fmt, plan=plan)
        finally:
            register.ledger.close()
    else:
        from govaudit.records import load_record_file

        record, _ = load_record_file(path)
        export = export_record(record, fmt, plan=plan)
    if owner_fields is not None:
        export = complete(export, owner_fields)
    if schema is not None:
        validate_document(export, schema)
    return export
