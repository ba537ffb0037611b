"""The bias auditor's published tables: group metrics, scoring rates, small groups, ratios, disparities.

``bias.group_metrics`` and ``bias.scoring_rates`` hold the tables (one row per group, with the
count always shown); the other findings quote numbers of the same groups, so they are rewritten
from the same cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._edit import (WHY, blank_row, cell_note, copy_evidence, numerator, outcome, read_state,
                                      rewritten, withhold_ci)
from govaudit.disclosure._tables import PUBLISHED, Cell, Table

__all__ = ["read", "rewrite"]

#: rows whose rates enter ratios, disparities and tests (the others are excluded or warned about)
_COMPARED = frozenset({"pass", "fail", "reference", "inconclusive"})
_TABLES = {"bias.group_metrics": ("selection", "selection_rate"), "bias.scoring_rates": ("scoring", "scoring_rate")}
_RATIOS = {"bias.impact_ratio": "selection", "bias.scoring_impact_ratio": "scoring"}
_DISPARITIES = frozenset({"bias.demographic_parity_difference", "bias.demographic_parity_ratio",
                          "bias.equalized_odds_difference", "bias.equalized_odds_ratio",
                          "bias.equal_opportunity_difference"})
_KEEP = ("group", "count", "share", "status", "note")
#: decisions (and observed outcomes) of the evaluation rows; their scores form another universe
UNIVERSES = {"selection": ("data", "outcomes"), "scoring": ("data", "scores")}


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """The table of a group-metrics or scoring-rates finding (none for other findings)."""
    spec = _TABLES.get(finding.check)
    ev = finding.evidence
    rows = ev.get("groups")
    if spec is None or not isinstance(rows, list):
        return []
    feature = str(ev.get("feature", ""))
    cells = []
    for row in rows:
        count = int(row.get("count") or 0)
        state = read_state(row, not row.get("suppressed"), count, threshold)
        cells.append(Cell(label=str(row.get("group")), count=count, parts=None, state=state,
                          value=numerator(row.get(spec[1]), count) if state == PUBLISHED else None,
                          compared=row.get("status") in _COMPARED,
                          reference=ev.get("reference") is not None and row.get("group") == ev.get("reference")))
    return [Table(universe=UNIVERSES[spec[0]], check=finding.check, feature=feature, measure=spec[1],
                  columns=tuple(str(c) for c in ev.get("columns") or (feature,)), cells=cells, finding=index,
                  key=("bias", spec[0], feature))]


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with everything withheld that would reveal a withheld group's numbers."""
    ev = finding.evidence
    feature = str(ev.get("feature", ""))
    if finding.check in _TABLES:
        table = tables.get(("bias", _TABLES[finding.check][0], feature))
        return _table(finding, table, threshold) if table is not None else None
    if finding.check == "bias.small_groups":
        table = tables.get(("bias", "selection", feature)) or tables.get(("bias", "scoring", feature))
        return _small_groups(finding, table) if table is not None else None
    if finding.check in _RATIOS and "group" in ev:
        table = tables.get(("bias", _RATIOS[finding.check], feature))
        return _ratio(finding, table) if table is not None else None
    if finding.check in _DISPARITIES:
        table = tables.get(("bias", "selection", feature))
        return _disparity(finding, table) if table is not None else None
    return None


def _compared_withheld(table: Table) -> bool:
    return any(c.compared and c.withheld for c in table.cells)


def _table(finding: Finding, table: Table, threshold: int) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    rate = table.measure
    notes: list[str] = []
    rows = []
    for cell, row in zip(table.cells, ev["groups"]):
        if cell.withheld and not row.get("suppressed"):
            row = {**blank_row(row, _KEEP), "suppressed": True, "suppression": cell.state,
                   "note": cell_note(cell, threshold)}
        rows.append(row)
    ev["groups"] = rows
    coupled = table.any_withheld()  # the bootstrap resamples every group with one random stream
    if any(c.reference and c.withheld for c in table.cells):
        for row in rows:
            row["impact_ratio"], row["impact_ratio_ci"] = None, [None, None]
        notes.append("impact ratios (reference group withheld)")
    elif coupled and sum(withhold_ci(row, "impact_ratio_ci") for row in rows):
        notes.append("impact ratio intervals (bootstrap over every group)")
    disparities = ev.get("disparities") if isinstance(ev.get("disparities"), dict) else {}
    if disparities and _compared_withheld(table):
        ev["disparities"] = {k: {"value": None, "ci": [None, None]} for k in disparities}
        notes.append("disparities")
    elif disparities and coupled and sum(withhold_ci(d, "ci") for d in disparities.values() if isinstance(d, dict)):
        notes.append("disparity intervals (bootstrap over every group)")
    message = finding.message
    if _compared_withheld(table):
        message = _range_message(table, rows, rate, ev)
    return rewritten(finding, ev, message=message), [f"{finding.check} {table.feature}: {n}" for n in notes]


def _range_message(table: Table, rows: list[dict[str, Any]], rate: str, ev: Mapping[str, Any]) -> str:
    shown = [r for c, r in zip(table.cells, rows) if c.compared and not c.withheld and isinstance(r.get(rate), float)]
    what = "selection rates" if rate == "selection_rate" else "shares scoring above the median"
    withheld = sum(c.compared and c.withheld for c in table.cells)
    if len(shown) > 1:
        lo, hi = min(shown, key=lambda r: r[rate]), max(shown, key=lambda r: r[rate])
        text = (f"By {table.feature}, the {what} shown range from {lo[rate]:.3f} ({lo['group']}) to "
                f"{hi[rate]:.3f} ({hi['group']})")
    elif shown:
        text = f"By {table.feature}, of the {what} compared only {shown[0]['group']}'s is shown ({shown[0][rate]:.3f})"
    else:
        text = f"By {table.feature}, no group's {what} can be shown"
    text += f"; {withheld} compared group(s) have their rates withheld {WHY}."
    unknown = ev.get("unknown_count")
    if isinstance(unknown, int) and unknown:
        text += f" {unknown} people have an unknown {table.feature}."
    return text


def _small_groups(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    for row in ev.get("groups", []):
        cell = table.cell(str(row.get("group")))
        if cell is not None and cell.withheld:
            row["selection_rate"] = None
    return rewritten(finding, ev), []


def _ratio(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    group, ref = table.cell(str(ev.get("group"))), table.cell(str(ev.get("reference")))
    where = f"{finding.check} {table.feature} {ev.get('group')}"
    if (group is not None and group.withheld) or (ref is not None and ref.withheld):
        if group is not None and group.withheld:
            ev["rate"] = None
        if ref is not None and ref.withheld:
            ev["reference_rate"] = None
        ev["ci"] = [None, None]
        if isinstance(ev.get("test"), dict):
            ev["test"].update(statistic=None, p_value=None, shortfall=None)
        message = (f"The impact ratio of {ev.get('group')!r} against {ev.get('reference')!r} ({table.feature}) is "
                   f"withheld {WHY}; {outcome(finding)}.")
        return rewritten(finding, ev, value=None, message=message), [f"{where}: impact ratio, rates, interval, test"]
    if table.any_withheld() and withhold_ci(ev, "ci"):
        return rewritten(finding, ev), [f"{where}: interval (bootstrap over every group)"]
    return rewritten(finding, ev), []


def _disparity(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    where = f"{finding.check} {table.feature}"
    if finding.value is not None and _compared_withheld(table):
        ev["ci"] = [None, None]
        if isinstance(ev.get("test"), dict):
            ev["test"].update(statistic=None, p_value=None)
        words = finding.check.split(".", 1)[1].replace("_", " ")
        message = f"By {table.feature}, the {words} is withheld {WHY}; {outcome(finding)}."
        return rewritten(finding, ev, value=None, message=message), [f"{where}: value, interval, test"]
    if table.any_withheld() and withhold_ci(ev, "ci"):
        return rewritten(finding, ev), [f"{where}: interval (bootstrap over every group)"]
    return rewritten(finding, ev), []
