"""A self-contained HTML audit report: one file, inline CSS and SVG, no script, no external URL.

Every value from the record reaches the page through Jinja2's autoescaping (or, inside plots,
through matplotlib's SVG escaping and :func:`markupsafe.escape`), so a group label or a message
holding ``<script>`` or ``</style>`` is shown as text. Every fixed text comes from the message
catalogue of the chosen language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from govaudit._version import __version__
from govaudit.core import Finding, Principle, Status
from govaudit.records._record import AuditRecord
from govaudit.report._coverage_view import coverage_rows
from govaudit.report._html_evidence import evidence_block, flatten, scalar_text
from govaudit.report._html_first import (
    gate_text,
    is_warning,
    next_step,
    problems,
    responsible,
    scorecard,
    value_text,
    worst_first,
)
from govaudit.report._html_labels import auditor_label, check_label, words
from govaudit.report._html_theme import render_template
from govaudit.report._i18n import Catalogue, fmt_num, load_catalogue, localise_message
from govaudit.report._json import ensure_record
from govaudit.report._plots import PlotFunction
from govaudit.report._write import atomic_write_text

__all__ = [
    "MAX_FIRST_SCREEN",
    "auditor_order",
    "ledger_of",
    "render_html",
    "write_html",
]

_MAX_LISTED = 4
#: Blocking checks listed on the first screen (one line each); more are counted, and listed in their sections.
MAX_FIRST_SCREEN = 24
#: Findings shown open in an auditor's section; the others (passed, reported, skipped) are folded.
_ATTENTION = (Status.FAIL, Status.ERROR, Status.INCONCLUSIVE, Status.WARN)


# --------------------------------------------------------------------------- helpers shared with the card


def auditor_order(record: AuditRecord) -> list[str]:
    """Auditor names in the record's order, then any that only appear in findings."""
    names = [a.name for a in record.auditors] + [f.auditor for f in record.findings]
    return list(dict.fromkeys(names))


def ledger_of(record: AuditRecord, ledger: Mapping[str, Any] | None = None) -> Mapping[str, Any] | None:
    """The record's ledger position: given explicitly, or carried by the record; else ``None``."""
    if ledger is not None:
        return ledger
    carried = getattr(record, "ledger", None)
    if carried is None:
        return None
    if hasattr(carried, "model_dump"):
        carried = carried.model_dump(mode="json")
    return carried if isinstance(carried, Mapping) else {"position": carried}



def _check_label(f: Finding, t: Catalogue) -> str:
    label = check_label(f.check, t)
    return f"{label} ({t.join(list(f.groups))})" if f.groups else label


def _listing(t: Catalogue, labels: list[str]) -> str:
    shown = t.join(labels[:_MAX_LISTED])
    return shown if len(labels) <= _MAX_LISTED else t("report.and_more", items=shown, n=len(labels) - _MAX_LISTED)


def _count(record: AuditRecord, status: Status) -> int:
    return sum(f.status is status for f in record.findings)


def _blocked_sentence(record: AuditRecord, t: Catalogue) -> str:
    """Failed, errored and unjudged gates (an accepted inconclusive gate does not block)."""
    parts = []
    for key, chosen in (("summary.failed", lambda f: f.status is Status.FAIL),
                        ("summary.errored", lambda f: f.status is Status.ERROR),
                        ("summary.inconclusive", lambda f: f.status is Status.INCONCLUSIVE and f.blocking)):
        labels = [_check_label(f, t) for f in record.findings if chosen(f)]
        if labels:
            parts.append(t(key, n=len(labels), items=_listing(t, labels)))
    return t("summary.blocked", parts=t("meta.clause_separator").join(parts))


def verdict_sentence(record: AuditRecord, t: Catalogue) -> str:
    """What the verdict means for releasing the system, in the catalogue's language.

    Only ``pass`` findings are counted as passed: reported statistics have no gate to pass.
    """
    verdict = record.verdict.value
    if verdict in ("fail", "error", "inconclusive"):
        return _blocked_sentence(record, t)
    if verdict == "warn":
        warned = [_check_label(f, t) for f in record.findings if is_warning(f)]
        return t("summary.warned", n=len(warned), items=_listing(t, warned))
    passed, reported, skipped = (_count(record, s) for s in (Status.PASS, Status.REPORTED, Status.SKIPPED))
    key = "summary.passed" if passed else "summary.no_gate"
    return t(key, n=passed, reported=reported, skipped=skipped)


def verdict_lead(record: AuditRecord, t: Catalogue, blocking: int) -> str:
    """The first screen's lead sentence; for a pass it counts the gates met, never reported statistics."""
    verdict = record.verdict.value
    ran = len(record.findings) - _count(record, Status.SKIPPED)
    warned = sum(is_warning(f) for f in record.findings)
    if verdict == "pass":
        passed = _count(record, Status.PASS)
        return t("first.lead.pass", checks=passed) if passed else t("first.lead.no_gate", checks=ran)
    return t(f"first.lead.{verdict}", n=blocking, warned=warned, checks=ran)


def _largest_gap(record: AuditRecord) -> Finding | None:
    """The impact ratio furthest on the wrong side of its gate, a floor (``>=``) or a ceiling (``<=``)."""
    ratios = [f for f in record.findings if f.check in ("bias.impact_ratio", "bias.scoring_impact_ratio")
              and f.value is not None and f.status in (Status.FAIL, Status.WARN)]
    return min(ratios, key=worst_first) if ratios else None


def _summary(record: AuditRecord, t: Catalogue) -> list[str]:
    paragraphs = [t("report.audited", name=record.audit_name, date=record.created_at.strftime("%Y-%m-%d"),
                    version=record.govaudit_version)]
    if record.description:
        paragraphs.append(t("report.description", description=record.description))
    ran = [f for f in record.findings if f.status is not Status.SKIPPED]
    paragraphs.append(t("report.scale", auditors=len(auditor_order(record)), checks=len(ran),
                        skipped=len(record.findings) - len(ran)))
    gap = _largest_gap(record)
    if gap is not None:
        ev = gap.evidence
        paragraphs.append(t("report.largest_gap", group=ev.get("group", ""), feature=ev.get("feature", ""),
                            ratio=fmt_num(gap.value, 2), reference=ev.get("reference", "")))
    missing = [t(f"principle.{p.value}") for p in Principle if p not in record.principles]
    if missing:
        paragraphs.append(t("report.principles_missing", items=t.join(missing)))
    paragraphs.append(t("report.privacy"))
    return paragraphs


def _whys(checks: list[str], auditor: str, t: Catalogue) -> list[tuple[str, str]]:
    """Why each check matters, in words; a text shared by several checks is shown once, naming them all."""
    by_text: dict[str, list[str]] = {}
    for check in checks:
        key = f"why.{check}" if t.has(f"why.{check}") else f"why.auditor.{auditor}"
        text = t(key) if t.has(key) else t("why.generic")
        by_text.setdefault(text, []).append(check_label(check, t))
    return [(t.join(list(dict.fromkeys(labels))), text) for text, labels in by_text.items()]


def _finding_row(f: Finding, t: Catalogue) -> dict[str, Any]:
    message, original = localise_message(f, t)
    return {"status": f.status.value, "status_label": t(f"status.{f.status.value}"),
            "check": check_label(f.check, t), "groups": t.join(list(f.groups)), "value": value_text(f.value),
            "threshold": gate_text(f), "message": message, "original": original}


def _counts(findings: Sequence[Finding], t: Catalogue) -> str:
    parts = [t("report.count_status", n=n, status=t(f"status.{s.value}"))
             for s in Status if (n := sum(f.status is s for f in findings))]
    return t("report.auditor_counts", n=len(findings), parts=t.join(parts))


def _auditors(record: AuditRecord, t: Catalogue, plots: Mapping[str, Sequence[PlotFunction]] | None) -> list[dict]:
    infos = {a.name: a for a in record.auditors}
    out = []
    for index, name in enumerate(auditor_order(record), start=1):
        findings = record.findings_for(name)
        info = infos.get(name)
        checks = list(dict.fromkeys(f.check for f in findings))
        out.append({
            "anchor": f"auditor-{index}", "name": name, "heading": auditor_label(name, t),
            "meta": t("report.auditor_meta", version=info.version, package=info.package) if info else "",
            "counts": _counts(findings, t),
            "intro": t(f"why.auditor.{name}") if t.has(f"why.auditor.{name}") else "",
            "findings": [_finding_row(f, t) for f in findings if f.status in _ATTENTION],
            "others": [_finding_row(f, t) for f in findings if f.status not in _ATTENTION],
            "whys": _whys(checks, name, t),
            "blocks": [b for f in findings if (b := evidence_block(f, t, plots)) is not None],
        })
    return out


def _identity(record: AuditRecord, t: Catalogue, ledger: Mapping[str, Any] | None) -> list[tuple[str, str, bool]]:
    rows: list[tuple[str, str, bool]] = [
        (t("record.id"), record.record_id, True),
        (t("record.created"), record.created_at.isoformat(timespec="seconds"), False),
        (t("record.schema_version"), record.schema_version, False),
        (t("record.govaudit_version"), record.govaudit_version, False),
    ]
    if record.spec_sha256:
        rows.append((t("record.spec_sha256"), record.spec_sha256, True))
    if record.model is not None:
        m = record.model
        rows.append((t("record.model"), " ".join(x for x in (m.name, m.version or "") if x), False))
        rows.append((t("record.model_sha256"), m.sha256, True))
    for d in record.data:
        label = t("record.data", role=d.role, name=d.name)
        rows.append((label, d.sha256 + (f" ({t('record.rows', n=f'{d.rows:,}')})" if d.rows is not None else ""),
                     True))
    for part in ("owner", "auditor", "approver", "contact"):
        value = getattr(record.responsible, part)
        if value:
            rows.append((t(f"record.responsible_{part}"), value, False))
    for a in record.auditors:
        rows.append((t("record.auditor", name=a.name), f"{a.version} ({a.package})", False))
    if ledger:
        for key, value in flatten(ledger):
            rows.append((t("record.ledger", field=words(key)), scalar_text(value, t, key) or str(value), True))
    return rows


def _references(record: AuditRecord) -> list[tuple[str, tuple[str, ...]]]:
    named = dict.fromkeys(r for f in record.findings for r in f.references)
    rows = [(ref, tuple(checks)) for ref, checks in record.references.items()]
    rows += [(ref, ()) for ref in named if ref not in record.references]
    return rows


def report_context(record: AuditRecord, t: Catalogue, *, ledger: Mapping[str, Any] | None = None,
                   plots: Mapping[str, Sequence[PlotFunction]] | None = None) -> dict[str, Any]:
    """Everything the report template shows, as plain values (escaped by the template)."""
    statuses = [f.status for f in record.findings]
    auditors = _auditors(record, t, plots)
    blocking = problems(record, t)
    verdict = record.verdict.value
    return {
        "t": t,
        "lang": t.html_lang,
        "version": __version__,
        "title": t("report.title", name=record.audit_name),
        "verdict": verdict,
        "verdict_label": t(f"verdict.{verdict}"),
        "verdict_lead": verdict_lead(record, t, len(blocking)),
        "verdict_sentence": verdict_sentence(record, t),
        "problems": blocking[:MAX_FIRST_SCREEN],
        "more_problems": max(len(blocking) - MAX_FIRST_SCREEN, 0),
        "warned": sum(is_warning(f) for f in record.findings),
        "scorecard": scorecard(record, t),
        "responsible": responsible(record, t),
        "next_step": next_step(record, t),
        "summary": _summary(record, t),
        "status_counts": [{"status": s.value, "label": t(f"status.{s.value}"), "count": statuses.count(s),
                           "help": t(f"status_help.{s.value}")} for s in Status],
        "auditors": auditors,
        "principles": [(t(f"principle.{p.value}"), [check_label(c, t) for c in record.principles.get(p, ())])
                       for p in Principle],
        "references": [(ref, [check_label(c, t) for c in checks]) for ref, checks in _references(record)],
        "coverage": coverage_rows(record, t),
        "loosened": record.coverage_matrix.loosened if record.coverage_matrix is not None else (),
        "identity": _identity(record, t, ledger_of(record, ledger)),
    }


def render_html(record: AuditRecord, *, lang: str = "en", ledger: Mapping[str, Any] | None = None,
                plots: Mapping[str, Sequence[PlotFunction]] | None = None) -> str:
    """The record as one self-contained HTML page.

    Parameters
    ----------
    record : AuditRecord
    lang : {"en", "zh"}
        Language of every fixed text (and of the findings the catalogue knows how to word).
    ledger : mapping, optional
        The record's position in a ledger (e.g. sequence number, entry hash, root); shown with the
        record's identity. Default: what the record carries, if anything; otherwise no ledger row.
    plots : mapping, optional
        Check id -> plot functions; default :data:`govaudit.report.PLOTS`.

    Returns
    -------
    str
        HTML with inline CSS and SVG, no script and no external resource.

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    InputDataError
        If there is no catalogue for ``lang``.
    """
    record = ensure_record(record)
    t = load_catalogue(lang)
    return render_template("report.html", **report_context(record, t, ledger=ledger, plots=plots))


def write_html(record: AuditRecord, path: Path, *, lang: str = "en",
               ledger: Mapping[str, Any] | None = None) -> Path:
    """Render :func:`render_html` and write it to ``path`` atomically; returns ``path``."""
    return atomic_write_text(Path(path), render_html(record, lang=lang, ledger=ledger))
