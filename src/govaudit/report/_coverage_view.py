"""The coverage matrix (requirements of the named rule packs) as rows for the HTML and Markdown reports.

The profile's requirement summaries are the rule pack's own text and are shown as written. Every
fixed text around them is the catalogue's: statuses, evidence kinds and evidence statuses. In a
language other than English the reason is worded from the evidence items (the English reason is the
coverage engine's sentence), so a Chinese page carries no English sentence of ours.
"""

from __future__ import annotations

from typing import Any

from govaudit.records._record import AuditRecord
from govaudit.report._html_labels import check_label, words
from govaudit.report._i18n import Catalogue

__all__ = ["COVERAGE_BADGE", "coverage_rows"]

#: coverage status -> the status badge whose colours it borrows
COVERAGE_BADGE = {"met": "pass", "not met": "fail", "no evidence": "warn", "not applicable": "skipped"}
#: evidence statuses that make a requirement "not met" or "no evidence", named in the worded reason
_PROBLEMS = {"fail", "error", "inconclusive", "warn", "missing", "invalid", "no", "too few", "understated",
             "mismatch", "late"}


def _status(status: str, t: Catalogue) -> str:
    return t(f"coverage.status.{status.replace(' ', '_')}")


def _evidence_status(status: str, t: Catalogue) -> str:
    key = f"coverage.evidence_status.{status.replace(' ', '_')}"
    if t.has(key):
        return t(key)
    return t(f"status.{status}") if t.has(f"status.{status}") else words(status)


def _evidence_name(kind: str, name: str, t: Catalogue) -> str:
    if kind == "check":
        return check_label(name, t)
    return t(f"coverage.kind.{kind}", name=words(name)) if t.has(f"coverage.kind.{kind}") else words(name)


def _reason(row: Any, t: Catalogue) -> str:
    if t.lang == "en" or row.status == "not applicable":
        return row.reason
    named = [f"{_evidence_name(e.kind, e.name, t)}：{_evidence_status(e.status, t)}" for e in row.evidence
             if e.status in _PROBLEMS]
    if row.status == "met":
        return t("coverage.reason_met") + (t("meta.list_separator") + t.join(named) if named else "")
    return t.join(list(dict.fromkeys(named))) or _status(row.status, t)


def coverage_rows(record: AuditRecord, t: Catalogue) -> list[dict[str, Any]]:
    """The matrix's profiles as rows, statuses in the report's language (empty without a matrix)."""
    matrix = record.coverage_matrix
    if matrix is None:
        return []
    profiles = []
    for p in matrix.profiles:
        rows = []
        for r in p.requirements:
            evidence = list(dict.fromkeys(f"{_evidence_name(e.kind, e.name, t)} ({_evidence_status(e.status, t)})"
                                          for e in r.evidence))
            rows.append({"id": r.id, "summary": r.summary, "status": COVERAGE_BADGE[r.status],
                         "label": _status(r.status, t), "reason": _reason(r, t),
                         "evidence": evidence})
        counts = {s: sum(r.status == s for r in p.requirements) for s in COVERAGE_BADGE}
        profiles.append({
            "caption": t("coverage.profile_caption", title=p.title, name=p.name, version=p.version,
                         effective=p.effective_date.isoformat()),
            "counts": t.join([f"{_status(s, t)} {n}" for s, n in counts.items() if n]),
            "rows": rows})
    return profiles
