"""A finding's evidence as the HTML report shows it: per-group table, disparities, field table, plots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from govaudit.core import Finding
from govaudit.report._html_theme import PALETTE
from govaudit.report._i18n import Catalogue, fmt_ci, fmt_num, fmt_share
from govaudit.report._plots import PlotFunction, plots_for

__all__ = ["evidence_block", "flatten", "group_table", "scalar_text"]

#: Evidence shown as a field/value table only when it has at most this many flat fields.
_MAX_EVIDENCE_FIELDS = 20
_RATE_KEYS = ("selection_rate", "scoring_rate", "tpr", "fpr", "fnr", "tnr", "precision", "accuracy")


def flatten(value: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings as ``(dotted.key, value)`` pairs, in order."""
    out: list[tuple[str, Any]] = []
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping):
            out.extend(flatten(item, name + "."))
        else:
            out.append((name, item))
    return out


def _field_label(key: str, t: Catalogue) -> str:
    name = "field." + key.replace(".", "_")
    return t(name) if t.has(name) else key


def scalar_text(value: Any, t: Catalogue) -> str | None:
    """A field value as text, or ``None`` when it is too complex for a small table."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t(f"value.{str(value).lower()}")
    if isinstance(value, (int, float)):
        return fmt_num(value, 4) if isinstance(value, float) else f"{value:,}"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and len(value) <= 6 and all(
            v is None or isinstance(v, (str, int, float, bool)) for v in value):
        if len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return fmt_ci(value)
        return ", ".join("—" if v is None else str(v) for v in value)
    return None


def _status_label(t: Catalogue, status: str) -> str:
    return t(f"status.{status}") if t.has(f"status.{status}") else status


def group_table(finding: Finding, t: Catalogue) -> dict[str, Any] | None:
    """The evidence's per-group rows as a table: counts, rates with intervals, status and note."""
    ev = finding.evidence
    groups = ev.get("groups")
    if not isinstance(groups, list) or not groups or not all(isinstance(r, Mapping) and "group" in r
                                                              for r in groups):
        return None
    metrics = [m for m in ev.get("metrics", []) if isinstance(m, str)] or [
        k for k in _RATE_KEYS if any(k in r for r in groups)]
    if any("impact_ratio" in r for r in groups):
        metrics.append("impact_ratio")
    header = [t("column.group"), t("column.count"), t("column.share")]
    header += [t(f"metric.{m}") if t.has(f"metric.{m}") else m for m in metrics]
    header += [t("column.status"), t("column.note")]
    rows = []
    for r in groups:
        count = r.get("count")
        cells: list[Any] = [str(r.get("group")), (_count(count), ""), (fmt_share(r.get("share")), "")]
        for m in metrics:
            value, ci = fmt_num(r.get(m)), fmt_ci(r.get(f"{m}_ci"))
            cells.append((value, "" if ci == "—" or value == "—" else ci))
        status = str(r.get("status", "")) or "skipped"
        cells.append((status if status in PALETTE["status"] else "skipped", _status_label(t, status)))
        cells.append(_note(r, t))
        rows.append(cells)
    caption = t("report.group_caption", feature=ev.get("feature", ""), total=fmt_num(ev.get("total"), 0))
    return {"header": header, "rows": rows, "caption": caption}


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else fmt_num(value)


def _note(row: Mapping[str, Any], t: Catalogue) -> str:
    """A group's note: worded by the catalogue when the language is not the auditor's (English)."""
    note = row.get("note")
    if not note:
        return ""
    if t.lang == "en":
        return str(note)
    n = row.get("count")
    if row.get("suppressed"):
        secondary = row.get("suppression") in ("secondary", "linked")
        return t("note.suppressed_secondary" if secondary else "note.suppressed", n=n)
    status = row.get("status")
    if status in ("excluded", "warn", "inconclusive") and t.has(f"note.{status}"):
        return t(f"note.{status}", n=n)
    return t("note.other")


def _disparities(finding: Finding, t: Catalogue) -> dict[str, Any] | None:
    disparities = finding.evidence.get("disparities")
    if not isinstance(disparities, Mapping) or not disparities:
        return None
    rows = []
    for name, item in disparities.items():
        if not isinstance(item, Mapping):
            continue
        label = t(f"metric.{name}") if t.has(f"metric.{name}") else str(name)
        rows.append((label, fmt_num(item.get("value")), fmt_ci(item.get("ci"))))
    return {"rows": rows, "caption": t("report.disparities_caption", feature=finding.evidence.get("feature", ""))}


def _evidence_table(finding: Finding, t: Catalogue) -> dict[str, Any] | None:
    fields = flatten(finding.evidence)
    if not fields or len(fields) > _MAX_EVIDENCE_FIELDS:
        return None
    rows = [(_field_label(key, t), text) for key, value in fields if (text := scalar_text(value, t)) is not None]
    if len(rows) != len(fields):
        return None
    return {"rows": rows, "caption": t("report.evidence_caption")}


def evidence_block(finding: Finding, t: Catalogue,
                   plots: Mapping[str, Sequence[PlotFunction]] | None) -> dict | None:
    """The finding's evidence section (heading, notes, tables, plots), or ``None`` when it shows nothing."""
    table = group_table(finding, t)
    drawn = plots_for(finding, t, plots)
    disparities = _disparities(finding, t) if table is not None else None
    evidence = None if table is not None else _evidence_table(finding, t)
    if table is None and not drawn and evidence is None:
        return None
    ev = finding.evidence
    subject = ev.get("feature") or ", ".join(finding.groups)
    if table is not None and finding.auditor == "bias":
        key = "report.groups_heading" if finding.check == "bias.group_metrics" else "report.scoring_heading"
        heading = t(key, feature=subject)
    else:
        heading = f"{finding.check} · {subject}" if subject else finding.check
    notes = []
    if table is not None and ev.get("reference") is not None:
        notes.append(t("report.reference_group", reference=ev["reference"]))
    if table is not None and isinstance(ev.get("confidence"), (int, float)):
        notes.append(t("report.interval_note", confidence=f"{float(ev['confidence']) * 100:g}%",
                       n_resamples=ev.get("n_resamples", "—")))
    return {"heading": heading, "notes": notes, "group_table": table, "disparities": disparities,
            "plots": drawn, "evidence": evidence}
