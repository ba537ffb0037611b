"""What a record (and spec, and the ledger's approval state) can tell a register, worded for its fields.

Shared by the Dutch and the UK exports: the documentation values, the audit's outcome in plain words
(its failed and unjudged checks as risks), and the measured texts of one auditor's findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govaudit.core import Status
from govaudit.profiles._exports._common import documentation_of
from govaudit.report._summary import plain_check

if TYPE_CHECKING:
    from govaudit.records import AuditRecord
    from govaudit.spec import AuditPlan

__all__ = ["Facts", "facts_of"]

_OUTCOME = (("fail", "Failed"), ("error", "Could not be completed"), ("inconclusive", "Could not be judged"),
            ("warn", "Warnings"))


@dataclass(frozen=True)
class Facts:
    """The inputs of an export: the record, its documentation, its name and the approval state (if known)."""

    record: "AuditRecord"
    doc: dict[str, Any]
    name: str
    state: str | None  # released, blocked, pending, self-approved, withdrawn; None from a record alone

    def text(self, *keys: str) -> str | None:
        """The first documentation value given among ``keys``, as text."""
        for key in keys:
            value = self.doc.get(key)
            if value not in (None, "", [], ()):
                return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        return None

    def messages(self, prefix: str, *, limit: int = 2400) -> str | None:
        """The measured messages of the findings whose check starts with ``prefix`` (skipped ones left out).

        An oversight finding's message names reviewers by their staff ids: a public text gives its
        check in plain words with its status instead.
        """
        texts = [(f"{plain_check(f.check)}: {f.status.value}" if _names_staff(f.check) else f.message)
                 for f in self.record.findings if f.check.startswith(prefix) and f.status is not Status.SKIPPED]
        return _capped(texts, limit) if texts else None

    def outcome(self, *, limit: int = 2400) -> str:
        """The audit's verdict and every check that blocks or warns, in plain words with its groups."""
        r = self.record
        head = (f"Audit of {r.created_at.date().isoformat()} by {r.responsible.auditor or 'the auditor'} with "
                f"govaudit {r.govaudit_version} (record {r.record_id}): verdict {r.verdict.value}.")
        parts = [head]
        for status, label in _OUTCOME:
            seen: list[str] = []
            for f in r.findings:
                if f.status.value == status and not (status == "inconclusive" and f.accepted is not None):
                    named = f.groups and not _names_staff(f.check)  # reviewers' ids stay out of public text
                    words = plain_check(f.check) + (f" ({', '.join(f.groups[:3])})" if named else "")
                    if words not in seen:
                        seen.append(words)
            if seen:
                parts.append(f"{label}: " + "; ".join(seen) + ".")
        if len(parts) == 1:
            parts.append("Every check passed.")
        return _capped(parts, limit)

    def features(self) -> list[str]:
        """The sensitive features the bias audit compared groups by."""
        out: list[str] = []
        for f in self.record.findings:
            feature = f.evidence.get("feature") if f.check == "bias.group_metrics" else None
            if isinstance(feature, str) and feature not in out:
                out.append(feature)
        return out

    def data_lines(self) -> list[str]:
        """One line per data file: role, name, rows, sha256."""
        return [f"{d.role}: {d.name}" + (f", {d.rows:,} rows" if d.rows is not None else "") + f" (sha256 {d.sha256})"
                for d in self.record.data]


def _capped(parts: list[str], limit: int) -> str:
    """``parts`` joined by spaces, cut at a whole part with a count of what was left out, within ``limit``."""
    out: list[str] = []
    for i, part in enumerate(parts):
        tail = f" (and {len(parts) - i} more)"
        if len(" ".join([*out, part])) + len(tail) > limit and i < len(parts) - 1 or len(" ".join([*out, part])) > limit:
            return " ".join([*out, tail.strip()])
        out.append(part)
    return " ".join(out)


def facts_of(record: "AuditRecord", plan: "AuditPlan | None" = None, *, name: str | None = None,
             state: str | None = None) -> Facts:
    """Gather the facts of one record (its documentation completed by the spec, if given)."""
    system = name or (record.model.name if record.model is not None and record.model.name else record.audit_name)
    return Facts(record, documentation_of(record, plan), system, state)


def _names_staff(check: str) -> bool:
    """Whether a check's message and groups name staff (the oversight auditor's reviewers), not the public."""
    return check.startswith("oversight.")
