"""The report's first screen: what blocks the release, the five principles, who answers for it, what next.

A board member reads this screen and nothing else: each failed, errored or unjudged check on one line
(most severe first, with its number and its gate), a scorecard of the five governance principles with
the checks behind each, the responsible parties and the next step the verdict calls for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govaudit.core import Finding, Principle, Severity, Status
from govaudit.records._record import AuditRecord
from govaudit.report._html_labels import check_label
from govaudit.report._i18n import Catalogue, fmt_num
from govaudit.report._summary import plain_words

__all__ = ["gate_text", "is_warning", "next_step", "problems", "responsible", "scorecard", "value_text",
           "worst_first"]

_SEVERITY_RANK = {s: i for i, s in enumerate((Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW,
                                               Severity.INFO))}
_STATUS_RANK = {Status.FAIL: 0, Status.ERROR: 1, Status.INCONCLUSIVE: 2}
_OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
#: Checks named per principle on the scorecard before "and n more".
_MAX_NAMED = 4


def value_text(value: float | None) -> str:
    """A finding's value: whole numbers with thousands separators, others with three decimals."""
    return f"{int(value):,}" if value is not None and float(value).is_integer() else fmt_num(value)


def gate_text(finding: Finding) -> str:
    """``≥ 0.8``, or an em dash when no gate applies."""
    if finding.threshold is None:
        return "—"
    return f"{_OPERATORS.get(finding.operator or '', finding.operator or '')} {finding.threshold:g}".strip()


def _subject(finding: Finding, t: Catalogue) -> str:
    """What the finding is about: ``channel: in_person, online``, or the groups alone."""
    ev = finding.evidence
    feature = str(ev["feature"]) if isinstance(ev.get("feature"), str) and ev["feature"] else ""
    if isinstance(ev.get("group"), str):  # a ratio: the group it is about says it all (its reference is below)
        return str(ev["group"])
    groups = [g for g in finding.groups if g != feature]
    named = t.join(groups[:3]) + ("…" if len(groups) > 3 else "")
    if feature and named:
        return f"{feature}: {named}"
    return feature or named


def _miss(finding: Finding) -> float:
    """How far the value misses its gate, relative to the gate (0 when it cannot be said): larger is worse.

    Only compared between findings of one check, whose values share a scale.
    """
    value, gate, op = finding.value, finding.threshold, finding.operator
    if value is None or gate is None or op not in _OPERATORS:
        return 0.0
    scale = abs(gate) or 1.0
    if op in (">=", ">"):
        return max(gate - value, 0.0) / scale
    if op in ("<=", "<"):
        return max(value - gate, 0.0) / scale
    return 0.0


def worst_first(finding: Finding) -> float:
    """How far a ratio sits on the wrong side of its gate, as a ratio: smaller is worse.

    A floor (favourable decisions, ``>= 0.8``) is missed by low ratios, a ceiling (adverse decisions,
    ``<= 1.25``) by high ones; both are put on one scale, so ``min`` picks the largest gap either way.

    Parameters
    ----------
    finding : Finding
        A ratio finding with a value.

    Returns
    -------
    float
        ``value / gate`` for a floor, ``gate / value`` for a ceiling (``inf`` for a ratio of 0 under a
        ceiling, which misses nothing).
    """
    value = float(finding.value)  # type: ignore[arg-type]
    if finding.operator in ("<=", "<"):
        return (finding.threshold or 1.0) / value if value > 0 else float("inf")
    return value / finding.threshold if finding.threshold else value


def is_warning(finding: Finding) -> bool:
    """Whether a finding counts as a warning: ``warn``, or an inconclusive gate the spec accepted.

    The same rule as :func:`govaudit.records.verdict_of`, so the page counts what the verdict counts.
    """
    return finding.status is Status.WARN or (finding.status is Status.INCONCLUSIVE and not finding.blocking)


def problems(record: AuditRecord, t: Catalogue) -> list[dict[str, Any]]:
    """The blocking findings, most severe first, each as one line's parts."""
    # Finding.blocking, not the status alone: an accepted inconclusive gate does not block
    blocking = [(i, f) for i, f in enumerate(record.findings) if f.blocking]
    first_of = {}
    for i, f in blocking:
        first_of.setdefault(f.check, i)
    # most severe first; one check's findings together, the furthest from its gate first
    blocking.sort(key=lambda p: (_SEVERITY_RANK.get(p[1].severity, 9), _STATUS_RANK[p[1].status],
                                 first_of[p[1].check], -_miss(p[1]), p[0]))
    out = []
    for number, (_, f) in enumerate(blocking, start=1):
        plain = plain_words(f.check, t)
        label = check_label(f.check, t)
        out.append({"number": number, "status": f.status.value, "status_label": t(f"status.{f.status.value}"),
                    "severity": t(f"severity.{f.severity.value}"),
                    "what": plain[:1].upper() + plain[1:] if plain else label,
                    "check": label, "subject": _subject(f, t),
                    "value": value_text(f.value) if f.value is not None else "", "gate": gate_text(f)})
    return out


def _principle_status(findings: Sequence[Finding]) -> str:
    """Blocking > warning > pass; only a met gate says pass, reported statistics alone say ``reported``."""
    if any(f.blocking for f in findings):
        return "fail"
    if any(is_warning(f) for f in findings):
        return "warn"
    if any(f.status is Status.PASS for f in findings):
        return "pass"
    return "reported" if findings else "skipped"


def _status_label(status: str, t: Catalogue) -> str:
    # "reported" has no scorecard wording of its own: the status badge's words say it
    return t(f"scorecard.{status}") if t.has(f"scorecard.{status}") else t(f"status.{status}")


def scorecard(record: AuditRecord, t: Catalogue) -> list[dict[str, Any]]:
    """The five governance principles: status, counts, and the checks (in words) behind each."""
    cards = []
    for p in Principle:
        found = [f for f in record.findings if p in f.principles and f.status is not Status.SKIPPED]
        status = _principle_status(found)
        blocked = sum(f.blocking for f in found)
        warned = sum(is_warning(f) for f in found)
        bad = list(dict.fromkeys(check_label(f.check, t) for f in found if f.blocking))
        rest = [c for c in dict.fromkeys(check_label(f.check, t) for f in found) if c not in bad]
        named = [*bad, *rest]
        shown = t.join(named[:_MAX_NAMED])
        evidence = shown if len(named) <= _MAX_NAMED else t("report.and_more", items=shown,
                                                             n=len(named) - _MAX_NAMED)
        cards.append({"label": t(f"principle.{p.value}"), "help": t(f"principle_help.{p.value}"),
                      "status": status, "status_label": _status_label(status, t),
                      # without evidence, the card says what the principle asks for instead
                      "counts": t("scorecard.counts", n=len(found), failed=blocked, warned=warned) if found else "",
                      "evidence": evidence if found else t(f"principle_help.{p.value}")})
    return cards


def responsible(record: AuditRecord, t: Catalogue) -> list[tuple[str, str]]:
    """The responsible parties the record names, as (role, name)."""
    return [(t(f"record.responsible_{part}"), value) for part in ("owner", "auditor", "approver", "contact")
            if (value := getattr(record.responsible, part))]


def next_step(record: AuditRecord, t: Catalogue) -> str:
    """What happens next, for the verdict, naming the owner and approver when the record does."""
    r = record.responsible
    return t(f"next.{record.verdict.value}", owner=r.owner or t("next.the_owner"),
             approver=r.approver or t("next.the_approver"))
