"""The public transparency card: one page for citizens about one audited system.

What the system decides, who is responsible, what data it uses, what was checked and found, and
how to ask for a human review or appeal (the spec's ``[transparency]`` section). Groups with fewer
people than the bias auditor's ``suppress_below`` are shown as "fewer than N", without a rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit._version import __version__
from govaudit.core import Status
from govaudit.records._record import AuditRecord
from govaudit.report._html import auditor_order
from govaudit.report._html_theme import render_template
from govaudit.report._i18n import Catalogue, fmt_share, load_catalogue
from govaudit.report._json import ensure_record

__all__ = ["DEFAULT_SUPPRESS_BELOW", "TRANSPARENCY_FIELDS", "card_context", "render_card", "suppression_limit"]

#: Used when the record does not say (the bias auditor's default).
DEFAULT_SUPPRESS_BELOW = 10
#: Fields of the spec's ``[transparency]`` section the card shows.
TRANSPARENCY_FIELDS = ("decides", "data_used", "human_review", "appeal", "contact", "website")


def suppression_limit(record: AuditRecord) -> int:
    """The smallest group size whose figures may be published, from the bias auditor's settings."""
    for info in record.auditors:
        if info.name == "bias":
            value = info.config.get("suppress_below")
            if isinstance(value, int) and not isinstance(value, bool):
                return max(value, 1)
    return DEFAULT_SUPPRESS_BELOW


def _transparency(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    if not isinstance(value, Mapping):
        raise TypeError(f"transparency must be a mapping or a TransparencySpec, got {type(value).__name__}")
    return {k: str(value[k]) for k in TRANSPARENCY_FIELDS if value.get(k)}


def _rate_tables(record: AuditRecord, t: Catalogue, limit: int) -> tuple[list[dict], bool]:
    tables, hidden = [], False
    for f in record.findings:
        groups = f.evidence.get("groups")
        if f.check != "bias.group_metrics" or not isinstance(groups, list):
            continue
        rows = []
        for r in groups:
            if not isinstance(r, Mapping):
                continue
            count = r.get("count")
            small = not isinstance(count, int) or count < limit  # a primary cell: its size is not shown either
            withheld = small or bool(r.get("suppressed"))  # a secondary cell hides its rate, not its size
            hidden = hidden or withheld
            people = t("card.fewer_than", n=limit) if small else f"{count:,}"
            rate = t("card.withheld") if withheld else fmt_share(r.get("selection_rate"))
            rows.append((str(r.get("group")), people, rate))
        tables.append({"caption": t("card.rates_caption", feature=f.evidence.get("feature", "")), "rows": rows})
    return tables, hidden


def _checked(record: AuditRecord, t: Catalogue) -> list[str]:
    lines = []
    for name in auditor_order(record):
        findings = [f for f in record.findings_for(name) if f.status is not Status.SKIPPED]
        if not findings:
            continue
        heading = t(f"auditor.{name}") if t.has(f"auditor.{name}") else t("auditor.other", name=name)
        count = {s: sum(f.status is s for f in findings) for s in Status}
        lines.append(t("card.auditor_line", auditor=heading, checks=len(findings), passed=count[Status.PASS],
                       failed=count[Status.FAIL], warned=count[Status.WARN], errored=count[Status.ERROR],
                       undecided=count[Status.INCONCLUSIVE], reported=count[Status.REPORTED]))
    return lines


def render_card(record: AuditRecord, *, lang: str = "en", transparency: Any = None,
                suppress_below: int | None = None) -> str:
    """A one-page public transparency card as self-contained HTML.

    Parameters
    ----------
    record : AuditRecord
    lang : {"en", "zh"}
    transparency : TransparencySpec or mapping, optional
        The spec's ``[transparency]`` section: ``decides``, ``data_used``, ``human_review``,
        ``appeal``, ``contact``, ``website``. Missing texts are shown as "not stated".
    suppress_below : int, optional
        Groups with fewer people are shown as "fewer than N" without a rate; default: the bias
        auditor's ``suppress_below`` recorded in the record (10 if absent).

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    """
    return render_template("card.html", version=__version__,
                           **card_context(record, lang=lang, transparency=transparency, suppress_below=suppress_below))


def card_context(record: AuditRecord, *, lang: str = "en", transparency: Any = None,
                 suppress_below: int | None = None) -> dict[str, Any]:
    """What the card shows, as the context of ``_card_body.html`` (the card page and the register include it).

    Parameters are those of :func:`render_card`.
    """
    record = ensure_record(record)
    t = load_catalogue(lang)
    info = _transparency(transparency)
    limit = suppression_limit(record) if suppress_below is None else max(int(suppress_below), 1)
    not_stated = t("card.not_stated")
    responsible = [(t(f"record.responsible_{part}"), getattr(record.responsible, part) or not_stated)
                   for part in ("owner", "auditor", "approver")]
    data = [info["data_used"]] if "data_used" in info else []
    for d in record.data:
        data.append(t("card.data_file", name=d.name, rows=f"{d.rows:,}") if d.rows is not None
                    else t("card.data_file_no_rows", name=d.name))
    if not data:
        data = [not_stated]
    tables, hidden = _rate_tables(record, t, limit)
    review = [(t("card.human_review"), info.get("human_review", not_stated)),
              (t("card.appeal"), info.get("appeal", not_stated)),
              (t("card.contact"), info.get("contact") or record.responsible.contact or not_stated)]
    if "website" in info:
        review.append((t("card.website"), info["website"]))
    verdict = record.verdict.value
    return dict(
        t=t, lang=t.html_lang, title=t("card.title", name=record.audit_name),
        verdict=verdict, verdict_label=t(f"verdict.{verdict}"), verdict_text=t(f"card.verdict.{verdict}"),
        decides=info.get("decides") or record.description or not_stated,
        responsible=responsible, data=data, checked=_checked(record, t), rate_tables=tables,
        small_note=t("card.small_note", n=limit) if hidden else "", review=review,
        footer=t("card.footer", record_id=record.record_id, date=record.created_at.strftime("%Y-%m-%d")),
    )
