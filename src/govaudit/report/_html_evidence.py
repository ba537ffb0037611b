"""A finding's evidence as the HTML report shows it: group tables, gaps, lists, supporting figures, plots.

Every label is words (:mod:`govaudit.report._html_labels`), never an evidence key; a pair of numbers
is shown as an interval only when its key says it is one (``ci``, ``*_ci``, ``interval``), so that
``seeds = [0, 1]`` stays two seeds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from govaudit.core import Finding
from govaudit.report._html_groups import group_tables
from govaudit.report._html_labels import check_label, field_label
from govaudit.report._i18n import Catalogue, fmt_ci, fmt_num
from govaudit.report._plots import PlotFunction, plots_for

__all__ = ["evidence_block", "flatten", "is_interval_key", "scalar_text"]

#: Supporting figures are listed when the evidence has at most this many flat fields.
_MAX_EVIDENCE_FIELDS = 40
#: A list of records is shown as a table when it has at most this many rows.
_MAX_LIST_ROWS = 60
_INTERVAL_KEYS = ("ci", "interval", "gap_ci", "coverage_ci")


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


def is_interval_key(key: str) -> bool:
    """Whether an evidence key names an interval (a ``[low, high]`` pair)."""
    leaf = key.rsplit(".", 1)[-1]
    return leaf in _INTERVAL_KEYS or leaf.endswith("_ci") or leaf.endswith("_interval")


def scalar_text(value: Any, t: Catalogue, key: str = "") -> str | None:
    """A field value as text, or ``None`` when it is too complex for a small table."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t(f"value.{str(value).lower()}")
    identifier = "seed" in key.rsplit(".", 1)[-1]  # a seed is a name, not a quantity: no thousands separators
    if isinstance(value, (int, float)):
        if isinstance(value, float):
            return fmt_num(value, 4)
        return str(value) if identifier else f"{value:,}"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(v is None or isinstance(v, (str, int, float, bool)) for v in value):
        if not value:
            return t("value.none")
        if len(value) == 2 and is_interval_key(key):
            return fmt_ci(value)
        if len(value) <= 12:
            return t.join(["—" if v is None else (f"{v:,}" if isinstance(v, int) and not isinstance(v, bool)
                                                   and not identifier else str(v)) for v in value])
    return None


def _disparities(finding: Finding, t: Catalogue) -> dict[str, Any] | None:
    """Gap measures; measures with the same value are one row (two names, not two metrics)."""
    disparities = finding.evidence.get("disparities")
    if not isinstance(disparities, Mapping) or not disparities:
        return None
    merged: dict[str, dict[str, Any]] = {}
    for name, item in disparities.items():
        if not isinstance(item, Mapping):
            continue
        label = t(f"metric.{name}") if t.has(f"metric.{name}") else field_label(str(name), t)
        value = fmt_num(item.get("value"))
        row = merged.setdefault(value, {"names": [], "value": value, "intervals": []})
        row["names"].append(label)
        interval = fmt_ci(item.get("ci"))
        if interval not in row["intervals"]:
            row["intervals"].append(interval)
    rows = [(t("report.same_value", names=t.join(r["names"])) if len(r["names"]) > 1 else r["names"][0],
             r["value"], t.join(r["intervals"])) for r in merged.values()]
    return {"rows": rows, "caption": t("report.disparities_caption", feature=finding.evidence.get("feature", ""))}


def _list_tables(finding: Finding, t: Catalogue, skip: Sequence[str]) -> list[dict[str, Any]]:
    """Each list of records in the evidence (reviewers, months, features ...) as a small table."""
    tables = []
    for key, value in finding.evidence.items():
        if key in skip or not isinstance(value, list) or not value or len(value) > _MAX_LIST_ROWS:
            continue
        if not all(isinstance(r, Mapping) for r in value):
            continue
        columns = [c for c in dict.fromkeys(k for r in value for k in r)
                   if all(scalar_text(r.get(c), t, c) is not None for r in value)]
        if not columns:
            continue
        rows = [[(scalar_text(r.get(c), t, c) or "—", _is_numeric(r.get(c))) for c in columns] for r in value]
        tables.append({"caption": field_label(key, t), "header": [field_label(c, t) for c in columns],
                       "rows": rows})
    return tables


def _is_numeric(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
        isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value))


def _fields(finding: Finding, t: Catalogue, skip: Sequence[str]) -> list[tuple[str, str, bool]]:
    """Flat supporting figures as (label, text, numeric), leaving out what a table shows."""
    fields = [(k, v) for k, v in flatten({k: v for k, v in finding.evidence.items() if k not in skip})
              if not (isinstance(v, list) and v and all(isinstance(r, Mapping) for r in v))]
    if len(fields) > _MAX_EVIDENCE_FIELDS:
        fields = fields[:_MAX_EVIDENCE_FIELDS]
    return [(field_label(k, t), text, _is_numeric(v)) for k, v in fields
            if (text := scalar_text(v, t, k)) is not None]


def _heading(finding: Finding, t: Catalogue, has_groups: bool) -> str:
    ev = finding.evidence
    subject = str(ev.get("feature") or ev.get("table") or ev.get("dataset") or t.join(list(finding.groups)))
    if finding.check == "bias.group_metrics" and has_groups:
        return t("report.groups_heading", feature=subject)
    if finding.check == "bias.scoring_rates" and has_groups:
        return t("report.scoring_heading", feature=subject)
    label = check_label(finding.check, t)
    rate = ev.get("rate")
    if isinstance(rate, str) and t.has(f"metric.{rate}"):  # e.g. appeals by group: appeal rate, or success rate
        subject = t("report.block_heading", check=subject, subject=t(f"metric.{rate}")) if subject else t(f"metric.{rate}")
    return t("report.block_heading", check=label, subject=subject) if subject else label


def evidence_block(finding: Finding, t: Catalogue,
                   plots: Mapping[str, Sequence[PlotFunction]] | None) -> dict | None:
    """The finding's evidence section (heading, notes, tables, plots), or ``None`` when it shows nothing."""
    tables = group_tables(finding, t)
    drawn = plots_for(finding, t, plots)
    skip = ["groups", "disparities", "metrics"] if tables is not None else []
    lists = _list_tables(finding, t, skip)
    fields = _fields(finding, t, [*skip, "significance"])
    disparities = _disparities(finding, t) if tables is not None else None
    if tables is None and not drawn and not lists and not fields:
        return None
    ev = finding.evidence
    notes = []
    if tables is not None and ev.get("reference") is not None:
        notes.append(t("report.reference_group", reference=ev["reference"]))
    if tables is not None and isinstance(ev.get("confidence"), (int, float)) and ev.get("n_resamples"):
        notes.append(t("report.interval_note", confidence=f"{float(ev['confidence']) * 100:g}%",
                       n_resamples=ev.get("n_resamples", "—")))
    claim = (ev.get("significance") or {}).get("claim") if isinstance(ev.get("significance"), Mapping) else None
    if claim and t.lang == "en":
        notes.append(str(claim))
    return {"heading": _heading(finding, t, tables is not None), "status": finding.status.value,
            "status_label": t(f"status.{finding.status.value}"), "notes": notes, "tables": tables,
            "disparities": disparities, "plots": drawn, "lists": lists,
            "fields": {"rows": fields, "caption": t("report.evidence_caption")} if fields else None}
