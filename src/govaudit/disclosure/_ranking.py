"""The ranking auditor's published numerators: per capacity k, how many of each group are in the top k.

``ranking.group_shares`` lists, per capacity and group, its size and its (expected) count in the top
k, with the exposure and, with relevance, the relevant cases: sums over the same people, so the
attacker's equations (totals, margins of intersections) are the same for all of them, as for the
amounts auditor. Each capacity is its own universe, protected on its count in the top k. A group
withheld at any capacity loses every number of all its rows (at every capacity, which only withholds
more), its line of the share-by-depth curve, and its gate findings their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._edit import WHY, blank_row, cell_note, copy_evidence, numerator, outcome, read_state, \
    rewritten
from govaudit.disclosure._tables import PUBLISHED, Cell, Table

__all__ = ["read", "rewrite"]

_TABLE = "ranking.group_shares"
_GATES = ("ranking.top_k_share_ratio", "ranking.exposure_ratio", "ranking.precision_at_k_ratio")
_KEEP = ("group", "capacity", "k", "count", "status")


def _rows(finding: Finding) -> list[dict[str, Any]] | None:
    rows = finding.evidence.get("groups")
    if finding.check != _TABLE or not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return None
    return rows


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """One table per capacity of a group-shares finding: the counts in the top k (none for other findings)."""
    rows = _rows(finding)
    if rows is None:
        return []
    ev = finding.evidence
    feature = str(ev.get("feature", ""))
    tables = []
    for k in dict.fromkeys(int(r.get("k") or 0) for r in rows):
        cells = []
        for row in (r for r in rows if int(r.get("k") or 0) == k):
            count = int(row.get("count") or 0)
            shown = row.get("selection_rate") is not None
            state = read_state(row, shown, count, threshold)
            cells.append(Cell(label=str(row.get("group")), count=count, parts=None, state=state,
                              value=numerator(row.get("selection_rate"), count) if state == PUBLISHED else None,
                              compared=row.get("status") == "compared"))
        tables.append(Table(universe=("ranking", str(k)), check=finding.check, feature=feature, measure="in_top",
                            columns=tuple(str(c) for c in ev.get("columns") or (feature,)), cells=cells,
                            finding=index, key=("ranking", str(k), feature)))
    return tables


def _withheld(tables: Mapping[Any, Table], feature: str) -> dict[str, Cell]:
    """The groups withheld at any capacity, with the cell that withholds them."""
    out: dict[str, Cell] = {}
    for key, table in tables.items():
        if isinstance(key, tuple) and len(key) == 3 and key[0] == "ranking" and key[2] == feature:
            out.update({c.label: c for c in table.cells if c.withheld and c.label not in out})
    return out


def _rewrite_table(finding: Finding, withheld: Mapping[str, Cell], threshold: int) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    notes: list[str] = []
    rows = []
    for row in ev["groups"]:
        cell = withheld.get(str(row.get("group")))
        if cell is not None and any(k not in _KEEP and v is not None for k, v in row.items()
                                    if k not in ("note", "suppressed", "suppression")):
            row = {**blank_row({k: v for k, v in row.items() if k not in ("note", "suppressed")}, _KEEP),
                   "suppression": cell.state, "note": cell_note(cell, threshold, "shares")}
            notes.append(f"{finding.check} {ev.get('feature')} {row.get('group')} top {row.get('k')}: shares")
        rows.append(row)
    ev["groups"] = rows
    curve = ev.get("curve")
    if isinstance(curve, dict):
        for key in ("shares", "population_share"):
            if isinstance(curve.get(key), dict):
                curve[key] = {g: v for g, v in curve[key].items() if g not in withheld}
    update: dict[str, Any] = {}
    if notes:
        update["message"] = f"By {ev.get('feature')}, the shares of some groups in the queue are withheld {WHY}."
    return rewritten(finding, ev, **update), notes


def _rewrite_gate(finding: Finding, withheld: Mapping[str, Cell]) -> tuple[Finding, list[str]] | None:
    group = str(finding.evidence.get("group"))
    if group not in withheld or finding.value is None:
        return None
    ev = {k: finding.evidence[k] for k in ("feature", "group", "capacity", "k", "count", "gate")
          if k in finding.evidence}
    if "significance" in finding.evidence:  # the judged outcome, without the claim that quotes the shares
        block = finding.evidence["significance"]
        ev["significance"] = {k: block[k] for k in ("level", "beyond_limit", "significant", "correction",
                                                    "family_size") if k in block}
    feature = finding.evidence.get("feature")
    message = (f"By {feature}, the {finding.check.split('.')[1]} gate for {group!r}: its shares are withheld "
               f"{WHY}; {outcome(finding)}.")
    return rewritten(finding, ev, value=None, message=message), [f"{finding.check} {feature} {group}: value"]


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with every number of a withheld group removed (None when it is not a ranking table/gate)."""
    if finding.check != _TABLE and finding.check not in _GATES:
        return None
    withheld = _withheld(tables, str(finding.evidence.get("feature", "")))
    if finding.check == _TABLE:
        return _rewrite_table(finding, withheld, threshold) if _rows(finding) is not None else None
    return _rewrite_gate(finding, withheld)
