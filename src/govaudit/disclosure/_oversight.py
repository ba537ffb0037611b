"""The oversight auditor's rate tables: override, appeal and appeal-success rates by group.

Each row holds ``cases`` (the people the event can happen to) and, for groups large enough,
``events`` and the rate. Refused cases and decided appeals are groups defined by an outcome, so in
those tables a small group's *size* is itself an outcome count: a withheld group's ``cases`` is
withheld too. Decided appeals are appeals filed, so an appeal-success group is withheld whenever
the same group's appeal numerator is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._edit import (WHY, blank_row, cell_note, copy_evidence, outcome, read_state, rewritten,
                                      withhold_ci)
from govaudit.disclosure._tables import PUBLISHED, Cell, Table

__all__ = ["LINKS", "UNIVERSE_ORDER", "read", "rewrite"]

_CHECKS = frozenset({"oversight.override_fairness", "oversight.appeal_fairness"})
#: tables whose group sizes count people by an outcome (refused; appealed and decided)
_OUTCOME_DEFINED = frozenset({"appeal_rate", "appeal_success_rate"})
_KEEP = ("group", "cases", "compared", "suppression", "note")
#: universes protected first, so that links to them are known
UNIVERSE_ORDER = (("decision_log", "override_rate"), ("decision_log", "appeal_rate"),
                  ("decision_log", "appeal_success_rate"))
#: child universe -> parent universe whose withheld numerators are the child's group sizes
LINKS = {("decision_log", "appeal_success_rate"): ("decision_log", "appeal_rate")}


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """The rate table of an override- or appeal-fairness finding."""
    ev = finding.evidence
    rows = ev.get("groups")
    if finding.check not in _CHECKS or not isinstance(rows, list) or "rate" not in ev:
        return []
    rate, feature = str(ev["rate"]), str(ev.get("feature", ""))
    sensitive = rate in _OUTCOME_DEFINED
    top = max((r.get(rate) for r in rows if r.get("compared") and isinstance(r.get(rate), float)), default=None)
    cells = []
    for row in rows:
        count = int(row.get("cases") or 0)
        state = read_state(row, "events" in row, count, threshold)
        if row.get("cases") is None and row.get("suppression"):
            state = str(row["suppression"])  # a size withheld by an earlier pass: keep its reason
        cells.append(Cell(label=str(row.get("group")), count=count, parts=(str(row.get("group")),), state=state,
                          value=int(row["events"]) if state == PUBLISHED else None, compared=bool(row.get("compared")),
                          reference=bool(row.get("compared")) and top is not None and row.get(rate) == top,
                          hides_count=sensitive, size_known=row.get("cases") is not None))
    return [Table(universe=("decision_log", rate), check=finding.check, feature=feature, measure=rate,
                  columns=(feature,), cells=cells, finding=index, counts_sensitive=sensitive,
                  key=("oversight", rate, feature))]


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with withheld groups' events, rates, ratios (and outcome-defined sizes) removed."""
    ev = finding.evidence
    if finding.check not in _CHECKS or "rate" not in ev:
        return None
    table = tables.get(("oversight", str(ev["rate"]), str(ev.get("feature", ""))))
    if table is None:
        return None
    ev = copy_evidence(finding)
    rate = table.measure
    rows = []
    for cell, row in zip(table.cells, ev["groups"]):
        if cell.withheld and ("events" in row or (table.counts_sensitive and row.get("cases") is not None)):
            row = {**blank_row({k: v for k, v in row.items() if k not in ("events", rate, f"{rate}_ci",
                                                                           "ratio_to_highest")}, _KEEP),
                   "suppression": cell.state, "note": cell_note(cell, threshold, "rate")}
            if table.counts_sensitive:
                row["cases"] = None
                row["note"] += "; the number of cases too, as it counts an outcome"
        rows.append(row)
    ev["groups"] = rows
    where = f"{finding.check} {table.feature} {rate}"
    notes = []
    if any(c.reference and c.withheld for c in table.cells):
        for row in rows:
            if "ratio_to_highest" in row:
                row["ratio_to_highest"] = None
        notes.append(f"{where}: ratios to the highest rate (highest group withheld)")
    update: dict[str, Any] = {}
    if any(c.compared and c.withheld for c in table.cells) and ev.get("gap") is not None:
        ev.update(gap=None, gap_ci=[None, None], test=None)
        update = {"value": None, "message": f"By {table.feature}, the gap in {rate.replace('_', ' ')}s between "
                                            f"groups is withheld {WHY}; {outcome(finding)}."}
        notes.append(f"{where}: gap, interval, test")
    elif table.any_withheld() and withhold_ci(ev, "gap_ci"):
        notes.append(f"{where}: gap interval (bootstrap over every group)")
    return rewritten(finding, ev, **update), notes
