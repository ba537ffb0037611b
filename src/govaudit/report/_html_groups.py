"""Per-group tables of a finding's evidence: a main table with the key rates, the full table in blocks.

A group table of the bias auditor can carry a score of measures per group (rates, counts, ratios and
differences to the reference); shown in one table it runs off the page. The main table keeps the
measures a reader needs first (the gated rate, the error rates, the ratio); every measure is in the
full table, folded, split into blocks of a few columns so that no block is wider than the page.
Any numeric per-group key is shown, with a label in words, so a new measure needs no change here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from govaudit.core import Finding
from govaudit.report._html_labels import field_label
from govaudit.report._html_theme import PALETTE
from govaudit.report._i18n import Catalogue, fmt_ci, fmt_num, fmt_share

__all__ = ["BLOCK_COLUMNS", "group_tables", "group_total"]

#: Measures per block of the full table (besides the group column).
BLOCK_COLUMNS = 6
#: Per-group keys that are counts of people (shown as whole numbers, first).
_COUNT_KEYS = ("count", "cases", "n", "reviews")
#: Per-group keys that are not measures.
_NOT_MEASURES = {"group", "status", "note", "suppressed", "suppression", "share", "compared", "judged",
                 "flagged", *_COUNT_KEYS}
#: The measures of the main table, in order, when a row has them.
_KEY_RATES = ("selection_rate", "scoring_rate", "fpr", "fnr", "impact_ratio")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _rows(finding: Finding) -> list[Mapping[str, Any]] | None:
    groups = finding.evidence.get("groups")
    if not isinstance(groups, list) or not groups or not all(isinstance(r, Mapping) and "group" in r
                                                              for r in groups):
        return None
    return groups


def _measures(finding: Finding, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every numeric per-group measure, the auditor's declared order first."""
    declared = [m for m in finding.evidence.get("metrics", []) if isinstance(m, str)]
    seen = [k for r in rows for k, v in r.items()
            if k not in _NOT_MEASURES and not k.endswith("_ci") and (_is_number(v) or v is None)]
    return list(dict.fromkeys([*declared, *seen]))


def _key_measures(finding: Finding, measures: Sequence[str]) -> list[str]:
    rate = finding.evidence.get("rate")
    wanted = [*([rate] if isinstance(rate, str) else []), *_KEY_RATES, "ratio_to_highest", "ratio"]
    key = [m for m in wanted if m in measures]
    return list(dict.fromkeys(key)) or list(measures[:3])


def _label(measure: str, t: Catalogue) -> str:
    return t(f"metric.{measure}") if t.has(f"metric.{measure}") else field_label(measure, t)


def _count_key(rows: Sequence[Mapping[str, Any]]) -> str | None:
    return next((k for k in _COUNT_KEYS if any(_is_number(r.get(k)) for r in rows)), None)


def group_total(finding: Finding) -> int | None:
    """People in all the groups: the evidence's ``total``, else the sum of the group counts, else ``None``."""
    total = finding.evidence.get("total")
    if _is_number(total):
        return int(total)
    rows = _rows(finding) or []
    key = _count_key(rows)
    counts = [r.get(key) for r in rows] if key else []
    return int(sum(counts)) if counts and all(_is_number(c) for c in counts) else None


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else fmt_num(value)


def _status_label(t: Catalogue, status: str) -> str:
    return t(f"status.{status}") if t.has(f"status.{status}") else status


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


def _cell(row: Mapping[str, Any], measure: str) -> tuple[str, str]:
    raw = row.get(measure)
    value = _count(raw) if isinstance(raw, int) else fmt_num(raw)  # counts (tp, fp ...) as whole numbers
    ci = fmt_ci(row.get(f"{measure}_ci"))
    return value, ("" if ci == "—" or value == "—" else ci)


def _table(rows: Sequence[Mapping[str, Any]], measures: Sequence[str], t: Catalogue, caption: str, *,
           lead: bool) -> dict[str, Any]:
    """One table: group, (counts, share,) the measures, (status and note when ``lead``)."""
    count_key = _count_key(rows)
    with_share = any(_is_number(r.get("share")) for r in rows)
    header = [t("column.group")]
    if lead:
        count_label = t("column.people") if count_key in ("count", "n") else field_label(str(count_key), t)
        header += ([count_label] if count_key else []) + ([t("column.share")] if with_share else [])
    header += [_label(m, t) for m in measures]
    with_status = lead and any(r.get("status") for r in rows)
    if with_status:
        header += [t("column.status"), t("column.note")]
    body = []
    for r in rows:
        cells: list[tuple[str, str]] = []
        if lead:
            cells += [(_count(r.get(count_key)), "")] if count_key else []
            cells += [(fmt_share(r.get("share")), "")] if with_share else []
        cells += [_cell(r, m) for m in measures]
        status = str(r.get("status") or "skipped")
        body.append({"group": str(r.get("group")), "cells": cells,
                     "status": (status if status in PALETTE["status"] else "skipped", _status_label(t, status))
                     if with_status else None,
                     "note": _note(r, t) if with_status else ""})
    return {"header": header, "rows": body, "caption": caption}


def group_tables(finding: Finding, t: Catalogue) -> dict[str, Any] | None:
    """The main table (key rates) and the full table in blocks; ``None`` without per-group rows.

    Returns
    -------
    dict or None
        ``main``: a table; ``full``: a list of tables (empty when the main table already shows
        every measure); ``caption`` of the whole.
    """
    rows = _rows(finding)
    if rows is None:
        return None
    measures = _measures(finding, rows)
    key = _key_measures(finding, measures)
    feature = finding.evidence.get("feature") or ", ".join(finding.groups)
    total = group_total(finding)
    caption = (t("report.group_caption", feature=feature, total=f"{total:,}") if total is not None
               else t("report.group_caption_no_total", feature=feature))
    main = _table(rows, key, t, caption, lead=True)
    rest = [m for m in measures if m not in key]
    full = []
    if rest:
        every = [*key, *rest]
        chunks = [every[i:i + BLOCK_COLUMNS] for i in range(0, len(every), BLOCK_COLUMNS)]
        for i, chunk in enumerate(chunks, start=1):
            full.append(_table(rows, chunk, t, t("report.full_table_part", feature=feature, part=i,
                                                     parts=len(chunks)), lead=False))
    return {"main": main, "full": full, "caption": caption}
