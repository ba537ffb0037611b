"""What the entries say about an audit: its approvals, corrections, withdrawal, and the release gate.

Pure functions over entries already read (and, for the gate, verified) from a ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from govaudit.records._ledger_entry import EntryKind, LedgerEntry

__all__ = ["ApprovalInfo", "AuditStatus", "GateDecision", "audit_matches", "audit_status", "gate_decision"]

_PASSING = {"pass"}
_PASSING_LENIENT = {"pass", "warn"}


@dataclass(frozen=True)
class ApprovalInfo:
    """One approval entry about an audit."""

    entry: int
    decision: str
    signer: str
    independent: bool
    reason: str
    approver: str | None = None
    withdrawn_by: int | None = None


@dataclass(frozen=True)
class AuditStatus:
    """The state of one audit entry after every later entry that refers to it.

    Attributes
    ----------
    entry : int
        The audit entry.
    verdict : str
        The audit's verdict (of the newest correction that carries a corrected record, if any).
    state : str
        ``released``, ``blocked``, ``withdrawn``, ``pending`` (no approval), or
        ``self-approved`` (released only by the auditor's own key, which a gate does not accept).
    approvals : tuple of ApprovalInfo
    corrections : tuple of int
        Correction entries referring to it.
    withdrawn_by : int or None
        The withdrawal entry, if the audit was withdrawn.
    """

    entry: int
    verdict: str
    state: str
    approvals: tuple[ApprovalInfo, ...] = ()
    corrections: tuple[int, ...] = ()
    withdrawn_by: int | None = None
    deciding_approval: int | None = None


@dataclass(frozen=True)
class GateDecision:
    """Whether a model version may be released, and why."""

    passed: bool
    reason: str
    entry: int | None = None
    status: AuditStatus | None = field(default=None, repr=False)


def audit_matches(content: dict[str, Any], model: str | None, version: str | None) -> bool:
    """Whether an audit record (as JSON) is about ``model`` (model name or audit name) and ``version``."""
    identity = content.get("model") or {}
    if model is not None and model not in (identity.get("name"), content.get("audit_name")):
        return False
    return version is None or identity.get("version") == version


def _withdrawals(later: Sequence[LedgerEntry]) -> dict[int, int]:
    out: dict[int, int] = {}
    for e in later:
        if e.kind == EntryKind.WITHDRAWAL.value:
            out.setdefault(e.refers_to, e.seq)  # type: ignore[arg-type]
    return out


def audit_status(audit: LedgerEntry, later: Sequence[LedgerEntry]) -> AuditStatus:
    """The state of ``audit`` given the entries appended after it (in ledger order)."""
    withdrawn = _withdrawals(later)
    verdict = str(audit.content.get("verdict"))
    corrections: list[int] = []
    approvals: list[ApprovalInfo] = []
    for e in later:
        if e.refers_to != audit.seq:
            continue
        if e.kind == EntryKind.CORRECTION.value and e.seq not in withdrawn:
            corrections.append(e.seq)
            corrected = e.content.get("record")
            if isinstance(corrected, dict) and "verdict" in corrected:
                verdict = str(corrected["verdict"])
        elif e.kind == EntryKind.APPROVAL.value:
            c = e.content
            approvals.append(ApprovalInfo(entry=e.seq, decision=c["decision"], signer=e.signer,
                                          independent=e.signer != audit.signer, reason=c.get("reason", ""),
                                          approver=c.get("approver"), withdrawn_by=withdrawn.get(e.seq)))
    live = [a for a in approvals if a.withdrawn_by is None]
    releases = [a for a in live if a.decision == "release" and a.independent]
    last_release = releases[-1].entry if releases else None
    blocks_after = [a for a in live if a.decision == "block" and (last_release is None or a.entry > last_release)]
    if audit.seq in withdrawn:
        state, deciding = "withdrawn", None
    elif blocks_after:
        state, deciding = "blocked", blocks_after[-1].entry
    elif last_release is not None:
        state, deciding = "released", last_release
    elif any(a.decision == "release" for a in live):
        state, deciding = "self-approved", None
    else:
        state, deciding = "pending", None
    return AuditStatus(entry=audit.seq, verdict=verdict, state=state, approvals=tuple(approvals),
                       corrections=tuple(corrections), withdrawn_by=withdrawn.get(audit.seq),
                       deciding_approval=deciding)


def gate_decision(entries: Sequence[LedgerEntry], model: str, version: str | None, *,
                  strict: bool = False) -> GateDecision:
    """Release gate: the newest audit of ``model``/``version`` passed and was released independently.

    Passes only when that audit's verdict is ``pass`` (or ``warn`` unless ``strict``), it has a
    ``release`` approval signed by a key other than the auditor's, and no later ``block`` approval
    or withdrawal (of the audit or of that approval) exists.
    """
    what = f"model {model!r}" + (f" version {version!r}" if version is not None else "")
    audits = [e for e in entries if e.kind == EntryKind.AUDIT.value and audit_matches(e.content, model, version)]
    if not audits:
        return GateDecision(False, f"no audit of {what} in the ledger")
    audit = audits[-1]
    status = audit_status(audit, [e for e in entries if e.seq > audit.seq])
    ok = status.verdict in (_PASSING if strict else _PASSING_LENIENT)
    head = f"entry {audit.seq} (newest audit of {what})"
    if status.state == "withdrawn":
        return GateDecision(False, f"{head} was withdrawn by entry {status.withdrawn_by}", audit.seq, status)
    if not ok:
        return GateDecision(False, f"{head} has verdict {status.verdict}", audit.seq, status)
    if status.state == "blocked":
        return GateDecision(False, f"{head} was blocked by entry {status.deciding_approval}", audit.seq, status)
    if status.state == "self-approved":
        return GateDecision(False, f"{head} was approved only with the auditor's own key; release needs "
                                   "an approval signed by another key", audit.seq, status)
    if status.state == "pending":
        return GateDecision(False, f"{head} passed but has no release approval", audit.seq, status)
    approval = status.deciding_approval
    return GateDecision(True, f"{head} passed ({status.verdict}) and was released by entry {approval}, "
                              "signed by a key other than the auditor's", audit.seq, status)
