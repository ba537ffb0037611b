"""The amounts auditor's published numbers: per group, how many are paid above the cut, and their mean.

``amounts.group_amounts`` lists, per group, its size, the share paid above a cut (whose numerator is
a count of people) and the mean amount (whose numerator, count x mean, is a sum over the same people).
Both are sums over people, so the attacker's equations (totals, margins of intersections) are the
same for the two: a group whose count above the cut cannot be worked out cannot have its total
amount worked out either. The count above the cut is protected as a universe; a withheld cell loses
every number of its row (mean, median, shares, distances, errors), and its gate findings their values.
A withheld reference group takes every group's ratio and difference to it along.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._edit import WHY, blank_row, cell_note, copy_evidence, numerator, outcome, read_state, \
    rewritten
from govaudit.disclosure._tables import PUBLISHED, Cell, Table

__all__ = ["read", "rewrite"]

_TABLE = "amounts.group_amounts"
_GATES = ("amounts.mean_ratio", "amounts.above_ratio", "amounts.group_mae", "amounts.underpaid_share")
_KEEP = ("group", "count", "reference", "status")
_COMPARED = ("mean_difference", "mean_difference_ci", "mean_ratio", "mean_ratio_ci", "above_ratio",
             "above_ratio_ci", "p_value", "above_p_value")


def _is_table(finding: Finding) -> bool:
    rows = finding.evidence.get("groups")
    return finding.check == _TABLE and isinstance(rows, list) and all(isinstance(r, dict) for r in rows)


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """The table of counts above the cut of a group-amounts finding (none for other findings)."""
    if not _is_table(finding):
        return []
    ev = finding.evidence
    feature = str(ev.get("feature", ""))
    cells = []
    for row in ev["groups"]:
        count = int(row.get("count") or 0)
        shown = row.get("above_share") is not None
        state = read_state(row, shown, count, threshold)
        cells.append(Cell(label=str(row.get("group")), count=count, parts=None, state=state,
                          value=numerator(row.get("above_share"), count) if state == PUBLISHED else None,
                          compared=row.get("status") == "compared", reference=bool(row.get("reference"))))
    return [Table(universe=("amounts", "above"), check=finding.check, feature=feature, measure="above_share",
                  columns=tuple(str(c) for c in ev.get("columns") or (feature,)), cells=cells, finding=index,
                  key=("amounts", feature))]


def _rewrite_table(finding: Finding, table: Table, threshold: int) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    notes: list[str] = []
    rows = []
    for cell, row in zip(table.cells, ev["groups"]):
        if cell.withheld and any(k not in _KEEP and v is not None for k, v in row.items()
                                 if k not in ("note", "suppressed", "suppression")):
            row = {**blank_row({k: v for k, v in row.items() if k not in ("note", "suppressed")}, _KEEP),
                   "suppression": cell.state, "note": cell_note(cell, threshold, "amounts")}
            notes.append(f"{finding.check} {table.feature} {cell.label}: amounts")
        rows.append(row)
    if any(c.reference and c.withheld for c in table.cells):
        for row in rows:
            row.update({k: ([None, None] if k.endswith("_ci") else None) for k in _COMPARED if k in row})
        notes.append(f"{finding.check} {table.feature}: ratios and differences to the reference (withheld)")
    ev["groups"] = rows
    update: dict[str, Any] = {}
    if notes:
        update["message"] = (f"By {table.feature}, amounts are compared against the reference "
                             f"{ev.get('reference')!r}; the amounts of some groups are withheld {WHY}.")
    return rewritten(finding, ev, **update), notes


def _rewrite_gate(finding: Finding, table: Table) -> tuple[Finding, list[str]] | None:
    group = finding.evidence.get("group")
    cell = next((c for c in table.cells if c.label == str(group)), None)
    ref_withheld = any(c.reference and c.withheld for c in table.cells) and finding.check in _GATES[:2]
    if cell is None or not (cell.withheld or ref_withheld) or finding.value is None:
        return None
    ev = {k: finding.evidence[k] for k in ("feature", "group", "count", "reference", "gate")
          if k in finding.evidence}
    if "significance" in finding.evidence:  # the judged outcome, without the claim that quotes the amounts
        block = finding.evidence["significance"]
        ev["significance"] = {k: block[k] for k in ("level", "beyond_limit", "significant", "correction",
                                                    "family_size") if k in block}
    message = (f"By {table.feature}, the {finding.check.split('.')[1]} gate for {group!r}: its amounts are "
               f"withheld {WHY}; {outcome(finding)}.")
    return (rewritten(finding, ev, value=None, message=message),
            [f"{finding.check} {table.feature} {group}: value"])


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with every number of a withheld group removed (None when it is not an amounts table/gate)."""
    if finding.check != _TABLE and finding.check not in _GATES:
        return None
    table = tables.get(("amounts", str(finding.evidence.get("feature", ""))))
    if table is None:
        return None
    if finding.check == _TABLE:
        return _rewrite_table(finding, table, threshold)
    return _rewrite_gate(finding, table)
