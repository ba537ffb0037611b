"""One flat row per ledger entry, each audit with its approval state: what ``govaudit ledger show`` lists."""

from __future__ import annotations

from datetime import date, datetime

from govaudit.records._ledger import Ledger
from govaudit.records._ledger_entry import LedgerEntry

__all__ = ["summarize_entries"]


def _entry_summary(entry: LedgerEntry) -> dict[str, object]:
    c = entry.content
    row: dict[str, object] = {"entry": entry.seq, "kind": entry.kind, "time": entry.created_at,
                              "signer": entry.signer[:16]}
    if entry.kind == "audit":
        model = c.get("model") or {}
        row.update(model=model.get("name") or c.get("audit_name"), version=model.get("version"),
                   audit=c.get("audit_name"), verdict=c.get("verdict"))
    else:
        row.update(refers_to=c.get("entry"), reason=c.get("reason"))
        if entry.kind == "approval":
            row["decision"] = c.get("decision")
    return row


def summarize_entries(ledger: Ledger, *, kind: str | None = None, model: str | None = None,
                      version: str | None = None, since: str | date | datetime | None = None,
                      verdict: str | None = None) -> list[dict[str, object]]:
    """Summarise the entries matching every filter given (see :meth:`Ledger.entries`), in ledger order.

    Parameters
    ----------
    ledger : Ledger
        An open ledger.
    kind, model, version, since, verdict
        The filters of :meth:`Ledger.entries`.

    Returns
    -------
    list of dict
        Per entry: ``entry``, ``kind``, ``time``, ``signer`` (the first 16 hex digits of its
        fingerprint); an audit adds ``model``, ``version``, ``audit``, ``verdict`` and its approval
        ``state`` and ``effective_verdict``; any other entry adds ``refers_to`` and ``reason``, and
        an approval its ``decision``.
    """
    rows = []
    for entry in ledger.entries(kind=kind, model=model, version=version, since=since, verdict=verdict):
        row = _entry_summary(entry)
        if entry.kind == "audit":
            status = ledger.status(entry.seq)
            row["state"] = status.state
            row["effective_verdict"] = status.verdict
        rows.append(row)
    return rows
